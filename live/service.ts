/**
 * The live service: customers, checkouts, jobs and usage over the engine, the executor, the
 * outbox and Dodo. The HTTP API (http-api.ts) is a thin layer over it.
 *
 * A job request is routed by the engine (`submit`) and, in one transaction, logged and stored;
 * a granted job goes to the executor now or waits in the customer's queue; a blocked one is
 * answered with the reason and the way out. When a job finishes, its completion is charged by the
 * engine and, in one transaction, logged, stored as a ledger entry and (Fast/Turbo) put in the
 * usage outbox, which the sender ships to Dodo. A failed or timed-out job takes the engine's
 * failure path and is not billed. Then the customer's held jobs start as the engine allows.
 *
 * API keys: `gbl_` + 32 random bytes; only their SHA-256 is stored.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type DodoPayments from 'dodopayments';
import {
  type Completion,
  type Interval,
  type Mode,
  type RouteDecision,
  NEVER,
  accountOf,
  canDispatch,
  formatIsoMs,
  previewInvoice,
} from '../engine/index.ts';
import { TOPUP_KEY, planProductKey } from './catalog-products.ts';
import { EngineLog } from './engine-log.ts';
import { type ExecutorConfig, checkParams } from './executor-config.ts';
import { Executor, type JobOutcome, type ReadyJob } from './executor.ts';
import type { IdMap } from './id-map.ts';
import { type OutboxSummary, enqueueUsage, outboxSummary } from './outbox.ts';
import { type Reconciliation, reconcile, reconcileWindow } from './reconcile.ts';
import type { OutboxSender } from './sender.ts';
import type { Database, Sql } from './store/database.ts';
import { WebhookHandler, subscriptionView } from './webhook-handler.ts';
import type { Catalog } from '../engine/index.ts';

/** A request the service refuses: an HTTP status and a message for the caller. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface ServiceOptions {
  readonly catalog: Catalog;
  readonly db: Database;
  readonly dodo: DodoPayments;
  readonly ids: IdMap;
  readonly dataDir: string;
  readonly executor: ExecutorConfig;
  readonly sender: OutboxSender;
  readonly webhookKey: string;
  readonly adminToken: string | null;
  readonly returnUrl?: string;
  /** nvidia-smi's path when a GPU is present (gpu-accounting.ts), else null: wall time is billed. */
  readonly nvidiaSmi?: string | null;
  readonly now?: () => number;
}

export interface JobView {
  readonly job_id: string;
  readonly customer_id: string;
  readonly job_type: string;
  readonly status: string;
  readonly requested_mode: string;
  readonly mode: string;
  readonly reason: string;
  readonly submitted_at: string;
  readonly wait_ms: number | null;
  readonly gpu_seconds: number | null;
  readonly charged_seconds: number | null;
  readonly usage_event_id: string | null;
  /** The file the job wrote, on the server's disk; `output_url` serves it. */
  readonly output: string | null;
  readonly output_url: string | null;
  readonly error: string | null;
}

const MODES: readonly Mode[] = ['fast', 'turbo', 'relax'];
/** A job's statuses, in the order it passes them (queued: waiting for its turn; ready: next to run). */
export const JOB_STATUSES: readonly string[] = ['queued', 'ready', 'running', 'succeeded', 'failed'];

/** A `jobs` row as the API shows it. */
function jobView(row: Record<string, unknown>): JobView {
  const submitted = row.submitted_at as number;
  const started = row.started_at as number | null;
  const jobId = row.job_id as string;
  return {
    job_id: jobId,
    customer_id: row.customer_id as string,
    job_type: row.job_type as string,
    status: row.status as string,
    requested_mode: row.requested_mode as string,
    mode: row.mode as string,
    reason: row.reason as string,
    submitted_at: formatIsoMs(submitted),
    wait_ms: started === null ? null : started - submitted,
    gpu_seconds: row.gpu_ms === null ? null : (row.gpu_ms as number) / 1000,
    charged_seconds: row.charged_ms === null ? null : (row.charged_ms as number) / 1000,
    usage_event_id: row.usage_event_id as string | null,
    output: row.output as string | null,
    output_url: row.status === 'succeeded' && row.output !== null ? `/v1/jobs/${jobId}/output` : null,
    error: row.error as string | null,
  };
}
const DECISION_SAMPLES = 100_000;
/** The error of a cancelled job. */
export const CANCELLED = 'cancelled';

function hashKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export class LiveService {
  readonly engine: EngineLog;
  readonly executor: Executor;
  readonly webhooks: WebhookHandler;
  private readonly held = new Map<string, ReadyJob[]>();
  private readonly params = new Map<string, Readonly<Record<string, unknown>>>();
  private seq = 0;
  private readonly now: () => number;
  /** SHA-256 of an API key -> its customer (keys are never revoked while the server runs). */
  private readonly keyCache = new Map<string, string>();
  private readonly decisions = new Float64Array(DECISION_SAMPLES);
  private decisionCount = 0;

  constructor(private readonly options: ServiceOptions) {
    this.now = options.now ?? Date.now;
    this.engine = new EngineLog(options.catalog, options.db);
    this.executor = new Executor(options.executor, options.dataDir, { started: (job, at) => this.started(job, at), finished: (job, outcome) => this.finished(job, outcome) }, this.now, options.nvidiaSmi ?? null);
    this.webhooks = new WebhookHandler(options.webhookKey, this.engine, options.ids, (customerId, at) => subscriptionView(this.engine.state, customerId, at), this.now);
  }

  private get db(): Database {
    return this.options.db;
  }

  /** Rebuilds the engine from its log, fails jobs that were running, requeues the others, starts the sender. */
  async start(): Promise<void> {
    await this.engine.replay();
    const open = await this.db.query<{ job_id: string; customer_id: string; job_type: string; mode: Mode; priority: number; status: string; params: Record<string, unknown> }>(
      `select job_id, customer_id, job_type, mode, priority, status, params from jobs where status in ('ready', 'queued', 'running') order by submitted_at, job_id`,
    );
    for (const row of open) {
      const job: ReadyJob = { jobId: row.job_id, customerId: row.customer_id, jobType: row.job_type, mode: row.mode, priority: row.priority, seq: (this.seq += 1), params: row.params };
      this.params.set(job.jobId, row.params);
      if (row.status === 'running') await this.finished(job, { ok: false, gpuMs: 0, startedAt: this.now(), finishedAt: this.now(), output: null, error: 'interrupted: the server stopped while it ran' });
      else if (row.status === 'ready') this.executor.add(job);
      else this.holdJob(job);
    }
    this.options.sender.start();
  }

  async stop(): Promise<void> {
    await this.executor.stop();
    await this.options.sender.stop();
  }

  /** The customer an API key acts for, `admin` for LIVE_ADMIN_TOKEN, or null. */
  async authenticate(token: string): Promise<{ customerId: string } | 'admin' | null> {
    const admin = this.options.adminToken;
    if (admin !== null && admin !== '') {
      const given = Buffer.from(token);
      const wanted = Buffer.from(admin);
      if (given.length === wanted.length && timingSafeEqual(given, wanted)) return 'admin';
    }
    const hash = hashKey(token);
    const cached = this.keyCache.get(hash);
    if (cached !== undefined) return { customerId: cached };
    const [row] = await this.db.query<{ customer_id: string }>('select customer_id from customers where api_key_hash = $1', [hash]);
    if (row === undefined) return null;
    this.keyCache.set(hash, row.customer_id);
    return { customerId: row.customer_id };
  }

  async customerExists(customerId: string): Promise<boolean> {
    return (await this.db.query('select 1 from customers where customer_id = $1', [customerId])).length > 0;
  }

  async createCustomer(email: string, name: string): Promise<{ customer_id: string; api_key: string }> {
    const customer = await this.options.dodo.customers.create({ email, name });
    const apiKey = `gbl_${randomBytes(32).toString('base64url')}`;
    await this.db.query('insert into customers (customer_id, email, name, api_key_hash, created_at) values ($1, $2, $3, $4, $5)', [customer.customer_id, email, name, hashKey(apiKey), this.now()]);
    return { customer_id: customer.customer_id, api_key: apiKey };
  }

  async checkout(customerId: string, request: { plan: string; interval: Interval } | { topupHours: number }): Promise<{ session_id: string; checkout_url: string | null; product_id: string }> {
    const key = 'plan' in request ? planProductKey(request.plan, request.interval) : TOPUP_KEY;
    const productId = this.options.ids.products[key];
    if (productId === undefined) throw new RequestError(400, 'plan' in request ? `no product for plan ${request.plan} ${request.interval} (see the catalog, then run live provision)` : 'no top-up product (run live provision)');
    const session = await this.options.dodo.checkoutSessions.create({
      product_cart: [{ product_id: productId, quantity: 'plan' in request ? 1 : request.topupHours }],
      customer: { customer_id: customerId },
      metadata: { gbl_customer_id: customerId, gbl_product: key },
      ...(this.options.returnUrl ? { return_url: this.options.returnUrl } : {}),
    });
    return { session_id: session.session_id, checkout_url: session.checkout_url ?? null, product_id: productId };
  }



  /** The usage outbox now: counts by status and the stuck events (what `live outbox` lists). */
  outbox(limit: number): Promise<OutboxSummary> {
    return outboxSummary(this.db, this.now(), limit);
  }

  /** The outbox against Dodo's meter over [from, to) given as ISO texts or null for the defaults (what `live reconcile` prints). */
  async reconcile(fromText: string | null, toText: string | null, limit: number): Promise<Reconciliation> {
    const now = this.now();
    const window = reconcileWindow(fromText, toText, now);
    if (typeof window === 'string') throw new RequestError(400, window);
    return reconcile(this.db, this.options.dodo, this.options.ids.meter_id, window.from, window.to, now, limit);
  }

  async submitJob(customerId: string, jobType: string, mode: string, params: Readonly<Record<string, unknown>>): Promise<{ jobId: string | null; decision: RouteDecision }> {
    if (!this.options.catalog.jobTypes.has(jobType)) throw new RequestError(400, `job_type must be one of ${[...this.options.catalog.jobTypes.keys()].join(', ')}`);
    if (!MODES.includes(mode as Mode)) throw new RequestError(400, 'mode must be fast, turbo or relax');
    const paramsProblem = checkParams(this.options.executor.job_types[jobType]!, params);
    if (paramsProblem !== null) throw new RequestError(400, paramsProblem);
    const jobId = `job_${randomUUID().replace(/-/g, '')}`;
    const at = this.now();
    const clock = performance.now();
    const { decided: decision, committed } = this.engine.apply<RouteDecision, void>({ kind: 'submit', customerId, jobId, jobType, mode: mode as Mode }, at, (_sql, routed, batch) => {
      if (routed.mode === 'blocked') return;
      batch.jobs.push({ jobId, customerId, jobType, requestedMode: mode, mode: routed.mode, reason: routed.reason, priority: routed.priority, status: routed.start === 'now' ? 'ready' : 'queued', submittedAt: at, params });
    });
    this.recordDecision(performance.now() - clock);
    if (decision.mode === 'blocked') {
      committed.catch(() => {}); // nothing waits on a block: its answer needs nothing durable
      return { jobId: null, decision };
    }
    const job: ReadyJob = { jobId, customerId, jobType, mode: decision.mode, priority: decision.priority, seq: (this.seq += 1), params };
    this.params.set(jobId, params);
    if (decision.start === 'queued') this.holdJob(job); // held at once, so a completion can start it in order
    await committed; // answered once the job row and its input are durable
    if (decision.start === 'now') this.executor.add(job);
    return { jobId, decision };
  }

  /** Routing decisions' durations (ms), the last DECISION_SAMPLES of them, for the benchmark. */
  decisionTimesMs(): Float64Array {
    return this.decisions.slice(0, Math.min(this.decisionCount, DECISION_SAMPLES));
  }

  private recordDecision(ms: number): void {
    this.decisions[this.decisionCount % DECISION_SAMPLES] = ms;
    this.decisionCount += 1;
  }

  private holdJob(job: ReadyJob): void {
    const list = this.held.get(job.customerId) ?? [];
    list.push(job);
    this.held.set(job.customerId, list);
  }

  private async started(job: ReadyJob, at: number): Promise<void> {
    await this.db.query(`update jobs set status = 'running', started_at = $2 where job_id = $1`, [job.jobId, at]);
  }

  private async finished(job: ReadyJob, outcome: JobOutcome): Promise<void> {
    await this.engine.exclusive(async () => {
      const at = Math.max(this.now(), outcome.finishedAt);
      if (outcome.ok) {
        await this.engine.apply<Completion, void>({ kind: 'complete', customerId: job.customerId, jobId: job.jobId, mode: job.mode, gpuMs: outcome.gpuMs }, at, async (sql, completion) => {
          const usage = completion.usage;
          await sql.query(
            `update jobs set status = 'succeeded', finished_at = $2, gpu_ms = $3, charged_ms = $4, usage_event_id = $5, output = $6 where job_id = $1`,
            [job.jobId, at, outcome.gpuMs, completion.chargedMs, usage?.event_id ?? null, outcome.output],
          );
          await sql.query('insert into ledger_entries (job_id, customer_id, mode, gpu_ms, charged_ms, at) values ($1, $2, $3, $4, $5, $6)', [job.jobId, job.customerId, job.mode, outcome.gpuMs, completion.chargedMs, at]);
          if (usage !== null) await enqueueUsage(sql, [{ jobId: job.jobId, at, event: usage }], at);
        }).committed;
        this.options.sender.wake();
      } else {
        await this.engine.apply({ kind: 'fail', customerId: job.customerId, jobId: job.jobId, mode: job.mode }, at, async (sql) => {
          await sql.query(`update jobs set status = 'failed', finished_at = $2, gpu_ms = $3, error = $4 where job_id = $1`, [job.jobId, at, outcome.gpuMs, outcome.error]);
        }).committed;
      }
      this.params.delete(job.jobId);
      await this.dispatchHeld(job.customerId, at);
    });
  }

  /** Starts the customer's held jobs, oldest first, while the engine's concurrency allows. Inside `exclusive`. */
  private async dispatchHeld(customerId: string, at: number): Promise<void> {
    const list = this.held.get(customerId);
    const account = accountOf(this.engine.state, customerId);
    while (list !== undefined && list.length > 0) {
      const index = list.findIndex((job) => canDispatch(account, job.mode));
      if (index === -1) return;
      const [job] = list.splice(index, 1);
      await this.engine.apply({ kind: 'dispatch', customerId, jobId: job!.jobId, mode: job!.mode }, at, async (sql) => {
        await sql.query(`update jobs set status = 'ready' where job_id = $1`, [job!.jobId]);
      }).committed;
      this.executor.add({ ...job!, params: this.params.get(job!.jobId) ?? {} });
    }
  }

  async job(customerId: string | null, jobId: string): Promise<JobView | null> {
    const [row] = await this.db.query<Record<string, unknown>>('select * from jobs where job_id = $1', [jobId]);
    if (row === undefined || (customerId !== null && row.customer_id !== customerId)) return null;
    return jobView(row);
  }

  /**
   * A customer's jobs, newest first: at most `limit`, only `status` when given, only those
   * submitted before the job `before` (the previous page's `next_before`).
   */
  async jobs(customerId: string, query: { limit: number; status: string | null; before: string | null }): Promise<{ jobs: JobView[]; next_before: string | null }> {
    if (query.status !== null && !JOB_STATUSES.includes(query.status)) throw new RequestError(400, `status must be one of ${JOB_STATUSES.join(', ')}`);
    let cursor: { submitted_at: number; job_id: string } | null = null;
    if (query.before !== null) {
      [cursor = null] = await this.db.query<{ submitted_at: number; job_id: string }>('select submitted_at, job_id from jobs where job_id = $1 and customer_id = $2', [query.before, customerId]);
      if (cursor === null) throw new RequestError(400, 'before must name one of this customer\'s jobs');
    }
    const rows = await this.db.query<Record<string, unknown>>(
      `select * from jobs where customer_id = $1 and ($2::text is null or status = $2)
         and ($3::bigint is null or (submitted_at, job_id) < ($3::bigint, $4::text))
       order by submitted_at desc, job_id desc limit $5`,
      [customerId, query.status, cursor?.submitted_at ?? null, cursor?.job_id ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit).map(jobView);
    return { jobs: page, next_before: rows.length > query.limit ? page[page.length - 1]!.job_id : null };
  }

  /**
   * Cancels a job that has not finished, with the engine's failure path (nothing billed): a job
   * held in the customer's queue leaves it (`withdraw`), one waiting for a GPU leaves the executor
   * (`fail`), a running one is killed (`fail` when its process ends). Resolves to the job's view
   * once it is settled; a finished job is 409.
   */
  async cancelJob(customerId: string | null, jobId: string): Promise<JobView> {
    const view = await this.job(customerId, jobId);
    if (view === null) throw new RequestError(404, 'no such job');
    const owner = view.customer_id;
    // A promise returned from the section would be adopted by it, and the killed job's `finished`
    // waits for this section to end: the promise travels in an object.
    const killed = await this.engine.exclusive(async (): Promise<{ done: Promise<void> } | null> => {
      const at = this.now();
      const held = this.held.get(owner) ?? [];
      const index = held.findIndex((job) => job.jobId === jobId);
      if (index !== -1) {
        const [job] = held.splice(index, 1);
        await this.engine.apply({ kind: 'withdraw', customerId: owner, jobId, mode: job!.mode }, at, (sql) => this.markCancelled(sql, jobId, at)).committed;
        this.params.delete(jobId);
        return null;
      }
      const taken = this.executor.cancel(jobId, CANCELLED);
      if (taken === null) throw new RequestError(409, `the job is ${(await this.job(null, jobId))!.status}: only a job that has not finished can be cancelled`);
      if (taken.kind === 'killed') return { done: taken.done }; // its `finished` records the failure, after this section
      await this.engine.apply({ kind: 'fail', customerId: owner, jobId, mode: taken.job.mode }, at, (sql) => this.markCancelled(sql, jobId, at)).committed;
      this.params.delete(jobId);
      await this.dispatchHeld(owner, at);
      return null;
    });
    if (killed !== null) await killed.done;
    const settled = (await this.job(null, jobId))!;
    // A process that ended well just as it was killed: its work is done, and billed.
    if (settled.status === 'succeeded') throw new RequestError(409, 'the job finished before it could be cancelled');
    return settled;
  }

  private async markCancelled(sql: Sql, jobId: string, at: number): Promise<void> {
    await sql.query(`update jobs set status = 'failed', finished_at = $2, error = $3 where job_id = $1`, [jobId, at, CANCELLED]);
  }

  /** The file a succeeded job wrote, for `GET /v1/jobs/:id/output`; a RequestError says why there is none. */
  async jobOutput(customerId: string | null, jobId: string): Promise<string> {
    const job = await this.job(customerId, jobId);
    if (job === null) throw new RequestError(404, 'no such job');
    if (job.status !== 'succeeded') throw new RequestError(409, `the job is ${job.status}: only a succeeded job has an output`);
    if (job.output === null || !existsSync(job.output)) throw new RequestError(410, 'the job\'s output file is not there (its command wrote none, or it was removed)');
    return job.output;
  }

  /** This cycle's usage: plan, balance, Fast/Relax seconds, lots and the open invoice lines. */
  usage(customerId: string): Record<string, unknown> {
    const at = this.now();
    const account = this.engine.state.accounts.get(customerId);
    if (account === undefined || account.plan === null) return { customer_id: customerId, plan: null, interval: null, balance_seconds: 0, fast_seconds: 0, relax_seconds: 0, lots: [], open_invoice_lines: [] };
    const preview = previewInvoice(this.options.catalog, account, at);
    return {
      customer_id: customerId,
      plan: account.plan.id,
      interval: account.interval,
      cycle_start: formatIsoMs(account.cycleStartAt),
      cycle_end: formatIsoMs(account.cycleEndAt),
      balance_seconds: account.balanceMs / 1000,
      fast_seconds: account.fastMs / 1000,
      turbo_seconds: account.turboMs / 1000,
      relax_seconds: account.relaxMs / 1000,
      jobs: { fast: account.fastJobs, turbo: account.turboJobs, relax: account.relaxJobs, blocked: account.blockedJobs, failed: account.failedJobs },
      lots: account.lots.map((lot) => ({ id: lot.id, kind: lot.kind, granted_seconds: lot.grantedMs / 1000, remaining_seconds: lot.remainingMs / 1000, expires_at: lot.expiresAt === NEVER ? null : formatIsoMs(lot.expiresAt) })),
      open_invoice_lines: (preview?.lines ?? account.openLines).map((line) => ({ kind: line.kind, quantity: line.quantity, unit: line.unit, amount_cents: line.amountCents, detail: line.detail })),
    };
  }
}
