/**
 * The browser builds of vega, vega-lite and vega-embed, read from node_modules so the report can
 * inline them (it must open offline: nothing is fetched). The packages' export maps do not expose
 * their build folders, so each file is found next to the module the package does export.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Package, and its minified browser build beside the entry module (all in `build/`). */
const SCRIPTS = [
  { name: 'vega', file: 'vega.min.js' },
  { name: 'vega-lite', file: 'vega-lite.min.js' },
  { name: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

export interface LibraryScript {
  readonly name: string;
  readonly source: string;
}

let cached: readonly LibraryScript[] | null = null;

/** vega, vega-lite and vega-embed's browser builds, in the order they must load. */
export function libraryScripts(): readonly LibraryScript[] {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  cached = SCRIPTS.map(({ name, file }) => {
    const entry = require.resolve(name);
    return { name, source: readFileSync(join(dirname(entry), file), 'utf8') };
  });
  return cached;
}
