import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanUsageLine } from './usage-line-scanner.ts';

const line = (metadata: string, extra = '') =>
  `{"event_id":"job_1:gpu","customer_id":"cus_a","event_name":"gpu.fast_seconds","timestamp":"2026-01-05T10:00:00Z"${extra},"metadata":{${metadata}}}`;

describe('scanUsageLine (the fast path of reading exports)', () => {
  it('reads a canonical line', () => {
    expect(scanUsageLine(line('"gpu_seconds":12.5,"mode":"fast","job_type":"upscale"'), 'gpu_seconds')).toEqual({
      eventId: 'job_1:gpu',
      customerId: 'cus_a',
      eventName: 'gpu.fast_seconds',
      at: Date.parse('2026-01-05T10:00:00Z'),
      seconds: 12.5,
      jobType: 'upscale',
    });
  });

  it('keeps the last of a repeated key and reports non-numbers as NaN, like JSON.parse would see them', () => {
    expect(scanUsageLine(line('"gpu_seconds":1,"gpu_seconds":2'), 'gpu_seconds')?.seconds).toBe(2);
    expect(scanUsageLine(line('"gpu_seconds":"3"'), 'gpu_seconds')?.seconds).toBeNaN();
    expect(scanUsageLine(line('"job_type":7'), 'gpu_seconds')?.jobType).toBeNull();
    expect(scanUsageLine(line(''), 'gpu_seconds')).toMatchObject({ seconds: Number.NaN, jobType: undefined });
  });

  it('leaves every other shape to JSON.parse', () => {
    for (const text of [
      line('"gpu_seconds":1', ',"extra":1'), // another field
      line('"gpu_seconds": 1'), // a space
      line('"gpu_seconds":01'), // not a JSON number
      line('"gpu_seconds":1e'),
      line('"nested":{"a":1}'),
      line('"gpu_seconds":1').replace('cus_a', 'cus\\u0061'), // an escape
      line('"gpu_seconds":1').replace('2026-01-05T10:00:00Z', '2026-01-05'), // a bad timestamp
      line('"gpu_seconds":1').replace('"job_1:gpu"', '""'), // an empty id
      `${line('"gpu_seconds":1')} `,
      line('"gpu_seconds":1').slice(0, -1), // truncated
    ]) {
      expect(scanUsageLine(text, 'gpu_seconds'), text).toBeNull();
    }
  });

  it('agrees with JSON.parse on every line it accepts', () => {
    const value = fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('gpu_seconds', 'mode', 'job_type', 'x'), value), fc.string(), (metadata, id) => {
        const text = `{"event_id":${JSON.stringify(id)},"customer_id":"c","event_name":"e","timestamp":"2026-01-05T10:00:00.123Z","metadata":${JSON.stringify(metadata)}}`;
        const scanned = scanUsageLine(text, 'gpu_seconds');
        if (scanned === null) return;
        const parsed = JSON.parse(text) as { event_id: string; metadata: Record<string, unknown> };
        expect(scanned.eventId).toBe(parsed.event_id);
        const seconds = parsed.metadata.gpu_seconds;
        expect(scanned.seconds).toEqual(typeof seconds === 'number' ? seconds : Number.NaN);
        const jobType = parsed.metadata.job_type;
        expect(scanned.jobType).toEqual(jobType === undefined ? undefined : typeof jobType === 'string' ? jobType : null);
      }),
      { numRuns: 500 },
    );
  });
});
