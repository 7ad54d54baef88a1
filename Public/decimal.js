// Exact decimal arithmetic on strings, with BigInt: what checking an order against the symbol's
// filters needs (on the step, on the tick, within bounds, price × quantity against the minimum
// notional) without a float ever rounding "0.3" into "0.29999…".

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal string as { units: BigInt, scale }, or null if it is not one. */
export function parseDecimal(text) {
  const match = DECIMAL.exec(String(text ?? '').trim());
  if (!match) return null;
  const [, whole, fraction = ''] = match;
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

/** Both numbers on the larger scale, so their units compare and divide directly. */
function aligned(a, b) {
  const scale = Math.max(a.scale, b.scale);
  const lift = (x) => x.units * 10n ** BigInt(scale - x.scale);
  return [lift(a), lift(b)];
}

/** -1, 0 or 1. */
export function compareDecimal(a, b) {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether `value` is a whole multiple of `step` (a step of zero accepts anything). */
export function isMultipleOf(value, step) {
  const [x, y] = aligned(value, step);
  return y === 0n || x % y === 0n;
}

export function multiplyDecimal(a, b) {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Back to a plain string without trailing zeros: { units: 12300n, scale: 3 } → "12.3". */
export function formatDecimal(value) {
  const digits = value.units.toString().padStart(value.scale + 1, '0');
  if (value.scale === 0) return digits;
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export const isPositive = (value) => value.units > 0n;
