/**
 * YAML files that extend one another, the way FoundationDB test specs compose: a file says
 * `extends: base.yaml` (relative to itself, or absolute) and states only what differs.
 *
 * The merge rule, applied from the root base up a chain (A extends B extends C: C, then B, then A):
 * - mappings merge key by key, recursively: the base's keys in the base's order, then the keys
 *   only the extending file has, in its order;
 * - a scalar or a sequence in the extending file replaces the base's whole value (sequences are
 *   never merged item by item);
 * - `null` in an extending file removes the key from the result (its default then applies, or it
 *   is reported as required), except below the paths in `nullIsValueUnder`, where null is a value
 *   like any other scalar (a scenario's catalog overrides: `expiry_days: null` means never expires);
 * - the top-level `ownKeys` are never inherited (a scenario's `name`, which names its output folder);
 * - `extends` itself is dropped; YAML anchors (`&a`, `*a`) stay within their own file.
 * Every merged value remembers the file that wrote it (a removed key, the file that removed it), so
 * a problem found in the merged data is reported at that file and line. A missing or unreadable
 * base, an `extends` that is not a path and a cycle are input errors at the `extends` line.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from './errors.ts';
import { readInputFile } from './input-file.ts';
import { type Locate, type PathKey, type YamlSource, lineAt, parseSource, sourceData } from './yaml-load.ts';

export interface ComposeRules {
  /** Top-level keys each file states for itself; a base's value is dropped. */
  readonly ownKeys: readonly string[];
  /** Paths below which `null` is a value, not a removal. */
  readonly nullIsValueUnder: readonly (readonly string[])[];
}

export interface Composed {
  /** The merged data, `extends` removed: what the schema validates. */
  readonly data: unknown;
  /** The files merged: the file asked for first, then its base, its base's base, ... */
  readonly files: readonly string[];
  /** The file that wrote the value at `path` (or removed it, or wrote its nearest parent). */
  readonly fileOf: (path: readonly PathKey[]) => string;
  /** The file and line of the value at `path`, for reporting problems found in `data`. */
  readonly locate: Locate;
}

/** Which file (index into `files`) wrote a value; for a mapping, which wrote each key. */
interface Origin {
  readonly layer: number;
  readonly keys?: ReadonlyMap<string, Origin>;
}

interface Merged {
  readonly value: unknown;
  readonly origin: Origin;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `key` as an own property even when it is `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function startsWith(path: readonly PathKey[], prefix: readonly string[]): boolean {
  return path.length > prefix.length && prefix.every((key, index) => path[index] === key);
}

/** `value` (written by file `layer`) merged over `base`; `extending` is false for the root base. */
function merge(base: Merged | undefined, value: unknown, layer: number, path: readonly PathKey[], extending: boolean, rules: ComposeRules): Merged {
  if (!isMapping(value)) return { value, origin: { layer } };
  const merged: Record<string, unknown> = {};
  const keys = new Map<string, Origin>();
  const below = base !== undefined && isMapping(base.value) ? base.value : null;
  if (below !== null) {
    for (const [key, baseValue] of Object.entries(below)) {
      define(merged, key, baseValue);
      keys.set(key, base!.origin.keys?.get(key) ?? { layer: base!.origin.layer });
    }
  }
  for (const [key, childValue] of Object.entries(value)) {
    const childPath = [...path, key];
    if (childValue === null && extending && !rules.nullIsValueUnder.some((prefix) => startsWith(childPath, prefix))) {
      delete merged[key];
      keys.set(key, { layer });
      continue;
    }
    const baseEntry = below !== null && Object.hasOwn(below, key) ? { value: below[key], origin: keys.get(key)! } : undefined;
    const entry = merge(baseEntry, childValue, layer, childPath, extending, rules);
    define(merged, key, entry.value);
    keys.set(key, entry.origin);
  }
  return { value: merged, origin: { layer, keys } };
}

/** The file index that wrote the value at `path`: the deepest origin the path reaches. */
function layerOf(origin: Origin, path: readonly PathKey[]): number {
  let current = origin;
  for (const key of path) {
    const next = current.keys?.get(String(key));
    if (next === undefined) break;
    current = next;
  }
  return current.layer;
}

/** An input error at the `extends` line of `source`. */
function extendsError(source: YamlSource, message: string): InputError {
  return new InputError([{ file: source.file, line: lineAt(source, ['extends'], false), path: 'extends', message }]);
}

/** Reads `file` and the chain of files it extends: the sources and data, the file asked for first. */
function readChain(file: string): { sources: YamlSource[]; layers: unknown[] } {
  const sources = [parseSource(file, readInputFile(file))];
  const layers = [sourceData(sources[0]!)];
  for (;;) {
    const source = sources.at(-1)!;
    const data = layers.at(-1);
    if (!isMapping(data) || data.extends === undefined) return { sources, layers };
    if (typeof data.extends !== 'string' || data.extends === '') throw extendsError(source, 'expected the path of the base file (relative to this file, or absolute)');
    const baseFile = isAbsolute(data.extends) ? data.extends : join(dirname(source.file), data.extends);
    const seen = sources.findIndex((earlier) => resolve(earlier.file) === resolve(baseFile));
    if (seen !== -1) {
      const loop = [...sources.slice(seen).map((earlier) => earlier.file), baseFile].join(' -> ');
      throw extendsError(source, `cycle: ${loop}`);
    }
    let text: string;
    try {
      text = readInputFile(baseFile);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw extendsError(source, `${baseFile}: ${error.issues[0]?.message ?? 'cannot read'}`);
    }
    const baseSource = parseSource(baseFile, text);
    const baseData = sourceData(baseSource);
    if (!isMapping(baseData)) throw new InputError([{ file: baseFile, line: lineAt(baseSource, [], false), message: 'expected a YAML mapping (a file to extend)' }]);
    sources.push(baseSource);
    layers.push(baseData);
  }
}

/**
 * Reads `file` and every file it extends and merges them (see the module comment). Throws an
 * InputError for a syntax error in any of them or a broken `extends`; the merged data is not
 * validated here.
 */
export function loadComposed(file: string, rules: ComposeRules): Composed {
  const { sources, layers } = readChain(file);
  let merged: Merged | undefined;
  for (let layer = layers.length - 1; layer >= 0; layer -= 1) {
    let data = layers[layer];
    if (isMapping(data)) {
      const dropped = new Set(layer > 0 ? ['extends', ...rules.ownKeys] : ['extends']);
      data = Object.fromEntries(Object.entries(data).filter(([key]) => !dropped.has(key)));
    }
    merged = merge(merged, data, layer, [], layer < layers.length - 1, rules);
  }
  const origin = merged!.origin;
  const sourceOf = (path: readonly PathKey[]) => sources[layerOf(origin, path)]!;
  return {
    data: merged!.value,
    files: sources.map((source) => source.file),
    fileOf: (path) => sourceOf(path).file,
    locate: (path, preferKey) => {
      const source = sourceOf(path);
      return { file: source.file, line: lineAt(source, path, preferKey) };
    },
  };
}
