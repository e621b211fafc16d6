// `bourse replay`: rebuild the state from the whole journal and check it, or, with --to-seq/--to-ts,
// read the exchange as it was at a past seq (nearest snapshot + journal): a market's book, an
// account's balances, positions and open orders.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  HistoryError,
  type HistoryQuery,
  type HistoryState,
  type HistoryTarget,
  replayDataDir,
  stateAt,
  withDataDirHistory,
} from '@bourse/core';
import { DATA_DIR_HELP } from './help-texts.ts';
import { progressBar } from './progress-bar.ts';

const OPTIONS = {
  'data-dir': { type: 'string', default: './data' },
  'to-seq': { type: 'string' },
  'to-ts': { type: 'string' },
  market: { type: 'string' },
  account: { type: 'string' },
  print: { type: 'string' },
  depth: { type: 'string' },
  trades: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Print = 'book' | 'account' | 'trades';

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** A query as the flags give it: without a target, the journal's end. */
type CliQuery = Omit<HistoryQuery, 'target'> & {
  readonly target: HistoryTarget | undefined;
  readonly print: Print | undefined;
};

export async function replayCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS });
  if (values.help) {
    process.stdout.write(DATA_DIR_HELP);
    return 0;
  }
  const dataDir = resolve(values['data-dir']);
  const travels = [
    'to-seq',
    'to-ts',
    'market',
    'account',
    'print',
    'depth',
    'trades',
    'json',
  ] as const;
  if (!travels.some((k) => values[k] !== undefined)) return fullReplay(dataDir);
  let query: CliQuery;
  try {
    query = parseQuery(values);
  } catch (error) {
    process.stderr.write(`bourse replay: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const state = await withDataDirHistory(dataDir, (source) =>
      stateAt(source, { ...query, target: query.target ?? { seq: source.lastSeq } }),
    );
    process.stdout.write(
      values.json ? `${JSON.stringify(state, null, 2)}\n` : describe(state, query.print),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    process.stderr.write(`bourse replay: ${error.code} (${error.field}): ${error.message}\n`);
    return 1;
  }
}

async function fullReplay(dataDir: string): Promise<number> {
  const bar = progressBar('replay');
  const r = await replayDataDir(dataDir, (p) => bar.update(p.seq, p.lastSeq));
  bar.end();
  process.stdout.write(`seq ${r.seq}\nstate hash ${r.hash}\n`);
  if (r.violations.length > 0) {
    process.stdout.write(
      `invariant violations:\n${r.violations.map((v) => `  ${v}`).join('\n')}\n`,
    );
    return 1;
  }
  process.stdout.write('invariants hold\n');
  return 0;
}

/** Flags to a query; throws with a message naming the flag and its rule. */
function parseQuery(values: Values): CliQuery {
  if (values['to-seq'] !== undefined && values['to-ts'] !== undefined) {
    throw new Error('give --to-seq or --to-ts, not both');
  }
  let target: HistoryTarget | undefined;
  if (values['to-seq'] !== undefined) target = { seq: wholeNumber('to-seq', values['to-seq']) };
  if (values['to-ts'] !== undefined) target = { ts: parseTimestamp('to-ts', values['to-ts']) };
  const accountId =
    values.account === undefined ? undefined : wholeNumber('account', values.account);
  const depth = values.depth === undefined ? undefined : wholeNumber('depth', values.depth);
  const print =
    values.print ??
    (values.market !== undefined ? 'book' : accountId !== undefined ? 'account' : undefined);
  if (print !== undefined && print !== 'book' && print !== 'account' && print !== 'trades') {
    throw new Error('--print takes book, account or trades');
  }
  if ((print === 'book' || print === 'trades') && values.market === undefined)
    throw new Error(`--print ${print} needs --market`);
  // The last 20 trades unless --trades says how many.
  const trades = print !== 'trades' ? undefined : wholeNumber('trades', values.trades ?? '20');
  if (print === 'account' && accountId === undefined) {
    throw new Error('--print account needs --account <id>');
  }
  return {
    target,
    print,
    ...(values.market === undefined ? {} : { market: values.market }),
    ...(accountId === undefined ? {} : { accountId }),
    ...(depth === undefined ? {} : { depth }),
    ...(trades === undefined ? {} : { trades }),
  };
}

function wholeNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new Error(`--${flag} takes a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** `--<flag>` as milliseconds since the epoch, or an ISO 8601 time. */
export function parseTimestamp(flag: string, text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new Error(
      `--${flag} takes milliseconds since the epoch or an ISO 8601 time, got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

function describe(state: HistoryState, print: Print | undefined): string {
  const when = state.ts === 0 ? 'before the first command' : new Date(state.ts).toISOString();
  const from =
    state.snapshotSeq === 0
      ? 'the start of the journal'
      : `the snapshot at seq ${state.snapshotSeq}`;
  const lines = [
    `seq ${state.seq} (${when})`,
    `rebuilt from ${from} + ${state.replayed} journal record(s)`,
    `state hash ${state.stateHash}`,
  ];
  if (print === 'book' && state.market !== undefined) lines.push(...bookLines(state.market));
  if (print === 'trades' && state.market !== undefined) lines.push(...tradeLines(state.market));
  if (print === 'account' && state.account !== undefined)
    lines.push(...accountLines(state.account));
  return `${lines.join('\n')}\n`;
}

function tradeLines(market: NonNullable<HistoryState['market']>): string[] {
  const trades = market.trades ?? [];
  return [
    `last ${trades.length} trade(s) of ${market.symbol} up to this seq, oldest first, prices in ticks`,
    ...trades.map(
      (t) =>
        `  trade ${t.tradeId} seq ${t.seq} ${new Date(t.ts).toISOString()} taker ${t.takerSide} ` +
        `${t.qtyLots} lots at ${t.priceTicks}`,
    ),
  ];
}

function bookLines(market: NonNullable<HistoryState['market']>): string[] {
  const level =
    (name: string) =>
    ([price, qty, count]: readonly [number, number, number]) =>
      `  ${name} ${String(price).padStart(8)}  ${String(qty).padStart(10)} lots  ${count} order(s)`;
  const { bids, asks } = market.book;
  return [
    `book of ${market.symbol} (instrument ${market.instrumentId}, ${market.status}), prices in ticks`,
    ...[...asks].reverse().map(level('ask')),
    ...bids.map(level('bid')),
    ...(bids.length + asks.length === 0 ? ['  (empty)'] : []),
  ];
}

function accountLines(account: NonNullable<HistoryState['account']>): string[] {
  return [
    `account ${account.accountId}`,
    ...account.balances.map(
      (b) => `  balance asset ${b.assetId}: available ${b.available}, reserved ${b.reserved}`,
    ),
    ...account.positions.map(
      (p) =>
        `  position instrument ${p.instrumentId}: ${p.positionLots} lots, cost basis ${p.costBasis}, ` +
        `realised ${p.realisedPnl}, fees ${p.feesPaid}`,
    ),
    ...account.openOrders.map(
      (o) =>
        `  order ${o.orderId}: ${o.side} ${o.openQtyLots} of ${o.openQtyLots + o.filledQtyLots} lots ` +
        `@ ${o.priceTicks} on instrument ${o.instrumentId} (${o.orderType}, ${o.tif}, ${o.state})`,
    ),
    ...(account.openOrders.length === 0 ? ['  no open orders'] : []),
  ];
}
