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
import { type Account, type AccountStore, type UsageSource, H, NO_PLAN, hotBase, setUsage } from './account.ts';
import type { EngineState } from './engine.ts';
import type { UsageEvent } from './meter.ts';
import { advance, burnByHandle } from './ledger.ts';

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

function usageSource(catalog: Catalog, store: AccountStore): UsageSource {
  const source = store.usageSource;
  if (source !== null && source.catalog === catalog) return source;
  const made: UsageSource = { catalog, store };
  store.usageSource = made;
  return made;
}

/** 2^30: the completion instant is kept as two small integers, so a usage event allocates no number box. */
const AT_SPLIT = 1_073_741_824;

/**
 * A Fast/Turbo completion, which is also its usage event (`usage` is the object itself): one
 * allocation per metered job. It keeps the numbers and builds the strings (`event_id`,
 * `timestamp`, `metadata`) only when read, so a driver that aggregates in memory (the simulator)
 * pays nothing for them; `toJSON` gives the exact wire object.
 */
class MeteredUsage implements UsageEvent, Completion {
  readonly chargedMs: number;
  private readonly source: UsageSource;
  private readonly handle: number;
  private readonly jobId: string;
  private readonly mode: Mode;
  /** The completion instant, ms: atHigh * AT_SPLIT + atLow (both small integers). */
  private readonly atHigh: number;
  private readonly atLow: number;

  constructor(source: UsageSource, handle: number, jobId: string, mode: Mode, chargedMs: number, at: number) {
    this.source = source;
    this.handle = handle;
    this.jobId = jobId;
    this.mode = mode;
    this.chargedMs = chargedMs;
    const high = Math.floor(at / AT_SPLIT);
    this.atHigh = high;
    this.atLow = at - high * AT_SPLIT;
  }

  get event_name(): string {
    return this.source.catalog.meterEventName;
  }

  get usage(): UsageEvent {
    return this;
  }

  get customer_id(): string {
    return this.source.store.accounts[this.handle]!.customerId;
  }

  get event_id(): string {
    return usageEventId(this.jobId);
  }

  get timestamp(): string {
    return formatIsoMs(this.atHigh * AT_SPLIT + this.atLow);
  }

  get metadata(): Readonly<Record<string, string | number>> {
    return { [this.source.catalog.meterKey]: this.chargedMs / MS_PER_SECOND, mode: this.mode };
  }

  toJSON(): UsageEvent {
    return usageEventOf(this.source.catalog, this.customer_id, this.jobId, this.mode, this.chargedMs, this.atHigh * AT_SPLIT + this.atLow);
  }
}

/**
 * The usage event of a job charged `chargedMs` of Fast time in `mode`, completed at `at`, as Dodo
 * ingests it: what `complete` sends, and what a driver records for usage metered before it took an
 * account over (`carryInUsage` describes none).
 */
export function usageEventOf(catalog: Catalog, customerId: string, jobId: string, mode: Mode, chargedMs: number, at: number): UsageEvent {
  return {
    event_id: usageEventId(jobId),
    customer_id: customerId,
    event_name: catalog.meterEventName,
    timestamp: formatIsoMs(at),
    metadata: { [catalog.meterKey]: chargedMs / MS_PER_SECOND, mode },
  };
}

/** The deterministic usage event id of a job. */
export function usageEventId(jobId: string): string {
  return `${jobId}:gpu`;
}

function validGpuMs(gpuMs: number): void {
  if (!Number.isSafeInteger(gpuMs) || gpuMs < 0) throw new Error(`usage: GPU time ${gpuMs} ms is not a whole number >= 0`);
}

/** Catches the account up to `at` and frees the job's slot. */
function release(catalog: Catalog, store: AccountStore, handle: number, mode: Mode, at: number): void {
  const base = hotBase(handle);
  if (at >= store.hot[base + H.nextDueAt]!) advance(catalog, store.accounts[handle]!, at);
  const hot = store.hot;
  const field = mode === 'relax' ? H.inFlightRelax : H.inFlightFast;
  if (hot[base + field]! <= 0) throw new Error(`usage: no ${mode === 'relax' ? 'relax' : 'fast'} job in flight for ${store.accounts[handle]!.customerId}`);
  hot[base + field] = hot[base + field]! - 1;
}

/**
 * A completion charged on the account's hot record (the cold record only when the head lot runs
 * out): the Fast time charged, ms (turbo at its multiplier; 0 for Relax).
 */
function chargeRecord(catalog: Catalog, store: AccountStore, handle: number, mode: Mode, gpuMs: number, at: number): number {
  validGpuMs(gpuMs);
  release(catalog, store, handle, mode, at);
  const hot = store.hot;
  const base = hotBase(handle);
  if (mode === 'relax') {
    hot[base + H.relaxMs] = hot[base + H.relaxMs]! + gpuMs;
    hot[base + H.relaxJobs] = hot[base + H.relaxJobs]! + 1;
    return 0;
  }
  const chargedMs = mode === 'turbo' ? gpuMs * catalog.turboMultiplier : gpuMs;
  burnByHandle(store, handle, chargedMs, at);
  hot[base + H.fastMs] = hot[base + H.fastMs]! + chargedMs;
  if (mode === 'turbo') {
    hot[base + H.turboMs] = hot[base + H.turboMs]! + chargedMs;
    hot[base + H.turboJobs] = hot[base + H.turboJobs]! + 1;
  } else {
    hot[base + H.fastJobs] = hot[base + H.fastJobs]! + 1;
  }
  return chargedMs;
}

function completeRecord(catalog: Catalog, store: AccountStore, handle: number, job: CompletedJob, gpuMs: number, at: number): Completion {
  const chargedMs = chargeRecord(catalog, store, handle, job.mode, gpuMs, at);
  return job.mode === 'relax' ? RELAX_COMPLETION : new MeteredUsage(usageSource(catalog, store), handle, job.jobId, job.mode, chargedMs, at);
}

/** A dispatched job finished at `at` after `gpuMs` of GPU time (integer ms >= 0). */
export function complete(catalog: Catalog, account: Account, job: CompletedJob, gpuMs: number, at: number): Completion {
  return completeRecord(catalog, account.store, account.handle, job, gpuMs, at);
}

/** `complete` for the account with this handle (see `submitByHandle`). */
export function completeByHandle(state: EngineState, handle: number, job: CompletedJob, gpuMs: number, at: number): Completion {
  return completeRecord(state.catalog, state.store, handle, job, gpuMs, at);
}

/** A dispatched job failed at `at`: its slot is freed and nothing is charged. */
export function fail(catalog: Catalog, account: Account, job: CompletedJob, at: number): void {
  release(catalog, account.store, account.handle, job.mode, at);
  setUsage(account, 'failedJobs', account.usage.failedJobs + 1);
}

/**
 * `completeByHandle` for a driver that sends no usage events (re-rating an export, whose events
 * were sent already): the ledger is charged the same, no event is made. Returns the Fast time
 * charged, ms (0 for Relax).
 */
export function chargeCompletionByHandle(state: EngineState, handle: number, mode: Mode, gpuMs: number, at: number): number {
  return chargeRecord(state.catalog, state.store, handle, mode, gpuMs, at);
}

/**
 * Usage a meter counted, charged without routing: what Dodo bills for an export, whatever the
 * application would have decided (`engine rate --as-metered`). The account is caught up to `at`;
 * `chargedMs` (as the usage event says: Turbo already at its multiplier) burns the ledger and
 * counts as one Fast job. Returns false, charging nothing, when the account has no active
 * subscription at `at`: no product's meter counts that usage.
 */
export function chargeMeteredByHandle(state: EngineState, handle: number, chargedMs: number, at: number): boolean {
  validGpuMs(chargedMs);
  const store = state.store;
  const base = hotBase(handle);
  if (at >= store.hot[base + H.nextDueAt]!) advance(state.catalog, store.accounts[handle]!, at);
  const hot = store.hot;
  if (hot[base + H.planRank] === NO_PLAN) return false;
  burnByHandle(store, handle, chargedMs, at);
  hot[base + H.fastMs] = hot[base + H.fastMs]! + chargedMs;
  hot[base + H.fastJobs] = hot[base + H.fastJobs]! + 1;
  return true;
}
