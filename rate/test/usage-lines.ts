/**
 * Random lines of usage exports for tests of the readers: mostly the canonical shape the engine
 * and Dodo write, and every way a line can leave it (spaces, escapes, other key orders, other
 * timestamp forms, numbers of every JSON shape, wrong types, unknown job types, truncation).
 */
import fc from 'fast-check';

export const METER_EVENT = 'gpu.fast_seconds';
export const JOB_TYPES = ['image_grid', 'upscale', 'video_sd', 'video_hd'] as const;

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 0, 1);

/** An ISO instant in 2026, in one of the forms exports use (or a broken one). */
export const timestampText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 364 * DAY_MS }).map((offset) => new Date(START_MS + offset).toISOString()) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 364 * 86_400 }).map((offset) => new Date(START_MS + offset * 1000).toISOString().replace('.000Z', 'Z')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2026-03-01T10:00:00+02:00',
      '2026-03-01t10:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '2026-01-01T00:00:00.1234Z',
      '2026-01-01',
      'yesterday',
      '',
    ),
  },
);

/** The text of a JSON number of seconds (or of something else in its place). */
export const secondsText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 200_000_000 }).map((ms) => String(ms / 1000)) },
  { weight: 2, arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.nat({ max: 8 })).map(([digits, scale]) => decimal(digits, scale)) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1e12, noNaN: true }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-0', '-1.5', '1e3', '2.5E-1', '0.0005', '1.0005', '1e400', '01', '1.', '.5', '"12"', 'true', 'null', '[1]', '{"s":1}') },
);

function decimal(digits: bigint, scale: number): string {
  const text = digits.toString().padStart(scale + 1, '0');
  return scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/** A string as a JSON string literal, usually escaped properly, sometimes raw (then often invalid). */
function quoted(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 9, arbitrary: value.map((text) => JSON.stringify(text)) }, { weight: 1, arbitrary: value.map((text) => `"${text}"`) });
}

const plainId = fc.nat({ max: 50 }).map((n) => `job_${n}:gpu`);
const oddId = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('', 'a"b', 'a\\b', 'tab\there', 'é', '\u2028'));
export const customerIds = ['cus_a', 'cus_b', 'cus_c', 'cus_é', 'cus_d'] as const;

const member: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: secondsText.map((seconds) => `"gpu_seconds":${seconds}`) },
  { weight: 1, arbitrary: fc.constantFrom('"mode":"fast"', '"mode":"turbo"', '"mode":"relax"') },
  { weight: 2, arbitrary: fc.constantFrom(...JOB_TYPES, 'unknown_type').map((jobType) => `"job_type":"${jobType}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"job_type":7', '"job_type":null', '"x":true', '"x":false', '"x":null', '"":1', '"x":"y"', '"n":{"a":1}', '"a b":-2.5e3', '"gpu_second":1', '"gpu_seconds2":1', '"gpu_seconds" :1') },
);

/** The mode the meter's filter reads: mostly billed ones, sometimes relax, missing or odd. */
const modeMember: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('"mode":"fast"') },
  { weight: 3, arbitrary: fc.constant('"mode":"turbo"') },
  { weight: 2, arbitrary: fc.constant('"mode":"relax"') },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom('"mode":"FAST"', '"mode":"fast "', '"mode":null', '"mode":1', '"mode":true', '"mode":"f\\u0061st"') },
);

export interface LineParts {
  readonly eventId: string;
  readonly customerId: string;
  readonly eventName: string;
  readonly timestamp: string;
  readonly members: readonly string[];
}

const lineParts: fc.Arbitrary<LineParts> = fc.record({
  eventId: quoted(fc.oneof({ weight: 4, arbitrary: plainId }, { weight: 1, arbitrary: oddId })),
  customerId: quoted(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...customerIds) }, { weight: 1, arbitrary: oddId })),
  eventName: quoted(fc.oneof({ weight: 8, arbitrary: fc.constant(METER_EVENT) }, { weight: 1, arbitrary: fc.constantFrom('other.event', '', 'gpu.fast_second', 'gpu.fast_seconds2', 'gpu.fast_seconds"') })),
  timestamp: quoted(timestampText),
  members: fc
    .tuple(modeMember, fc.array(member, { minLength: 0, maxLength: 4 }), fc.boolean())
    .map(([mode, rest, first]) => (mode === null ? rest : first ? [mode, ...rest] : [...rest, mode])),
});

function canonical(parts: LineParts): string {
  return `{"event_id":${parts.eventId},"customer_id":${parts.customerId},"event_name":${parts.eventName},"timestamp":${parts.timestamp},"metadata":{${parts.members.join(',')}}}`;
}

/** One line of an export (without its line break). */
export const usageLine: fc.Arbitrary<string> = fc
  .tuple(lineParts, fc.nat({ max: 99 }))
  .map(([parts, variant]) => {
    const line = canonical(parts);
    if (variant < 80) return line;
    if (variant < 83) return line.replace(/":/g, '": '); // spaces
    if (variant < 85) return ` ${line}\t`; // surrounding blanks
    if (variant < 87) return `${line}\r`; // a CRLF file
    if (variant < 89) return line.replace('"event_id"', '"extra":1,"event_id"'); // another field
    if (variant < 91) return line.replace(/^\{("event_id":"[^"]*"),("customer_id":"[^"]*")/, '{$2,$1'); // another order
    if (variant < 93) return line.slice(0, Math.max(1, line.length - 1 - (variant % 7))); // truncated
    if (variant < 95) return '';
    if (variant < 97) return '[1,2]';
    return line.replace('"metadata":{', '"metadata":{"gpu_seconds":1,'); // a repeated key
  });
