import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoMs } from './calendar.ts';
import {
  type FilterCondition,
  type FilterOperator,
  type MeterAggregationType,
  type MeterDef,
  type MeterFilter,
  type MetadataValue,
  type UsageEvent,
  MeterLedger,
  eventQuantityMicro,
  matchesMeter,
  meterDefErrors,
  rateUsage,
} from './meter.ts';
import { type RoundingRule, parseDecimal } from './money.ts';

/**
 * Meters with Dodo semantics, one rule per test: definition checks, the eight filter operators and
 * the conventions of meter.ts's header, quantities in micro-units, aggregation per customer and
 * period with ledger-wide de-duplication, and rating with one rounding step.
 */

/** The body captured from Dodo's SDK (dodo-api.md 2.2). */
const fastSeconds: MeterDef = {
  name: 'GPU seconds (fast)',
  event_name: 'gpu_seconds',
  measurement_unit: 'seconds',
  aggregation: { type: 'sum', key: 'gpu_seconds' },
  filter: { conjunction: 'and', clauses: [{ key: 'mode', operator: 'equals', value: 'fast' }] },
};

function meterOf(type: MeterAggregationType, filter: MeterFilter | null = null): MeterDef {
  return { ...fastSeconds, aggregation: type === 'count' ? { type } : { type, key: 'gpu_seconds' }, filter };
}

function conditionMeter(condition: FilterCondition): MeterDef {
  return { ...fastSeconds, filter: { conjunction: 'and', clauses: [condition] } };
}

function usage(eventId: string, metadata?: Record<string, MetadataValue>, overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    event_id: eventId,
    customer_id: 'cus_a',
    event_name: 'gpu_seconds',
    timestamp: '2026-01-05T10:00:00.000Z',
    ...(metadata === undefined ? {} : { metadata }),
    ...overrides,
  };
}

/** A filter nested `depth` levels deep (the innermost level holds one condition). */
function nested(depth: number): MeterFilter {
  const leaf: MeterFilter = { conjunction: 'and', clauses: [{ key: 'mode', operator: 'equals', value: 'fast' }] };
  return depth === 1 ? leaf : { conjunction: 'or', clauses: [nested(depth - 1)] };
}

describe('meterDefErrors', () => {
  it('accepts the Dodo example and a count meter without key', () => {
    expect(meterDefErrors(fastSeconds)).toEqual([]);
    expect(meterDefErrors(meterOf('count'))).toEqual([]);
    expect(meterDefErrors({ ...fastSeconds, aggregation: { type: 'count', key: null } })).toEqual([]);
  });

  it.each(['sum', 'max', 'last'] as const)('requires an aggregation key for %s', (type) => {
    for (const key of [undefined, null, '']) {
      expect(meterDefErrors({ ...fastSeconds, aggregation: { type, key } })).toEqual([`aggregation.key: required for ${type}`]);
    }
  });

  it('reports every empty name and an unknown aggregation type', () => {
    const meter = { name: '', event_name: '', measurement_unit: '', aggregation: { type: 'avg' as MeterAggregationType, key: 'x' } };
    expect(meterDefErrors(meter)).toEqual([
      'name: empty',
      'event_name: empty',
      'measurement_unit: empty',
      'aggregation.type: unknown "avg"',
    ]);
  });

  it('accepts 3 levels of nesting and rejects a 4th', () => {
    expect(meterDefErrors({ ...fastSeconds, filter: nested(3) })).toEqual([]);
    expect(meterDefErrors({ ...fastSeconds, filter: nested(4) })).toEqual([
      'filter.clauses[0].clauses[0].clauses[0]: filters nest at most 3 levels',
    ]);
  });

  it('rejects a filter mixing conditions and nested filters', () => {
    const mixed = {
      conjunction: 'and',
      clauses: [{ key: 'mode', operator: 'equals', value: 'fast' }, nested(1)],
    } as unknown as MeterFilter;
    expect(meterDefErrors({ ...fastSeconds, filter: mixed })).toEqual(['filter.clauses: mixes conditions and nested filters']);
  });

  it('rejects empty clauses, empty keys, unknown operators and conjunctions, with their paths', () => {
    const filter = {
      conjunction: 'xor',
      clauses: [
        { conjunction: 'and', clauses: [] },
        { conjunction: 'or', clauses: [{ key: '', operator: 'equals', value: 1 }, { key: 'n', operator: 'between', value: 5 }] },
      ],
    } as unknown as MeterFilter;
    expect(meterDefErrors({ ...fastSeconds, filter })).toEqual([
      'filter.conjunction: must be and | or',
      'filter.clauses[0].clauses: empty',
      'filter.clauses[1].clauses[0].key: empty',
      'filter.clauses[1].clauses[1].operator: unknown "between"',
    ]);
  });

  it.each<[FilterOperator, MetadataValue, string | null]>([
    ['equals', 'fast', null],
    ['equals', 1, null],
    ['equals', true, null],
    ['not_equals', false, null],
    ['greater_than', 10, null],
    ['greater_than', '10', 'greater_than needs a number'],
    ['greater_than_or_equals', true, 'greater_than_or_equals needs a number'],
    ['less_than', 2.5, null],
    ['less_than', 'x', 'less_than needs a number'],
    ['less_than_or_equals', false, 'less_than_or_equals needs a number'],
    ['contains', 'hd', null],
    ['contains', 1, 'contains needs a string'],
    ['does_not_contain', true, 'does_not_contain needs a string'],
  ])('%s with value %j -> %s', (operator, value, error) => {
    const errors = meterDefErrors(conditionMeter({ key: 'k', operator, value }));
    expect(errors).toEqual(error === null ? [] : [`filter.clauses[0].value: ${error}`]);
  });

  it('makes MeterLedger refuse an invalid meter', () => {
    expect(() => new MeterLedger({ ...fastSeconds, aggregation: { type: 'sum' } })).toThrow(
      'meter GPU seconds (fast): aggregation.key: required for sum',
    );
  });
});

describe('matchesMeter: operators', () => {
  // [operator, condition value, event metadata (undefined: no metadata at all), matches]
  it.each<[FilterOperator, MetadataValue, Record<string, MetadataValue> | undefined, boolean]>([
    ['equals', 'fast', { k: 'fast' }, true],
    ['equals', 'fast', { k: 'relax' }, false],
    ['equals', 1, { k: 1 }, true],
    ['equals', 1, { k: '1' }, false],
    ['equals', '1', { k: 1 }, false],
    ['equals', true, { k: true }, true],
    ['equals', true, { k: 'true' }, false],
    ['equals', 0, { k: false }, false],
    ['equals', 'fast', {}, false],
    ['equals', 'fast', undefined, false],
    ['not_equals', 'fast', { k: 'relax' }, true],
    ['not_equals', 'fast', { k: 'fast' }, false],
    ['not_equals', 1, { k: '1' }, true],
    ['not_equals', 'fast', {}, true],
    ['not_equals', 'fast', undefined, true],
    ['greater_than', 10, { k: 11 }, true],
    ['greater_than', 10, { k: 10 }, false],
    ['greater_than', 10, { k: '11' }, false],
    ['greater_than', 0, { k: true }, false],
    ['greater_than', 10, {}, false],
    ['greater_than_or_equals', 10, { k: 10 }, true],
    ['greater_than_or_equals', 10, { k: 9.5 }, false],
    ['greater_than_or_equals', 10, { k: '10' }, false],
    ['greater_than_or_equals', 10, undefined, false],
    ['less_than', 10, { k: 9 }, true],
    ['less_than', 10, { k: 10 }, false],
    ['less_than', 10, { k: '9' }, false],
    ['less_than', 10, {}, false],
    ['less_than_or_equals', 10, { k: 10 }, true],
    ['less_than_or_equals', 10, { k: 10.5 }, false],
    ['less_than_or_equals', 10, { k: false }, false],
    ['less_than_or_equals', 10, {}, false],
    ['contains', 'hd', { k: 'video_hd' }, true],
    ['contains', 'hd', { k: 'video_sd' }, false],
    ['contains', '', { k: 'anything' }, true],
    ['contains', '1', { k: 12 }, false],
    ['contains', 'hd', {}, false],
    ['does_not_contain', 'hd', { k: 'video_sd' }, true],
    ['does_not_contain', 'hd', { k: 'video_hd' }, false],
    ['does_not_contain', '1', { k: 12 }, true],
    ['does_not_contain', 'hd', {}, true],
    ['does_not_contain', 'hd', undefined, true],
  ])('%s %j on %j -> %s', (operator, value, metadata, matches) => {
    expect(matchesMeter(conditionMeter({ key: 'k', operator, value }), usage('evt_1', metadata))).toBe(matches);
  });

  it('treats inherited properties as missing keys', () => {
    const event = usage('evt_1', {});
    expect(matchesMeter(conditionMeter({ key: 'toString', operator: 'not_equals', value: 'x' }), event)).toBe(true);
    expect(matchesMeter(conditionMeter({ key: 'constructor', operator: 'does_not_contain', value: 'x' }), event)).toBe(true);
    expect(matchesMeter(conditionMeter({ key: 'constructor', operator: 'contains', value: '' }), event)).toBe(false);
  });
});

describe('matchesMeter: conjunctions, nesting, event name', () => {
  const fast: FilterCondition = { key: 'mode', operator: 'equals', value: 'fast' };
  const long: FilterCondition = { key: 'gpu_seconds', operator: 'greater_than', value: 60 };

  it('and needs every clause, or needs one', () => {
    const and = { ...fastSeconds, filter: { conjunction: 'and', clauses: [fast, long] } } as const;
    const or = { ...fastSeconds, filter: { conjunction: 'or', clauses: [fast, long] } } as const;
    const cases: [Record<string, MetadataValue>, boolean, boolean][] = [
      [{ mode: 'fast', gpu_seconds: 61 }, true, true],
      [{ mode: 'fast', gpu_seconds: 60 }, false, true],
      [{ mode: 'relax', gpu_seconds: 61 }, false, true],
      [{ mode: 'relax', gpu_seconds: 60 }, false, false],
    ];
    for (const [metadata, andMatches, orMatches] of cases) {
      expect(matchesMeter(and, usage('evt_1', metadata))).toBe(andMatches);
      expect(matchesMeter(or, usage('evt_1', metadata))).toBe(orMatches);
    }
  });

  it('evaluates 3 levels: (mode in {fast, turbo} and seconds > 60) or (job contains video and not relax)', () => {
    const filter: MeterFilter = {
      conjunction: 'or',
      clauses: [
        {
          conjunction: 'and',
          clauses: [
            { conjunction: 'or', clauses: [fast, { key: 'mode', operator: 'equals', value: 'turbo' }] },
            { conjunction: 'and', clauses: [long] },
          ],
        },
        {
          conjunction: 'and',
          clauses: [
            {
              conjunction: 'and',
              clauses: [
                { key: 'job', operator: 'contains', value: 'video' },
                { key: 'mode', operator: 'not_equals', value: 'relax' },
              ],
            },
          ],
        },
      ],
    };
    const meter = { ...fastSeconds, filter };
    expect(meterDefErrors(meter)).toEqual([]);
    const cases: [Record<string, MetadataValue>, boolean][] = [
      [{ mode: 'turbo', gpu_seconds: 61, job: 'image' }, true],
      [{ mode: 'fast', gpu_seconds: 61 }, true],
      [{ mode: 'turbo', gpu_seconds: 30, job: 'image' }, false],
      [{ mode: 'relax', gpu_seconds: 61, job: 'image' }, false],
      [{ mode: 'turbo', gpu_seconds: 30, job: 'video_hd' }, true],
      [{ mode: 'relax', gpu_seconds: 600, job: 'video_hd' }, false],
      [{ gpu_seconds: 5, job: 'video_sd' }, true],
    ];
    for (const [metadata, matches] of cases) expect(matchesMeter(meter, usage('evt_1', metadata))).toBe(matches);
  });

  it('never matches another event_name, and matches every event of its name without a filter', () => {
    const metadata = { mode: 'fast', gpu_seconds: 10 };
    expect(matchesMeter(fastSeconds, usage('evt_1', metadata))).toBe(true);
    expect(matchesMeter(fastSeconds, usage('evt_1', metadata, { event_name: 'gpu_second' }))).toBe(false);
    expect(matchesMeter(fastSeconds, usage('evt_1', metadata, { event_name: 'GPU_SECONDS' }))).toBe(false);
    expect(matchesMeter(meterOf('sum'), usage('evt_1'))).toBe(true);
    expect(matchesMeter(meterOf('sum'), usage('evt_1', {}, { event_name: 'other' }))).toBe(false);
  });
});

describe('eventQuantityMicro', () => {
  const sum = meterOf('sum');
  it.each<[MetadataValue, number]>([
    [12.5, 12_500_000],
    [0, 0],
    [1, 1_000_000],
    [0.1, 100_000],
    [0.0000014, 1],
    [0.0000016, 2],
    [1.2345674, 1_234_567],
    [1.2345676, 1_234_568],
    [9_000_000_000, 9_000_000_000_000_000],
  ])('%d units -> %d micro-units', (value, micro) => {
    expect(eventQuantityMicro(sum, usage('evt_1', { gpu_seconds: value }))).toBe(micro);
  });

  it.each<[string, Record<string, MetadataValue> | undefined]>([
    ['a negative number', { gpu_seconds: -1 }],
    ['a tiny negative number', { gpu_seconds: -0.000001 }],
    ['a numeric string', { gpu_seconds: '12' }],
    ['a boolean', { gpu_seconds: true }],
    ['NaN', { gpu_seconds: Number.NaN }],
    ['Infinity', { gpu_seconds: Number.POSITIVE_INFINITY }],
    ['a value too large to sum exactly', { gpu_seconds: 1e10 }],
    ['a missing key', { seconds: 12 }],
    ['no metadata', undefined],
  ])('is null for %s', (_, metadata) => {
    expect(eventQuantityMicro(sum, usage('evt_1', metadata))).toBeNull();
  });

  it('is null for a meter without key', () => {
    expect(eventQuantityMicro(meterOf('count'), usage('evt_1', { gpu_seconds: 5 }))).toBeNull();
  });
});

describe('MeterLedger', () => {
  const at = (minute: number): string => `2026-01-05T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const seconds = (eventId: string, gpuSeconds: number, minute = 0, customerId = 'cus_a'): UsageEvent =>
    usage(eventId, { mode: 'fast', gpu_seconds: gpuSeconds }, { customer_id: customerId, timestamp: at(minute) });

  it('count: one unit per event, per customer and period', () => {
    const ledger = new MeterLedger(meterOf('count'));
    ledger.record(seconds('e1', 5), 'p1');
    ledger.record(seconds('e2', 7), 'p1');
    ledger.record(seconds('e3', 0), 'p1');
    ledger.record(seconds('e4', 9), 'p2');
    ledger.record(seconds('e5', 9, 0, 'cus_b'), 'p1');
    expect(ledger.quantityMicro('cus_a', 'p1')).toBe(3_000_000);
    expect(ledger.quantityMicro('cus_a', 'p2')).toBe(1_000_000);
    expect(ledger.quantityMicro('cus_b', 'p1')).toBe(1_000_000);
    expect(ledger.quantityMicro('cus_b', 'p2')).toBe(0);
  });

  it('sum: exact micro-unit totals', () => {
    const ledger = new MeterLedger(meterOf('sum'));
    for (const [id, value] of [['e1', 1.5], ['e2', 2.25], ['e3', 0.000001], ['e4', 0.1], ['e5', 0.2]] as const) {
      expect(ledger.record(seconds(id, value), 'p1')).toBe('counted');
    }
    expect(ledger.quantityMicro('cus_a', 'p1')).toBe(4_050_001);
    expect(ledger.totalsList()[0]?.count).toBe(5);
  });

  it('max: the largest quantity whatever the order, zero included', () => {
    const ledger = new MeterLedger(meterOf('max'));
    for (const [id, value] of [['e1', 5], ['e2', 12], ['e3', 7]] as const) ledger.record(seconds(id, value), 'p1');
    ledger.record(seconds('e4', 0), 'p2');
    expect(ledger.quantityMicro('cus_a', 'p1')).toBe(12_000_000);
    expect(ledger.quantityMicro('cus_a', 'p2')).toBe(0);
    expect(ledger.totalsList().map((total) => total.count)).toEqual([3, 1]);
  });

  it('last: the latest timestamp wins, not the last recorded', () => {
    const ledger = new MeterLedger(meterOf('last'));
    ledger.record(seconds('e1', 4, 30), 'p1');
    ledger.record(seconds('e2', 9, 50), 'p1');
    ledger.record(seconds('e3', 6, 10), 'p1');
    expect(ledger.quantityMicro('cus_a', 'p1')).toBe(9_000_000);
    expect(ledger.totalsList()[0]).toMatchObject({ count: 3, lastAt: Date.parse(at(50)), lastEventId: 'e2' });
  });

  it('last: a timestamp tie goes to the larger event_id, in either order and across zones', () => {
    for (const order of [['evt_a', 'evt_b'], ['evt_b', 'evt_a']]) {
      const ledger = new MeterLedger(meterOf('last'));
      for (const id of order) {
        const timestamp = id === 'evt_a' ? '2026-01-05T10:00:00Z' : '2026-01-05T11:00:00+01:00';
        ledger.record(usage(id, { gpu_seconds: id === 'evt_a' ? 1 : 2 }, { timestamp }), 'p1');
      }
      expect(ledger.quantityMicro('cus_a', 'p1')).toBe(2_000_000);
      expect(ledger.totalsList()[0]?.lastEventId).toBe('evt_b');
    }
  });

  it('reports why an event was not counted', () => {
    const ledger = new MeterLedger(fastSeconds);
    expect(ledger.record(seconds('e1', 5), 'p1')).toBe('counted');
    expect(ledger.record(seconds('e1', 5), 'p1')).toBe('duplicate');
    expect(ledger.record(usage('e2', { mode: 'relax', gpu_seconds: 5 }), 'p1')).toBe('not_matched');
    expect(ledger.record(usage('e3', { mode: 'fast' }), 'p1')).toBe('no_quantity');
    expect(ledger.record(usage('e4', { mode: 'fast', gpu_seconds: 1 }, { timestamp: '2026-01-05T10:00:00' }), 'p1')).toBe('no_quantity');
    expect(ledger.quantityMicro('cus_a', 'p1')).toBe(5_000_000);
  });

  it('ignores a repeated event_id ledger-wide: other customer, other period, other quantity', () => {
    const ledger = new MeterLedger(meterOf('sum'));
    expect(ledger.record(seconds('job_1:gpu', 5), 'p1')).toBe('counted');
    expect(ledger.record(seconds('job_1:gpu', 50), 'p1')).toBe('duplicate');
    expect(ledger.record(seconds('job_1:gpu', 5, 0, 'cus_b'), 'p1')).toBe('duplicate');
    expect(ledger.record(seconds('job_1:gpu', 5), 'p2')).toBe('duplicate');
    expect(ledger.totalsList()).toEqual([
      { customerId: 'cus_a', periodKey: 'p1', count: 1, quantityMicro: 5_000_000, lastAt: Date.parse(at(0)), lastEventId: 'job_1:gpu' },
    ]);
  });

  it('lists totals by customer id, then period key', () => {
    const ledger = new MeterLedger(meterOf('count'));
    ledger.record(seconds('e1', 1, 0, 'cus_b'), '2026-02');
    ledger.record(seconds('e2', 1, 0, 'cus_a'), '2026-02');
    ledger.record(seconds('e3', 1, 0, 'cus_b'), '2026-01');
    ledger.record(seconds('e4', 1, 0, 'cus_a'), '2026-01');
    expect(ledger.totalsList().map((total) => `${total.customerId}/${total.periodKey}`)).toEqual([
      'cus_a/2026-01',
      'cus_a/2026-02',
      'cus_b/2026-01',
      'cus_b/2026-02',
    ]);
  });

  describe('property: duplicates change nothing', () => {
    const START_MS = Date.parse('2026-01-01T00:00:00Z');
    const item = fc.record({
      customer: fc.constantFrom('cus_a', 'cus_b', 'cus_c'),
      period: fc.constantFrom('p1', 'p2'),
      minute: fc.integer({ min: 0, max: 5 }), // few instants, so `last` ties happen
      mode: fc.constantFrom('fast', 'relax'),
      gpuSeconds: fc.oneof(fc.integer({ min: 0, max: 3600 }), fc.double({ min: 0, max: 100, noNaN: true })),
      copies: fc.integer({ min: 1, max: 3 }),
    });
    type Item = { event: UsageEvent; period: string };
    const scenario = fc.uniqueArray(item, { maxLength: 30, selector: () => Symbol() }).chain((items) => {
      const unique: Item[] = items.map((entry, index) => ({
        period: entry.period,
        event: usage(`evt_${String(index).padStart(3, '0')}`, { mode: entry.mode, gpu_seconds: entry.gpuSeconds }, {
          customer_id: entry.customer,
          timestamp: formatIsoMs(START_MS + entry.minute * 60_000),
        }),
      }));
      const copies = items.flatMap((entry, index) => Array.from({ length: entry.copies }, () => unique[index] as Item));
      return fc.tuple(fc.constant(unique), fc.shuffledSubarray(copies, { minLength: copies.length }));
    });

    it.each<MeterAggregationType>(['count', 'sum', 'max', 'last'])('%s: shuffled copies give the totals of one pass', (type) => {
      const meter = meterOf(type, fastSeconds.filter);
      fc.assert(
        fc.property(scenario, ([unique, shuffled]) => {
          const once = new MeterLedger(meter);
          const repeated = new MeterLedger(meter);
          const countedOnce = unique.filter(({ event, period }) => once.record(event, period) === 'counted').length;
          const countedRepeated = shuffled.filter(({ event, period }) => repeated.record(event, period) === 'counted').length;
          expect(countedRepeated).toBe(countedOnce);
          expect(repeated.totalsList()).toEqual(once.totalsList());
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('rateUsage', () => {
  const ninthOfACent = parseDecimal('0.111111111111');
  const rules: readonly RoundingRule[] = ['half_up', 'half_even', 'floor', 'ceil'];

  it('bills nothing up to the free threshold', () => {
    expect(rateUsage(0, 0, ninthOfACent, 'ceil')).toEqual({ billableMicro: 0, amountCents: 0 });
    expect(rateUsage(3_599_999_999, 3600, parseDecimal('100'), 'ceil')).toEqual({ billableMicro: 0, amountCents: 0 });
    expect(rateUsage(3_600_000_000, 3600, parseDecimal('100'), 'ceil')).toEqual({ billableMicro: 0, amountCents: 0 });
  });

  it('bills max(0, quantity - free) x price: 3600 s over at 0.111111111111 cents is 400 cents', () => {
    const expected: Record<RoundingRule, number> = { half_up: 400, half_even: 400, floor: 399, ceil: 400 };
    for (const rule of rules) {
      expect(rateUsage(7_200_000_000, 3600, ninthOfACent, rule)).toEqual({ billableMicro: 3_600_000_000, amountCents: expected[rule] });
    }
  });

  it.each<[string, number, string, Record<RoundingRule, number>]>([
    ['2.5 cents', 5_000_000, '0.5', { half_up: 3, half_even: 2, floor: 2, ceil: 3 }],
    ['3.5 cents', 7_000_000, '0.5', { half_up: 4, half_even: 4, floor: 3, ceil: 4 }],
    ['0.5 cents from half a unit', 500_000, '1', { half_up: 1, half_even: 0, floor: 0, ceil: 1 }],
    ['1.2 cents', 3_000_000, '0.4', { half_up: 1, half_even: 1, floor: 1, ceil: 2 }],
    ['a millionth of a cent', 1, '1', { half_up: 0, half_even: 0, floor: 0, ceil: 1 }],
  ])('rounds %s once, by each rule', (_, billableMicro, price, expected) => {
    for (const rule of rules) {
      expect(rateUsage(billableMicro + 10_000_000, 10, parseDecimal(price), rule)).toEqual({ billableMicro, amountCents: expected[rule] });
    }
  });

  it('rounds the line, not each unit: 3 units at 0.4 cents is 1 cent, 5 units at 0.3 cents is 2 cents', () => {
    expect(rateUsage(3_000_000, 0, parseDecimal('0.4'), 'half_up').amountCents).toBe(1);
    expect(rateUsage(5_000_000, 0, parseDecimal('0.3'), 'floor').amountCents).toBe(1);
    expect(rateUsage(5_000_000, 0, parseDecimal('0.3'), 'half_up').amountCents).toBe(2);
  });

  it.each<[string, number, number]>([
    ['a negative quantity', -1, 0],
    ['a fractional quantity', 1.5, 0],
    ['a NaN quantity', Number.NaN, 0],
    ['an unsafe quantity', Number.MAX_SAFE_INTEGER + 1, 0],
    ['a negative free threshold', 1_000_000, -1],
    ['a fractional free threshold', 1_000_000, 0.5],
    ['an infinite free threshold', 1_000_000, Number.POSITIVE_INFINITY],
  ])('throws on %s', (_, quantityMicro, freeThresholdUnits) => {
    expect(() => rateUsage(quantityMicro, freeThresholdUnits, ninthOfACent, 'half_up')).toThrow(/rateUsage/);
  });
});
