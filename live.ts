// Entry point for `npx tsx live ...` (tsx resolves this file before the live/ folder).
import { runCli } from './cli/command.ts';
import { liveMain } from './cli/live-cli.ts';

await runCli(liveMain);
