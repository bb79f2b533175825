// Entry point for `npx tsx sim ...` (tsx resolves this file before the sim/ folder):
// `npx tsx sim SCENARIO.yaml` runs a scenario, `npx tsx sim compare A B ...` compares runs,
// `npx tsx sim sweep FILE.yaml` runs a sweep, `npx tsx sim worker --queue URL` takes a queued
// sweep's cells. Subcommands load their modules only when named.
import { runCli } from './cli/command.ts';
import { simMain } from './cli/sim-cli.ts';

type Main = (argv: string[]) => Promise<number>;
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Main>>> = {
  compare: async () => (await import('./cli/compare-cli.ts')).compareMain,
  sweep: async () => (await import('./cli/sweep-cli.ts')).sweepMain,
  worker: async () => (await import('./cli/sweep-queue.ts')).workerMain,
};
const sub = SUBCOMMANDS[process.argv[2] ?? ''];
await runCli(sub === undefined ? simMain : async (argv) => (await sub())(argv.slice(1)));
