/**
 * `npx tsx live <command>`: the live adapter's command line. Commands: `provision`, `serve`,
 * `outbox`, `reconcile`, `sandbox`.
 * The adapter is in live/; this file only dispatches.
 */
import { UsageError } from './command.ts';
import { LiveFailure } from './live-dodo-errors.ts';
import { OUTBOX_USAGE, outboxMain } from './live-outbox.ts';
import { PROVISION_USAGE, provisionMain } from './live-provision.ts';
import { RECONCILE_USAGE, reconcileMain } from './live-reconcile.ts';
import { SANDBOX_USAGE, sandboxMain } from './live-sandbox.ts';
import { SERVE_USAGE, serveMain } from './live-serve.ts';

const LIVE_USAGE = `Usage: npx tsx live <command> [flags]

Commands:
  provision   create or find the catalog's Dodo meter and products (npx tsx live provision --help)
  serve       the HTTP API, job executor and Dodo sync (npx tsx live serve --help)
  outbox      usage events waiting for Dodo, and the stuck ones (npx tsx live outbox --help)
  reconcile   the outbox against Dodo's meter, event by event, per customer (npx tsx live reconcile --help)
  sandbox     a local Dodo-compatible server to try it all without a Dodo account (npx tsx live sandbox --help)

${PROVISION_USAGE}

${SERVE_USAGE}

${OUTBOX_USAGE}

${RECONCILE_USAGE}

${SANDBOX_USAGE}`;

export async function liveMain(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${LIVE_USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command === 'provision') return await provisionMain(rest);
    if (command === 'outbox') return await outboxMain(rest);
    if (command === 'serve') return await serveMain(rest);
    if (command === 'sandbox') return await sandboxMain(rest);
    if (command === 'reconcile') return await reconcileMain(rest);
  } catch (error) {
    if (!(error instanceof LiveFailure)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  throw new UsageError(`unknown command "${command}"\n\n${LIVE_USAGE}`);
}
