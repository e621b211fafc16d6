// What the surveillance detectors' windows cost at a steady trading rate: a seeded flow of `--rate`
// fills per second (orders resting, taking one to three makers, cancels; several markets, a few
// large orders near the touch, a few linked owners, one account buying heavily in the first market)
// fed for `--seconds` of command time through the real `Surveillance.feed`, then every market
// closed and settled (marking the close and pre-settlement run over the whole window). It prints the
// heap kept per fill inside the ten-minute window (V8 heap and ArrayBuffers after a full collection,
// against the empty detectors), the thread's CPU per fill while feeding (the flow is generated
// between the timed batches; over the whole run, and over the seconds after the window is full,
// when every fill also evicts one), the peak heap between collections, the process's peak RSS (while
// feeding, and after the ends), and a digest of every alert raised, so two checkouts fed the same
// seed can be compared byte for byte.
//
//   npx node --expose-gc bench/surveillance/window.ts [--rate 10000] [--seconds 630] [--markets 8]
//     [--seed 1] [--checkout DIR]   (DIR: another checkout whose packages/surveillance is measured)

import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeRng, type Rng } from '@bourse/benchkit';
import type { Command, EngineEvent } from '@bourse/engine';
import type { Surveillance, SurveilledCommand } from '@bourse/surveillance';

const WINDOW_MS = 600_000;
const ACCOUNTS = 5_000;
/** Account 1 buys heavily in market 1: a pre-settlement alert with a large evidence list. */
const INSIDER = 1;
/** Share of the flow's commands: rest a limit order, take the touch, cancel a resting order. */
const REST = 0.45;
const TAKE = 0.35;
const FILLS_PER_COMMAND = TAKE * 2;

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '630' },
    markets: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    checkout: { type: 'string' },
  },
});

interface Flow {
  readonly rng: Rng;
  readonly markets: number;
  seq: number;
  tradeId: number;
  readonly mid: number[];
}

/** One command of the mix at `ts`, with the events the detectors read. */
function nextCommand(f: Flow, ts: number): SurveilledCommand {
  const r = f.rng;
  const seq = ++f.seq;
  // A skewed choice: the first markets trade most.
  const m = 1 + Math.floor(f.markets * r.float() * r.float());
  const mid = (f.mid[m] = Math.min(9_000, Math.max(1_000, f.mid[m]! + r.int(-1, 1))));
  const side = r.float() < 0.5 ? 'buy' : 'sell';
  const account = r.int(2, ACCOUNTS);
  const events: object[] = [];
  const kind = r.float();
  if (kind < REST) {
    const large = r.float() < 0.01;
    const qtyLots = large ? r.int(200, 400) : r.int(1, 20);
    const priceTicks = side === 'buy' ? mid - r.int(1, 5) : mid + r.int(1, 5);
    events.push({ type: 'orderAccepted', orderId: seq, accountId: account, side });
    events.push({
      type: 'orderRested',
      orderId: seq,
      instrumentId: m,
      side,
      priceTicks,
      openQtyLots: qtyLots,
    });
    events.push({ type: 'bookLevel', instrumentId: m, side, priceTicks, qtyLots: r.int(1, 500) });
  } else if (kind < REST + TAKE) {
    const taker = m === 1 && r.float() < 0.4 ? INSIDER : account;
    const takerSide = taker === INSIDER ? 'buy' : side;
    events.push({ type: 'orderAccepted', orderId: seq, accountId: taker, side: takerSide });
    const fills = r.int(1, 3);
    for (let i = 0; i < fills; i++) {
      events.push({
        type: 'fill',
        tradeId: ++f.tradeId,
        instrumentId: m,
        takerOrderId: seq,
        makerOrderId: Math.max(1, seq - r.int(1, 50_000)),
        takerAccountId: taker,
        makerAccountId: r.int(2, ACCOUNTS),
        takerSide,
        priceTicks: takerSide === 'buy' ? mid + i : mid - i,
        qtyLots: r.int(1, 20),
        makerOpenQtyLots: r.float() < 0.5 ? 0 : r.int(1, 20),
      });
    }
    events.push({ type: 'bookLevel', instrumentId: m, side, priceTicks: mid, qtyLots: 0 });
  } else {
    const orderId = Math.max(1, seq - r.int(1, 2_000));
    const reason = r.float() < 0.9 ? 'user' : 'cancelAll';
    events.push({ type: 'orderCancelled', orderId, accountId: account, instrumentId: m, reason });
    events.push({ type: 'bookLevel', instrumentId: m, side, priceTicks: mid - 1, qtyLots: 0 });
  }
  const command = { type: 'tick', seq, ts } as unknown as Command;
  return { seq, ts, command, events: events as EngineEvent[] };
}

/** Every market closes, then settles: the detectors that look back from the end run once each. */
function endCommands(f: Flow, ts: number): SurveilledCommand[] {
  const out: SurveilledCommand[] = [];
  for (let m = 1; m <= f.markets; m++) {
    for (const e of [
      { type: 'marketStatusChanged', instrumentId: m, status: 'closed' },
      { type: 'marketSettled', instrumentId: m, result: m % 2 === 1 ? 'yes' : 'no' },
    ]) {
      const seq = ++f.seq;
      const command = { type: 'tick', seq, ts } as unknown as Command;
      out.push({ seq, ts, command, events: [e as EngineEvent] });
    }
  }
  return out;
}

function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
}

async function main(): Promise<void> {
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const markets = Number(args.markets);
  const checkout = resolve(args.checkout ?? new URL('../..', import.meta.url).pathname);
  const mod = (await import(
    pathToFileURL(`${checkout}/packages/surveillance/src/index.ts`).href
  )) as typeof import('@bourse/surveillance');
  const linked = new Map<number, string>([
    [10, 'owner-a'],
    [11, 'owner-a'],
  ]);
  const s: Surveillance = new mod.Surveillance({ ownerOf: (a) => linked.get(a) ?? `u${a}` });
  const t0 = 1_800_000_000_000;
  for (let m = 1; m <= markets; m++) s.addMarket(m, 1);
  const f: Flow = { rng: makeRng(Number(args.seed)), markets, seq: 0, tradeId: 0, mid: [] };
  for (let m = 1; m <= markets; m++) f.mid[m] = 5_000;
  const digest = createHash('sha256');
  let alerts = 0;
  const take = (raised: readonly unknown[]) => {
    for (const a of raised) digest.update(JSON.stringify(a));
    alerts += raised.length;
  };
  fullGc();
  const empty = heapBytes();
  const commandsPerSec = Math.round(rate / FILLS_PER_COMMAND);
  const fillsPerSecond: number[] = [];
  let cpuUs = 0;
  /** CPU and fills once the window is full: every fill then also evicts. */
  let fullCpuUs = 0;
  let fullFills = 0;
  let peak = 0;
  for (let sec = 0; sec < seconds; sec++) {
    const before = f.tradeId;
    const batch: SurveilledCommand[] = [];
    for (let i = 0; i < commandsPerSec; i++) {
      batch.push(nextCommand(f, t0 + sec * 1_000 + Math.floor((i * 1_000) / commandsPerSec)));
    }
    const raised: unknown[][] = [];
    const cpu = process.threadCpuUsage();
    for (const ac of batch) raised.push(s.feed(ac));
    const used = process.threadCpuUsage(cpu);
    cpuUs += used.user + used.system;
    if (sec >= WINDOW_MS / 1_000) {
      fullCpuUs += used.user + used.system;
      fullFills += f.tradeId - before;
    }
    for (const r of raised) take(r);
    fillsPerSecond.push(f.tradeId - before);
    peak = Math.max(peak, heapBytes());
  }
  fullGc();
  const kept = heapBytes() - empty;
  const inWindow = fillsPerSecond.slice(-WINDOW_MS / 1_000).reduce((a, b) => a + b, 0);
  const feedMaxRss = process.resourceUsage().maxRSS;
  const cpu = process.threadCpuUsage();
  for (const ac of endCommands(f, t0 + seconds * 1_000)) take(s.feed(ac));
  const endUsed = process.threadCpuUsage(cpu);
  const result = {
    checkout,
    rate,
    seconds,
    markets,
    fills: f.tradeId,
    fillsInWindow: inWindow,
    keptBytesPerFill: Math.round(kept / inWindow),
    keptMB: Math.round(kept / 1e6),
    peakHeapMB: Math.round((peak - empty) / 1e6),
    maxRssMB: Math.round(feedMaxRss / 1e3),
    endMaxRssMB: Math.round(process.resourceUsage().maxRSS / 1e3),
    cpuNsPerFill: Math.round((cpuUs * 1_000) / f.tradeId),
    fullCpuNsPerFill: fullFills === 0 ? null : Math.round((fullCpuUs * 1_000) / fullFills),
    endCpuMs: Math.round((endUsed.user + endUsed.system) / 1_000),
    alerts,
    alertsDigest: digest.digest('hex').slice(0, 16),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
