/**
 * `npx tsx engine <command>`: the engine's command line. Commands: `rate`.
 * The engine itself stays pure; this file and cli/ do the reading and printing.
 */
import { UsageError } from './command.ts';
import { RATE_USAGE, rateMain } from './engine-rate.ts';

const ENGINE_USAGE = `Usage: npx tsx engine <command> [flags]

Commands:
  rate    re-rate a usage export under a catalog (npx tsx engine rate --help)

${RATE_USAGE}`;

export async function engineMain(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${ENGINE_USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === 'rate') return rateMain(rest);
  throw new UsageError(`unknown command "${command}"\n\n${ENGINE_USAGE}`);
}
