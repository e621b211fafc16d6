// Integer units used everywhere money or quantity appears. The engine stores plain numbers for speed,
// so the unit lives in the name (`priceTicks`, `qtyLots`, `amount` in the asset's minor units) and
// every value entering through a command is checked to be a safe integer before it is used.

/**
 * True when `x` is a number that is an integer within ±(2^53 − 1): `Number.isSafeInteger` spelled
 * out, because optimised code calls that built-in with the value boxed, and a timestamp or balance
 * above 2^31 then costs a heap allocation on every check.
 */
export function isSafeInt(x: unknown): x is number {
  return (
    typeof x === 'number' &&
    x >= -Number.MAX_SAFE_INTEGER &&
    x <= Number.MAX_SAFE_INTEGER &&
    Math.trunc(x) === x
  );
}

/** True when `x` is a safe integer greater than zero. */
export function isPositiveInt(x: unknown): x is number {
  return typeof x === 'number' && x > 0 && x <= Number.MAX_SAFE_INTEGER && Math.trunc(x) === x;
}

/** Floor division of safe integers; the remainder favours the payer of `a`. */
export function divFloor(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Ceiling division of non-negative safe integers; the remainder favours the receiver (the exchange). */
export function divCeil(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b === a ? q : q + 1;
}

/**
 * floor(a × b / c) for non-negative safe integers, exact even when a × b exceeds 2^53 (falls back to
 * BigInt only then, which keeps the common path allocation-free).
 */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= Number.MAX_SAFE_INTEGER) return Math.floor(p / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** ceil(a × b / c) for non-negative safe integers, exact like `mulDivFloor`. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= Number.MAX_SAFE_INTEGER) return divCeil(p, c);
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  const q = n / d;
  return Number(q * d === n ? q : q + 1n);
}
