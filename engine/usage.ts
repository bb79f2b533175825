/**
 * Job completion: charging the ledger and describing the usage events a driver must send.
 *
 * A Fast job is charged its GPU time, a Turbo job its GPU time times the catalog's multiplier;
 * both burn the balance and produce exactly one Dodo usage event: `event_name` from the catalog
 * (`gpu.fast_seconds`), metadata `{<meter key>: charged seconds, mode}`, `event_id` `<job id>:gpu`
 * (deterministic, so a resend is de-duplicated by Dodo). Relax completions record Relax usage and
 * emit nothing billable; failed jobs are never charged. The usage event is stamped with the
 * completion instant, and the usage counts in the cycle that instant falls in.
 */
import { type Catalog, type Mode, MS_PER_SECOND } from './catalog.ts';
import { formatIsoMs } from './calendar.ts';
import type { Account } from './account.ts';
import type { UsageEvent } from './meter.ts';
import { advance, burn } from './ledger.ts';

export interface CompletedJob {
  /** The driver's job id; unique per job. */
  readonly jobId: string;
  /** The mode the job ran in (from its route decision). */
  readonly mode: Mode;
}

export interface Completion {
  /** Fast time charged to the ledger (turbo at its multiplier), ms; 0 for Relax. */
  readonly chargedMs: number;
  /** The usage event to send, or null when nothing is billable. */
  readonly usage: UsageEvent | null;
}

const RELAX_COMPLETION: Completion = Object.freeze({ chargedMs: 0, usage: null });

/** The deterministic usage event id of a job. */
export function usageEventId(jobId: string): string {
  return `${jobId}:gpu`;
}

function releaseSlot(account: Account, mode: Mode): void {
  if (mode === 'relax') {
    if (account.inFlightRelax <= 0) throw new Error(`usage: no relax job in flight for ${account.customerId}`);
    account.inFlightRelax -= 1;
  } else {
    if (account.inFlightFast <= 0) throw new Error(`usage: no fast job in flight for ${account.customerId}`);
    account.inFlightFast -= 1;
  }
}

/** A dispatched job finished at `at` after `gpuMs` of GPU time (integer ms >= 0). */
export function complete(catalog: Catalog, account: Account, job: CompletedJob, gpuMs: number, at: number): Completion {
  if (!Number.isSafeInteger(gpuMs) || gpuMs < 0) throw new Error(`usage: GPU time ${gpuMs} ms is not a whole number >= 0`);
  if (at >= account.nextDueAt) advance(catalog, account, at);
  releaseSlot(account, job.mode);
  const usage = account.usage;
  if (job.mode === 'relax') {
    usage.relaxMs += gpuMs;
    usage.relaxJobs += 1;
    return RELAX_COMPLETION;
  }
  const chargedMs = job.mode === 'turbo' ? gpuMs * catalog.turboMultiplier : gpuMs;
  burn(account, chargedMs, at);
  usage.fastMs += chargedMs;
  if (job.mode === 'turbo') {
    usage.turboMs += chargedMs;
    usage.turboJobs += 1;
  } else {
    usage.fastJobs += 1;
  }
  const metadata: Record<string, string | number> = { [catalog.meterKey]: chargedMs / MS_PER_SECOND, mode: job.mode };
  return {
    chargedMs,
    usage: {
      event_id: usageEventId(job.jobId),
      customer_id: account.customerId,
      event_name: catalog.meterEventName,
      timestamp: formatIsoMs(at),
      metadata,
    },
  };
}

/** A dispatched job failed at `at`: its slot is freed and nothing is charged. */
export function fail(catalog: Catalog, account: Account, job: CompletedJob, at: number): void {
  if (at >= account.nextDueAt) advance(catalog, account, at);
  releaseSlot(account, job.mode);
  account.usage.failedJobs += 1;
}
