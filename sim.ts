// Entry point for `npx tsx sim ...` (tsx resolves this file before the sim/ folder):
// `npx tsx sim SCENARIO.yaml` runs a scenario, `npx tsx sim compare A B ...` compares runs,
// `npx tsx sim sweep FILE.yaml` runs a sweep.
import { runCli } from './cli/command.ts';
import { compareMain } from './cli/compare-cli.ts';
import { simMain } from './cli/sim-cli.ts';
import { sweepMain } from './cli/sweep-cli.ts';

const SUBCOMMANDS: Readonly<Record<string, (argv: string[]) => Promise<number>>> = { compare: compareMain, sweep: sweepMain };
const sub = SUBCOMMANDS[process.argv[2] ?? ''];
await runCli(sub === undefined ? simMain : (argv) => sub(argv.slice(1)));
