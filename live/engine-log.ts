/**
 * The engine as the live adapter drives it: one EngineState in memory, and every input that
 * changed it in `engine_inputs` (kind, instant, body), written in the same transaction as the
 * rows the input produced. At start the log is replayed through the same engine calls, which
 * rebuilds the state exactly (the engine is deterministic): the live trace and the engine agree by
 * construction, and the log can be replayed elsewhere (the simulator's parity argument).
 *
 * Inputs are applied synchronously, so the log's order is the order they were applied; a group
 * commit writes them (see `apply`). `exclusive` serialises multi-step changes (a completion and
 * the held jobs it lets start, a webhook checked against the inbox then applied).
 */
import {
  type Catalog,
  type Completion,
  type EngineState,
  type GrantResult,
  type Interval,
  type Mode,
  type PlanChangeResult,
  type RouteDecision,
  accountOf,
  buyTopup,
  cancelCustomer,
  changeCustomerPlan,
  complete,
  createEngine,
  dispatchHeld,
  fail,
  jobTypeOf,
  submit,
  subscribeCustomer,
  withdrawHeld,
} from '../engine/index.ts';
import type { Database, Sql } from './store/database.ts';

export type EngineInput =
  | { readonly kind: 'subscribe' | 'change_plan'; readonly customerId: string; readonly planId: string; readonly interval: Interval }
  | { readonly kind: 'cancel'; readonly customerId: string }
  | { readonly kind: 'topup'; readonly customerId: string; readonly purchaseId: string; readonly hours: number }
  | { readonly kind: 'submit'; readonly customerId: string; readonly jobId: string; readonly jobType: string; readonly mode: Mode }
  | { readonly kind: 'dispatch' | 'withdraw'; readonly customerId: string; readonly jobId: string; readonly mode: Mode }
  | { readonly kind: 'complete'; readonly customerId: string; readonly jobId: string; readonly mode: Mode; readonly gpuMs: number }
  | { readonly kind: 'fail'; readonly customerId: string; readonly jobId: string; readonly mode: Mode };

export type InputResult = PlanChangeResult | GrantResult | RouteDecision | Completion | null;

/** Applies one input to the engine at `at` (pure engine calls; no I/O). */
export function applyInput(state: EngineState, input: EngineInput, at: number): InputResult {
  const catalog = state.catalog;
  switch (input.kind) {
    case 'subscribe':
      return subscribeCustomer(state, input.customerId, input.planId, input.interval, at);
    case 'change_plan':
      return changeCustomerPlan(state, input.customerId, input.planId, input.interval, at);
    case 'cancel':
      return cancelCustomer(state, input.customerId, at);
    case 'topup':
      return buyTopup(state, input.customerId, { purchaseId: input.purchaseId, hours: input.hours }, at);
    case 'submit':
      return submit(catalog, accountOf(state, input.customerId), { jobType: jobTypeOf(catalog, input.jobType), mode: input.mode }, at);
    case 'dispatch':
      dispatchHeld(accountOf(state, input.customerId), input.mode);
      return null;
    case 'withdraw':
      withdrawHeld(accountOf(state, input.customerId));
      return null;
    case 'complete':
      return complete(catalog, accountOf(state, input.customerId), { jobId: input.jobId, mode: input.mode }, input.gpuMs, at);
    case 'fail':
      fail(catalog, accountOf(state, input.customerId), { jobId: input.jobId, mode: input.mode }, at);
      return null;
  }
}

interface PendingInput {
  readonly input: EngineInput;
  readonly at: number;
  /** Writes the input's rows in the commit's transaction; returns how to settle its caller. */
  readonly write: (sql: Sql, batch: CommitBatch) => Promise<() => void>;
  readonly reject: (error: unknown) => void;
}

export class EngineLog {
  state: EngineState;
  private tail: Promise<unknown> = Promise.resolve();
  private pending: PendingInput[] = [];
  private committing: Promise<void> | null = null;

  constructor(
    readonly catalog: Catalog,
    private readonly db: Database,
  ) {
    this.state = createEngine(catalog);
  }

  get database(): Database {
    return this.db;
  }

  /** Rebuilds the state from the log; returns the number of inputs replayed. */
  async replay(): Promise<number> {
    this.state = createEngine(this.catalog);
    const rows = await this.db.query<{ at: number; body: EngineInput }>('select at, body from engine_inputs order by seq');
    for (const row of rows) applyInput(this.state, row.body, row.at);
    return rows.length;
  }

  /** Runs `work` after every earlier exclusive work finished (one change at a time). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => {});
    return run;
  }

  /**
   * Applies `input` at `at` now (the result is final at once: `decided`) and logs it, with what
   * `persist` writes from its result, in the next group commit: inputs applied while a commit
   * runs are written together in the following one (one transaction, one insert of their log
   * rows), so throughput does not hang on one transaction per input. `committed` resolves once
   * the rows are durable. If a commit fails, every input not yet written is refused, the state is
   * rebuilt from the log, and `committed` rejects.
   */
  apply<R extends InputResult, T>(input: EngineInput, at: number, persist: (sql: Sql, result: R, batch: CommitBatch) => Promise<T> | T): { decided: R; committed: Promise<{ result: R; persisted: T }> } {
    const result = applyInput(this.state, input, at) as R;
    const committed = new Promise<{ result: R; persisted: T }>((resolve, reject) => {
      this.pending.push({
        input,
        at,
        write: async (sql, batch) => {
          const persisted = await persist(sql, result, batch);
          return () => resolve({ result, persisted });
        },
        reject,
      });
    });
    this.scheduleCommit();
    return { decided: result, committed };
  }

  private scheduleCommit(): void {
    if (this.committing !== null) return;
    this.committing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.commitPending());
  }

  private async commitPending(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    const batch: CommitBatch = { jobs: [] };
    try {
      const done = await this.db.transaction(async (sql) => {
        await sql.query(
          `insert into engine_inputs (at, kind, body)
           select input.at, input.kind, input.body::jsonb from unnest($1::bigint[], $2::text[], $3::text[]) with ordinality as input(at, kind, body, position) order by input.position`,
          [items.map((item) => item.at), items.map((item) => item.input.kind), items.map((item) => JSON.stringify(item.input))],
        );
        const settle: (() => void)[] = [];
        for (const item of items) settle.push(await item.write(sql, batch));
        if (batch.jobs.length > 0) await insertJobs(sql, batch.jobs);
        return settle;
      });
      for (const resolve of done) resolve();
    } catch (error) {
      const refused = [...items, ...this.pending];
      this.pending = [];
      await this.replay().catch(() => {});
      for (const item of refused) item.reject(error);
    } finally {
      this.committing = null;
      if (this.pending.length > 0) this.scheduleCommit();
    }
  }
}

/** A job row written by the group commit (one insert for all the jobs of a commit). */
export interface JobRow {
  readonly jobId: string;
  readonly customerId: string;
  readonly jobType: string;
  readonly requestedMode: string;
  readonly mode: string;
  readonly reason: string;
  readonly priority: number;
  readonly status: string;
  readonly submittedAt: number;
  /** The request's params (the job command's placeholders), kept so a restart can run the job. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Rows a commit writes in bulk after the inputs' own writes. */
export interface CommitBatch {
  readonly jobs: JobRow[];
}

async function insertJobs(sql: Sql, jobs: readonly JobRow[]): Promise<void> {
  await sql.query(
    `insert into jobs (job_id, customer_id, job_type, requested_mode, mode, reason, priority, status, submitted_at, params)
     select j, c, t, r, m, w, p, s, a, params::jsonb
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::bigint[], $10::text[]) as row(j, c, t, r, m, w, p, s, a, params)`,
    [
      jobs.map((job) => job.jobId), jobs.map((job) => job.customerId), jobs.map((job) => job.jobType), jobs.map((job) => job.requestedMode),
      jobs.map((job) => job.mode), jobs.map((job) => job.reason), jobs.map((job) => job.priority), jobs.map((job) => job.status), jobs.map((job) => job.submittedAt),
      jobs.map((job) => JSON.stringify(job.params)),
    ],
  );
}
