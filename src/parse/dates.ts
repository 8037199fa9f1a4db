/**
 * Feed dates as publishers actually write them. Returns a Date in UTC, or null when the text is not a
 * date that exists; never throws. Rules (see docs/normalized-feed.md):
 * - RFC 822/1123/2822 (RSS): day name optional and in any language, seconds optional, two-digit years
 *   read as RFC 2822 §4.3 says (00–49 → 20xx, 50–99 → 19xx), obsolete zone names and military zones.
 * - ISO 8601 / W3C-DTF (Atom, JSON Feed, dc:date): reduced precision, `T` or a space, fractions, any offset.
 * - A date with no time zone is taken as UTC.
 */

const MONTHS: Readonly<Record<string, number>> = buildMonths({
  // English, then the languages real feeds use most (abbreviations and full names, accents dropped).
  1: [
    'jan',
    'january',
    'janv',
    'janvier',
    'januar',
    'jänner',
    'enero',
    'ene',
    'gennaio',
    'gen',
    'janeiro',
    'januari',
    'styczen',
    'sty',
  ],
  2: [
    'feb',
    'february',
    'fev',
    'fevr',
    'février',
    'fevrier',
    'februar',
    'febrero',
    'febbraio',
    'fevereiro',
    'februari',
    'luty',
    'lut',
  ],
  3: ['mar', 'march', 'mars', 'märz', 'marz', 'mär', 'marzo', 'março', 'marco', 'maart', 'mrt', 'marzec'],
  4: ['apr', 'april', 'avr', 'avril', 'abril', 'abr', 'aprile', 'kwiecien', 'kwi'],
  5: ['may', 'mai', 'mayo', 'maggio', 'mag', 'maio', 'mei', 'maj'],
  6: ['jun', 'june', 'juin', 'juni', 'junio', 'giugno', 'giu', 'junho', 'czerwiec', 'cze'],
  7: ['jul', 'july', 'juil', 'juillet', 'juli', 'julio', 'luglio', 'lug', 'julho', 'lipiec', 'lip'],
  8: ['aug', 'august', 'aout', 'août', 'agosto', 'ago', 'augustus', 'sierpien', 'sie'],
  9: [
    'sep',
    'sept',
    'september',
    'septembre',
    'septiembre',
    'settembre',
    'set',
    'setembro',
    'wrzesien',
    'wrz',
  ],
  10: [
    'oct',
    'october',
    'octobre',
    'oktober',
    'okt',
    'octubre',
    'ottobre',
    'ott',
    'outubro',
    'out',
    'pazdziernik',
    'paz',
  ],
  11: ['nov', 'november', 'novembre', 'noviembre', 'novembro', 'listopad', 'lis'],
  12: [
    'dec',
    'december',
    'décembre',
    'decembre',
    'dezember',
    'dez',
    'diciembre',
    'dic',
    'dicembre',
    'dezembro',
    'grudzien',
    'gru',
  ],
});

/**
 * Zone names from RFC 822 §5.1, its military zones, and common abbreviations. RFC 1123 §5.2.14 notes that
 * RFC 822 gave the military zones the wrong sign; we read them as RFC 822 wrote them, as Python's feedparser
 * does, so that both readers agree on the same feed.
 */
const ZONES: Readonly<Record<string, number>> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  BST: 60,
  IST: 60,
  CET: 60,
  MET: 60,
  CEST: 120,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  AST: -240,
  ADT: -180,
  NST: -210,
  NDT: -150,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AWST: 480,
  ACST: 570,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  ...militaryZones(),
};

const RFC822 =
  /^(?:[^\d\s,]+\.?,?\s*)?(\d{1,2})[\s-]+([^\d\s,.-]+)\.?[\s-]+(\d{2,4})(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([AaPp][Mm]))?)?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?(?:\s*\(.*\))?\s*$/;
/** The month-first variant some publishers emit: "Tue, Nov 24 2026 10:00:00 GMT". */
const MONTH_FIRST =
  /^(?:[^\d\s,]+\.?,?\s*)?([^\d\s,.-]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?\s*$/;
const ISO8601 =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2}|:0)?)?)?)?)?$/;

export interface ParsedDate {
  date: Date | null;
  /** Set when the text was present but could not be read as a real date. */
  warning: string | null;
}

export function parseDate(text: string | null | undefined): ParsedDate {
  if (text == null) return { date: null, warning: null };
  const value = text.trim();
  if (value === '') return { date: null, warning: null };
  const date = parseIso(value) ?? parseRfc822(value) ?? parseMonthFirst(value);
  if (date === undefined || date === null)
    return { date: null, warning: `unreadable date "${value.slice(0, 60)}"` };
  return { date, warning: null };
}

function parseIso(value: string): Date | null | undefined {
  const m = ISO8601.exec(value);
  if (!m) return undefined;
  const [, y, mo = '1', d = '1', h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return build(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms, zoneOffset(zone));
}

function parseRfc822(value: string): Date | null | undefined {
  const m = RFC822.exec(value);
  if (!m) return undefined;
  const [, d, monthName, y, h = '0', mi = '0', s = '0', meridiem, zone] = m;
  const month = MONTHS[foldMonth(monthName!)];
  if (month === undefined) return undefined;
  return build(
    fullYear(y!),
    month,
    Number(d),
    hour24(h, meridiem),
    Number(mi),
    Number(s),
    0,
    zoneOffset(zone),
  );
}

function parseMonthFirst(value: string): Date | null | undefined {
  const m = MONTH_FIRST.exec(value);
  if (!m) return undefined;
  const [, monthName, d, y, h = '0', mi = '0', s = '0', meridiem, zone] = m;
  const month = MONTHS[foldMonth(monthName!)];
  if (month === undefined) return undefined;
  return build(Number(y), month, Number(d), hour24(h, meridiem), Number(mi), Number(s), 0, zoneOffset(zone));
}

/** A Date for these fields, or null when they name a moment that does not exist (Feb 30, 25:00). */
function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offset: number | null,
): Date | null {
  if (offset === null) return null;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  if (h === 24 && (mi > 0 || s > 0)) return null;
  const leap = s === 60 ? 59 : s; // a leap second is read as the second before it
  const utc = Date.UTC(y, mo - 1, d, h, mi, leap, ms);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1) return null; // Feb 30 rolls over into March
  return new Date(utc - offset * 60_000);
}

/** Offset in minutes east of UTC; 0 when absent (documented assumption); null when unknown. */
function zoneOffset(zone: string | undefined): number | null {
  if (zone === undefined || zone === '') return 0;
  const named = ZONES[zone.toUpperCase()];
  if (named !== undefined) return named;
  // "+00:0" (an offset cut short, seen in the wild) reads as "+00:00".
  const m = /^([+-])(\d{2})(?::?(\d{2})|:0)?$/.exec(zone);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  if (minutes > 18 * 60) return null;
  return m[1] === '-' ? -minutes : minutes;
}

/** 12-hour clock times ("02:02:33 PM") that some CMSs write into RFC 822 dates. */
function hour24(h: string, meridiem: string | undefined): number {
  const hour = Number(h);
  if (!meridiem || hour > 12) return hour;
  const pm = meridiem.toLowerCase() === 'pm';
  return (hour % 12) + (pm ? 12 : 0);
}

function fullYear(y: string): number {
  const n = Number(y);
  if (y.length === 2) return n < 50 ? 2000 + n : 1900 + n;
  if (y.length === 3) return 1900 + n; // RFC 2822 §4.3: a three-digit year is added to 1900
  return n;
}

function foldMonth(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

function buildMonths(table: Record<number, string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [month, names] of Object.entries(table))
    for (const name of names) out[foldMonth(name)] = Number(month);
  return out;
}

function militaryZones(): Record<string, number> {
  const zones: Record<string, number> = {};
  'ABCDEFGHIKLM'.split('').forEach((c, i) => (zones[c] = -(i + 1) * 60));
  'NOPQRSTUVWXY'.split('').forEach((c, i) => (zones[c] = (i + 1) * 60));
  return zones;
}
