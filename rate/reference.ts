/**
 * `engine rate`, the plain way: every input read as text, the events replayed by `rerate`. This is
 * the reference a reader meets first and the one the tests hold the fast path to (rate/fast/:
 * a byte scanner, a reader thread, hash tables over typed arrays), on random exports: both must
 * give the same result for every input, problems included.
 *
 * 1. Read the catalog (scenarios/catalog-schema.ts), the subscriptions, top-up purchases and plan
 *    changes (inputs.ts) and the usage export, line by line (text-export.ts); collect every
 *    problem with its file and line.
 * 2. Drop every line whose event_id an earlier valid line took, whatever its event name or
 *    metadata (Dodo ignores a later event with an id it has, across all the business's events);
 *    of the rest, keep the events the catalog's meter counts (its event name and filter); count
 *    the others, each line under one reason.
 * 3. Replay them with the subscriptions, purchases and changes (`rerate`), as the application
 *    would route them, or as metered (Dodo's invoice).
 */
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { InputError, type InputIssue } from '../scenarios/errors.ts';
import { readChanges, readPurchases, readSubscriptions } from './inputs.ts';
import { formatIsoMs } from '../engine/index.ts';
import { type RerateResult, RerateTooLarge, addIgnoredEvents, rerate } from './rerate.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS } from './instants.ts';
import { readEvents } from './text-export.ts';

/** The files `engine rate` reads. */
export interface RateFiles {
  readonly catalog: string;
  readonly subscriptions: string;
  readonly events: string;
  readonly purchases: string | null;
  /** `changes.csv`: upgrades, downgrades and cancellations (null: none). */
  readonly changes?: string | null;
}

export interface RateOptions {
  /** Bill every event as the meter counted it (Dodo's invoice) instead of replaying it through routing. */
  readonly asMetered?: boolean;
  /** The rating window's end (exclusive), ms; null: each open period's natural end. */
  readonly endAt?: number | null;
  /** Accepted instants (default 2000 to 2100): any other is an input error with its file and line. */
  readonly instants?: InstantRange;
  /** Rate however many billing periods the inputs span (default: refuse past LARGE_PERIODS). */
  readonly allowLarge?: boolean;
}

/** `work`, with a re-rating that would bill too many periods turned into an input error on `eventsFile`. */
export function refusingTooLarge<T>(eventsFile: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof RerateTooLarge)) throw error;
    const periods = Math.round(error.periods).toLocaleString('en-US');
    throw new InputError([
      {
        file: eventsFile,
        message:
          `the inputs run from ${formatIsoMs(error.fromAt)} to ${formatIsoMs(error.toAt)} for ${error.subscriptions.toLocaleString('en-US')} subscription(s): ` +
          `about ${periods} billing periods to rate. An instant typed wrong? --to or --instants narrows the window; --allow-large rates it all`,
      },
    ]);
  }
}

/** Reads and validates the inputs (every problem raised at once as an InputError) and re-rates them. */
export function rateFilesPlainly(files: RateFiles, options: RateOptions = {}): RerateResult {
  const { catalog } = loadCatalog(files.catalog);
  const range = options.instants ?? PLAUSIBLE_INSTANTS;
  const issues: InputIssue[] = [];
  const subscriptions = readSubscriptions(files.subscriptions, catalog, issues, range);
  const purchases = files.purchases ? readPurchases(files.purchases, catalog, issues, range) : [];
  const changes = files.changes ? readChanges(files.changes, catalog, issues, range) : [];
  const { events, skipped } = readEvents(files.events, catalog, issues, range);
  if (issues.length > 0) throw new InputError(issues);
  const rerateOptions = { asMetered: options.asMetered ?? false, changes, endAt: options.endAt ?? null, allowLarge: options.allowLarge ?? false };
  const result = refusingTooLarge(files.events, () => rerate(catalog, subscriptions, purchases, events, rerateOptions));
  return { ...result, ignoredEvents: addIgnoredEvents({ ...result.ignoredEvents }, skipped), eventNameHints: skipped.nameHints };
}
