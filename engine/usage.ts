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

/**
 * A Fast/Turbo completion, which is also its usage event (`usage` is the object itself): one
 * allocation per metered job. It keeps the numbers and builds the strings (`event_id`,
 * `timestamp`, `metadata`) only when read, so a driver that aggregates in memory (the simulator)
 * pays nothing for them; `toJSON` gives the exact wire object.
 */
class MeteredUsage implements UsageEvent, Completion {
  readonly customer_id: string;
  readonly event_name: string;
  readonly chargedMs: number;
  private readonly jobId: string;
  private readonly at: number;
  private readonly meterKey: string;
  private readonly mode: Mode;

  constructor(catalog: Catalog, customerId: string, jobId: string, mode: Mode, chargedMs: number, at: number) {
    this.customer_id = customerId;
    this.event_name = catalog.meterEventName;
    this.jobId = jobId;
    this.at = at;
    this.chargedMs = chargedMs;
    this.meterKey = catalog.meterKey;
    this.mode = mode;
  }

  get usage(): UsageEvent {
    return this;
  }

  get event_id(): string {
    return usageEventId(this.jobId);
  }

  get timestamp(): string {
    return formatIsoMs(this.at);
  }

  get metadata(): Readonly<Record<string, string | number>> {
    return { [this.meterKey]: this.chargedMs / MS_PER_SECOND, mode: this.mode };
  }

  toJSON(): UsageEvent {
    return { event_id: this.event_id, customer_id: this.customer_id, event_name: this.event_name, timestamp: this.timestamp, metadata: this.metadata };
  }
}

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
  return new MeteredUsage(catalog, account.customerId, job.jobId, job.mode, chargedMs, at);
}

/** A dispatched job failed at `at`: its slot is freed and nothing is charged. */
export function fail(catalog: Catalog, account: Account, job: CompletedJob, at: number): void {
  if (at >= account.nextDueAt) advance(catalog, account, at);
  releaseSlot(account, job.mode);
  account.usage.failedJobs += 1;
}
