/**
 * The engine as the live adapter drives it: one EngineState in memory, and every input that
 * changed it in `engine_inputs` (kind, instant, body), written in the same transaction as the
 * rows the input produced. At start the log is replayed through the same engine calls, which
 * rebuilds the state exactly (the engine is deterministic): the live trace and the engine agree by
 * construction, and the log can be replayed elsewhere (the simulator's parity argument).
 *
 * Callers serialise changes with `exclusive` so the log's order is the order inputs were applied.
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
} from '../engine/index.ts';
import type { Database, Sql } from './store/database.ts';

export type EngineInput =
  | { readonly kind: 'subscribe' | 'change_plan'; readonly customerId: string; readonly planId: string; readonly interval: Interval }
  | { readonly kind: 'cancel'; readonly customerId: string }
  | { readonly kind: 'topup'; readonly customerId: string; readonly purchaseId: string; readonly hours: number }
  | { readonly kind: 'submit'; readonly customerId: string; readonly jobId: string; readonly jobType: string; readonly mode: Mode }
  | { readonly kind: 'dispatch'; readonly customerId: string; readonly jobId: string; readonly mode: Mode }
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
    case 'complete':
      return complete(catalog, accountOf(state, input.customerId), { jobId: input.jobId, mode: input.mode }, input.gpuMs, at);
    case 'fail':
      fail(catalog, accountOf(state, input.customerId), { jobId: input.jobId, mode: input.mode }, at);
      return null;
  }
}

export class EngineLog {
  state: EngineState;
  private tail: Promise<unknown> = Promise.resolve();

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
   * Applies `input` at `at` and, in one transaction, logs it and writes what `persist` writes from
   * its result. If the transaction fails the state is rebuilt from the log (the input is undone)
   * and the error is thrown. Call inside `exclusive`.
   */
  async apply<R extends InputResult, T>(input: EngineInput, at: number, persist: (sql: Sql, result: R) => Promise<T>): Promise<{ result: R; persisted: T }> {
    const result = applyInput(this.state, input, at) as R;
    try {
      const persisted = await this.db.transaction(async (sql) => {
        await sql.query('insert into engine_inputs (at, kind, body) values ($1, $2, $3)', [at, input.kind, JSON.stringify(input)]);
        return persist(sql, result);
      });
      return { result, persisted };
    } catch (error) {
      await this.replay();
      throw error;
    }
  }
}
