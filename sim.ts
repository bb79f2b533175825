// Entry point for `npx tsx sim ...` (tsx resolves this file before the sim/ folder).
import { runCli } from './cli/command.ts';
import { simMain } from './cli/sim-cli.ts';

await runCli(simMain);
