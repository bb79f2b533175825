// Entry point for `npx tsx sim ...` (tsx resolves this file before the sim/ folder).
import { runCli } from './scenarios/errors.ts';
import { simMain } from './sim/cli.ts';

await runCli(simMain);
