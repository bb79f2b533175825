/**
 * Dodo failures as the live command lines report them: a refused API key or a meter conflict is
 * the user's to fix (UsageError, exit 2); an unreachable server or another API error is one clear
 * line (exit 1) rather than a stack trace. Messages never include the API key.
 */
import DodoPayments from 'dodopayments';
import { DodoConfigError, dodoClient } from '../live/dodo-client.ts';
import { ProvisionConflict } from '../live/provision.ts';
import { UsageError } from './command.ts';

/** Reported failure: the message is printed as `error: <message>` and the command exits 1. */
export class LiveFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveFailure';
  }
}

/** The error a live command should throw for `error` (thrown by the SDK or the adapter). */
export function liveError(error: unknown, baseUrl: string): Error {
  if (error instanceof DodoConfigError || error instanceof ProvisionConflict) return new UsageError(error.message);
  if (error instanceof DodoPayments.AuthenticationError) return new UsageError(`Dodo refused the API key (401) at ${baseUrl}: check DODO_PAYMENTS_API_KEY and test/live mode`);
  if (error instanceof DodoPayments.APIConnectionError) return new LiveFailure(`cannot reach Dodo at ${baseUrl}: ${error.message}`);
  if (error instanceof DodoPayments.APIError) return new LiveFailure(`Dodo answered ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A live command's Dodo client (the base URL from `--dodo-base-url`, else the environment, else
 * test mode) and the base URL its errors name; a bad setting is reported as `liveError` says.
 */
export function liveDodo(flagBaseUrl: string | undefined): { dodo: DodoPayments; baseUrl: string } {
  const baseUrl = flagBaseUrl ?? process.env.DODO_PAYMENTS_BASE_URL ?? 'https://test.dodopayments.com';
  try {
    return { dodo: dodoClient({ baseURL: flagBaseUrl ?? null }), baseUrl };
  } catch (error) {
    throw liveError(error, baseUrl);
  }
}
