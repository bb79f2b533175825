/**
 * Signed webhook deliveries from the test server, as Dodo sends them: Standard Webhooks headers
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`) over the raw JSON body, signed with the
 * endpoint's `whsec_` secret by the `standardwebhooks` library. `delivery` builds one without
 * sending it, so tests can tamper with it or age it.
 */
import { Webhook } from 'standardwebhooks';
import { BUSINESS_ID } from './state.ts';

export interface Delivery {
  readonly id: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A signed delivery of `{business_id, type, timestamp, data}`; `at` is the signing instant. */
export function delivery(secret: string, id: string, type: string, data: unknown, at: Date = new Date()): Delivery {
  const body = JSON.stringify({ business_id: BUSINESS_ID, type, timestamp: at.toISOString(), data });
  const signature = new Webhook(secret).sign(id, at, body);
  return {
    id,
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
  };
}

/** POSTs a delivery to `url`; resolves to the HTTP status (0 when the connection failed). */
export async function send(url: string, sent: Delivery): Promise<number> {
  try {
    const response = await fetch(url, { method: 'POST', headers: sent.headers, body: sent.body });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** A fresh random `whsec_` secret (32 random bytes, base64), as Dodo shows an endpoint's secret. */
export function newWebhookSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}
