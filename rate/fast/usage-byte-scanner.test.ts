import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputIssue } from '../../scenarios/errors.ts';
import { catalog } from '../../engine/test/fixtures.ts';
import { decodeKey } from './byte-key-table.ts';
import { MAX_EVENT_SECONDS, eventFromText } from '../event-text.ts';
import { NOT_SCANNED, SCANNED_EVENT, SCANNED_FILTERED, SCANNED_OTHER, UsageByteScanner } from './usage-byte-scanner.ts';
import { usageLine } from '../test/usage-lines.ts';

const jobTypeIds = [...catalog.jobTypes.keys()];

function scanner(): UsageByteScanner {
  return new UsageByteScanner(catalog.meterEventName, catalog.meterKey, jobTypeIds, catalog.meter.filter ?? null);
}

function scan(line: string, ending = '\n'): { kind: number; scanner: UsageByteScanner; bytes: Buffer } {
  const bytes = Buffer.from(`${line}${ending}`, 'utf8');
  const reader = scanner();
  return { kind: reader.scan(bytes, 0, bytes.length), scanner: reader, bytes };
}

const canonical = (seconds: string, extra = ',"mode":"fast"') =>
  `{"event_id":"job_1:gpu","customer_id":"cus_a","event_name":"gpu.fast_seconds","timestamp":"2026-01-05T10:00:00.250Z","metadata":{"gpu_seconds":${seconds}${extra}}}`;

describe('UsageByteScanner (the byte path of reading exports)', () => {
  it('reads a canonical line without a string', () => {
    const { kind, scanner: read, bytes } = scan(canonical('12.5', ',"mode":"fast","job_type":"upscale"'));
    expect(kind).toBe(SCANNED_EVENT);
    expect(decodeKey(bytes, read.idStart, read.idEnd)).toBe('job_1:gpu');
    expect(decodeKey(bytes, read.customerStart, read.customerEnd)).toBe('cus_a');
    expect(read.at).toBe(Date.parse('2026-01-05T10:00:00.250Z'));
    expect(read.gpuMs).toBe(12_500);
    expect(read.jobType).toBe(jobTypeIds.indexOf('upscale') + 1);
    expect(read.next).toBe(bytes.length);
    expect(scan(canonical('3'), '\r\n').kind).toBe(SCANNED_EVENT);
    expect(scan(canonical('3').replace('gpu.fast_seconds', 'other.event')).kind).toBe(SCANNED_OTHER);
  });

  it("applies the meter's filter: Relax, a missing or another mode is left out, null goes to the text path", () => {
    const reader = scanner();
    const kindOf = (extra: string) => {
      const bytes = Buffer.from(`${canonical('5', extra)}\n`);
      return reader.scan(bytes, 0, bytes.length);
    };
    // The same scanner twice over: the second pass answers from the remembered verdicts.
    for (let pass = 0; pass < 2; pass += 1) {
      expect(kindOf(',"mode":"fast"')).toBe(SCANNED_EVENT);
      expect(kindOf(',"mode":"turbo"')).toBe(SCANNED_EVENT);
      expect(kindOf(',"mode":"turbo","mode":"relax"')).toBe(SCANNED_FILTERED); // the last repeat counts
      expect(kindOf(',"mode":"relax"')).toBe(SCANNED_FILTERED);
      expect(kindOf('')).toBe(SCANNED_FILTERED);
      expect(kindOf(',"mode":"Fast"')).toBe(SCANNED_FILTERED);
      expect(kindOf(',"mode":1')).toBe(SCANNED_FILTERED);
      expect(kindOf(',"mode":null')).toBe(NOT_SCANNED);
      expect(kindOf(',"mode":"relax","gpu_seconds":-1')).toBe(SCANNED_FILTERED); // never billed, so never checked
    }
  });

  it('leaves every other shape, and every value it cannot vouch for, to the text path', () => {
    for (const line of [
      canonical('1', ',"mode":"fast","job_type":"unknown"'),
      canonical('1', ',"mode":"fast","job_type":7'),
      canonical('-0'),
      canonical('-1'),
      canonical('"1"'),
      canonical('1').replace('"gpu_seconds":1', '"seconds":1'),
      canonical('1').replace('cus_a', 'cus_\\u0061'),
      canonical('1').replace('cus_a', 'cus_é'),
      canonical('1').replace('2026-01-05T10:00:00.250Z', '2026-01-05T10:00:00+00:00'),
      canonical('1').replace('2026-01-05', '2026-02-30'),
      ` ${canonical('1')}`,
    ]) {
      expect(scan(line).kind, line).toBe(NOT_SCANNED);
    }
    expect(scan(canonical('1'), '').kind).toBe(NOT_SCANNED); // no line break: the reader decides
  });

  it('recognises meter names and keys of any length, and no name or key one byte off', () => {
    const nameText = fc.string({ unit: fc.constantFrom(...'abcxyz._-019'), minLength: 1, maxLength: 40, size: 'max' });
    fc.assert(
      fc.property(nameText, nameText, fc.nat(), fc.nat(), (name, key, namePick, keyPick) => {
        const reader = new UsageByteScanner(name, key, jobTypeIds);
        const line = (eventName: string, meterKey: string) =>
          Buffer.from(`{"event_id":"job_1:gpu","customer_id":"cus_a","event_name":"${eventName}","timestamp":"2026-01-05T10:00:00.250Z","metadata":{"${meterKey}":2.5,"mode":"fast"}}\n`);
        const exact = line(name, key);
        expect(reader.scan(exact, 0, exact.length)).toBe(SCANNED_EVENT);
        expect(reader.gpuMs).toBe(2_500);
        // One byte changed (to another allowed byte), or the name one byte shorter or longer.
        const offBy = (text: string, pick: number) => {
          const at = pick % (text.length + 2);
          if (at === text.length) return `${text}a`;
          if (at === text.length + 1) return text.length > 1 ? text.slice(0, -1) : `${text}b`;
          return `${text.slice(0, at)}${text[at] === 'q' ? 'r' : 'q'}${text.slice(at + 1)}`;
        };
        const otherName = line(offBy(name, namePick), key);
        expect(reader.scan(otherName, 0, otherName.length)).toBe(SCANNED_OTHER);
        const otherKey = line(name, offBy(key, keyPick));
        expect(reader.scan(otherKey, 0, otherKey.length)).toBe(NOT_SCANNED); // no seconds: the text path words it
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the text path (JSON.parse and field checks) on every line it reads', () => {
    let scanned = 0;
    fc.assert(
      fc.property(usageLine, (line) => {
        const { kind, scanner: read, bytes } = scan(line);
        if (kind === NOT_SCANNED) return;
        scanned += 1;
        const issues: InputIssue[] = [];
        const event = eventFromText(line.trim(), catalog, 'f', 1, false, issues);
        expect(issues).toEqual([]);
        if (event === null) throw new Error(`the text path rejects ${line}`);
        // Skipped lines too take their event id (a later event with it is a duplicate): the same bytes.
        expect(decodeKey(bytes, read.idStart, read.idEnd)).toBe(event.eventId);
        if (kind === SCANNED_OTHER || kind === SCANNED_FILTERED) {
          expect(event).toMatchObject({ skipped: kind === SCANNED_OTHER ? 'other_event_name' : 'meter_filter' });
          if (kind === SCANNED_OTHER) expect(bytes.toString('latin1', read.nameStart, read.nameEnd)).toBe((event as { eventName: string }).eventName);
          return;
        }
        if ('skipped' in event) throw new Error(`the text path skips ${line}`);
        expect(decodeKey(bytes, read.customerStart, read.customerEnd)).toBe(event.customerId);
        expect(read.at).toBe(event.at);
        expect(Object.is(read.gpuMs, event.gpuMs)).toBe(true);
        expect(read.jobType).toBe(event.jobType === null ? 0 : jobTypeIds.indexOf(event.jobType) + 1);
        expect(read.next).toBe(bytes.length);
      }),
      { numRuns: 3000 },
    );
    expect(scanned).toBeGreaterThan(400); // the comparison did happen, on many lines
  });

  it('turns seconds into ms exactly as Math.round(seconds * 1000) does', () => {
    const digits = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.nat({ max: 6 }), fc.constantFrom('', 'e0', 'e2', 'E-3'));
    fc.assert(
      fc.property(digits, ([value, scale, exponent]) => {
        const text = value.toString().padStart(scale + 1, '0');
        const number = (scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`) + exponent;
        const { kind, scanner: read } = scan(canonical(number));
        const seconds = Number(number);
        if (!Number.isFinite(seconds)) return;
        if (seconds > MAX_EVENT_SECONDS) {
          expect(kind).toBe(NOT_SCANNED); // the text path reports it
          return;
        }
        expect(kind).toBe(SCANNED_EVENT);
        expect(read.gpuMs).toBe(Math.round(seconds * 1000));
      }),
      { numRuns: 2000 },
    );
  });
});
