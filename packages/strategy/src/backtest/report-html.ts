// The backtest report as one self-contained HTML page: the summary, the P&L curve and the drawdown as
// inline SVG charts, money and activity per market, the refused orders and the fills. Built only from
// the result (no clock, no randomness), so the same result gives the same bytes; no script, no
// external file.

import type { ReportMeta } from './report-json.ts';
import type { BacktestResult, MarketResult } from './result.ts';

/** Fills listed on the page; the JSON report holds them all. */
const FILL_ROWS = 500;
const W = 880;
const H = 220;
const PAD = 48;

export function reportHtml(r: BacktestResult, meta: ReportMeta): string {
  const money = moneyFormat(r.markets);
  const s = r.summary;
  const st = r.settings;
  const drawdown = drawdownCurve(r.curve);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Backtest: ${esc(meta.strategy)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:${W + 40}px;color:#1b1f24}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:18px}.neg{color:#b3261e}.pos{color:#1a7f37}svg{background:#fafafa}
</style></head><body>
<h1>Backtest: ${esc(meta.strategy)}</h1>
<p>${iso(st.from)} to ${iso(st.to)} · latency ${st.latencyMs} ms · P&amp;L ${st.fees ? 'net of' : 'before'} fees ·
account ${st.accountId} · ${r.recorded.commands} recorded commands (seq ${r.recorded.firstSeq ?? '–'} to
${r.recorded.lastSeq ?? '–'}, ${r.recorded.rejected} refused)${params(meta)}</p>
<div class="cards">
${card('P&amp;L', money(s.pnl), s.pnl)}${card('Before fees', money(s.grossPnl), s.grossPnl)}
${card('Fees', money(s.fees), 0)}${card('Max drawdown', money(s.maxDrawdown), 0)}
${card('Fills', String(s.fills), 0)}${card('Volume', `${s.volumeLots} lots`, 0)}
${card('Orders', `${r.orders.placed} placed, ${r.orders.cancels} cancels`, 0)}
</div>
<h2>P&amp;L over time</h2>
${lineChart(r.curve, st.from, st.to, money, '#0b57d0')}
<h2>Drawdown</h2>
${lineChart(drawdown, st.from, st.to, money, '#b3261e')}
<h2>Markets</h2>
${marketTable(r.markets)}
<h2>Refused orders</h2>
${rejectedList(r.orders.rejected)}
<h2>Fills${r.fills.length > FILL_ROWS ? ` (first ${FILL_ROWS} of ${r.fills.length}; all in report.json)` : ''}</h2>
${fillTable(r)}
</body></html>
`;
}

function card(label: string, value: string, sign: number): string {
  const cls = sign < 0 ? ' class="neg"' : sign > 0 ? ' class="pos"' : '';
  return `<div class="card">${label}<b${cls}>${esc(value)}</b></div>`;
}

function params(meta: ReportMeta): string {
  const pairs = Object.keys(meta.params)
    .sort()
    .map((k) => `${k}=${meta.params[k]}`);
  return pairs.length === 0 ? '' : ` · params ${esc(pairs.join(' '))}`;
}

/** Peak-to-here loss at each point of the P&L curve (≤ 0). */
function drawdownCurve(curve: BacktestResult['curve']): [number, number][] {
  let peak = 0;
  return curve.map(([t, p]) => {
    if (p > peak) peak = p;
    return [t, p - peak];
  });
}

function lineChart(
  points: readonly (readonly [number, number])[],
  from: number,
  to: number,
  money: (n: number) => string,
  colour: string,
): string {
  if (points.length === 0) return '<p>No points.</p>';
  let lo = 0;
  let hi = 0;
  for (const [, v] of points) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) hi = lo + 1;
  const span = Math.max(1, to - from);
  const x = (t: number) => (PAD + ((t - from) / span) * (W - 2 * PAD)).toFixed(1);
  const y = (v: number) => (H - 24 - ((v - lo) / (hi - lo)) * (H - 48)).toFixed(1);
  const path = points.map(([t, v]) => `${x(t)},${y(v)}`).join(' ');
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">
<line x1="${PAD}" x2="${W - PAD}" y1="${y(0)}" y2="${y(0)}" stroke="#999" stroke-dasharray="4 3"/>
<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${path}"/>
<text x="4" y="${Number(y(hi)) + 4}" font-size="11">${esc(money(hi))}</text>
<text x="4" y="${Number(y(lo)) + 4}" font-size="11">${esc(money(lo))}</text>
<text x="${PAD}" y="${H - 6}" font-size="11">${iso(from)}</text>
<text x="${W - PAD}" y="${H - 6}" font-size="11" text-anchor="end">${iso(to)}</text>
</svg>`;
}

function marketTable(markets: readonly MarketResult[]): string {
  if (markets.length === 0) return '<p>None of the strategy’s markets existed in the window.</p>';
  const rows = markets.map((m) => {
    const f = (n: number) => esc(formatMoney(n, m.asset.scale, m.asset.code));
    return `<tr><td>${esc(m.market)}</td><td>${f(m.pnl)}</td><td>${f(m.grossPnl)}</td><td>${f(m.fees)}</td>
<td>${m.positionLots}</td><td>${m.markTicks ?? '–'}</td><td>${m.boughtLots}</td><td>${m.soldLots}</td>
<td>${m.fills} (${m.makerFills} maker, ${m.takerFills} taker)</td></tr>`;
  });
  return `<table><tr><th>Market</th><th>P&amp;L</th><th>Before fees</th><th>Fees</th><th>Position (lots)</th>
<th>Mark (ticks)</th><th>Bought</th><th>Sold</th><th>Fills</th></tr>
${rows.join('\n')}</table>`;
}

function rejectedList(rejected: Readonly<Record<string, number>>): string {
  const codes = Object.keys(rejected);
  if (codes.length === 0) return '<p>None.</p>';
  return `<ul>${codes.map((c) => `<li>${esc(c)}: ${rejected[c]}</li>`).join('')}</ul>`;
}

function fillTable(r: BacktestResult): string {
  if (r.fills.length === 0) return '<p>No fills.</p>';
  const rows = r.fills
    .slice(0, FILL_ROWS)
    .map(
      (f) =>
        `<tr><td>${iso(f.ts)}</td><td>${esc(f.market)}</td><td>${esc(f.clientOrderId)}</td><td>${f.side}</td>` +
        `<td>${f.role}</td><td>${f.priceTicks}</td><td>${f.qtyLots}</td><td>${f.fee}</td></tr>`,
    );
  return `<table><tr><th>Time</th><th>Market</th><th>Client order id</th><th>Side</th><th>Role</th>
<th>Price (ticks)</th><th>Lots</th><th>Fee</th></tr>
${rows.join('\n')}</table>`;
}

/** Formats totals in the markets' asset when they share one, else in minor units. */
function moneyFormat(markets: readonly MarketResult[]): (n: number) => string {
  const first = markets[0]?.asset;
  const shared =
    first !== undefined &&
    markets.every((m) => m.asset.code === first.code && m.asset.scale === first.scale);
  return shared ? (n) => formatMoney(n, first.scale, first.code) : (n) => `${n} minor units`;
}

/** An integer amount of minor units as a decimal of major units, exactly (no floating point). */
export function formatMoney(minor: number, scale: number, code: string): string {
  const digits = Math.max(0, Math.round(Math.log10(scale)));
  if (10 ** digits !== scale) return `${minor} (1/${scale} ${code})`;
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const frac = digits === 0 ? '' : `.${abs.slice(abs.length - digits)}`;
  return `${sign}${whole}${frac} ${code}`;
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
