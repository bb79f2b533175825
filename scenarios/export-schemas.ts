/**
 * Writes the JSON Schemas editors use to check YAML files as people type:
 * `npx tsx scenarios/export-schemas.ts` regenerates every file in SCHEMA_FILES.
 * A test fails when a committed schema file differs from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { scenarioSchema } from './scenario-schema.ts';
import { catalogSchema } from './catalog-schema.ts';

export const SCHEMA_FILES: Readonly<Record<string, () => z.ZodType>> = {
  'scenarios/catalog.schema.json': () => catalogSchema,
  'scenarios/schema.json': () => scenarioSchema,
};

/** The JSON text of a schema file, stable across runs. */
export function schemaText(schema: z.ZodType, title: string): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ title, ...json }, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
    writeFileSync(file, schemaText(schema(), file.replace(/^scenarios\//, '').replace(/\.schema\.json$/, '')));
    process.stdout.write(`wrote ${file}\n`);
  }
}
