// Entry point for `npx tsx sim ...` (tsx resolves this file before the sim/ folder):
// `npx tsx sim SCENARIO.yaml` runs a scenario, `npx tsx sim compare A B ...` compares runs.
import { runCli } from './cli/command.ts';
import { compareMain } from './cli/compare-cli.ts';
import { simMain } from './cli/sim-cli.ts';

await runCli(process.argv[2] === 'compare' ? (argv) => compareMain(argv.slice(1)) : simMain);
