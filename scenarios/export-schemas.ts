/**
 * Writes the JSON Schemas editors use to check YAML files as people type:
 * `npx tsx scenarios/export-schemas.ts` regenerates every file in SCHEMA_FILES.
 * A test fails when a committed schema file differs from what this would write.
 * A schema with a top-level `extends` field (scenarios/compose.ts) requires only `name` of a file
 * that extends another: the other required fields, at the top and in the mappings below it that
 * merge key by key, are required only when `extends` is absent.
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

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Removes the `required` lists of `schema` and of its object properties (recursively); returns them as a schema. */
function takeRequired(schema: JsonObject): JsonObject | null {
  const taken: JsonObject = {};
  if (Array.isArray(schema.required)) taken.required = schema.required;
  delete schema.required;
  const below: JsonObject = {};
  for (const [key, property] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
    const inner = isObject(property) && property.type === 'object' ? takeRequired(property) : null;
    if (inner !== null) below[key] = inner;
  }
  if (Object.keys(below).length > 0) taken.properties = below;
  return Object.keys(taken).length > 0 ? taken : null;
}

/** `json` with its requirements applied only to a file without `extends` (`keep` always required). */
function extendable(json: JsonObject, keep: readonly string[]): JsonObject {
  const required = takeRequired(json);
  if (required === null) return json;
  if (Array.isArray(required.required)) required.required = required.required.filter((key) => !keep.includes(key as string));
  return { ...json, required: keep, if: { required: ['extends'] }, else: required };
}

/** The JSON text of a schema file, stable across runs. */
export function schemaText(schema: z.ZodType, title: string): string {
  let json: JsonObject = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  if (isObject(json.properties) && 'extends' in json.properties) json = extendable(json, ['name']);
  return `${JSON.stringify({ title, ...json }, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
    writeFileSync(file, schemaText(schema(), file.replace(/^scenarios\//, '').replace(/\.schema\.json$/, '')));
    process.stdout.write(`wrote ${file}\n`);
  }
}
