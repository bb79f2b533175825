import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RerateEvent } from '../rerate.ts';
import type { InputIssue } from '../../scenarios/errors.ts';
import { catalog } from '../../engine/test/fixtures.ts';
import { decodeKey } from './byte-key-table.ts';
import { readEvents } from '../text-export.ts';
import { type SkippedLines, jobTypeIds, readUsageExport } from './usage-export-reader.ts';
import { usageLine } from '../test/usage-lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'gbl-export-'));
let files = 0;

function exportFile(text: string | Buffer): string {
  files += 1;
  const file = join(dir, `e${files}.jsonl`);
  writeFileSync(file, text);
  return file;
}

/**
 * The byte reader's events as the text reader reports them: the sink drops repeated ids with a
 * Set, over events and skipped lines alike, and its repeats are added to the reader's.
 */
function readBytes(file: string, chunkBytes?: number): { events: RerateEvent[]; issues: InputIssue[]; skipped: SkippedLines } {
  const events: RerateEvent[] = [];
  const issues: InputIssue[] = [];
  const ids = jobTypeIds(catalog);
  const taken = new Set<string>();
  const take = (bytes: Buffer, idStart: number, idEnd: number) => {
    const id = decodeKey(bytes, idStart, idEnd);
    if (taken.has(id)) return false;
    taken.add(id);
    return true;
  };
  let repeats = 0;
  const skipped = readUsageExport(
    file,
    catalog,
    issues,
    {
      event(bytes, idStart, idEnd, customerStart, customerEnd, at, gpuMs, jobType) {
        if (!take(bytes, idStart, idEnd)) {
          repeats += 1;
          return;
        }
        events.push({ eventId: decodeKey(bytes, idStart, idEnd), customerId: decodeKey(bytes, customerStart, customerEnd), at, gpuMs, jobType: jobType === 0 ? null : ids[jobType - 1]! });
      },
      skippedLine: take,
    },
    { chunkBytes },
  );
  return { events, issues, skipped: { ...skipped, duplicate: skipped.duplicate + repeats } };
}

function readText(file: string): { events: RerateEvent[]; issues: InputIssue[]; skipped: SkippedLines } {
  const issues: InputIssue[] = [];
  const { events, skipped } = readEvents(file, catalog, issues);
  return { events, issues, skipped };
}

describe('readUsageExport (bytes) agrees with readEvents (text)', () => {
  it('on random exports: same events, same problems with the same lines, whatever the chunk size', () => {
    fc.assert(
      fc.property(fc.array(usageLine, { maxLength: 30 }), fc.boolean(), fc.boolean(), fc.integer({ min: 8, max: 400 }), (lines, finalBreak, bom, chunkBytes) => {
        const text = `${bom ? '\uFEFF' : ''}${lines.join('\n')}${finalBreak ? '\n' : ''}`;
        const file = exportFile(text);
        const wanted = readText(file);
        expect(readBytes(file, chunkBytes)).toEqual(wanted);
        expect(readBytes(file)).toEqual(wanted);
      }),
      { numRuns: 400 },
    );
  });

  it('on bytes that are not UTF-8 and lines longer than a chunk', () => {
    const long = `{"event_id":"${'x'.repeat(5000)}","customer_id":"cus_a","event_name":"gpu.fast_seconds","timestamp":"2026-01-01T00:00:00Z","metadata":{"gpu_seconds":1,"mode":"fast"}}`;
    const broken = Buffer.concat([Buffer.from('{"event_id":"a\xff'), Buffer.from([0xc3]), Buffer.from('","customer_id":"c","event_name":"gpu.fast_seconds","timestamp":"2026-01-01T00:00:00Z","metadata":{"gpu_seconds":1,"mode":"fast"}}\n')]);
    const file = exportFile(Buffer.concat([Buffer.from(`${long}\n`), broken, Buffer.from(long.replace('"x', '"y'))]));
    expect(readBytes(file, 64)).toEqual(readText(file));
    expect(readBytes(file, 64).events).toHaveLength(3);
  });

  it('reports a missing file or a directory as the text reader does', () => {
    expect(readBytes(join(dir, 'missing.jsonl'))).toEqual(readText(join(dir, 'missing.jsonl')));
    expect(readBytes(dir)).toEqual(readText(dir));
    expect(readBytes(dir).issues).toHaveLength(1);
  });
});
