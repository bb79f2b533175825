import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The required fields `schema` finds missing in `data`, reading `required`, `properties` and `if`/`then`/`else` only. */
function missing(schema: JsonObject, data: unknown, path = ''): string[] {
  if (!isObject(data)) return [];
  const found: string[] = [];
  for (const key of (schema.required ?? []) as string[]) if (!(key in data)) found.push(path + key);
  for (const [key, inner] of Object.entries((schema.properties ?? {}) as JsonObject)) {
    if (key in data && isObject(inner)) found.push(...missing(inner, data[key], `${path}${key}.`));
  }
  if (isObject(schema.if)) {
    const branch = missing(schema.if, data).length === 0 ? schema.then : schema.else;
    if (isObject(branch)) found.push(...missing(branch, data, path));
  }
  return found;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
const readYaml = (file: string) => parse(readFileSync(file, 'utf8')) as JsonObject;

describe('the scenario JSON Schema for editors', () => {
  const schema = readJson('scenarios/schema.json');

  it('accepts the shipped scenarios, whole or extending the baseline', () => {
    for (const file of ['baseline', 'peak', 'basic-cliff']) expect(missing(schema, readYaml(`scenarios/${file}.yaml`)), file).toEqual([]);
  });

  it('requires every field of a file without extends, and only the name of one with it', () => {
    const { start: _start, fleet, ...rest } = readYaml('scenarios/baseline.yaml');
    const { cost_per_gpu_hour_cents: _cost, ...fleetRest } = fleet as JsonObject;
    const partial = { ...rest, fleet: fleetRest };
    expect(missing(schema, partial)).toEqual(['start', 'fleet.cost_per_gpu_hour_cents']);
    expect(missing(schema, { ...partial, extends: 'baseline.yaml' })).toEqual([]);
    const { name: _name, ...nameless } = readYaml('scenarios/peak.yaml');
    expect(missing(schema, nameless)).toEqual(['name']);
  });

  it('leaves a schema without extends (the catalog) as zod writes it', () => {
    const catalog = readJson('scenarios/catalog.schema.json');
    expect(catalog.if).toBeUndefined();
    expect(missing(catalog, {})).toEqual(catalog.required);
    expect((catalog.required as string[]).length).toBeGreaterThan(1);
  });
});
