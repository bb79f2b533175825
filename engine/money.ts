/**
 * Money arithmetic: integer cents everywhere, exact rationals for per-unit prices, and the one
 * named rounding step that turns an exact amount into the cents of an invoice line.
 *
 * Invariants: no function here returns a float. Rationals keep bigint parts so that products such
 * as (GPU micro-seconds x cents per second) never lose precision; `roundToCents` is the only
 * place where an exact amount becomes an integer, and every caller names the rule it applies.
 */

/** An exact non-negative quantity `numerator / denominator` (denominator > 0). */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/**
 * How an exact amount becomes whole cents, once per invoice line.
 * - `half_up`: to the nearest cent, halves away from zero (the default; what invoices usually do)
 * - `half_even`: to the nearest cent, halves to the even cent (banker's rounding)
 * - `floor` / `ceil`: toward minus / plus infinity
 */
export const ROUNDING_RULES = ['half_up', 'half_even', 'floor', 'ceil'] as const;

export type RoundingRule = (typeof ROUNDING_RULES)[number];

/** Micro-units per meter unit: meter quantities are fixed-point with six decimals. */
export const MICRO = 1_000_000;
const MICRO_BIG = 1_000_000n;

const DECIMAL_PATTERN = /^(\d{1,5})(?:\.(\d{1,12}))?$/;

/**
 * Parses a Dodo `price_per_unit` decimal string (up to 5 integer and 12 fraction digits, cents per
 * unit) into an exact rational. Throws on anything else; callers validate user input first.
 */
export function parseDecimal(text: string): Rational {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new Error(`not a decimal with <= 5 integer and <= 12 fraction digits: ${text}`);
  const fraction = match[2] ?? '';
  return {
    numerator: BigInt((match[1] ?? '0') + fraction),
    denominator: 10n ** BigInt(fraction.length),
  };
}

/** True when `text` is a decimal string `parseDecimal` accepts. */
export function isDecimalText(text: string): boolean {
  return DECIMAL_PATTERN.test(text);
}

/** Divides `numerator / denominator` (denominator > 0) to an integer by the named rule. */
export function roundToCents(numerator: bigint, denominator: bigint, rule: RoundingRule): number {
  if (denominator <= 0n) throw new Error('roundToCents: denominator must be positive');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  if (remainder !== 0n) {
    const twice = remainder * 2n;
    let up: boolean;
    switch (rule) {
      case 'half_up':
        up = twice >= denominator;
        break;
      case 'half_even':
        up = twice > denominator || (twice === denominator && quotient % 2n === 1n);
        break;
      case 'floor':
        up = negative;
        break;
      case 'ceil':
        up = !negative;
        break;
    }
    if (up) quotient += 1n;
  }
  const result = Number(negative ? -quotient : quotient);
  if (!Number.isSafeInteger(result)) throw new Error('roundToCents: amount outside the safe range');
  return result;
}

/** Cents for `quantityMicro` micro-units at `price` cents per unit, rounded once by `rule`. */
export function amountForMicroUnits(quantityMicro: number, price: Rational, rule: RoundingRule): number {
  const numerator = BigInt(quantityMicro) * price.numerator;
  return roundToCents(numerator, price.denominator * MICRO_BIG, rule);
}

/** `amountCents x part / whole`, rounded once by `rule` (proration by time or by unused share). */
export function prorateCents(amountCents: number, part: number, whole: number, rule: RoundingRule): number {
  if (whole <= 0) throw new Error('prorateCents: whole must be positive');
  return roundToCents(BigInt(amountCents) * BigInt(part), BigInt(whole), rule);
}

/** Formats integer cents as a decimal currency amount, e.g. 123456 -> "1234.56". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  const whole = Math.floor(magnitude / 100);
  const fraction = String(magnitude % 100).padStart(2, '0');
  return `${sign}${whole}.${fraction}`;
}
