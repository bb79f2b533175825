/**
 * The outbox sender: ships pending usage events to Dodo through the SDK's `usageEvents.ingest`,
 * in batches of at most 1,000 (several batches in flight at once), and records each outcome in
 * the outbox (outbox.ts). A failed request is retried later per retry-policy.ts; a batch Dodo
 * refuses is split in halves until the refused event is alone (and `rejected`); events that would
 * pass Dodo's 1-hour window are `expired` before sending and reported. Nothing is dropped
 * silently: every event ends `sent` or is listed by `live outbox`.
 *
 * One sender per database (it does not lock rows). The SDK's own quick retries (`maxRetries` on
 * the client) happen inside one attempt; the outbox's retries happen across drains.
 */
import type DodoPayments from 'dodopayments';
import type { UsageEvent } from '../engine/index.ts';
import { type DueEvent, dueEvents, expireOld, markRejected, markRetry, markSent, nextDueAt } from './outbox.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, onFailure } from './retry-policy.ts';
import { type UsageSink, sdkSink } from './usage-sink.ts';
import type { Database } from './store/database.ts';
import { upkeepTables } from './store/upkeep.ts';

export const MAX_BATCH = 1000;
/** How often (wall time) a round first checks the outbox's upkeep, by default; see store/upkeep.ts. */
export const UPKEEP_EVERY_MS = 1_000;

export interface SenderOptions {
  /** The SDK client whose `usageEvents.ingest` ships events, unless `sink` is given. */
  readonly client?: DodoPayments;
  readonly sink?: UsageSink;
  readonly db: Database;
  readonly now?: () => number;
  /** Events per request, at most 1,000. */
  readonly batchSize?: number;
  /** Requests in flight at once. */
  readonly parallel?: number;
  readonly backoff?: BackoffPolicy;
  /** Wall-time ms between upkeep checks of the outbox table (PGlite; store/upkeep.ts). */
  readonly upkeepEveryMs?: number;
  /** Where the sender reports expired and rejected events and outages (one line each). */
  readonly log?: (line: string) => void;
}

export interface DrainResult {
  sent: number;
  retried: number;
  rejected: number;
  expired: number;
  requests: number;
  unauthorized: boolean;
}

function emptyResult(): DrainResult {
  return { sent: 0, retried: 0, rejected: 0, expired: 0, requests: 0, unauthorized: false };
}

export class OutboxSender {
  private readonly sink: UsageSink;
  private readonly db: Database;
  private readonly now: () => number;
  private readonly batchSize: number;
  private readonly parallel: number;
  private readonly backoff: BackoffPolicy;
  private readonly log: (line: string) => void;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly upkeepEveryMs: number;
  private upkeepCheckedAt = Number.NEGATIVE_INFINITY;
  /** Totals since the sender was made. */
  readonly totals: DrainResult = emptyResult();

  constructor(options: SenderOptions) {
    const sink = options.sink ?? (options.client ? sdkSink(options.client) : null);
    if (sink === null) throw new Error('sender: a client or a sink is required');
    this.sink = sink;
    this.db = options.db;
    this.now = options.now ?? Date.now;
    this.batchSize = Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH, sink.maxBatch);
    this.parallel = options.parallel ?? 4;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.log = options.log ?? (() => {});
    this.upkeepEveryMs = options.upkeepEveryMs ?? UPKEEP_EVERY_MS;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) throw new Error('sender: batchSize must be a whole number in 1..1000');
  }

  /**
   * One round: expires what is too old, then sends everything due now, as a pipeline: the next
   * batch is read (after the last one read, by insertion order) while up to `parallel` requests
   * are in flight. Events that fail are due later, so a round ends.
   */
  async drainOnce(): Promise<DrainResult> {
    const result = emptyResult();
    await this.upkeep();
    const now = this.now();
    const expired = await expireOld(this.db, now);
    if (expired.length > 0) {
      result.expired = expired.length;
      this.log(`outbox: ${expired.length} usage event(s) passed Dodo's 1-hour window unsent and are marked expired (see: live outbox), e.g. ${expired[0]}`);
    }
    const inFlight = new Set<Promise<void>>();
    let afterSeq = 0;
    for (;;) {
      const batch = await dueEvents(this.db, now, this.batchSize, afterSeq);
      if (batch.length === 0) break;
      afterSeq = batch[batch.length - 1]!.seq;
      const sending: Promise<void> = this.sendBatch(batch, result).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size >= this.parallel) await Promise.race(inFlight);
      if (result.unauthorized) break;
    }
    await Promise.all(inFlight);
    this.add(result);
    return result;
  }

  /** Drains until nothing is due now; resolves to the totals of these rounds. */
  async drainAll(): Promise<DrainResult> {
    const total = emptyResult();
    for (;;) {
      const round = await this.drainOnce();
      for (const key of ['sent', 'retried', 'rejected', 'expired', 'requests'] as const) total[key] += round[key];
      total.unauthorized ||= round.unauthorized;
      if (round.sent + round.rejected + round.expired === 0 || round.retried > 0 || round.unauthorized) return total;
    }
  }

  /**
   * On PGlite, keeps the outbox's planner statistics fresh and its dead rows reclaimed (what
   * autovacuum does on a server), so the due-events query walks the pending index. A failure is
   * logged and sending goes on.
   */
  private async upkeep(): Promise<void> {
    const checkedAt = performance.now();
    if (checkedAt - this.upkeepCheckedAt < this.upkeepEveryMs) return;
    this.upkeepCheckedAt = checkedAt;
    try {
      await upkeepTables(this.db, ['usage_outbox']);
    } catch (error) {
      this.log(`outbox: upkeep of the usage_outbox table failed: ${(error as Error).message}`);
    }
  }

  private add(result: DrainResult): void {
    for (const key of ['sent', 'retried', 'rejected', 'expired', 'requests'] as const) this.totals[key] += result[key];
    this.totals.unauthorized = result.unauthorized;
  }

  private async sendBatch(batch: readonly DueEvent[], result: DrainResult): Promise<void> {
    const ids = batch.map((row) => row.event_id);
    try {
      result.requests += 1;
      await this.sink.ingest(batch.map((row) => row.body as UsageEvent));
      await markSent(this.db, ids, this.now());
      result.sent += batch.length;
    } catch (error) {
      const attempts = Math.max(...batch.map((row) => row.attempts));
      const action = onFailure(error, this.backoff, attempts, ids[0]!, this.now());
      if (action.kind === 'split' && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.sendBatch(batch.slice(0, half), result);
        await this.sendBatch(batch.slice(half), result);
      } else if (action.kind === 'split') {
        await markRejected(this.db, ids, action.reason);
        result.rejected += 1;
        this.log(`outbox: Dodo refused usage event ${ids[0]}: ${action.reason} (kept as rejected; see: live outbox)`);
      } else {
        await markRetry(this.db, ids, this.now() + action.delayMs, action.reason);
        result.retried += batch.length;
        if (action.kind === 'unauthorized') {
          result.unauthorized = true;
          this.log(`outbox: Dodo refused the API key (${action.reason}); usage stays queued until it is fixed`);
        }
      }
    }
  }

  /** Starts draining in the background: whenever something is due, and on `wake()`. */
  start(idleMs = 1_000): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const round = await this.drainOnce();
          if (round.requests > 0 && round.retried === 0 && !round.unauthorized) continue;
        } catch (error) {
          this.log(`outbox: sender round failed: ${(error as Error).message}`);
        }
        const due = await nextDueAt(this.db).catch(() => null);
        const waitMs = due === null ? idleMs : Math.min(idleMs, Math.max(0, due - this.now()));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(waitMs, 5));
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
    })();
  }

  /** Something was enqueued: drain now rather than at the next timer. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }
}
