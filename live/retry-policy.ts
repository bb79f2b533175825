/**
 * What the outbox sender does after a failed ingest request, decided from the SDK's error:
 * - 429: wait what `retry-after-ms` / `retry-after` (seconds or an HTTP date) says, else back off;
 * - 5xx, 408, 409, timeouts and dropped connections: back off exponentially;
 * - 400 / 422: Dodo refused something in the batch: split it to find the event (a lone event is
 *   rejected for good);
 * - 401 / 403: the key is wrong; back off the most, nothing is sent until it is fixed;
 * - anything else: back off.
 * Backoff: base x 2^attempts, capped, with a deterministic spread per batch (no random numbers:
 * the same outbox retries at the same instants).
 */
import DodoPayments from 'dodopayments';

export type FailureAction =
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'split'; readonly reason: string }
  | { readonly kind: 'unauthorized'; readonly delayMs: number; readonly reason: string };

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** The wait a response asks for, ms, or null. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | null {
  if (headers === undefined) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const text = headers.get('retry-after');
  if (text === null) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function spread(key: string): number {
  let hash = 0;
  for (let index = 0; index < key.length; index += 1) hash = (hash * 31 + key.charCodeAt(index)) | 0;
  return 0.75 + ((hash >>> 0) % 1000) / 4000; // in [0.75, 1)
}

export function backoffMs(policy: BackoffPolicy, attempts: number, key: string): number {
  const raw = Math.min(policy.baseMs * 2 ** Math.min(attempts, 30), policy.maxMs);
  return Math.max(1, Math.round(raw * spread(key)));
}

/** A short description of the error for `last_error` (never the request's headers). */
function describe(error: unknown): string {
  if (error instanceof DodoPayments.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof DodoPayments.APIConnectionError) return `connection failed: ${error.message}`;
  if (error instanceof Error) return error.message.slice(0, 300);
  return String(error).slice(0, 300);
}

export function onFailure(error: unknown, policy: BackoffPolicy, attempts: number, key: string, now: number): FailureAction {
  const reason = describe(error);
  const backoff = backoffMs(policy, attempts, key);
  if (error instanceof DodoPayments.RateLimitError) {
    return { kind: 'retry', delayMs: retryAfterMs(error.headers, now) ?? backoff, reason };
  }
  if (error instanceof DodoPayments.BadRequestError || error instanceof DodoPayments.UnprocessableEntityError) return { kind: 'split', reason };
  if (error instanceof DodoPayments.AuthenticationError || error instanceof DodoPayments.PermissionDeniedError) {
    return { kind: 'unauthorized', delayMs: policy.maxMs, reason };
  }
  if (error instanceof DodoPayments.APIError && error.status !== undefined) {
    return { kind: 'retry', delayMs: retryAfterMs(error.headers, now) ?? backoff, reason };
  }
  return { kind: 'retry', delayMs: backoff, reason };
}
