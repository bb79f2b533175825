/**
 * Reading a YAML file against a zod schema, with every problem reported at its line.
 *
 * YAML syntax errors come from the `yaml` parser with their positions; schema problems come from
 * zod with a path, which is mapped back to the line of the offending node (or of the nearest
 * parent that exists, for a missing field). All problems are collected and thrown together as one
 * InputError; nothing is returned unless the whole file is valid. The pieces (`parseSource`,
 * `lineAt`, `issuesAt`) are exported for data merged from several files (scenarios/compose.ts),
 * where each path is located in the file that wrote it.
 */
import { LineCounter, isMap, isScalar, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError, type InputIssue } from './errors.ts';
import { readInputFile } from './input-file.ts';

export type PathKey = string | number;

/** A parsed YAML file: its document and the line counter that turns offsets into lines. */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly counter: LineCounter;
}

/** Where the value at a path of validated data was written: its file and 1-based line. */
export type Locate = (path: readonly PathKey[], preferKey: boolean) => { readonly file: string; readonly line: number | undefined };

/** `plans.pro.fast_seconds`, `fleet.gpus[2]` */
export function formatPath(path: readonly PathKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? key : `.${key}`;
  }
  return text;
}

function nodeAt(doc: Document, path: readonly PathKey[]): { node: Node | null; keyNode: Node | null; complete: boolean } {
  let current: unknown = doc.contents;
  let keyNode: Node | null = null;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  let found = 0;
  for (const key of path) {
    if (isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      keyNode = pair.key as Node;
      current = pair.value;
      best = (pair.value as Node | null) ?? keyNode;
    } else if (current && typeof current === 'object' && 'items' in current && typeof key === 'number') {
      const item = (current as { items: unknown[] }).items[key];
      if (item === undefined) break;
      keyNode = null;
      current = item;
      best = item as Node;
    } else {
      break;
    }
    found += 1;
  }
  return { node: best, keyNode, complete: found === path.length };
}

/** The 1-based line of the node at `path`, or of the key of its nearest existing parent. */
export function lineAt(source: YamlSource, path: readonly PathKey[], preferKey: boolean): number | undefined {
  const { node, keyNode, complete } = nodeAt(source.doc, path);
  const target = (preferKey || !complete) && keyNode ? keyNode : node;
  const offset = target?.range?.[0];
  return offset === undefined ? undefined : source.counter.linePos(offset).line;
}

/** zod issues as InputIssues (in zod's order), each at the file and line `locate` gives for `prefix` + its path. */
export function issuesAt(found: readonly z.core.$ZodIssue[], locate: Locate, prefix: readonly PathKey[] = []): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const issue of found) {
    const path = [...prefix, ...issue.path.filter((key): key is PathKey => typeof key !== 'symbol')];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        issues.push({ ...locate(keyPath, true), path: formatPath(keyPath), message: 'unknown field (check the spelling; see the schema)' });
      }
      continue;
    }
    issues.push({ ...locate(path, false), path: path.length > 0 ? formatPath(path) : undefined, message: describeIssue(issue) });
  }
  return issues;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `required (${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Parses YAML `text` (from `file`); throws one InputError listing every syntax error with its line. */
export function parseSource(file: string, text: string): YamlSource {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((error) => {
        const position = counter.linePos(error.pos[0]);
        const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        if (/Maximum call stack/.test(message)) return { file, line: position?.line, column: position?.col, message: 'YAML nested too deeply to read (a few hundred levels at most)' };
        return { file, line: position?.line, column: position?.col, message: `YAML syntax: ${message}` };
      }),
    );
  }
  // `__proto__` as a key would set an object's prototype instead of a field, and vanish unseen.
  const reserved: InputIssue[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        const position = pair.key.range ? counter.linePos(pair.key.range[0]) : undefined;
        reserved.push({ file, line: position?.line, column: position?.col, message: 'the key "__proto__" is not allowed' });
      }
    },
  });
  if (reserved.length > 0) throw new InputError(reserved);
  return { file, doc, counter };
}

/** How many alias uses a document may expand (the yaml package's guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

/** The data of a parsed file (aliases resolved); an InputError when the file holds nothing. */
export function sourceData(source: YamlSource): unknown {
  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof Error) || !/alias/i.test(error.message)) throw error;
    // A "billion laughs": aliases of aliases that would expand past any memory. Name the first one.
    let at: number | undefined;
    visit(source.doc, {
      Alias(_, node) {
        at = node.range?.[0];
        return visit.BREAK;
      },
    });
    const position = at === undefined ? undefined : source.counter.linePos(at);
    throw new InputError([{ file: source.file, line: position?.line, column: position?.col, message: `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of anchors in one value); write the values out` }]);
  }
  if (data === null || data === undefined) throw new InputError([{ file: source.file, message: 'the file is empty; expected a YAML mapping' }]);
  return data;
}

/**
 * Parses YAML `text` (from `file`) and validates it with `schema`. Throws one InputError listing
 * every syntax or schema problem with its line.
 */
export function parseYaml<Schema extends z.ZodType>(file: string, text: string, schema: Schema): z.output<Schema> {
  const source = parseSource(file, text);
  const result = schema.safeParse(sourceData(source));
  if (result.success) return result.data;
  const locate: Locate = (path, preferKey) => ({ file, line: lineAt(source, path, preferKey) });
  throw new InputError(issuesAt(result.error.issues, locate).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
}

/** Reads and validates a YAML file (see `parseYaml`). */
export function loadYaml<Schema extends z.ZodType>(file: string, schema: Schema): z.output<Schema> {
  return parseYaml(file, readInputFile(file), schema);
}
