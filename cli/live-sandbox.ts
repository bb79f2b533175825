/**
 * `npx tsx live sandbox`: the Dodo-compatible server of the live adapter's tests, run on its own
 * so the whole live flow can be tried on one machine with no Dodo account: `live provision` and
 * `live serve` point at it with DODO_PAYMENTS_BASE_URL. Checkout URLs open a page whose "Pay"
 * button sends the signed webhooks to serve. State is in memory and ends with the process, unless
 * `--state FILE` keeps it (written whole, atomically, shortly after each change and at the stop).
 * Prints `{"port":N}` as its first stdout line once listening; a line per payment and webhook on
 * stderr. The key and the webhook secret come from the environment, as serve's do, and are never
 * printed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { DodoTestServer } from '../live/dodo-sandbox/server.ts';
import { UsageError, parseFlags, portFlag } from './command.ts';

export const SANDBOX_USAGE = `Usage: npx tsx live sandbox [--port N] [--webhook-url URL] [--state FILE]

A local, in-memory Dodo-compatible server (loopback only) to try the live adapter without a Dodo
account: the endpoints provision and serve use, Dodo's ingest rules, and a checkout page whose
"Pay" button sends signed subscription.active / payment.succeeded webhooks to --webhook-url.
Point the other commands at it with DODO_PAYMENTS_BASE_URL=http://127.0.0.1:N.
The first stdout line is {"port":N}.
  --port N            port (default 8788; 0 picks a free one)
  --webhook-url URL   where webhooks go (default http://127.0.0.1:8787/webhooks/dodo, serve's default)
  --state FILE        keep the state in FILE (JSON): read at start when it exists, rewritten
                      after each change, so a restarted sandbox still knows serve's customers
Controls (with the API key): POST /sandbox/checkouts/:id/complete pays a checkout without the
page; POST /sandbox/subscriptions/:id/renew renews a subscription now (subscription.renewed).
Env: DODO_PAYMENTS_API_KEY (the key clients must send; any text you choose) and
DODO_PAYMENTS_WEBHOOK_KEY (the whsec_ secret webhooks are signed with; serve verifies with it).
Exit codes: 0 stopped (SIGINT / SIGTERM), 2 bad flags or settings, or the port taken.`;

/** How long after a change the state file is written (changes meanwhile go in the same write). */
const SAVE_DELAY_MS = 200;

export async function sandboxMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    {
      args: argv,
      options: {
        port: { type: 'string', default: '8788' },
        'webhook-url': { type: 'string', default: 'http://127.0.0.1:8787/webhooks/dodo' },
        state: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    SANDBOX_USAGE,
  );
  if (values.help) {
    process.stdout.write(`${SANDBOX_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${SANDBOX_USAGE}`);
  const port = portFlag(values.port, SANDBOX_USAGE);
  const webhookUrl = values['webhook-url'];
  let parsed: URL | null = null;
  try {
    parsed = new URL(webhookUrl);
  } catch {
    // reported below
  }
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new UsageError(`--webhook-url must be an http(s) URL, got "${webhookUrl}"`);
  const apiKey = process.env.DODO_PAYMENTS_API_KEY;
  if (!apiKey) throw new UsageError('DODO_PAYMENTS_API_KEY is not set (choose any key; provision and serve send the same one)');
  const webhookSecret = process.env.DODO_PAYMENTS_WEBHOOK_KEY;
  if (!webhookSecret) throw new UsageError('DODO_PAYMENTS_WEBHOOK_KEY is not set (a whsec_ secret, e.g. whsec_$(openssl rand -base64 32); serve verifies with the same one)');
  try {
    new Webhook(webhookSecret);
  } catch {
    throw new UsageError('DODO_PAYMENTS_WEBHOOK_KEY is not a webhook secret: it must be whsec_ followed by base64 (e.g. whsec_$(openssl rand -base64 32))');
  }
  const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const stateFile = values.state ?? null;
  if (stateFile !== null && !existsSync(dirname(resolve(stateFile)))) throw new UsageError(`--state ${stateFile}: its folder does not exist`);
  const saver = stateFile === null ? null : new StateSaver(stateFile, () => server.state.snapshot(), log);
  const server = new DodoTestServer({ apiKey, webhookSecret, log, onChange: () => saver?.changed() });
  server.webhookUrl = webhookUrl;
  if (stateFile !== null && existsSync(stateFile)) {
    try {
      server.state.restore(JSON.parse(readFileSync(stateFile, 'utf8')));
    } catch (error) {
      throw new UsageError(`${stateFile}: not a sandbox state file (${(error as Error).message}); move it away to start afresh`);
    }
    log(`live sandbox: state from ${stateFile}: ${server.state.customers.size} customers, ${server.state.subscriptions.size} subscriptions, ${server.state.events.size} usage events`);
  }
  let url: string;
  try {
    url = await server.start(port);
  } catch (error) {
    throw new UsageError(`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
  }
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write(`${JSON.stringify({ port: Number(new URL(url).port) })}\n`);
  log(`live sandbox: ${url} (in memory; webhooks to ${webhookUrl}); use DODO_PAYMENTS_BASE_URL=${url}`);
  await stopped;
  await server.close();
  if (saver !== null) {
    saver.flush();
    log(`live sandbox: stopping (state kept in ${stateFile})`);
  } else log('live sandbox: stopping (its state is gone)');
  return 0;
}

/** Writes the state file shortly after changes (at most every SAVE_DELAY_MS), whole, through a temporary file and a rename. */
class StateSaver {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => unknown,
    private readonly log: (line: string) => void,
  ) {}

  changed(): void {
    this.timer ??= setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(this.snapshot())}\n`);
      renameSync(temporary, this.file);
    } catch (error) {
      this.log(`live sandbox: could not write ${this.file}: ${(error as Error).message}`);
    }
  }
}
