/**
 * Where the outbox sender ships usage events. The default is the SDK's `usageEvents.ingest`
 * (batches up to 1,000, the engine's deterministic `event_id`s and instants, so resends are
 * de-duplicated). `--sink blueprint` uses Dodo's Time Range ingestion blueprint
 * (`@dodopayments/ingestion-blueprints`, GPL-3.0), loaded only when chosen and not installed by
 * this project: it sends one request per event, gives each a random `event_id` and stamps it with
 * the wall clock, so a resend after a lost answer bills twice and late events are billed "now".
 * Errors it wraps are unwrapped to the SDK's, so the retry policy applies to both.
 */
import type DodoPayments from 'dodopayments';
import type { UsageEvent } from '../engine/index.ts';

export interface UsageSink {
  readonly name: 'sdk' | 'blueprint';
  /** Events per request at most. */
  readonly maxBatch: number;
  ingest(events: readonly UsageEvent[]): Promise<void>;
}

export function sdkSink(client: DodoPayments): UsageSink {
  return {
    name: 'sdk',
    maxBatch: 1000,
    async ingest(events) {
      await client.usageEvents.ingest({ events: events as (UsageEvent & { metadata: Record<string, string | number> })[] });
    },
  };
}

/** The blueprint package is not installed; the message says how to install it. */
export class BlueprintMissing extends Error {
  constructor() {
    super('--sink blueprint needs @dodopayments/ingestion-blueprints, which this project does not install (GPL-3.0): npm install @dodopayments/ingestion-blueprints');
    this.name = 'BlueprintMissing';
  }
}

/** The parts of the blueprint package the sink uses. */
export interface BlueprintModule {
  Ingestion: new (config: { apiKey: string; eventName: string; environment?: 'test_mode' | 'live_mode' }) => unknown;
  trackTimeRange: (ingestion: unknown, options: { customerId: string; durationMs?: number; metadata?: Record<string, unknown> }) => Promise<unknown>;
}

const BLUEPRINT_PACKAGE = '@dodopayments/ingestion-blueprints';

export interface BlueprintOptions {
  readonly apiKey: string;
  readonly eventName: string;
  readonly environment: 'test_mode' | 'live_mode';
  /** A Dodo-compatible base URL; the blueprint has no option for it, so its SDK client is re-pointed. */
  readonly baseURL: string | null;
  /** How the package is loaded (tests pass a stand-in). */
  readonly load?: () => Promise<BlueprintModule>;
}

export async function blueprintSink(options: BlueprintOptions): Promise<UsageSink> {
  let module: BlueprintModule;
  try {
    module = await (options.load ?? (() => import(BLUEPRINT_PACKAGE as string) as Promise<BlueprintModule>))();
  } catch {
    throw new BlueprintMissing();
  }
  // The blueprint always passes an environment, which the SDK refuses beside DODO_PAYMENTS_BASE_URL
  // (dodo-api.md section 4): the variable is hidden while it builds its client.
  const envBaseUrl = process.env.DODO_PAYMENTS_BASE_URL;
  delete process.env.DODO_PAYMENTS_BASE_URL;
  let ingestion: unknown;
  try {
    ingestion = new module.Ingestion({ apiKey: options.apiKey, eventName: options.eventName, environment: options.environment });
  } finally {
    if (envBaseUrl !== undefined) process.env.DODO_PAYMENTS_BASE_URL = envBaseUrl;
  }
  if (options.baseURL !== null) {
    // No supported option (dodo-api.md section 4): its private SDK client is cloned with the URL.
    const holder = (ingestion as { client?: { client?: { withOptions?: (o: object) => unknown } } }).client;
    if (holder?.client?.withOptions === undefined) throw new Error('the ingestion blueprint cannot be pointed at a base URL in this version');
    holder.client = holder.client.withOptions({ baseURL: options.baseURL, environment: undefined }) as typeof holder.client;
  }
  return {
    name: 'blueprint',
    maxBatch: 1,
    async ingest(events) {
      for (const event of events) {
        try {
          await module.trackTimeRange(ingestion, { customerId: event.customer_id, metadata: { ...event.metadata, job_event_id: event.event_id } });
        } catch (error) {
          throw (error as { details?: unknown }).details instanceof Error ? (error as { details: Error }).details : error;
        }
      }
    },
  };
}
