// Entry point for `npx tsx engine ...` (tsx resolves this file before the engine/ folder).
import { engineMain } from './cli/engine-cli.ts';
import { runCli } from './scenarios/errors.ts';

await runCli(engineMain);
