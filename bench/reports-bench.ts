/**
 * What the charts and report.html add to a run: `writeRunReport` on the output folder of
 * `sim scenarios/peak.yaml`, timed in a fresh process (as the simulator will call it after its
 * run: vega, vega-lite and resvg not yet loaded), once on the folder as the simulator writes it
 * today and once with the two outputs it will add (waits.csv and summary.json's
 * blocked_by_reason, synthesized here with the contract's shape), so all seven charts are drawn.
 * Target: under 3 s for peak.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BLOCKED_REASONS, writeRunReport } from '../reports/index.ts';
import type { BenchFigure } from './engine-bench.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PEAK = 'scenarios/peak.yaml';

function runNode(args: readonly string[]): string {
  const child = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed (status ${child.status}):\n${child.stderr}`);
  return child.stdout;
}

/** Adds a full waits.csv grid and blocked_by_reason (made-up values, the real shapes). */
export function addFutureOutputs(runDir: string): void {
  const summaryFile = join(runDir, 'summary.json');
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
    replications: number;
    estimates: { tiers: { plan: string; blocked_by_reason?: unknown; blocked_requests: { mean: number } }[] };
    per_replication: { tiers: { plan: string; blocked_by_reason?: unknown; blocked_requests: number }[] }[];
  };
  const lines = ['replication,plan,hour_of_day,mode,jobs,wait_p50_s,wait_p95_s'];
  for (let replication = 0; replication < summary.replications; replication += 1) {
    summary.estimates.tiers.forEach((tier, index) => {
      for (let hour = 0; hour < 24; hour += 1) {
        lines.push(`${replication},${tier.plan},${hour},fast,${1000 + hour},${(0.1 * (hour + 1)).toFixed(3)},${(0.5 * (hour + 1)).toFixed(3)}`);
        lines.push(index === 0 ? `${replication},${tier.plan},${hour},relax,0,,` : `${replication},${tier.plan},${hour},relax,${300 + hour},${(20 * hour).toFixed(3)},${(90 * hour).toFixed(3)}`);
      }
    });
  }
  writeFileSync(join(runDir, 'waits.csv'), `${lines.join('\n')}\n`);
  const split = (total: number) => Object.fromEntries(BLOCKED_REASONS.map((reason, index) => [reason, Math.floor(total / (index + 2))]));
  for (const replication of summary.per_replication) for (const tier of replication.tiers) tier.blocked_by_reason = split(tier.blocked_requests);
  for (const tier of summary.estimates.tiers) {
    tier.blocked_by_reason = Object.fromEntries(Object.entries(split(tier.blocked_requests.mean)).map(([reason, count]) => [reason, { mean: count, ci95: null }]));
  }
  writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
}

interface ReportTiming {
  /** Wall-clock seconds of writeRunReport, and CPU seconds of all the process's threads. */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly files: number;
}

function timeReport(runDir: string): ReportTiming {
  return JSON.parse(runNode(['bench/reports-bench.ts', '--child', runDir])) as ReportTiming;
}

export function benchReportsPeak(): BenchFigure[] {
  const outDir = mkdtempSync(join(tmpdir(), 'gbl-reports-peak-'));
  try {
    runNode(['sim.ts', PEAK, '--out', outDir, '--format', 'json']);
    const today = timeReport(outDir);
    addFutureOutputs(outDir);
    const full = timeReport(outDir);
    return [
      {
        name: 'report of peak (5 charts)',
        value: today.seconds,
        unit: 's',
        detail: `writeRunReport in a fresh process, ${today.cpuSeconds} CPU s over its threads, ${today.files} files (spec, SVG, PNG per chart, report.html); target < 3 s`,
      },
      {
        name: 'report of peak (7 charts)',
        value: full.seconds,
        unit: 's',
        detail: `with waits.csv and blocked_by_reason added, ${full.cpuSeconds} CPU s, ${full.files} files; target < 3 s`,
      },
    ];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === '--child') {
  const runDir = process.argv[3]!;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const { files } = await writeRunReport(runDir);
  const seconds = Math.round((performance.now() - start) / 10) / 100;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = Math.round((cpu.user + cpu.system) / 10_000) / 100;
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, files: files.length })}\n`);
}
