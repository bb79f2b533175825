// The optional blueprint sink, with a stand-in for @dodopayments/ingestion-blueprints that behaves
// as dodo-api.md section 4 documents it (the real SDK inside, one request per event, a random
// event id, the wall clock): redirected to the test server, its events reach the meter; a resend
// is billed twice, which is why the SDK sink is the default. Without the package: a clear error.
import DodoPayments from 'dodopayments';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCatalog, usageEventOf } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { BlueprintMissing, type BlueprintModule, blueprintSink } from './usage-sink.ts';
import { type DodoTestServer, startDodoServer } from './dodo-sandbox/server.ts';

const catalog = compileCatalog(loadCatalog('scenarios/catalogs/midjourney.yaml').spec);
let server: DodoTestServer;
beforeAll(async () => {
  server = await startDodoServer();
});
afterAll(() => server.close());

class StandInIngestion {
  readonly client: { client: DodoPayments };
  constructor(readonly config: { apiKey: string; eventName: string; environment?: 'test_mode' | 'live_mode' }) {
    this.client = { client: new DodoPayments({ bearerToken: config.apiKey, environment: config.environment ?? 'test_mode', maxRetries: 0 }) };
  }
}
let drawn = 0;
const standIn: BlueprintModule = {
  Ingestion: StandInIngestion,
  async trackTimeRange(ingestion, options) {
    const self = ingestion as StandInIngestion;
    drawn += 1;
    const event = { event_id: `${self.config.eventName}_${Date.now()}_${drawn}`, customer_id: options.customerId, event_name: self.config.eventName, timestamp: new Date().toISOString(), metadata: options.metadata as Record<string, string | number> };
    try {
      await self.client.client.usageEvents.ingest({ events: [event] });
    } catch (error) {
      throw Object.assign(new Error('API_ERROR'), { details: error });
    }
  },
};

describe('blueprint sink', () => {
  it('sends one request per event to the redirected server, with random ids: a resend bills twice', async () => {
    const sink = await blueprintSink({ apiKey: server.apiKey, eventName: catalog.meterEventName, environment: 'test_mode', baseURL: server.url, load: async () => standIn });
    expect(sink.maxBatch).toBe(1);
    const now = Date.now();
    const event = usageEventOf(catalog, 'cus_9', 'job-9', 'fast', 2500, now);
    await sink.ingest([event]);
    await sink.ingest([event]);
    const stored = [...server.state.events.values()];
    expect(stored).toHaveLength(2);
    expect(stored[0]!.metadata).toMatchObject({ gpu_seconds: 2.5, mode: 'fast', job_event_id: 'job-9:gpu' });
    expect(stored[0]!.event_id).not.toBe('job-9:gpu');
  });

  it('hands the SDK error inside the blueprint\'s wrapper to the retry policy', async () => {
    const sink = await blueprintSink({ apiKey: 'wrong', eventName: catalog.meterEventName, environment: 'test_mode', baseURL: server.url, load: async () => standIn });
    await expect(sink.ingest([usageEventOf(catalog, 'cus_9', 'job-10', 'fast', 1, Date.now())])).rejects.toBeInstanceOf(DodoPayments.AuthenticationError);
  });

  it('says how to install the package when it is missing', async () => {
    await expect(blueprintSink({ apiKey: 'k', eventName: 'e', environment: 'test_mode', baseURL: null })).rejects.toBeInstanceOf(BlueprintMissing);
  });
});
