// Display formatting. Money and quantities arrive as decimal strings and stay strings: every
// helper here rewrites text and never turns an amount into a float, so nothing is rounded away.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * A symbol as the API takes it: BTCUSDT on Binance, KRW-BTC on Upbit (capitals and digits, parts
 * joined by single "-", 20 characters at most). The server holds it to its venue's own spelling.
 */
export const SYMBOL_PATTERN = /^(?=.{1,20}$)[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

/** Money (PnL, fees, balances) is shown to 4 decimals, the exact value on hover; the API keeps all. */
export const MONEY_PLACES = 4;

/** "10000.000" → "10000", "-0.0100" → "-0.01"; anything not a decimal string is shown as given. */
export function trimDecimal(value) {
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value);
  const match = DECIMAL.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = ''] = match;
  const kept = fraction.replace(/0+$/, '');
  const body = kept ? `${whole}.${kept}` : whole;
  // "-0" reads as a loss that is not there.
  return isZero(text) ? body : sign + body;
}

/**
 * A decimal string rounded half away from zero to `places` decimals, still a string:
 * ("-1.50096909006", 4) → "-1.5010". Shorter values and anything not a decimal come back as given.
 */
export function roundDecimal(value, places) {
  if (typeof value !== 'string' || !Number.isInteger(places) || places < 0) return value;
  const match = DECIMAL.exec(value);
  if (!match) return value;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length <= places) return value;
  // The first dropped digit decides: 5 or more is at least half a unit of the last kept one.
  const kept = BigInt(whole + fraction.slice(0, places)) + (fraction[places] >= '5' ? 1n : 0n);
  const digits = kept.toString().padStart(places + 1, '0');
  const body = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return sign + body;
}

/** The number of decimals of a step or tick: "0.10" → 1, "0.001" → 3, "1" → 0; null if not a decimal. */
export function decimalPlaces(step) {
  const text = trimDecimal(step);
  if (!DECIMAL.test(text)) return null;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** True for "0", "0.000", "-0.0". */
export function isZero(value) {
  return typeof value === 'string' && /^-?0+(\.0+)?$/.test(value);
}

/** True for a decimal string below zero ("-0.0" is not). */
export function isNegative(value) {
  return typeof value === 'string' && value.startsWith('-') && !isZero(value);
}

/** The magnitude of a decimal string: "-0.01" → "0.01". */
export function absDecimal(value) {
  return typeof value === 'string' && value.startsWith('-') ? value.slice(1) : value;
}

/** "pos", "neg" or "" — a class name for colouring a signed amount. */
export function signClass(value) {
  if (typeof value !== 'string' || !DECIMAL.test(value) || isZero(value)) return '';
  return isNegative(value) ? 'neg' : 'pos';
}

/** A fraction as a percentage, by moving the decimal point two places: "0.05" → "5", "0.000123" → "0.0123". */
export function fractionToPercent(value) {
  if (typeof value !== 'string') return '—';
  const match = DECIMAL.exec(value);
  if (!match) return value;
  const [, sign, whole, fraction = ''] = match;
  const padded = fraction.padEnd(2, '0');
  const digits = (whole + padded.slice(0, 2)).replace(/^0+(?=\d)/, '');
  return trimDecimal(`${sign}${digits}.${padded.slice(2) || '0'}`);
}

// ---- time ------------------------------------------------------------------------------------

/** The zones the toggle cycles through; `timeZone: undefined` is the browser's own. */
export const ZONES = [
  { key: 'local', label: 'Local', timeZone: undefined },
  { key: 'kst', label: 'KST', timeZone: 'Asia/Seoul' },
  { key: 'utc', label: 'UTC', timeZone: 'UTC' },
];
const ZONE_STORAGE_KEY = 'alphaengine.timezone';
/** The toggle's zone for a venue's time zone, where the venue's days are not the browser's: Upbit counts them in KST. */
const VENUE_ZONES = { 'Asia/Seoul': 'kst' };

/** The zone the user picked (remembered), or null: until they pick one, the default follows the venue. */
let chosen = loadZone();
/** Local, or the venue's zone (KST on Upbit) once the dashboard said which venue it is. */
let fallback = ZONES[0];
let zone = chosen ?? fallback;
const formatters = new Map();

function loadZone() {
  try {
    const saved = localStorage.getItem(ZONE_STORAGE_KEY);
    return ZONES.find((z) => z.key === saved) ?? null;
  } catch {
    return null; // storage can be disabled; the default applies
  }
}

export function currentZone() {
  return zone;
}

/** Moves to the next zone, remembers it, and returns it: from now on the user's choice wins over the venue's. */
export function cycleZone() {
  zone = ZONES[(ZONES.indexOf(zone) + 1) % ZONES.length];
  chosen = zone;
  try {
    localStorage.setItem(ZONE_STORAGE_KEY, zone.key);
  } catch {
    // Not remembered across visits, but still applied now.
  }
  return zone;
}

function formatter(kind) {
  const key = `${zone.key}:${kind}`;
  if (!formatters.has(key)) {
    const options = { timeZone: zone.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    if (kind === 'full') Object.assign(options, { year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(key, new Intl.DateTimeFormat(undefined, options));
  }
  return formatters.get(key);
}

/** An ISO timestamp or epoch milliseconds as a Date, or null. */
export function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Date and time in the chosen zone, or "—". */
export function formatDateTime(value) {
  const date = toDate(value);
  return date ? `${formatter('full').format(date)} ${zone.label}` : '—';
}

/** Time of day in the chosen zone (for the event feed), or "—". */
export function formatTime(value) {
  const date = toDate(value);
  return date ? formatter('time').format(date) : '—';
}

/** ISO text for a <time datetime> attribute, or "". */
export function isoString(value) {
  const date = toDate(value);
  return date ? date.toISOString() : '';
}

/** Milliseconds as "850 ms", "12 s", "3 min". */
export function formatAge(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60000)} min`;
}

// ---- the venue ---------------------------------------------------------------------------------

/** The dashboard's venue ({exchange, name, market, quoteAsset, timeZone, stopOrders}), or null (an older server: Binance futures). */
let venue = null;

/**
 * Takes the dashboard's venue (null forgets it). Returns true when that moved the zone shown
 * (nothing picked yet and the venue's default differs), so the caller redraws the times.
 */
export function setVenue(next) {
  venue = next && typeof next === 'object' ? next : null;
  const key = venue ? VENUE_ZONES[venue.timeZone] : undefined;
  fallback = ZONES.find((z) => z.key === key) ?? ZONES[0];
  const before = zone;
  zone = chosen ?? fallback;
  return zone !== before;
}

export function currentVenue() {
  return venue;
}

/** True on a spot venue (Upbit): positions are coins held; no leverage, liquidation, funding or short. */
export function isSpot(v = venue) {
  return Boolean(v && v.market === 'spot');
}

/** The asset money is counted in: KRW on Upbit, USDT on Binance (and from a server that does not say). */
export function quoteAsset(v = venue) {
  return (v && typeof v.quoteAsset === 'string' && v.quoteAsset) || 'USDT';
}

/** A symbol as the venue spells them, for hints: KRW-BTC on Upbit, BTCUSDT otherwise. */
export function exampleSymbol(v = venue) {
  return v && v.exchange === 'upbit' ? 'KRW-BTC' : 'BTCUSDT';
}
