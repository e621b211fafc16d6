// Integer units of the exchange turned into what people read, and typed input turned back into
// integers. Money is USD micros, binary prices are ticks of 1/10,000 $ (shown as cents), quantities are
// lots (100 per contract). Parsing works on decimal strings so no float ever becomes a price or amount.

import { isOnGrid } from '@bourse/engine/rules';
import type { MarketInfo } from '../api/types.ts';

export const MICROS = 1_000_000;

/** "12.5" with 2 decimals → 1250; undefined for anything that is not a plain non-negative decimal. */
export function parseDecimal(text: string, decimals: number): number | undefined {
  const t = text.trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (m === null || t === '' || t === '.') return undefined;
  const whole = m[1] ?? '';
  const frac = m[2] ?? '';
  if (frac.length > decimals) return undefined;
  const n = Number(whole + frac.padEnd(decimals, '0'));
  return Number.isSafeInteger(n) ? n : undefined;
}

function groupDigits(s: string): string {
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Integer minor units → "1,234.56" with `shown` decimals (rounded half away from zero). */
export function formatFixed(value: number, scale: number, shown: number): string {
  const negative = value < 0;
  const abs = Math.abs(value);
  const unit = scale / 10 ** shown;
  const rounded = unit >= 1 ? Math.round(abs / unit) : abs * Math.round(1 / unit);
  const factor = 10 ** shown;
  const whole = Math.floor(rounded / factor);
  const frac = String(rounded % factor).padStart(shown, '0');
  const body = shown > 0 ? `${groupDigits(String(whole))}.${frac}` : groupDigits(String(whole));
  return negative && rounded !== 0 ? `-${body}` : body;
}

/** USD micros → "$1,234.56"; sub-cent amounts keep their digits ("$0.225") so nothing is rounded away. */
export function usd(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return '—';
  const s = formatFixed(micros, MICROS, 6).replace(/(\.\d\d\d*?)0+$/, '$1');
  return s.startsWith('-') ? `-$${s.slice(1)}` : `$${s}`;
}

/** Signed USD with an explicit plus. */
export function usdSigned(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return '—';
  return micros > 0 ? `+${usd(micros)}` : usd(micros);
}

/** Amount of an asset in its minor units → major units with up to 6 decimals. */
export function assetAmount(value: number, scale: number, code: string): string {
  if (code === 'USD') return usd(value);
  const shown = Math.max(0, Math.round(Math.log10(scale)));
  return `${formatFixed(value, scale, shown)} ${code}`;
}

/** Money per tick-lot of a market in micros, for price display. */
function ticksToMicrosPerUnit(m: MarketInfo): number {
  const perLot = m.spec.moneyPerTickLot;
  return m.kind === 'binary' ? perLot * (m.spec.lotsPerContract ?? 1) : perLot;
}

/** A price as people quote it: cents per contract for binary markets, dollars per lot for spot. */
export function price(m: MarketInfo, ticks: number | null | undefined): string {
  if (ticks === null || ticks === undefined) return '—';
  const micros = ticks * ticksToMicrosPerUnit(m);
  if (m.kind === 'binary') return `${formatFixed(micros, 10_000, centDecimals(m))}¢`;
  return `$${formatFixed(micros, MICROS, spotDecimals(m))}`;
}

/** The price text without the unit, for inputs. */
export function priceInput(m: MarketInfo, ticks: number): string {
  const micros = ticks * ticksToMicrosPerUnit(m);
  return m.kind === 'binary'
    ? formatFixed(micros, 10_000, centDecimals(m)).replaceAll(',', '')
    : formatFixed(micros, MICROS, spotDecimals(m)).replaceAll(',', '');
}

/** Typed price (cents for binary, dollars for spot) → whole ticks, grid not checked; undefined if junk. */
export function parsePriceTicks(m: MarketInfo, text: string): number | undefined {
  const perTick = ticksToMicrosPerUnit(m);
  const micros = m.kind === 'binary' ? parseDecimal(text, 4) : parseDecimal(text, 6);
  if (micros === undefined) return undefined;
  // A cent with four decimals is exactly one micro-dollar, so both parse straight to micros.
  return micros % perTick === 0 ? micros / perTick : undefined;
}

/** Typed price (cents for binary, dollars for spot) → ticks; undefined when off the market's grid. */
export function parsePrice(m: MarketInfo, text: string): number | undefined {
  const ticks = parsePriceTicks(m, text);
  return ticks !== undefined && isOnGrid(m.spec, ticks) ? ticks : undefined;
}

/** Typed dollars → USD micros; undefined for junk. */
export function parseUsd(text: string): number | undefined {
  return parseDecimal(text.replace(/^\$/, '').replaceAll(',', ''), 6);
}

function centDecimals(m: MarketInfo): number {
  const step = m.spec.tickSize * ticksToMicrosPerUnit(m);
  if (step % 10_000 === 0) return 0;
  if (step % 1_000 === 0) return 1;
  return step % 100 === 0 ? 2 : 4;
}

function spotDecimals(m: MarketInfo): number {
  const step = m.spec.tickSize * ticksToMicrosPerUnit(m);
  if (step % MICROS === 0) return 0;
  if (step % 10_000 === 0) return 2;
  return step % 100 === 0 ? 4 : 6;
}

/** Lots → contracts for binary markets (whole contracts shown without decimals), lots for spot. */
export function qty(m: MarketInfo, lots: number): string {
  if (m.kind !== 'binary') return groupDigits(String(lots));
  const per = m.spec.lotsPerContract ?? 1;
  return formatFixed(lots, per, lots % per === 0 ? 0 : 2);
}

/** Typed quantity (contracts or lots) → lots. */
export function parseQty(m: MarketInfo, text: string): number | undefined {
  if (m.kind !== 'binary') return parseDecimal(text, 0);
  const per = m.spec.lotsPerContract ?? 1;
  const decimals = Math.round(Math.log10(per));
  return parseDecimal(text, decimals);
}

export function qtyUnit(m: MarketInfo): string {
  return m.kind === 'binary' ? 'contracts' : 'lots';
}

/** Local HH:MM:SS; hand-formatted because Intl formatting is slow enough to matter in the live tape. */
export function time(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function dateTime(ts: number): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.toISOString().slice(0, 10)} ${d.toTimeString().slice(0, 8)}`;
}
