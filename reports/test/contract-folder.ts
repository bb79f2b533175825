/**
 * Test run folders, made in a fresh temporary folder each (removed after the file's tests):
 * - `tinyRunCopy()`: reports/test/tiny-run (a real simulator run of reports/test/tiny.yaml);
 * - `contractRunCopy()`: the same plus the two outputs the simulator does not write yet, from
 *   hand-made fixtures in reports/test/contract/: waits.csv, and summary.json's
 *   `blocked_by_reason` per replication and tier, with their estimates (mean and 95% t
 *   half-width across the two replications, as the simulator states every estimate).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { meanInterval } from '../interval.ts';
import { BLOCKED_REASONS } from '../summary-file.ts';

export const TINY_RUN = join(import.meta.dirname, 'tiny-run');
const CONTRACT = join(import.meta.dirname, 'contract');

// Every copy of a test file's process lives under one folder, removed after the file's tests
// (the root suite's afterAll, registered by importing this module) or at exit at the latest.
let root: string | null = null;
function removeRoot(): void {
  if (root !== null) rmSync(root, { recursive: true, force: true });
  root = null;
}
afterAll(removeRoot);
process.on('exit', removeRoot);

/** A copy of tiny-run in a new temporary folder, removed after the test file's tests. */
export function tinyRunCopy(): string {
  root ??= mkdtempSync(join(tmpdir(), 'gbl-reports-test-'));
  const folder = mkdtempSync(join(root, 'tiny-'));
  cpSync(TINY_RUN, folder, { recursive: true });
  return folder;
}

type Counts = Record<string, Record<string, number>>;

export function contractRunCopy(): string {
  const folder = tinyRunCopy();
  cpSync(join(CONTRACT, 'waits.csv'), join(folder, 'waits.csv'));
  const blocked = JSON.parse(readFileSync(join(CONTRACT, 'blocked-by-reason.json'), 'utf8')) as { per_replication: Counts[] };
  const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8')) as {
    estimates: { tiers: { plan: string; blocked_by_reason?: unknown }[] };
    per_replication: { tiers: { plan: string; blocked_by_reason?: unknown }[] }[];
  };
  summary.per_replication.forEach((replication, index) => {
    for (const tier of replication.tiers) tier.blocked_by_reason = blocked.per_replication[index]![tier.plan];
  });
  for (const tier of summary.estimates.tiers) {
    tier.blocked_by_reason = Object.fromEntries(
      BLOCKED_REASONS.map((reason) => [reason, meanInterval(blocked.per_replication.map((counts) => counts[tier.plan]![reason]!))]),
    );
  }
  writeFileSync(join(folder, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return folder;
}
