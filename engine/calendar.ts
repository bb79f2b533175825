/**
 * UTC calendar arithmetic on integer milliseconds since the epoch, without `Date` (the engine
 * never touches the clock, and `Date` would invite it).
 *
 * Billing cycles are anchored on the subscription start: cycle k starts k calendar months after
 * the anchor, at the same time of day, on the anchor's day of month clamped to the month's length
 * (a subscription started on 31 January renews on 28/29 February, then 31 March). Each cycle start
 * is computed from the anchor, never from the previous cycle, so clamping never drifts.
 *
 * Day/civil conversions follow the well-known proleptic-Gregorian "days from civil" algorithm.
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export interface CivilDate {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
}

/** Days since 1970-01-01 for a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The civil date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** `anchorMs` moved `months` calendar months later (or earlier), day clamped to the month end. */
export function addMonthsClamped(anchorMs: number, months: number): number {
  const dayNumber = Math.floor(anchorMs / MS_PER_DAY);
  const timeOfDay = anchorMs - dayNumber * MS_PER_DAY;
  const civil = civilFromDays(dayNumber);
  const monthIndex = civil.year * 12 + (civil.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const day = Math.min(civil.day, daysInMonth(year, month));
  return daysFromCivil(year, month, day) * MS_PER_DAY + timeOfDay;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `00` .. `99` and `000` .. `999`. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, value) => pad(value, 2));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => pad(value, 3));

/** `YYYY-MM-DDTHH:MM:SS.sssZ`, identical to `Date.prototype.toISOString` for years 0..9999. */
export function formatIsoMs(ms: number): string {
  const dayNumber = Math.floor(ms / MS_PER_DAY);
  const civil = civilFromDays(dayNumber);
  let rest = ms - dayNumber * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  // A fraction of a ms is no index of the table: written as pad writes it.
  return (
    `${pad(civil.year, 4)}-${TWO_DIGITS[civil.month]}-${TWO_DIGITS[civil.day]}T` +
    `${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis] ?? pad(millis, 3)}Z`
  );
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The hot path of `parseIsoMs` for the shape usage exports use, `YYYY-MM-DDTHH:MM:SS[.sss]Z`
 * with a year from 1970: the instant, -1 for an impossible date or time, or -2 for "some other
 * shape" (the general parser decides).
 */
function parseCanonicalUtc(text: string): number {
  const length = text.length;
  if ((length !== 20 && length !== 24) || text.charCodeAt(length - 1) !== 90 /* Z */) return -2;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return -2;
  if (length === 24 && text.charCodeAt(19) !== 46) return -2;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  const millis = length === 24 ? digitsAt(text, 20, 3) : 0;
  if (year < 1970 || month < 0 || day < 0 || hours < 0 || minutes < 0 || seconds < 0 || millis < 0) return -2;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hours > 23 || minutes > 59 || seconds > 59) return -1;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

/**
 * Parses an ISO-8601 / RFC 3339 timestamp with a time zone (`Z` or `+HH:MM`) to integer ms.
 * Fractions beyond milliseconds are truncated (timestamps are not money). Returns null when the
 * text is not such a timestamp or names an impossible date or time.
 */
export function parseIsoMs(text: string): number | null {
  const fast = parseCanonicalUtc(text);
  if (fast >= 0 || fast === -1) return fast === -1 ? null : fast;
  const match = ISO_PATTERN.exec(text);
  if (!match) return null;
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const millis = match[7] ? Number(match[7].slice(0, 3).padEnd(3, '0')) : 0;
  let offsetMinutes = 0;
  if (match[9]) {
    const offsetHours = Number(match[10]);
    const offsetMins = Number(match[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
  return dayMs + ((hours * 60 + minutes - offsetMinutes) * 60 + seconds) * 1000 + millis;
}

/** Start of the UTC day containing `ms`. */
export function startOfDayMs(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}
