/**
 * Meter evaluation as the test server does it: filters over event metadata and the four
 * aggregations. Written apart from the engine's meter (engine/meter.ts) on purpose, so that
 * comparing usage at the server with the live adapter's ledger compares two implementations.
 * Conventions follow the engine's documented ones: `equals` is strict, ordering operators need
 * numbers, `contains` needs strings, a missing key fails every operator but the negative ones.
 * Sums are kept in integer micro-units so they are exact.
 */

export type Metadata = Readonly<Record<string, string | number | boolean>>;

export interface Condition {
  readonly key: string;
  readonly operator: string;
  readonly value: string | number | boolean;
}

export interface Filter {
  readonly conjunction: 'and' | 'or';
  readonly clauses: readonly (Condition | Filter)[];
}

export interface MeterShape {
  readonly event_name: string;
  readonly aggregation: { readonly type: 'count' | 'sum' | 'max' | 'last'; readonly key?: string | null };
  readonly filter?: Filter | null;
}

export interface StoredEvent {
  readonly event_id: string;
  readonly customer_id: string;
  readonly event_name: string;
  readonly timestamp: string;
  readonly metadata: Metadata;
  /** Arrival order at the server. */
  readonly seq: number;
}

const OPERATORS = new Set([
  'equals', 'not_equals', 'greater_than', 'greater_than_or_equals', 'less_than', 'less_than_or_equals', 'contains', 'does_not_contain',
]);

function isCondition(clause: Condition | Filter): clause is Condition {
  return 'operator' in clause;
}

/** Problems with a filter: unknown operators, bad conjunctions, nesting deeper than 3 levels. */
export function filterProblems(filter: Filter, depth = 1): string[] {
  if (depth > 3) return ['filter nesting is deeper than 3 levels'];
  const problems: string[] = [];
  if (filter.conjunction !== 'and' && filter.conjunction !== 'or') problems.push(`unknown conjunction ${String(filter.conjunction)}`);
  if (!Array.isArray(filter.clauses)) return [...problems, 'clauses must be an array'];
  for (const clause of filter.clauses) {
    if (isCondition(clause)) {
      if (!OPERATORS.has(clause.operator)) problems.push(`unknown operator ${String(clause.operator)}`);
    } else problems.push(...filterProblems(clause, depth + 1));
  }
  return problems;
}

function conditionHolds(condition: Condition, metadata: Metadata): boolean {
  const present = Object.prototype.hasOwnProperty.call(metadata, condition.key);
  const actual = metadata[condition.key];
  const expected = condition.value;
  switch (condition.operator) {
    case 'equals':
      return present && actual === expected;
    case 'not_equals':
      return !present || actual !== expected;
    case 'contains':
      return present && typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'does_not_contain':
      return !present || typeof actual !== 'string' || typeof expected !== 'string' || !actual.includes(expected);
    default: {
      if (!present || typeof actual !== 'number' || typeof expected !== 'number') return false;
      if (condition.operator === 'greater_than') return actual > expected;
      if (condition.operator === 'greater_than_or_equals') return actual >= expected;
      if (condition.operator === 'less_than') return actual < expected;
      return actual <= expected;
    }
  }
}

export function filterMatches(filter: Filter, metadata: Metadata): boolean {
  const holds = (clause: Condition | Filter): boolean => (isCondition(clause) ? conditionHolds(clause, metadata) : filterMatches(clause, metadata));
  return filter.conjunction === 'and' ? filter.clauses.every(holds) : filter.clauses.some(holds);
}

export function meterCounts(meter: MeterShape, event: StoredEvent): boolean {
  return event.event_name === meter.event_name && (meter.filter ? filterMatches(meter.filter, event.metadata) : true);
}

/**
 * The meter's quantity over `events` (already narrowed to one customer and period), in
 * micro-units for sum/max/last and whole units x 1e6 for count.
 */
export function aggregateMicro(meter: MeterShape, events: readonly StoredEvent[]): number {
  const counted = events.filter((event) => meterCounts(meter, event));
  if (meter.aggregation.type === 'count') return counted.length * 1_000_000;
  const key = meter.aggregation.key ?? '';
  const values = counted
    .map((event) => ({ event, value: event.metadata[key] }))
    .filter((entry): entry is { event: StoredEvent; value: number } => typeof entry.value === 'number' && Number.isFinite(entry.value));
  if (values.length === 0) return 0;
  const micro = (value: number): number => Math.round(value * 1_000_000);
  switch (meter.aggregation.type) {
    case 'sum':
      return values.reduce((total, entry) => total + micro(entry.value), 0);
    case 'max':
      return Math.max(...values.map((entry) => micro(entry.value)));
    case 'last': {
      const latest = [...values].sort((a, b) => a.event.timestamp.localeCompare(b.event.timestamp) || a.event.seq - b.event.seq);
      return micro(latest[latest.length - 1]!.value);
    }
  }
}

/** Micro-units as the decimal text Dodo's usage history shows (`"1234.5"`). */
export function microText(micro: number): string {
  const whole = Math.trunc(micro / 1_000_000);
  const fraction = String(micro % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}
