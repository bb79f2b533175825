/**
 * The sandbox's checkout page: what `checkout_url` opens in a browser. It shows the cart (product,
 * quantity, price) and a "Pay" button; paying completes the session as a customer's payment
 * would, and the page then lists the webhooks sent and the receiver's answers. Every text from
 * the state is HTML-escaped.
 */
import type { CheckoutRecord, ProductRecord } from './state.ts';

export interface SentWebhook {
  readonly type: string;
  readonly status: number;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Minor units of USD as `$12.34`. */
function dollars(cents: number): string {
  return `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function productPrice(product: ProductRecord): number {
  return Number(product.price.fixed_price ?? product.price.price ?? 0);
}

export function checkoutPage(checkout: CheckoutRecord, products: ReadonlyMap<string, ProductRecord>, sent: readonly SentWebhook[] | null): string {
  const rows = checkout.product_cart.map((item) => {
    const product = products.get(item.product_id);
    const name = product === undefined ? item.product_id : product.name;
    const price = product === undefined ? 0 : productPrice(product);
    return `<tr><td>${escapeHtml(name)}</td><td>${item.quantity}</td><td>${dollars(price * item.quantity)}</td></tr>`;
  });
  const total = checkout.product_cart.reduce((sum, item) => {
    const product = products.get(item.product_id);
    return sum + (product === undefined ? 0 : productPrice(product)) * item.quantity;
  }, 0);
  const id = escapeHtml(checkout.session_id);
  let action: string;
  if (sent !== null) {
    const lines = sent.map((webhook) => `<li><code>${escapeHtml(webhook.type)}</code>: ${webhook.status === 0 ? 'not delivered (no answer)' : `receiver answered ${webhook.status}`}</li>`);
    action = `<p id="paid">Paid. Webhooks sent:</p><ul>${lines.join('') || '<li>none (no webhook URL set)</li>'}</ul>`;
  } else if (checkout.completed) {
    action = '<p id="paid">This checkout is paid already.</p>';
  } else {
    action = `<form method="post" action="/checkout/${id}"><button type="submit">Pay ${dollars(total)} (sandbox: no money moves)</button></form>`;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox checkout ${id}</title>
<style>body{font:16px system-ui,sans-serif;max-width:40em;margin:3em auto}td,th{padding:.3em 1em;text-align:left}</style></head>
<body><h1>Dodo sandbox checkout</h1>
<p>Session <code>${id}</code>, customer <code>${escapeHtml(checkout.customer_id)}</code></p>
<table><tr><th>Product</th><th>Quantity</th><th>Price</th></tr>${rows.join('')}</table>
${action}
</body></html>
`;
}
