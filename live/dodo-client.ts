/**
 * The Dodo Payments client of the live adapter: the official `dodopayments` SDK, in test mode
 * unless told otherwise. The API key comes from DODO_PAYMENTS_API_KEY only (never a flag, never
 * printed); the base URL from `--dodo-base-url` or DODO_PAYMENTS_BASE_URL (a local test server),
 * else Dodo's test-mode host. DODO_PAYMENTS_ENVIRONMENT=live_mode selects live mode explicitly.
 */
import DodoPayments from 'dodopayments';

/** A missing or contradictory setting; the CLI reports it as a usage error (exit 2). */
export class DodoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DodoConfigError';
  }
}

export interface DodoClientOptions {
  /** A base URL that overrides the environment (a test server); default DODO_PAYMENTS_BASE_URL. */
  readonly baseURL?: string | null;
  readonly env?: NodeJS.ProcessEnv;
  /** Attempts after the first, per request (the SDK's own retries); default 2. */
  readonly maxRetries?: number;
  /** Per attempt, ms; default 60,000. */
  readonly timeoutMs?: number;
}

export function dodoClient(options: DodoClientOptions = {}): DodoPayments {
  const env = options.env ?? process.env;
  const apiKey = env.DODO_PAYMENTS_API_KEY;
  if (apiKey === undefined || apiKey === '') throw new DodoConfigError('DODO_PAYMENTS_API_KEY is not set (a Dodo test-mode API key)');
  const baseURL = options.baseURL ?? (env.DODO_PAYMENTS_BASE_URL || null);
  const environment = env.DODO_PAYMENTS_ENVIRONMENT ?? 'test_mode';
  if (environment !== 'test_mode' && environment !== 'live_mode') throw new DodoConfigError('DODO_PAYMENTS_ENVIRONMENT must be test_mode or live_mode');
  if (baseURL !== null) {
    try {
      new URL(baseURL);
    } catch {
      throw new DodoConfigError('the Dodo base URL is not a URL');
    }
  }
  return new DodoPayments({
    bearerToken: apiKey,
    // The SDK refuses a base URL together with an environment: pass exactly one of them.
    ...(baseURL !== null ? { baseURL, environment: undefined } : { baseURL: null, environment }),
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 60_000,
    logLevel: 'off',
  });
}
