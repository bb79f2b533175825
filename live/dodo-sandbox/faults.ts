/**
 * Fault injection for the Dodo-compatible test server: a queue of faults, each applied to the next
 * request whose method and path match, then used up. Tests script outages with it: a 429 with
 * `retry-after`, a 500, a slow answer (past the client's timeout), a dropped connection.
 */

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number; readonly retryAfterMs?: number }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'drop' };

export interface FaultRule {
  /** `POST /events/ingest`-style: method, space, path prefix. */
  readonly route: string;
  readonly fault: Fault;
  /** Requests this fault still applies to. */
  remaining: number;
}

export class Faults {
  private readonly rules: FaultRule[] = [];
  /** Faults applied so far, by kind, for assertions. */
  readonly applied: Record<Fault['kind'], number> = { status: 0, slow: 0, drop: 0 };

  /** Applies `fault` to the next `times` requests matching `route` (`POST /events/ingest`). */
  inject(route: string, fault: Fault, times = 1): void {
    this.rules.push({ route, fault, remaining: times });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The fault for this request, if any (it is used up). */
  take(method: string, path: string): Fault | null {
    const index = this.rules.findIndex((rule) => {
      const [ruleMethod, rulePath] = rule.route.split(' ');
      return ruleMethod === method && rulePath !== undefined && path.startsWith(rulePath);
    });
    if (index === -1) return null;
    const rule = this.rules[index]!;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    this.applied[rule.fault.kind] += 1;
    return rule.fault;
  }
}
