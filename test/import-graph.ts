/**
 * The project's import graph, read from the sources: which file imports which, type-only imports
 * included (they vanish at run time but still tie modules together). Used by imports.test.ts to
 * keep the layers one-way and the graph free of circles.
 *
 * A small scanner rather than the TypeScript compiler: it skips comments, strings, template
 * literals and regular expressions, then reads `import ... from '...'`, `import '...'`,
 * `export ... from '...'` and `import('...')` (also in type positions). Only relative specifiers
 * become edges; packages and `node:` modules are not ours. A worker started with
 * `new URL('./file.ts', import.meta.url)` is not an import: it runs in its own thread.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

type Token = { readonly kind: 'word' | 'string' | 'punct'; readonly text: string };

/** Words after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

function isWordChar(char: string): boolean {
  return /[A-Za-z0-9_$]/.test(char);
}

/** The end (exclusive) of the string literal opening at `start`. */
function stringEnd(source: string, start: number): number {
  const quote = source[start];
  let index = start + 1;
  while (index < source.length && source[index] !== quote) index += source[index] === '\\' ? 2 : 1;
  return index + 1;
}

/** The end (exclusive) of the regular expression literal opening at `start`. */
function regexEnd(source: string, start: number): number {
  let index = start + 1;
  let inClass = false;
  while (index < source.length) {
    const char = source[index];
    if (char === '\\') index += 1;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) break;
    else if (char === '\n') break;
    index += 1;
  }
  index += 1;
  while (index < source.length && isWordChar(source[index]!)) index += 1; // flags
  return index;
}

/**
 * The source as words, string literals (their text, quotes removed) and punctuation, without
 * comments, template literal text or regular expressions. A template's `${...}` is scanned as code.
 */
export function tokens(source: string): Token[] {
  const found: Token[] = [];
  /** Open braces: true for a template's `${`, false for a code brace. */
  const braces: boolean[] = [];
  let index = 0;
  const last = (): Token | undefined => found[found.length - 1];
  const templateText = (from: number): number => {
    // From inside a template's text to just after its end, or just after a `${` (pushed).
    let position = from;
    while (position < source.length) {
      const char = source[position];
      if (char === '\\') position += 2;
      else if (char === '`') return position + 1;
      else if (char === '$' && source[position + 1] === '{') {
        braces.push(true);
        return position + 2;
      } else position += 1;
    }
    return position;
  };
  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (/\s/.test(char)) index += 1;
    else if (char === '/' && next === '/') index = source.indexOf('\n', index) === -1 ? source.length : source.indexOf('\n', index);
    else if (char === '/' && next === '*') index = source.indexOf('*/', index + 2) === -1 ? source.length : source.indexOf('*/', index + 2) + 2;
    else if (char === '"' || char === "'") {
      const end = stringEnd(source, index);
      found.push({ kind: 'string', text: source.slice(index + 1, end - 1) });
      index = end;
    } else if (char === '`') {
      found.push({ kind: 'string', text: '' });
      index = templateText(index + 1);
    } else if (char === '{') {
      braces.push(false);
      found.push({ kind: 'punct', text: char });
      index += 1;
    } else if (char === '}' && braces[braces.length - 1] === true) {
      braces.pop();
      index = templateText(index + 1);
    } else if (char === '/') {
      const before = last();
      const division = before !== undefined && (before.kind === 'string' || (before.kind === 'word' && !REGEX_AFTER_WORDS.has(before.text)) || [')', ']', '}'].includes(before.text));
      if (division) {
        found.push({ kind: 'punct', text: char });
        index += 1;
      } else index = regexEnd(source, index);
    } else if (isWordChar(char)) {
      let end = index + 1;
      while (end < source.length && isWordChar(source[end]!)) end += 1;
      found.push({ kind: 'word', text: source.slice(index, end) });
      index = end;
    } else {
      if (char === '}') braces.pop();
      found.push({ kind: 'punct', text: char });
      index += 1;
    }
  }
  return found;
}

/** The module specifiers a source imports or re-exports from, in order (type-only ones included). */
export function importSpecifiers(source: string): string[] {
  const list = tokens(source);
  const specifiers: string[] = [];
  for (let index = 0; index < list.length; index += 1) {
    const token = list[index]!;
    if (token.kind !== 'word' || (token.text !== 'import' && token.text !== 'export')) continue;
    if (list[index - 1]?.text === '.') continue; // a property named import/export
    const next = list[index + 1];
    if (token.text === 'import' && next?.kind === 'string') {
      specifiers.push(next.text); // import 'module'
      continue;
    }
    if (token.text === 'import' && next?.text === '(') {
      const argument = list[index + 2];
      if (argument?.kind === 'string') specifiers.push(argument.text); // import('module'), also as a type
      continue;
    }
    // import/export ... from 'module': the clause holds words, `*`, `,` and one `{ ... }`.
    let position = index + 1;
    let depth = 0;
    while (position < list.length) {
      const part = list[position]!;
      if (part.text === '{') depth += 1;
      else if (part.text === '}') depth -= 1;
      else if (depth === 0 && part.kind === 'word' && part.text === 'from') break;
      else if (depth === 0 && part.kind !== 'word' && part.text !== '*' && part.text !== ',') {
        position = list.length; // not a from-clause (a declaration, `export =`, ...)
        break;
      }
      if (depth === 0 && part.text === '}' && list[position + 1]?.text !== 'from') {
        position = list.length; // export { local, names }
        break;
      }
      position += 1;
    }
    const from = list[position + 1];
    if (position < list.length && from?.kind === 'string') specifiers.push(from.text);
  }
  return specifiers;
}

/** Source files (`.ts`, `.mts`, `.cts`) under `dir`, relative to `root`, sorted. */
export function sourceFiles(root: string, dir: string): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    for (const entry of readdirSync(join(root, path), { withFileTypes: true })) {
      const child = posix.join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'out') visit(child);
      } else if (/\.[mc]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(child);
    }
  };
  visit(dir);
  return files.sort();
}

/** One file's imports of other files of the project (paths relative to the root). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
}

/** Every relative import of `files` (relative to `root`); a specifier naming no file throws. */
export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    for (const specifier of importSpecifiers(readFileSync(join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const to = posix.join(posix.dirname(file), specifier);
      if (!existsSync(join(root, to))) throw new Error(`${file}: import of ${specifier}, which is no file`);
      edges.push({ from: file, to, specifier });
    }
  }
  return edges;
}

/**
 * The import circles among the files: each strongly connected group of files (Tarjan), as one
 * circle through it (a shortest path back to its first file), sorted.
 */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!next.has(edge.from)) next.set(edge.from, []);
    next.get(edge.from)!.push(edge.to);
  }
  const nodes = [...new Set(edges.flatMap((edge) => [edge.from, edge.to]))].sort();
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (node: string): void => {
    order.set(node, order.size);
    low.set(node, order.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!order.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, order.get(target)!));
    }
    if (low.get(node) !== order.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    const selfLoop = (next.get(node) ?? []).includes(node);
    if (group.length > 1 || selfLoop) groups.push(group.sort());
  };
  for (const node of nodes) if (!order.has(node)) connect(node);
  return groups.map((group) => circleThrough(group, next)).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** A shortest circle from the group's first file back to it, staying inside the group. */
function circleThrough(group: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[] {
  const start = group[0]!;
  const members = new Set(group);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head]!;
    for (const target of next.get(node) ?? []) {
      if (target === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (members.has(target) && !cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return [...group];
}
