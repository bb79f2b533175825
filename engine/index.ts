/**
 * The engine's public surface: pure, deterministic metering, routing and rating for GPU-time
 * plans. No I/O, clock, randomness, async or logging: time, ids and events are inputs; decisions,
 * usage events and invoice lines are outputs. The simulator and the live adapter both drive it.
 *
 * Drivers (sim/, cli/, live/, bench/) use what this list names and nothing else from engine/;
 * the rest is the engine's own (test/imports.test.ts holds drivers to it).
 */

// Catalog: plans, job types and products, as written (CatalogSpec) and compiled (Catalog).
export type {
  Catalog,
  CatalogSpec,
  CreditBasis,
  Interval,
  JobTypeDef,
  LotKind,
  Mode,
  OveragePolicy,
  PlanDef,
  MeterSpec,
  PlanSpec,
  ProrationMode,
} from './catalog.ts';
export { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, compileCatalog, engineUsageSample, feeCents, relaxAllowed } from './catalog.ts';

// Money: integer cents, exact rational prices, one named rounding step per line.
export type { Rational, RoundingRule } from './money.ts';
export { ROUNDING_RULES, formatCents, isDecimalText, parseDecimal } from './money.ts';

// Calendar: UTC instants as integer ms; cycles anchored on the start, month-end clamped.
export { addMonthsClamped, daysFromCivil, daysInMonth, formatIsoMs, parseIsoMs } from './calendar.ts';

// The engine: its state, time (`tick`), snapshots, and plan changes and grants by customer id.
export type { EngineSnapshot, EngineState, TickResult } from './engine.ts';
export {
  accountOf,
  awardBonus,
  buyTopup,
  cancelCustomer,
  changeCustomerPlan,
  createEngine,
  drainClosed,
  jobTypeOf,
  nextTickAt,
  planOf,
  restoreEngine,
  snapshotEngine,
  subscribeCustomer,
  tick,
} from './engine.ts';
export type { PlanChangeResult } from './subscription.ts';
export type { GrantRefusal, GrantResult, TopupPurchase } from './grants.ts';

// Accounts and invoices, read by drivers (usage counters are read-only to them); usage from before
// the driver took an account over is charged with `carryInUsage`.
export type { Account, AccountData, CycleUsage, Invoice, InvoiceLine, InvoiceLineKind, Lot } from './account.ts';
export { NEVER, accountInvariantErrors } from './account.ts';
export { carryInUsage } from './ledger.ts';
export { previewInvoice } from './invoice.ts';
export { invoiceJson, invoiceJsonText, secondsText } from './invoice-json.ts';

// Jobs, the plain path: route and admit, dispatch from the customer's queue, complete or fail.
export type { BlockReason, JobRequest, RouteDecision, RouteReason, Unblock } from './router.ts';
export { BLOCK_REASONS, canDispatch, dispatchHeld, submit, withdrawHeld } from './router.ts';
export type { CompletedJob, Completion } from './usage.ts';
export { complete, fail, usageEventOf } from './usage.ts';
export type { UsageEvent } from './meter.ts';

// Jobs by account handle: the hot path beside the plain one, for drivers holding millions of
// accounts (see by-handle.ts). Same decisions and changes as the plain calls.
export {
  chargeCompletionByHandle,
  chargeMeteredByHandle,
  completeByHandle,
  dispatchHeldByHandle,
  handleOf,
  submitByHandle,
  warmAccounts,
} from './by-handle.ts';

// Dodo meters: aggregation, filters and the usage-based price, as Dodo computes them.
export type {
  FilterCondition,
  FilterOperator,
  MeterAggregationType,
  MeterDef,
  MeterFilter,
  MeterTotal,
  MetadataValue,
  RatedUsage,
  RecordOutcome,
} from './meter.ts';
export { FILTER_OPERATORS, MeterLedger, filterHolds, filterKeys, matchesMeter, meterDefErrors, rateUsage } from './meter.ts';
