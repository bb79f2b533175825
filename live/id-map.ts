/**
 * The Dodo id mapping `live provision` prints and stores: the meter id and the product id of each
 * catalog product key (`plan:<id>:<interval>`, `topup`), as JSON in `<data>/dodo-ids.json`. The
 * server reads it to name products in checkouts and to recognise them in webhooks.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IdMap {
  readonly meter_id: string;
  readonly meter_event_name: string;
  /** Dodo product id by catalog product key. */
  readonly products: Readonly<Record<string, string>>;
}

export const ID_MAP_FILE = 'dodo-ids.json';

export function idMapPath(dataDir: string): string {
  return join(dataDir, ID_MAP_FILE);
}

/** Writes the mapping whole (write beside, then rename). */
export function writeIdMap(dataDir: string, ids: IdMap): string {
  mkdirSync(dataDir, { recursive: true });
  const path = idMapPath(dataDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(ids, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** The stored mapping, or null when `live provision` has not run for this data folder. */
export function readIdMap(dataDir: string): IdMap | null {
  let text: string;
  try {
    text = readFileSync(idMapPath(dataDir), 'utf8');
  } catch {
    return null;
  }
  const parsed = JSON.parse(text) as IdMap;
  if (typeof parsed.meter_id !== 'string' || typeof parsed.products !== 'object') throw new Error(`${idMapPath(dataDir)} is not an id mapping`);
  return parsed;
}

/** The catalog product key of a Dodo product id, or null. */
export function productKeyOf(ids: IdMap, productId: string): string | null {
  for (const [key, id] of Object.entries(ids.products)) if (id === productId) return key;
  return null;
}
