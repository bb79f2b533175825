// Entry point for `npx tsx engine ...` (tsx resolves this file before the engine/ folder).
import { engineMain } from './cli/engine-cli.ts';
import { runCli } from './cli/command.ts';

await runCli(engineMain);
