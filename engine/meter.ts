/**
 * Meters with Dodo Payments semantics: usage events, filters, aggregation per customer and billing
 * period, and rating of a usage-based price.
 *
 * Shapes follow Dodo's API (snake_case, as the SDK sends them):
 * - an event is `{event_id, customer_id, event_name, timestamp, metadata}`;
 * - a meter names an `event_name`, an aggregation `{type: count | sum | max | last, key}` and an
 *   optional filter `{conjunction: and | or, clauses}` whose clauses are either conditions
 *   `{key, operator, value}` or nested filters, at most 3 levels deep;
 * - a repeated `event_id` is ignored: the first event with an id is the only one ever considered.
 *
 * Conventions where Dodo leaves the detail open (documented in docs/GLOSSARY.md):
 * - `equals` / `not_equals` compare type and value strictly (`"1"` is not `1`);
 * - ordering operators hold only between two numbers; `contains` only between two strings;
 * - a condition on a missing key is false, except `not_equals` and `does_not_contain` (true);
 * - quantities are fixed-point micro-units (six decimals, nearest micro-unit), so sums are exact
 *   integers; `last` picks the latest timestamp, ties broken by the larger event_id.
 */
import { type Rational, type RoundingRule, MICRO, amountForMicroUnits } from './money.ts';
import { parseIsoMs } from './calendar.ts';

export type MeterAggregationType = 'count' | 'sum' | 'max' | 'last';

export const FILTER_OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_than_or_equals',
  'less_than',
  'less_than_or_equals',
  'contains',
  'does_not_contain',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type MetadataValue = string | number | boolean;

export interface FilterCondition {
  readonly key: string;
  readonly operator: FilterOperator;
  readonly value: MetadataValue;
}

export interface MeterFilter {
  readonly conjunction: 'and' | 'or';
  readonly clauses: readonly FilterCondition[] | readonly MeterFilter[];
}

export interface MeterDef {
  readonly name: string;
  readonly event_name: string;
  readonly measurement_unit: string;
  readonly aggregation: { readonly type: MeterAggregationType; readonly key?: string | null };
  readonly filter?: MeterFilter | null;
}

export interface UsageEvent {
  readonly event_id: string;
  readonly customer_id: string;
  readonly event_name: string;
  /** ISO-8601 with a zone, e.g. `2026-01-05T10:00:00.000Z`. */
  readonly timestamp: string;
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** Dodo's server-side nesting limit for meter filters. */
export const MAX_FILTER_DEPTH = 3;

function isFilter(clause: FilterCondition | MeterFilter): clause is MeterFilter {
  return 'conjunction' in clause;
}

function filterErrors(filter: MeterFilter, path: string, depth: number, errors: string[]): void {
  if (depth > MAX_FILTER_DEPTH) {
    errors.push(`${path}: filters nest at most ${MAX_FILTER_DEPTH} levels`);
    return;
  }
  if (filter.conjunction !== 'and' && filter.conjunction !== 'or') errors.push(`${path}.conjunction: must be and | or`);
  if (filter.clauses.length === 0) errors.push(`${path}.clauses: empty`);
  const kinds = new Set(filter.clauses.map((clause) => (isFilter(clause) ? 'filter' : 'condition')));
  if (kinds.size > 1) errors.push(`${path}.clauses: mixes conditions and nested filters`);
  filter.clauses.forEach((clause, index) => {
    const at = `${path}.clauses[${index}]`;
    if (isFilter(clause)) {
      filterErrors(clause, at, depth + 1, errors);
      return;
    }
    if (clause.key === '') errors.push(`${at}.key: empty`);
    if (!(FILTER_OPERATORS as readonly string[]).includes(clause.operator)) errors.push(`${at}.operator: unknown "${clause.operator}"`);
    const ordering = clause.operator !== 'equals' && clause.operator !== 'not_equals';
    const containment = clause.operator === 'contains' || clause.operator === 'does_not_contain';
    if (containment && typeof clause.value !== 'string') errors.push(`${at}.value: ${clause.operator} needs a string`);
    else if (ordering && !containment && typeof clause.value !== 'number') errors.push(`${at}.value: ${clause.operator} needs a number`);
  });
}

/** Everything wrong with a meter definition, as `path: message` strings (empty when valid). */
export function meterDefErrors(meter: MeterDef): string[] {
  const errors: string[] = [];
  if (meter.name === '') errors.push('name: empty');
  if (meter.event_name === '') errors.push('event_name: empty');
  if (meter.measurement_unit === '') errors.push('measurement_unit: empty');
  const { type, key } = meter.aggregation;
  if (!['count', 'sum', 'max', 'last'].includes(type)) errors.push(`aggregation.type: unknown "${type}"`);
  if (type !== 'count' && (key === undefined || key === null || key === '')) errors.push(`aggregation.key: required for ${type}`);
  if (meter.filter) filterErrors(meter.filter, 'filter', 1, errors);
  return errors;
}

function conditionHolds(condition: FilterCondition, metadata: Readonly<Record<string, MetadataValue>> | undefined): boolean {
  const actual = metadata === undefined || !Object.hasOwn(metadata, condition.key) ? undefined : metadata[condition.key];
  const expected = condition.value;
  switch (condition.operator) {
    case 'equals':
      return actual === expected;
    case 'not_equals':
      return actual !== expected;
    case 'contains':
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'does_not_contain':
      return !(typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected));
  }
  if (typeof actual !== 'number' || typeof expected !== 'number') return false;
  switch (condition.operator) {
    case 'greater_than':
      return actual > expected;
    case 'greater_than_or_equals':
      return actual >= expected;
    case 'less_than':
      return actual < expected;
    case 'less_than_or_equals':
      return actual <= expected;
  }
}

/**
 * Whether `filter` holds for an event's metadata (a missing filter holds for every event). Every
 * path that turns events into billable quantity decides with this one function.
 */
export function filterHolds(filter: MeterFilter, metadata: Readonly<Record<string, MetadataValue>> | undefined): boolean {
  const clauses = filter.clauses as readonly (FilterCondition | MeterFilter)[];
  const holds = (clause: FilterCondition | MeterFilter): boolean =>
    isFilter(clause) ? filterHolds(clause, metadata) : conditionHolds(clause, metadata);
  return filter.conjunction === 'and' ? clauses.every(holds) : clauses.some(holds);
}

/** The metadata keys a filter reads, each once, in first-use order. */
export function filterKeys(filter: MeterFilter | null | undefined): string[] {
  const keys = new Set<string>();
  const visit = (clause: FilterCondition | MeterFilter): void => {
    if (isFilter(clause)) (clause.clauses as readonly (FilterCondition | MeterFilter)[]).forEach(visit);
    else keys.add(clause.key);
  };
  if (filter) visit(filter);
  return [...keys];
}

/** True when the meter counts `event`: same event_name and the filter (if any) holds. */
export function matchesMeter(meter: MeterDef, event: UsageEvent): boolean {
  if (event.event_name !== meter.event_name) return false;
  return meter.filter ? filterHolds(meter.filter, event.metadata) : true;
}

/**
 * The event's quantity for a `sum` / `max` / `last` meter, in micro-units (nearest micro-unit), or
 * null when the key is missing, not a number, negative or too large to sum exactly.
 */
export function eventQuantityMicro(meter: MeterDef, event: UsageEvent): number | null {
  const key = meter.aggregation.key;
  if (key === undefined || key === null) return null;
  const value = event.metadata?.[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  const micro = Math.round(value * MICRO);
  return Number.isSafeInteger(micro) ? micro : null;
}

/** The aggregate of one customer's events in one billing period. */
export interface MeterTotal {
  readonly customerId: string;
  readonly periodKey: string;
  /** Events counted. */
  count: number;
  /** Aggregated quantity in micro-units (for `count`: count x MICRO). */
  quantityMicro: number;
  /** For `last`: the deciding event's timestamp (ms) and id. */
  lastAt: number;
  lastEventId: string;
}

export type RecordOutcome = 'counted' | 'duplicate' | 'not_matched' | 'no_quantity';

/**
 * Aggregates usage events per customer and billing period for one meter. The caller names the
 * period (`periodKey`, e.g. the period start) because periods belong to subscriptions, not meters.
 */
export class MeterLedger {
  readonly meter: MeterDef;
  private readonly seen = new Set<string>();
  private readonly totals = new Map<string, MeterTotal>();

  constructor(meter: MeterDef) {
    const errors = meterDefErrors(meter);
    if (errors.length > 0) throw new Error(`meter ${meter.name}: ${errors.join('; ')}`);
    this.meter = meter;
  }

  /** Records `event` into the period `periodKey` of its customer. */
  record(event: UsageEvent, periodKey: string): RecordOutcome {
    // Dodo de-duplicates at ingestion, before any meter looks at the event: an id seen once is
    // ignored from then on, whether or not its first event counted.
    if (this.seen.has(event.event_id)) return 'duplicate';
    this.seen.add(event.event_id);
    if (!matchesMeter(this.meter, event)) return 'not_matched';
    const type = this.meter.aggregation.type;
    const quantity = type === 'count' ? MICRO : eventQuantityMicro(this.meter, event);
    if (quantity === null) return 'no_quantity';
    const at = parseIsoMs(event.timestamp);
    if (at === null) return 'no_quantity';
    const id = `${event.customer_id}\u0000${periodKey}`;
    let total = this.totals.get(id);
    if (total === undefined) {
      total = { customerId: event.customer_id, periodKey, count: 0, quantityMicro: 0, lastAt: Number.NEGATIVE_INFINITY, lastEventId: '' };
      this.totals.set(id, total);
    }
    total.count += 1;
    if (type === 'count' || type === 'sum') {
      total.quantityMicro += quantity;
      if (!Number.isSafeInteger(total.quantityMicro)) {
        throw new Error(`meter ${this.meter.name}: total for ${event.customer_id} in ${periodKey} exceeds exact integer micro-units`);
      }
    } else if (type === 'max') {
      total.quantityMicro = total.count === 1 ? quantity : Math.max(total.quantityMicro, quantity);
    } else if (at > total.lastAt || (at === total.lastAt && event.event_id > total.lastEventId)) {
      total.quantityMicro = quantity;
    }
    if (at > total.lastAt || (at === total.lastAt && event.event_id > total.lastEventId)) {
      total.lastAt = at;
      total.lastEventId = event.event_id;
    }
    return 'counted';
  }

  /** The aggregate for a customer and period (zero when nothing was counted). */
  quantityMicro(customerId: string, periodKey: string): number {
    return this.totals.get(`${customerId}\u0000${periodKey}`)?.quantityMicro ?? 0;
  }

  /** All aggregates, ordered by customer id then period key. */
  totalsList(): MeterTotal[] {
    return [...this.totals.values()].sort(
      (a, b) => compareText(a.customerId, b.customerId) || compareText(a.periodKey, b.periodKey),
    );
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface RatedUsage {
  /** Quantity beyond the free threshold, micro-units. */
  readonly billableMicro: number;
  /** `billable x price_per_unit`, rounded once by the named rule. */
  readonly amountCents: number;
}

/**
 * Dodo's usage-based price: `max(0, quantity - free_threshold) x price_per_unit` cents, rounded
 * once by `rule`. `freeThresholdUnits` is a whole number of meter units (Dodo's `free_threshold`).
 */
export function rateUsage(quantityMicro: number, freeThresholdUnits: number, price: Rational, rule: RoundingRule): RatedUsage {
  if (!Number.isSafeInteger(quantityMicro) || quantityMicro < 0) throw new Error(`rateUsage: quantity ${quantityMicro} is not whole micro-units >= 0`);
  if (!Number.isSafeInteger(freeThresholdUnits) || freeThresholdUnits < 0) throw new Error(`rateUsage: free threshold ${freeThresholdUnits} is not a whole number >= 0`);
  const billableMicro = Math.max(0, quantityMicro - freeThresholdUnits * MICRO);
  return { billableMicro, amountCents: billableMicro === 0 ? 0 : amountForMicroUnits(billableMicro, price, rule) };
}
