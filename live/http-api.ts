/**
 * The live HTTP API (node:http, loopback by default), a thin layer over LiveService:
 *   POST /v1/customers {email, name}                     -> 201 {customer_id, api_key}   (admin)
 *   POST /v1/checkout {plan, interval} | {topup_hours}    -> 200 {session_id, checkout_url}
 *   POST /v1/jobs {job_type, mode, params?}               -> 202 {job_id, mode, reason, ...}
 *                                                          | 402 / 429 {error, reason, way_out}
 *   GET  /v1/jobs[?status=S&limit=N&before=JOB]           -> 200 {jobs, next_before}   (newest first)
 *   GET  /v1/jobs/:id                                     -> 200 job view | 404
 *   DELETE /v1/jobs/:id                                   -> 200 job view, failed 'cancelled', unbilled | 404 | 409 finished
 *   GET  /v1/jobs/:id/output                              -> 200 the file the job wrote (its media type) | 404 | 409 | 410
 *   GET  /v1/usage                                        -> 200 this cycle's usage
 *   GET  /v1/outbox[?limit=N]                             -> 200 {counts, stuck}   (admin; as `live outbox --json`)
 *   GET  /v1/reconcile[?from=ISO&to=ISO&limit=N]          -> 200 reconciliation    (admin; as `live reconcile --json`)
 *   POST /webhooks/dodo                                   -> 200 | 401 (signature)
 * Auth: `Authorization: Bearer <api_key>` acts for that customer only; LIVE_ADMIN_TOKEN acts for
 * any customer named by `customer_id` (body, or query for GETs). Anything else 401; another
 * customer's job 404. Bad bodies get 400 with the field and what was wrong; nothing echoes a
 * secret or a stack trace.
 */
import { open } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import DodoPayments from 'dodopayments';
import { z } from 'zod';
import type { RouteDecision } from '../engine/index.ts';
import { RequestError, type LiveService } from './service.ts';
import { WebhookRejected } from './webhook-handler.ts';

const MAX_BODY_BYTES = 64 * 1024;

const customerBody = z.strictObject({ email: z.email().max(254), name: z.string().min(1).max(200), customer_id: z.undefined().optional() });
const checkoutBody = z.union([
  z.strictObject({ customer_id: z.string().optional(), plan: z.string().min(1).max(100), interval: z.enum(['month', 'year']) }),
  z.strictObject({ customer_id: z.string().optional(), topup_hours: z.number().int().min(1).max(1000) }),
]);
const jobBody = z.strictObject({
  customer_id: z.string().optional(),
  job_type: z.string().min(1).max(100),
  mode: z.enum(['fast', 'turbo', 'relax']),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/** The media type of a job's output by its magic bytes (a configured command may write any of these). */
export function mediaType(head: Buffer): string {
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (head.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (head.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  if (head.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) return 'video/webm';
  return 'application/octet-stream';
}

/** The `limit` query parameter: `fallback` when absent, else a whole number in 1..`max` (400 otherwise). */
function limitParam(url: URL, fallback: number, max: number): number {
  const text = url.searchParams.get('limit');
  if (text === null) return fallback;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > max) throw new RequestError(400, `limit must be a whole number in 1..${max}`);
  return limit;
}

/** Block reasons the customer pays their way out of (402); the others are about load (429). */
const PAYMENT_BLOCKS = new Set(['no_active_subscription', 'fast_exhausted_no_relax', 'relax_not_on_plan', 'relax_not_allowed_for_job_type']);

function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

function wayOut(decision: RouteDecision, cheapestPlan: string): unknown[] {
  return decision.unblock.map((unblock) => {
    switch (unblock.action) {
      case 'topup':
        return { action: 'topup', checkout: { method: 'POST', path: '/v1/checkout', body: { topup_hours: 1 } } };
      case 'upgrade':
        return { action: 'upgrade', plan: unblock.planId, checkout: { method: 'POST', path: '/v1/checkout', body: { plan: unblock.planId, interval: 'month' } } };
      case 'subscribe':
        return { action: 'subscribe', checkout: { method: 'POST', path: '/v1/checkout', body: { plan: cheapestPlan, interval: 'month' } } };
      default:
        return { action: unblock.action };
    }
  });
}

interface Caller {
  readonly customerId: string | null;
  readonly admin: boolean;
}

export class LiveApi {
  private readonly server: Server;

  constructor(
    private readonly service: LiveService,
    private readonly cheapestPlan: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.server = createServer((request, response) => void this.handle(request, response));
    // Idle keep-alive connections live a minute (Node's 5 s default races clients reusing them).
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(response: ServerResponse, status: number, body: unknown): void {
    if (response.headersSent) {
      response.destroy(); // a file failed mid-way: the client sees a cut answer, not a second one
      return;
    }
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  /** Streams a job's output file with its media type (from its first bytes). */
  private async sendFile(response: ServerResponse, file: string): Promise<void> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(16);
      const { bytesRead } = await handle.read(head, 0, 16, 0);
      response.writeHead(200, { 'content-type': mediaType(head.subarray(0, bytesRead)), 'content-length': size, 'content-disposition': `inline; filename="${basename(file)}"` });
      await pipeline(handle.createReadStream({ start: 0, autoClose: false }), response);
    } finally {
      await handle.close();
    }
  }

  private async readBody(request: IncomingMessage): Promise<string> {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new RequestError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private parse<T>(text: string, schema: z.ZodType<T>): T {
    let json: unknown;
    try {
      json = JSON.parse(text === '' ? '{}' : text);
    } catch {
      throw new RequestError(400, 'the body is not JSON');
    }
    const result = schema.safeParse(json);
    if (!result.success) throw new RequestError(400, zodMessage(result.error));
    return result.data;
  }

  private async caller(request: IncomingMessage): Promise<Caller> {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const who = token === '' ? null : await this.service.authenticate(token);
    if (who === null) throw new RequestError(401, 'missing or unknown API key');
    return who === 'admin' ? { customerId: null, admin: true } : { customerId: who.customerId, admin: false };
  }

  /** The customer a request acts for: the key's own, or the one an admin names. */
  private async actingFor(caller: Caller, named: string | null | undefined): Promise<string> {
    if (!caller.admin) {
      if (named !== undefined && named !== null && named !== caller.customerId) throw new RequestError(401, 'an API key acts for its own customer only');
      return caller.customerId!;
    }
    if (typeof named !== 'string' || named === '') throw new RequestError(400, 'customer_id is required with the admin token');
    if (!(await this.service.customerExists(named))) throw new RequestError(404, 'no such customer');
    return named;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = `${request.method} ${url.pathname}`;
    try {
      if (route === 'POST /webhooks/dodo') {
        const outcome = await this.service.webhooks.handle(await this.readBody(request), request.headers);
        return this.send(response, 200, { received: true, duplicate: outcome.duplicate, outcome: outcome.outcome });
      }
      const caller = await this.caller(request);
      if (route === 'POST /v1/customers') {
        if (!caller.admin) throw new RequestError(401, 'creating customers needs the admin token');
        const body = this.parse(await this.readBody(request), customerBody);
        return this.send(response, 201, await this.service.createCustomer(body.email, body.name));
      }
      if (route === 'POST /v1/checkout') {
        const body = this.parse(await this.readBody(request), checkoutBody);
        const customerId = await this.actingFor(caller, body.customer_id);
        const session = await this.service.checkout(customerId, 'plan' in body ? { plan: body.plan, interval: body.interval } : { topupHours: body.topup_hours });
        return this.send(response, 200, session);
      }
      if (route === 'POST /v1/jobs') {
        const body = this.parse(await this.readBody(request), jobBody);
        const customerId = await this.actingFor(caller, body.customer_id);
        const { jobId, decision } = await this.service.submitJob(customerId, body.job_type, body.mode, body.params ?? {});
        if (jobId === null) {
          const status = PAYMENT_BLOCKS.has(decision.reason) ? 402 : 429;
          return this.send(response, status, { error: 'blocked', reason: decision.reason, way_out: wayOut(decision, this.cheapestPlan) });
        }
        return this.send(response, 202, { job_id: jobId, status: decision.start === 'now' ? 'ready' : 'queued', mode: decision.mode, reason: decision.reason, priority: decision.priority, start: decision.start });
      }
      if (route === 'GET /v1/jobs') {
        const customerId = await this.actingFor(caller, url.searchParams.get('customer_id'));
        const limit = limitParam(url, 50, 1000);
        return this.send(response, 200, await this.service.jobs(customerId, { limit, status: url.searchParams.get('status'), before: url.searchParams.get('before') }));
      }
      const cancelMatch = /^DELETE \/v1\/jobs\/([A-Za-z0-9_]{1,100})$/.exec(route);
      if (cancelMatch !== null) return this.send(response, 200, await this.service.cancelJob(caller.admin ? null : caller.customerId, cancelMatch[1]!));
      const outputMatch = /^GET \/v1\/jobs\/([A-Za-z0-9_]{1,100})\/output$/.exec(route);
      if (outputMatch !== null) {
        const file = await this.service.jobOutput(caller.admin ? null : caller.customerId, outputMatch[1]!);
        return await this.sendFile(response, file);
      }
      const jobMatch = /^GET \/v1\/jobs\/([A-Za-z0-9_]{1,100})$/.exec(route);
      if (jobMatch !== null) {
        const job = await this.service.job(caller.admin ? null : caller.customerId, jobMatch[1]!);
        if (job === null) throw new RequestError(404, 'no such job');
        return this.send(response, 200, job);
      }
      if (route === 'GET /v1/usage') {
        const customerId = await this.actingFor(caller, url.searchParams.get('customer_id'));
        return this.send(response, 200, this.service.usage(customerId));
      }
      if (route === 'GET /v1/outbox') {
        if (!caller.admin) throw new RequestError(401, 'the outbox needs the admin token');
        const limit = limitParam(url, 100, 100_000);
        return this.send(response, 200, await this.service.outbox(limit));
      }
      if (route === 'GET /v1/reconcile') {
        if (!caller.admin) throw new RequestError(401, 'reconciliation needs the admin token');
        const limit = limitParam(url, 100, 100_000);
        return this.send(response, 200, await this.service.reconcile(url.searchParams.get('from'), url.searchParams.get('to'), limit));
      }
      throw new RequestError(404, `no route ${route}`);
    } catch (error) {
      if (error instanceof RequestError) return this.send(response, error.status, { error: error.message, ...error.details });
      if (error instanceof WebhookRejected) return this.send(response, 401, { error: error.message });
      if (error instanceof DodoPayments.APIError) {
        this.log(`Dodo refused a request for ${route}: ${error.message}`);
        return this.send(response, 502, { error: `Dodo answered ${error.status ?? 'no response'}: ${error.message}`.slice(0, 300) });
      }
      this.log(`internal error on ${route}: ${(error as Error).message}`);
      return this.send(response, 500, { error: 'internal error' });
    }
  }
}
