/**
 * A small scenario touching every section, for the scenario schema's tests and the simulator's
 * compiler tests: tests replace one line at a time (`edited`) and write the result to a
 * temporary folder (`ScenarioFolder`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const MIDJOURNEY = resolve('scenarios/catalogs/midjourney.yaml');

/** The scenario; tests replace one line at a time (lines stay put). */
export const SMALL = `name: small
start: 2026-01-31T12:00:00+02:00
horizon: { months: 1 }
seed: 7
catalog:
  path: ${MIDJOURNEY}
  overrides:
    plans:
      basic:
        overage: { policy: relax }
        concurrency: { fast: 3, relax: 1 }
    topup: { price_cents_per_hour: 500 }
segments:
  - name: daily
    subscribers: 100
    plan_mix: { basic: 0.25, standard: 0.75 }
    annual_share: 0.5
    arrivals:
      kind: daily
      active_days_per_week: 3.5
      jobs_per_active_day: { kind: poisson, mean: 6 }
      hour_profile: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
      timezones:
        - { utc_offset_hours: -5, share: 0.4 }
        - { utc_offset_hours: 5.5, share: 0.6 }
    job_mix: { image_grid: 0.5, upscale: 0.3, video_sd: 0.2 }
    gpu_seconds:
      image_grid: { kind: lognormal, mean: 60, sd: 30 }
      upscale: { kind: empirical, values: [20, 40], weights: [3, 1] }
      video_sd: { kind: gamma, mean: 480, shape: 4 }
    turbo_share: 0.1
  - name: stream
    subscribers: 10
    plan_mix: { pro: 1 }
    annual_share: 0
    arrivals: { kind: poisson, jobs_per_hour: 120 }
    job_mix: { image_grid: 1 }
    gpu_seconds:
      image_grid: { kind: exponential, mean: 30 }
    relax_by_choice: 0.4
fleet:
  gpus:
    - { from: 2026-02-10, gpus: 12 }
    - { from: 2026-01-31T10:00:00Z, gpus: 8 }
  cost_per_gpu_hour_cents: 250
behaviour:
  churn: { monthly: 0.02 }
demand_events:
  - { label: launch, from: 2026-02-02T00:00:00Z, to: 2026-02-03T00:00:00Z, arrival_multiplier: 3 }
  - { label: outage, from: 2026-02-05T06:00:00Z, to: 2026-02-05T08:00:00Z, gpus_lost: 4 }
warmup_hours: 1.5
`;

/** A temporary folder of scenario files. */
export class ScenarioFolder {
  readonly directory: string;
  private written = 0;

  constructor(prefix: string) {
    this.directory = mkdtempSync(join(tmpdir(), prefix));
  }

  /** Writes `text` to a new file in the folder; returns its path. */
  write(text: string): string {
    this.written += 1;
    const file = join(this.directory, `scenario-${this.written}.yaml`);
    writeFileSync(file, text);
    return file;
  }

  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** SMALL with each `find` replaced (each must occur exactly once). */
export function edited(...replacements: readonly [string, string][]): string {
  let text = SMALL;
  for (const [find, replace] of replacements) {
    if (text.split(find).length !== 2) throw new Error(`fixture text not found once: ${find}`);
    text = text.replace(find, replace);
  }
  return text;
}

/** The line (1-based) of `text` where `needle` first occurs. */
export function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((candidate) => candidate.includes(needle)) + 1;
  if (line === 0) throw new Error(`not in the text: ${needle}`);
  return line;
}
