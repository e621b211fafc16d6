// The snapshot's cost when the state is mostly accounts: N accounts with three assets each, positions
// in binary markets (pairs of accounts traded with each other) and a resting order for every third
// account, then `snapshot()` and `Engine.restore` timed by the thread's CPU clock, with the size.
// With `--baseline DIR` (another checkout) both engines are timed in turn, each size alternated round
// by round, so a before/after pair shares the machine's load. An engine that takes its snapshot in
// two parts also gets the engine thread's part (`captureSnapshot`, what a server's orders wait for)
// and the encoding (`encodeSnapshot`, on another thread in a server) timed apart; for one that does
// not, its whole `snapshot()` is that stall. Each round then applies `--hash-every` commands (an order
// placed and cancelled by accounts spread over all of them) and times one `stateHash()` by the same
// clock: the cluster hashes every `hashEvery` commands on the engine thread.
//
//   npx node bench/engine/snapshot-accounts.ts [--accounts 1000,10000,100000] [--rounds 5]
//     [--hash-every 10000] [--baseline DIR]

import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import * as engineModule from '@bourse/engine';
import type { Command, Engine } from '@bourse/engine';

type EngineClass = { new (config: object): Engine; restore(bytes: Uint8Array): Engine };
/** An engine package: this checkout's, or a baseline's from before snapshots were taken in two parts. */
type EngineModule = {
  Engine: EngineClass;
  encodeSnapshot?: (capture: unknown) => Uint8Array;
};

const USD = 1;
const BTC = 2;
const ETH = 3;
const BINARY_MARKETS = 4;
const NO_LIMITS = {
  maxOrderQtyLots: 0,
  maxOrderNotional: 0,
  maxPositionLots: 0,
  priceBandTicks: 0,
};

/** Three assets, four binary markets and two spot markets, all open. */
function markets(): object[] {
  const bodies: object[] = [
    { type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 },
    { type: 'createAsset', assetId: BTC, code: 'BTC', scale: 100_000_000 },
    { type: 'createAsset', assetId: ETH, code: 'ETH', scale: 1_000_000_000 },
  ];
  for (let i = 1; i <= BINARY_MARKETS; i++) {
    bodies.push({
      type: 'createInstrument',
      spec: {
        kind: 'binary',
        instrumentId: i,
        symbol: `B-${i}`,
        seriesTicker: 'B',
        eventTicker: `B-${i}`,
        title: `Binary ${i}`,
        settlementAssetId: USD,
        payoutTicks: 10_000,
        lotsPerContract: 100,
        tickSize: 100,
        minPriceTicks: 100,
        maxPriceTicks: 9_900,
        lotSize: 1,
        moneyPerTickLot: 1,
        fees: { kind: 'bps', makerBps: 0, takerBps: 25 },
        limits: NO_LIMITS,
      },
    });
  }
  for (const [id, base] of [
    [11, BTC],
    [12, ETH],
  ] as const) {
    bodies.push({
      type: 'createInstrument',
      spec: {
        kind: 'spot',
        instrumentId: id,
        symbol: `S-${id}`,
        baseAssetId: base,
        quoteAssetId: USD,
        baseUnitsPerLot: 100_000,
        tickSize: 1,
        minPriceTicks: 1,
        maxPriceTicks: 2_000,
        lotSize: 1,
        moneyPerTickLot: 1_000,
        fees: { kind: 'none' },
        limits: NO_LIMITS,
      },
    });
  }
  for (const id of [1, 2, 3, 4, 11, 12]) {
    bodies.push({ type: 'setMarketStatus', instrumentId: id, status: 'open' });
  }
  return bodies;
}

/** The setup and trading commands for `accounts` accounts, numbered from seq 1. */
function workload(accounts: number): Command[] {
  const bodies = markets();
  for (let a = 1; a <= accounts; a++) {
    bodies.push({ type: 'createAccount', accountId: a, userId: 1 + (a >> 1), subaccount: a & 1 });
    bodies.push({ type: 'deposit', accountId: a, assetId: USD, amount: 20_000_000_000 + a });
    bodies.push({ type: 'deposit', accountId: a, assetId: BTC, amount: 1_000_000_000 });
    bodies.push({ type: 'deposit', accountId: a, assetId: ETH, amount: 100_000_000_000 + a });
  }
  let orderId = 0;
  const order = (accountId: number, instrumentId: number, side: string, price: number) =>
    bodies.push({
      type: 'placeOrder',
      orderId: ++orderId,
      accountId,
      instrumentId,
      side,
      orderType: 'limit',
      priceTicks: price,
      qtyLots: 1 + (accountId % 7),
      tif: 'gtc',
    });
  // Each pair trades once in one binary market (both get a position), every third account rests
  // an order in a spot market far from the others' prices.
  for (let a = 1; a + 1 <= accounts; a += 2) {
    const inst = 1 + ((a >> 1) % BINARY_MARKETS);
    const price = 100 * (10 + ((a >> 3) % 80));
    order(a, inst, 'buy', price);
    order(a + 1, inst, 'sell', price);
  }
  for (let a = 3; a <= accounts; a += 3) {
    order(a, a % 2 === 0 ? 11 : 12, a % 6 === 0 ? 'buy' : 'sell', a % 6 === 0 ? 900 : 1_100);
  }
  return bodies.map((b, i) => ({ ...b, seq: i + 1, ts: 1_000 + i }) as Command);
}

/**
 * Round `round`'s `count` commands after the workload's `base` ones: each of `count / 2` accounts,
 * spread over all `accounts`, places a buy far below the spot market's sells, then cancels it.
 */
function hashWindow(accounts: number, base: number, round: number, count: number): Command[] {
  const out: Command[] = [];
  for (let j = 0; j + 1 < count; j += 2) {
    const seq = base + round * count + j + 1;
    const accountId = 1 + ((round * 7_919 + j * 104_729) % accounts);
    const orderId = 100_000_000 + seq;
    out.push({
      type: 'placeOrder',
      seq,
      ts: 1_000 + seq,
      orderId,
      accountId,
      instrumentId: 11,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 500,
      qtyLots: 1,
      tif: 'gtc',
    } as Command);
    out.push({ type: 'cancelOrder', seq: seq + 1, ts: 1_001 + seq, orderId, accountId } as Command);
  }
  return out;
}

function cpuMs(f: () => unknown): [number, unknown] {
  const c0 = process.threadCpuUsage();
  const out = f();
  const c = process.threadCpuUsage(c0);
  return [(c.user + c.system) / 1000, out];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The encoding on a thread of its own, as a server does it: a small heap of its own, not the engine's
 * (whose collections a big allocation on the engine's thread would pay for).
 */
function encoderThread(): (capture: unknown) => Promise<[number, Uint8Array]> {
  const worker = new Worker(new URL(import.meta.url));
  worker.unref();
  return (capture) =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(
        capture,
        engineModule.captureBuffers(capture as engineModule.SnapshotCapture),
      );
    });
}

function serveEncoding(): void {
  parentPort!.on('message', (capture) => {
    const [ms, bytes] = cpuMs(() => engineModule.encodeSnapshot(capture));
    parentPort!.postMessage([ms, bytes]);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '1000,10000,100000' },
      rounds: { type: 'string', default: '5' },
      'hash-every': { type: 'string', default: '10000' },
      baseline: { type: 'string' },
    },
  });
  const engines: [string, EngineModule][] = [['this', engineModule as unknown as EngineModule]];
  if (values.baseline !== undefined) {
    const url = new URL(`file://${values.baseline}/packages/engine/src/index.ts`);
    engines.push(['baseline', (await import(url.href)) as EngineModule]);
  }
  const encode = encoderThread();
  for (const n of values.accounts.split(',').map(Number)) {
    const commands = workload(n);
    const states = engines.map(([name, m]) => {
      const e = new m.Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 150 });
      for (const c of commands) e.apply(c);
      const times = () => [] as number[];
      const [write, read, stall, encode, hash] = [times(), times(), times(), times(), times()];
      return { name, E: m.Engine, m, e, write, read, stall, encode, hash, bytes: 0, hashText: '' };
    });
    for (let r = 0; r < Number(values.rounds); r++) {
      const window = hashWindow(n, commands.length, r, Number(values['hash-every']));
      for (const s of states) {
        // The copy first, as a core takes it: the in-process write's garbage (collected in the
        // engine's heap) comes after it, not during it.
        let encoded: Uint8Array | undefined;
        if (s.m.encodeSnapshot !== undefined) {
          const [c, capture] = cpuMs(() => s.e.captureSnapshot());
          const [en, bytes] = await encode(capture);
          s.stall.push(c);
          s.encode.push(en);
          encoded = bytes;
        }
        const [w, bytes] = cpuMs(() => s.e.snapshot());
        const snap = bytes as Uint8Array;
        if (encoded === undefined) s.stall.push(w);
        else if (Buffer.compare(encoded, snap) !== 0)
          throw new Error(`${s.name}: the capture's encoding differs from snapshot()`);
        const [rd, restored] = cpuMs(() => s.E.restore(snap));
        s.write.push(w);
        s.read.push(rd);
        s.bytes = snap.byteLength;
        s.hashText = s.e.stateHash();
        if (s.hashText !== (restored as Engine).stateHash())
          throw new Error(`${s.name}: restore changed the state hash`);
        for (const c of window) {
          const rejected = s.e.apply(c).find((ev) => ev.type === 'rejected');
          if (rejected !== undefined) throw new Error(`${s.name}: ${JSON.stringify(rejected)}`);
        }
        const [h, hashText] = cpuMs(() => s.e.stateHash());
        s.hash.push(h);
        s.hashText = hashText as string;
      }
    }
    for (const s of states) {
      console.log(
        `${s.name}: ${n.toLocaleString('en-US')} accounts: snapshot() CPU median ` +
          `${median(s.write).toFixed(1)} ms [${s.write.map((x) => x.toFixed(0)).join(' ')}], ` +
          `engine-thread stall ${median(s.stall).toFixed(1)} ms [${s.stall.map((x) => x.toFixed(0)).join(' ')}]` +
          (s.encode.length === 0
            ? ', '
            : `, encode (own thread) ${median(s.encode).toFixed(1)} ms, `) +
          `restore ${median(s.read).toFixed(1)} ms [${s.read.map((x) => x.toFixed(0)).join(' ')}], ` +
          `${(s.bytes / 1e6).toFixed(2)} MB (${(s.bytes / n).toFixed(0)} B/account), ` +
          `stateHash() after ${values['hash-every']} commands ${median(s.hash).toFixed(1)} ms [${s.hash.map((x) => x.toFixed(0)).join(' ')}] ${s.hashText}`,
      );
    }
  }
}

if (isMainThread) await main();
else serveEncoding();
