// `bourse backtest`: runs a strategy module over a stopped data directory's recorded history, through
// the real engine in simulated time, and writes the report as report.json (canonical) and report.html.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HistoryError, withDataDirHistory } from '@bourse/core';
import {
  BACKTEST_ACCOUNT_ID,
  DEFAULT_CASH,
  formatMoney,
  reportHtml,
  reportJson,
  type Strategy,
  type StrategyFactory,
} from '@bourse/strategy';
import { backtestSource } from './backtest-source.ts';
import { BACKTEST_HELP } from './help-texts.ts';
import { parseTimestamp } from './replay-command.ts';

const OPTIONS = {
  strategy: { type: 'string' },
  'data-dir': { type: 'string', default: './data' },
  from: { type: 'string' },
  to: { type: 'string' },
  latency: { type: 'string', default: '0' },
  fees: { type: 'boolean', default: false },
  cash: { type: 'string', default: String(DEFAULT_CASH) },
  'account-id': { type: 'string', default: String(BACKTEST_ACCOUNT_ID) },
  param: { type: 'string', multiple: true },
  out: { type: 'string', default: './backtest-report' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

export async function backtestCommand(argv: string[]): Promise<number> {
  let values: Values;
  let flags: ReturnType<typeof parseFlags>;
  try {
    values = parseArgs({ args: argv, options: OPTIONS }).values;
    if (values.help) {
      process.stdout.write(BACKTEST_HELP);
      return 0;
    }
    flags = parseFlags(values);
  } catch (error) {
    process.stderr.write(`bourse backtest: ${(error as Error).message}\n`);
    return 2;
  }
  let strategy: Strategy;
  try {
    strategy = await loadStrategy(flags.file, flags.params);
  } catch (error) {
    process.stderr.write(
      `bourse backtest: --strategy ${flags.file}: ${(error as Error).message}\n`,
    );
    return 2;
  }
  try {
    const { result, snapshotSeq, warmUp } = await withDataDirHistory(
      resolve(values['data-dir']),
      (source) => backtestSource(source, strategy, flags.window),
    );
    const meta = { strategy: basename(flags.file), params: flags.params };
    const out = resolve(values.out);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.json'), reportJson(result, meta));
    writeFileSync(join(out, 'report.html'), reportHtml(result, meta));
    const s = result.summary;
    const asset = result.markets[0]?.asset ?? { code: 'minor units', scale: 1 };
    const money = (n: number) => formatMoney(n, asset.scale, asset.code);
    process.stdout.write(
      `started from ${snapshotSeq === 0 ? 'the start of the journal' : `the snapshot at seq ${snapshotSeq}`} + ${warmUp} record(s)\n` +
        `replayed ${result.recorded.commands} recorded commands (${result.recorded.rejected} refused)\n` +
        `P&L ${money(s.pnl)} (before fees ${money(s.grossPnl)}, fees ${money(s.fees)}), ` +
        `max drawdown ${money(s.maxDrawdown)}, ${s.fills} fills, ${s.volumeLots} lots\n` +
        `wrote ${join(out, 'report.json')} and ${join(out, 'report.html')}\n`,
    );
    return 0;
  } catch (error) {
    // A strategy's own error keeps its stack: it is the author's to find.
    const text =
      error instanceof HistoryError
        ? `${error.code} (${error.field}): ${error.message}`
        : ((error as Error).stack ?? String(error));
    process.stderr.write(`bourse backtest: ${text}\n`);
    return 1;
  }
}

function parseFlags(values: Values) {
  if (values.strategy === undefined) throw new Error('--strategy <file.ts> is required');
  const params: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--param takes key=value, got ${JSON.stringify(pair)}`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const from = values.from === undefined ? undefined : parseTimestamp('from', values.from);
  const to = values.to === undefined ? undefined : parseTimestamp('to', values.to);
  if (from !== undefined && to !== undefined && to < from) throw new Error('--to is before --from');
  return {
    file: resolve(values.strategy),
    params,
    window: {
      from,
      to,
      latencyMs: wholeNumber('latency', values.latency),
      fees: values.fees,
      cash: wholeNumber('cash', values.cash),
      accountId: wholeNumber('account-id', values['account-id']),
    },
  };
}

function wholeNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new Error(`--${flag} takes a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** A strategy module's default export, a factory, called with the run's params. */
export async function loadStrategy(
  file: string,
  params: Readonly<Record<string, string>>,
): Promise<Strategy> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (typeof mod.default !== 'function') {
    throw new Error(`${file}: its default export must be a function returning the strategy`);
  }
  return (mod.default as StrategyFactory)(params);
}
