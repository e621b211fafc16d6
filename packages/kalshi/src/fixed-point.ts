// Kalshi's fixed-point strings against the engine's integers. Dollar strings are parsed digit by digit
// into micro-dollars (no binary float ever holds a price or an amount); prices become ticks only when
// they land exactly on the market's tick grid, counts become lots only when whole lots.

/** Micro-dollars per dollar: the engine's USD minor unit. */
export const MICROS_PER_DOLLAR = 1_000_000;
const HUNDREDTHS_PER_CONTRACT = 100;

/** A non-negative decimal string with at most `maxDecimals` decimals, scaled to an integer. */
function parseScaled(text: string, maxDecimals: number, scale: number): number | undefined {
  const m = /^([0-9]{1,12})(?:\.([0-9]+))?$/.exec(text);
  if (m === null) return undefined;
  const frac = m[2] ?? '';
  if (frac.length > maxDecimals) return undefined;
  const digits = Math.round(Math.log10(scale));
  const value = Number(m[1]) * scale + Number(frac.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(value) ? value : undefined;
}

/** `"0.56"` / `"0.5600"` → 560,000 micro-dollars; undefined when not a plain decimal of ≤ 6 places. */
export function parseDollarsToMicros(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  return parseScaled(text, 6, MICROS_PER_DOLLAR);
}

/** A count string (`"10"`, `"10.5"`, `"10.50"`) or a legacy integer → hundredths of a contract. */
export function parseCountToHundredths(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value * HUNDREDTHS_PER_CONTRACT : undefined;
  }
  if (typeof value !== 'string') return undefined;
  return parseScaled(value, 2, HUNDREDTHS_PER_CONTRACT);
}

/** The price grid of one binary market, as far as translation needs it. */
export interface PriceUnits {
  /** Ticks one winning contract pays (10,000 ticks = $1). */
  readonly payoutTicks: number;
  readonly lotsPerContract: number;
}

/** YES price in micro-dollars → ticks; undefined when it falls between ticks of the engine's unit. */
export function microsToTicks(micros: number, u: PriceUnits): number | undefined {
  const scaled = micros * u.payoutTicks;
  return scaled % MICROS_PER_DOLLAR === 0 ? scaled / MICROS_PER_DOLLAR : undefined;
}

/** Hundredths of a contract → lots; undefined when not a whole number of lots. */
export function hundredthsToLots(hundredths: number, u: PriceUnits): number | undefined {
  const scaled = hundredths * u.lotsPerContract;
  return scaled % HUNDREDTHS_PER_CONTRACT === 0 ? scaled / HUNDREDTHS_PER_CONTRACT : undefined;
}

/** Formats an integer of `scale` units per 1 with at least `minDecimals` and trailing zeros trimmed. */
function formatScaled(value: number, scale: number, minDecimals: number): string {
  const digits = Math.round(Math.log10(scale));
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const whole = Math.floor(abs / scale);
  let frac = String(abs % scale).padStart(digits, '0');
  while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${sign}${whole}${frac.length > 0 ? `.${frac}` : ''}`;
}

/** Micro-dollars → `"12.3400"` (4 decimals, more only when the amount needs them). */
export function formatMicros(micros: number): string {
  return formatScaled(micros, MICROS_PER_DOLLAR, 4);
}

/** Ticks → YES-price dollar string. Ticks that are not whole micro-dollars round half up. */
export function formatTicks(ticks: number, u: PriceUnits): string {
  return formatMicros(Math.round((ticks * MICROS_PER_DOLLAR) / u.payoutTicks));
}

/** Lots → `"10.00"` contracts (2 decimals; a lot finer than 0.01 contract rounds half up). */
export function formatLots(lots: number, u: PriceUnits): string {
  const hundredths = Math.round((lots * HUNDREDTHS_PER_CONTRACT) / u.lotsPerContract);
  return formatScaled(hundredths, HUNDREDTHS_PER_CONTRACT, 2);
}

/** An amount in an asset's minor units → micro-dollars (USD in micros is the identity). */
export function toMicros(amount: number, assetScale: number): number {
  return assetScale === MICROS_PER_DOLLAR
    ? amount
    : Math.round((amount * MICROS_PER_DOLLAR) / assetScale);
}

/** Whole cents → an asset's minor units, rounded down (a cap rounded down stays a cap). */
export function centsToMinor(cents: number, assetScale: number): number {
  return Math.floor((cents * assetScale) / 100);
}

/** Micro-dollars → whole cents, rounded down (Kalshi's legacy integer `balance`). */
export function microsToCents(micros: number): number {
  return Math.floor(micros / 10_000);
}

/** Milliseconds since the epoch → RFC 3339 (what Kalshi's REST timestamps look like). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
