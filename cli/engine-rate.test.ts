import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const EXAMPLE = 'scenarios/examples/rate';
const MIDJOURNEY = 'scenarios/catalogs/midjourney.yaml';

function engine(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'engine.ts', ...args], { encoding: 'utf8', env: { ...process.env, GBL_DEBUG: '' }, maxBuffer: 1 << 30 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function files(contents: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gbl-rate-'));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(contents)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name]!, text);
  }
  return paths;
}

function usage(id: string, customer: string, at: string, seconds: unknown, extra = ''): string {
  return `{"event_id":"${id}","customer_id":"${customer}","event_name":"gpu.fast_seconds","timestamp":"${at}","metadata":{"gpu_seconds":${JSON.stringify(seconds)},"mode":"fast"${extra}}}`;
}

interface InvoiceJson {
  customer_id: string;
  period_start: string;
  period_end: string;
  plan: string;
  fast_seconds: number;
  over_allowance_seconds: number;
  relax_jobs: number;
  blocked_jobs: number;
  lines: { kind: string; quantity: number; amount_cents: number }[];
  total_cents: number;
}

describe('npx tsx engine rate', () => {
  it('re-rates the example export: hard cap blocks, top-ups bill, relax takes the overflow, duplicates ignored', () => {
    const run = engine(['rate', '--catalog', MIDJOURNEY, '--subscriptions', `${EXAMPLE}/subscriptions.csv`, '--events', `${EXAMPLE}/events.jsonl`, '--purchases', `${EXAMPLE}/purchases.csv`, '--json']);
    expect(run.stderr).toBe(
      'ignored 1 event(s), duplicate: an event_id an earlier event already used, whatever its event name or metadata (the first counts)\n' +
        "ignored 1 event(s), other_event_name: another event name than the catalog meter's\n",
    );
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { invoices: InvoiceJson[]; ignored_events: Record<string, number> };
    expect(output.ignored_events).toEqual({ duplicate: 1, other_event_name: 1, meter_filter: 0, before_subscription: 0, no_subscription: 0, after_window: 0 });
    const invoices = output.invoices;
    const first = invoices[0]!;
    expect(Object.keys(first)).toEqual(['customer_id', 'period_start', 'period_end', 'plan', 'fast_seconds', 'over_allowance_seconds', 'relax_jobs', 'blocked_jobs', 'lines', 'total_cents']);
    for (const invoice of invoices) {
      expect(invoice.total_cents).toBe(invoice.lines.reduce((sum, line) => sum + line.amount_cents, 0));
    }
    const basic = invoices.filter((invoice) => invoice.customer_id === 'cus_basic_heavy');
    expect(basic[0]).toMatchObject({ plan: 'basic', period_start: '2026-09-03T10:00:00.000Z', period_end: '2026-10-03T10:00:00.000Z' });
    // 12,000 s included + a 2-hour top-up ($8); the job that started with balance left overdraws.
    expect(basic[0]!.lines).toEqual([
      { kind: 'subscription', quantity: 1, amount_cents: 1000 },
      { kind: 'topup', quantity: 2, amount_cents: 800 },
    ]);
    expect(basic[0]!.blocked_jobs).toBe(1);
    expect(basic[0]!.over_allowance_seconds).toBe(basic[0]!.fast_seconds - 12000);
    const standard = invoices.find((invoice) => invoice.customer_id === 'cus_standard')!;
    expect(standard.relax_jobs).toBe(1);
    const annual = invoices.filter((invoice) => invoice.customer_id === 'cus_pro_annual');
    // The window is the export's own span: the open period ends with the day of its last event.
    expect(annual.map((invoice) => invoice.period_end.slice(0, 10))).toEqual(['2026-09-30', '2026-10-11']);
    expect(annual.map((invoice) => invoice.total_cents)).toEqual([57600, 0]);
  });

  it('rates an unordered export (and quoted CSV) exactly like the ordered one', () => {
    const base = ['rate', '--catalog', MIDJOURNEY, '--purchases', `${EXAMPLE}/purchases.csv`, '--json'];
    const ordered = engine([...base, '--subscriptions', `${EXAMPLE}/subscriptions.csv`, '--events', `${EXAMPLE}/events.jsonl`]);
    const lines = readFileSync(`${EXAMPLE}/events.jsonl`, 'utf8').trim().split('\n');
    const shuffled = lines.map((line, index) => ({ line, key: (index * 7919) % lines.length })).sort((a, b) => a.key - b.key).map((entry) => entry.line);
    expect(shuffled).not.toEqual(lines);
    const subscriptions = readFileSync(`${EXAMPLE}/subscriptions.csv`, 'utf8').replace('cus_standard,standard', '"cus_standard","standard"');
    const paths = files({ 'e.jsonl': shuffled.join('\n'), 's.csv': subscriptions });
    const unordered = engine([...base, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!]);
    expect(unordered.stderr).toBe(ordered.stderr);
    expect(unordered.stdout).toBe(ordered.stdout);
  });

  it('prints a table with the totals and the duplicates it ignored', () => {
    const run = engine(['rate', '--catalog', MIDJOURNEY, '--subscriptions', `${EXAMPLE}/subscriptions.csv`, '--events', `${EXAMPLE}/events.jsonl`, '--purchases', `${EXAMPLE}/purchases.csv`]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^customer\s+period\s+plan\s+fast_s\s+over_allowance_s\s+relax_jobs\s+blocked_jobs\s+lines\s+total$/);
    expect(run.stderr).toMatch(/^ignored 1 event\(s\), duplicate: /m);
  });

  it('prints 200k invoices as a table and as JSON (no argument list or string of them all)', () => {
    const customers = 200_000;
    const rows = Array.from({ length: customers }, (_, index) => `cus_${index},${index % 2 === 0 ? 'basic' : 'pro'},month,2026-01-01T00:00:00Z`);
    const paths = files({ 's.csv': `customer_id,plan,interval,started_at\n${rows.join('\n')}\n`, 'e.jsonl': '' });
    const args = ['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!];
    const table = engine(args);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(customers + 3); // header, rows, blank, total
    expect(lines.at(-1)).toBe(`${customers} invoice(s), total ${((customers / 2) * (10 + 60)).toFixed(2)}`);
    expect(new Set(lines.slice(1, -2).map((line) => line.indexOf('2026-01-01..2026-02-01'))).size).toBe(1); // aligned
    const json = engine([...args, '--json']);
    expect(json.code).toBe(0);
    const invoices = (JSON.parse(json.stdout) as { invoices: InvoiceJson[] }).invoices;
    expect(invoices).toHaveLength(customers);
    expect(invoices.reduce((sum, invoice) => sum + invoice.total_cents, 0)).toBe((customers / 2) * (1000 + 6000));
  });

  it('bills metered overage once per period with the catalog rounding rule', () => {
    // 36,000 s free; 39,600.5 s used -> 3,600.5 s over x 0.111111111111 c/s = 400.0555... -> 400 (half_even).
    const paths = files({
      's.csv': 'customer_id,plan,interval,started_at\ncus_flex,flex,month,2026-01-01T00:00:00Z\n',
      'e.jsonl': [usage('a', 'cus_flex', '2026-01-10T00:00:00Z', 20000), usage('b', 'cus_flex', '2026-01-20T00:00:00Z', 19600.5), usage('c', 'cus_flex', '2026-02-02T00:00:00Z', 10)].join('\n'),
    });
    const run = engine(['rate', '--catalog', 'scenarios/catalogs/basic-relax.yaml', '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--json']);
    expect(run.stderr).toBe('');
    const [january, february] = (JSON.parse(run.stdout) as { invoices: InvoiceJson[] }).invoices;
    expect(january!.lines).toEqual([
      { kind: 'subscription', quantity: 1, amount_cents: 2000 },
      { kind: 'overage', quantity: 3600.5, amount_cents: 400 },
    ]);
    expect(january!.total_cents).toBe(2400);
    expect(february!.fast_seconds).toBe(10);
    expect(february!.lines).toEqual([{ kind: 'subscription', quantity: 1, amount_cents: 2000 }]);
  });

  it('lists every bad input with file, line and field, exits 2, prints no stack', () => {
    const paths = files({
      's.csv': 'customer_id,plan,interval,started_at\ncus_a,gold,month,2026-01-01T00:00:00Z\ncus_b,pro,week,yesterday\n',
      'p.csv': 'customer_id,product,quantity,purchased_at\ncus_a,topup,-1,2026-01-02T00:00:00Z\n',
      'e.jsonl': [
        usage('a', 'cus_a', '2026-01-10T00:00:00Z', 'ten'),
        usage('b', 'cus_a', '2026-01-10', 5),
        usage('c', 'cus_a', '2026-01-10T00:00:00Z', -3),
        '{"event_id":"d","customer_id":"cus_a","event_na',
      ].join('\n'),
    });
    const run = engine(['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--purchases', paths['p.csv']!]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const lines = run.stderr.trim().split('\n').slice(1);
    expect(lines).toEqual([
      `${paths['s.csv']}:2: plan: unknown plan "gold" (catalog has basic, standard, pro, mega)`,
      `${paths['s.csv']}:3: interval: expected month or year, got "week"`,
      `${paths['s.csv']}:3: started_at: expected an ISO-8601 timestamp with a zone, got "yesterday"`,
      `${paths['p.csv']}:2: quantity: expected whole hours >= 1, got "-1"`,
      `${paths['e.jsonl']}:1: metadata.gpu_seconds: expected a number of seconds, got "ten"`,
      `${paths['e.jsonl']}:2: timestamp: expected an ISO-8601 timestamp with a zone, got "2026-01-10"`,
      `${paths['e.jsonl']}:3: metadata.gpu_seconds: expected seconds >= 0, got -3`,
      `${paths['e.jsonl']}:4: not valid JSON (truncated last line?)`,
    ]);
  });

  it('refuses instants outside 2000..2100 in every input, with file and line, unless --instants widens the range', () => {
    const paths = files({
      's.csv': 'customer_id,plan,interval,started_at\ncus_a,pro,month,2026-01-01T00:00:00Z\ncus_b,pro,month,0000-01-01T00:00:00Z\n',
      'p.csv': 'customer_id,product,quantity,purchased_at\ncus_a,topup,1,2150-01-02T00:00:00Z\n',
      'c.csv': 'customer_id,action,plan,interval,at\ncus_a,cancel,,,1999-12-31T23:59:59.999Z\n',
      'e.jsonl': [usage('a', 'cus_a', '2026-01-10T00:00:00Z', 5), usage('b', 'cus_a', '9999-12-31T00:00:00Z', 5)].join('\n'),
    });
    const args = ['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--purchases', paths['p.csv']!, '--changes', paths['c.csv']!];
    const run = engine(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const range = 'is outside the accepted range 2000-01-01T00:00:00.000Z .. 2100-01-01T00:00:00.000Z (exclusive; --instants FROM..TO changes it)';
    expect(run.stderr.trim().split('\n').slice(1)).toEqual([
      `${paths['s.csv']}:3: started_at: 0000-01-01T00:00:00.000Z ${range}`,
      `${paths['p.csv']}:2: purchased_at: 2150-01-02T00:00:00.000Z ${range}`,
      `${paths['c.csv']}:2: at: 1999-12-31T23:59:59.999Z ${range}`,
      `${paths['e.jsonl']}:2: timestamp: 9999-12-31T00:00:00.000Z ${range}`,
    ]);
    const wide = engine([...args, '--instants', '0000-01-01..9999-12-31T23:59:59Z', '--to', '2026-03-01T00:00:00Z', '--json']);
    expect(wide.stderr).toMatch(/ignored 1 event\(s\), after_window/);
    expect(wide.code).toBe(0);
    expect(engine([...args, '--instants', '2100..2000']).stderr).toMatch(/^error: --instants must be FROM\.\.TO/);
  });

  it('counts events before a subscription starts apart, lists refusals in the JSON, and --strict makes any of it exit 2', () => {
    const paths = files({
      's.csv': 'customer_id,plan,interval,started_at\ncus_a,basic,month,2026-01-05T00:00:00Z\n',
      'p.csv': 'customer_id,product,quantity,purchased_at\ncus_z,topup,2,2026-01-06T00:00:00Z\n',
      'e.jsonl': [usage('a', 'cus_a', '2026-01-01T00:00:00Z', 5), usage('b', 'cus_a', '2026-01-10T00:00:00Z', 5), usage('c', 'cus_a', '2026-01-11T00:00:00Z', 5, ',"mode":"relax"')].join('\n'),
    });
    const args = ['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--purchases', paths['p.csv']!, '--json'];
    const run = engine(args);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { ignored_events: Record<string, number>; refusals: Record<string, unknown>[] };
    expect(output.ignored_events).toMatchObject({ before_subscription: 1, meter_filter: 1, no_subscription: 0 });
    expect(output.refusals).toEqual([{ kind: 'topup', customer_id: 'cus_z', purchase: `${paths['p.csv']}:2`, reason: expect.any(String) }]);
    expect(run.stderr).toMatch(/before_subscription: before the customer's subscription starts/);
    const strict = engine([...args, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/error: --strict/);
    expect(strict.stdout).toBe(run.stdout); // the output is still written, then the exit code says it was not clean
  });

  it('drops a repeated event_id across all events, whatever their event name or mode, as Dodo does (the first counts)', () => {
    const subscriptions = 'customer_id,plan,interval,started_at\ncus_a,pro,month,2026-01-01T00:00:00Z\n';
    const relax = (id: string, at: string) => usage(id, 'cus_a', at, 100).replace('"mode":"fast"', '"mode":"relax"');
    const image = (id: string, at: string) => `{"event_id":"${id}","customer_id":"cus_a","event_name":"image.count","timestamp":"${at}","metadata":{"images":4}}`;
    const fast = (id: string, at: string) => usage(id, 'cus_a', at, 100);
    const none = { duplicate: 0, other_event_name: 0, meter_filter: 0, before_subscription: 0, no_subscription: 0, after_window: 0 };
    const cases = [
      { name: 'relax first, then fast', lines: [relax('job_1:gpu', '2026-01-10T00:00:00Z'), fast('job_1:gpu', '2026-01-11T00:00:00Z')], fastSeconds: 0, ignored: { duplicate: 1, meter_filter: 1 } },
      { name: 'another event name first', lines: [image('job_1:gpu', '2026-01-10T00:00:00Z'), fast('job_1:gpu', '2026-01-11T00:00:00Z')], fastSeconds: 0, ignored: { duplicate: 1, other_event_name: 1 } },
      { name: 'fast first, then relax', lines: [fast('job_1:gpu', '2026-01-10T00:00:00Z'), relax('job_1:gpu', '2026-01-11T00:00:00Z')], fastSeconds: 100, ignored: { duplicate: 1 } },
      { name: 'fast first, then another name', lines: [fast('job_1:gpu', '2026-01-10T00:00:00Z'), image('job_1:gpu', '2026-01-11T00:00:00Z')], fastSeconds: 100, ignored: { duplicate: 1 } },
      // Input order decides, not time: the relax line comes first, so the earlier fast one is the repeat.
      { name: 'relax first in the file, later in time', lines: [relax('job_1:gpu', '2026-01-12T00:00:00Z'), fast('job_1:gpu', '2026-01-11T00:00:00Z')], fastSeconds: 0, ignored: { duplicate: 1, meter_filter: 1 } },
      {
        name: 'ids distinct across names',
        lines: [relax('job_1:gpu', '2026-01-10T00:00:00Z'), image('img_1', '2026-01-10T00:00:00Z'), fast('job_2:gpu', '2026-01-11T00:00:00Z')],
        fastSeconds: 100,
        ignored: { other_event_name: 1, meter_filter: 1 },
      },
    ];
    for (const { name, lines, fastSeconds, ignored } of cases) {
      // As written (the byte scanner reads the lines), and with spaces (the text path reads them).
      for (const text of [lines.join('\n'), lines.map((line) => line.replace(/":/g, '": ')).join('\n')]) {
        const paths = files({ 's.csv': subscriptions, 'e.jsonl': text });
        const run = engine(['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--json']);
        expect(run.code, name).toBe(0);
        const output = JSON.parse(run.stdout) as { invoices: InvoiceJson[]; ignored_events: Record<string, number> };
        expect(output.ignored_events, name).toEqual({ ...none, ...ignored });
        expect(output.invoices.map((invoice) => invoice.fast_seconds), name).toEqual([fastSeconds]);
      }
    }
  });

  it('refuses a repeated CSV column and seconds too large to sum exactly, with file and line', () => {
    const paths = files({
      's.csv': 'customer_id,plan,interval,started_at,plan\ncus_a,pro,month,2026-01-01T00:00:00Z,basic\n',
      'e.jsonl': [usage('a', 'cus_a', '2026-01-10T00:00:00Z', 1e20), usage('b', 'cus_a', '2026-01-11T00:00:00Z', 1e9)].join('\n'),
    });
    const run = engine(['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').slice(1)).toEqual([
      `${paths['s.csv']}:1: column(s) plan appear more than once in the header`,
      `${paths['e.jsonl']}:1: metadata.gpu_seconds: expected at most 1000000000 seconds (about 31 years of GPU time) in one event, got 100000000000000000000`,
    ]);
  });

  it('hints at event names that look like a typo of the meter\'s, on both readers', () => {
    const near = (id: string, name: string) => usage(id, 'cus_a', '2026-01-10T00:00:00Z', 5).replace('"gpu.fast_seconds"', JSON.stringify(name));
    const lines = [near('a', 'GPU.FAST_SECONDS'), near('b', 'gpu.fast_seconds '), near('c', 'gpu.fast_second'), near('d', 'image.count'), near('e', 'gpu.fast\\u005fseconds2')];
    const paths = files({ 's.csv': 'customer_id,plan,interval,started_at\ncus_a,pro,month,2026-01-01T00:00:00Z\n', 'e.jsonl': lines.join('\n') });
    const run = engine(['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').slice(0, 4)).toEqual([
      "ignored 5 event(s), other_event_name: another event name than the catalog meter's",
      `  ${paths['e.jsonl']}:1: event_name "GPU.FAST_SECONDS": did you mean "gpu.fast_seconds"?`,
      `  ${paths['e.jsonl']}:2: event_name "gpu.fast_seconds ": did you mean "gpu.fast_seconds"?`,
      `  ${paths['e.jsonl']}:3: event_name "gpu.fast_second": did you mean "gpu.fast_seconds"?`,
    ]);
    const output = JSON.parse(run.stdout) as { event_name_hints: unknown[] };
    expect(output.event_name_hints).toHaveLength(3); // at most three; "image.count" is no near miss
  });

  it('refuses, as bad input, an instant that would rate decades of periods (2099 typed for 2026) unless --to or --allow-large', () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => `cus_${index},basic,month,2026-01-01T00:00:00Z`);
    const paths = files({
      's.csv': `customer_id,plan,interval,started_at\n${rows.join('\n')}\n`,
      'e.jsonl': [usage('a', 'cus_1', '2026-01-10T00:00:00Z', 5), usage('b', 'cus_2', '2099-01-10T00:00:00Z', 5)].join('\n'),
    });
    const args = ['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--json'];
    const run = engine(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/the inputs run from 2026-01-01T00:00:00\.000Z to 2099-01-10T00:00:00\.000Z for 30,000 subscription\(s\): about 26,\d{3},\d{3} billing periods to rate\. An instant typed wrong\?/);
    const windowed = engine([...args, '--to', '2026-02-01T00:00:00Z']);
    expect(windowed.code).toBe(0);
    expect(windowed.stderr).toMatch(/ignored 1 event\(s\), after_window/);
  });

  it('--from reports only the periods that end after it, rated with everything before it', () => {
    // A Basic customer from January: 2 h in January, 2 h in February, 2 h in March.
    const paths = files({
      's.csv': 'customer_id,plan,interval,started_at\ncus_a,basic,month,2026-01-01T00:00:00Z\n',
      'e.jsonl': ['2026-01-10', '2026-02-10', '2026-03-10'].map((day, index) => usage(`u${index}`, 'cus_a', `${day}T00:00:00Z`, 7200)).join('\n'),
    });
    const args = ['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!, '--json'];
    const all = JSON.parse(engine(args).stdout) as { invoices: InvoiceJson[] };
    expect(all.invoices.map((invoice) => invoice.period_start.slice(0, 10))).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    const run = engine([...args, '--from', '2026-02-15T00:00:00Z', '--strict']);
    expect(run.code).toBe(0); // leaving out what --from asked is not a problem --strict refuses
    const from = JSON.parse(run.stdout) as { invoices: InvoiceJson[]; invoices_before_window: number };
    expect(from.invoices).toEqual(all.invoices.slice(1)); // the period holding --from, and after
    expect(from.invoices_before_window).toBe(1);
    expect(run.stderr).toContain('left out 1 invoice(s) of periods that ended at or before --from');
    const backwards = engine([...args, '--from', '2026-03-01T00:00:00Z', '--to', '2026-02-01T00:00:00Z']);
    expect([backwards.code, backwards.stderr.split('\n')[0]]).toEqual([2, 'error: --from (2026-03-01T00:00:00Z) must be before --to (2026-02-01T00:00:00Z)']);
    expect(engine([...args, '--from', 'yesterday']).code).toBe(2);
  });

  it('rejects a missing column, a missing file and bad flags with exit 2', () => {
    const paths = files({ 's.csv': 'customer_id,plan,started_at\ncus_a,pro,2026-01-01T00:00:00Z\n', 'e.jsonl': '' });
    const missingColumn = engine(['rate', '--catalog', MIDJOURNEY, '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!]);
    expect(missingColumn.code).toBe(2);
    expect(missingColumn.stderr).toContain(`${paths['s.csv']}:1: missing column(s) interval`);
    const missingFile = engine(['rate', '--catalog', 'no/such.yaml', '--subscriptions', paths['s.csv']!, '--events', paths['e.jsonl']!]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('no/such.yaml: file not found');
    const badFlag = engine(['rate', '--catalog', MIDJOURNEY, '--events']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^error: .*--events/);
    expect(engine(['frobnicate']).code).toBe(2);
    const help = engine(['rate', '--help']);
    expect([help.code, help.stdout.startsWith('Usage: npx tsx engine rate')]).toEqual([0, true]);
  });
});
