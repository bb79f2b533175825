/**
 * A chart spec as the text of its .vl.json file: indented JSON, except that a flat record (all
 * its values scalars) and an array of scalars stay on one line, so inline data rows take a line
 * each.
 * The specs are golden files: one data row per line keeps them short and their diffs readable.
 * Key order is the spec's own (builders write keys in a fixed order). Ends with a newline.
 */

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

const isScalar = (value: unknown): boolean => value === null || typeof value !== 'object';
const isFlatRecord = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(isScalar);

function format(value: Json, indent: string): string {
  if (isScalar(value) || isFlatRecord(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isScalar)) return JSON.stringify(value);
    return `[\n${value.map((item) => `${inner}${format(item, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: Json }).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${format(item, inner)}`).join(',\n')}\n${indent}}`;
}

/** The .vl.json text of `spec` (anything JSON.stringify accepts without a replacer). */
export function specText(spec: unknown): string {
  return `${format(JSON.parse(JSON.stringify(spec)) as Json, '')}\n`;
}
