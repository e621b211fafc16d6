// `bourse report` on a stopped data directory: trades made through the exchange come out in the day's
// trade register (JSON and CSV, to stdout or a file), the statement and the large-position report, each
// stamped with the journal's last seq and its audit-chain hash; a bad flag is a usage error naming it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createUserWithAccount } from '@bourse/gateway';
import { verifyAudit } from '@bourse/journal';
import type { AccountStatement, LargePositionReport, TradeRegister } from '@bourse/projections';
import { openExchange } from '../src/open-exchange.ts';
import { openRainMarket } from './support/rain-market.ts';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;
let dir: string;
let lastSeq = 0;
const tradeDays = new Set<string>();
let buyer = 0;

async function bourse(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [main, ...args], { timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** A market and two traders who cross three times, made through the exchange itself. */
async function trade(dataDir: string): Promise<void> {
  const ex = await openExchange(dataDir);
  const s = ex.gateway.services;
  try {
    await s.submit({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
    const [a, b] = [
      await createUserWithAccount(s, { username: 'ann', role: 'trader', password: 'pw-ann-123' }),
      await createUserWithAccount(s, { username: 'bob', role: 'trader', password: 'pw-bob-123' }),
    ];
    buyer = a.accountId;
    for (const u of [a, b]) {
      await s.submit({ type: 'deposit', accountId: u.accountId, assetId: 1, amount: 50_000_000 });
    }
    await openRainMarket(s);
    for (const priceTicks of [3_000, 3_500, 4_000]) {
      const order = {
        type: 'placeOrder',
        instrumentId: 1,
        orderType: 'limit',
        tif: 'gtc',
      } as const;
      await s.submit({ ...order, accountId: a.accountId, side: 'buy', priceTicks, qtyLots: 200 });
      const fill = await s.submit({
        ...order,
        accountId: b.accountId,
        side: 'sell',
        priceTicks,
        qtyLots: 200,
      });
      tradeDays.add(new Date(fill.ts).toISOString().slice(0, 10));
      lastSeq = fill.seq;
    }
  } finally {
    await ex.close();
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-report-'));
  await trade(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the trade register of each day holds its trades, stamped with the last seq', async () => {
  let trades = 0;
  for (const date of tradeDays) {
    const r = await bourse(
      'report',
      'trade-register',
      '--data-dir',
      dir,
      '--date',
      date,
      '--format',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const register = JSON.parse(r.stdout) as TradeRegister;
    assert.equal(register.stamp.seq, lastSeq);
    assert.match(r.stderr, new RegExp(`at seq ${lastSeq} \\(chain ${register.stamp.chainHash}\\)`));
    // The stamp's chain hash is the journal's own at that seq, as the audit verifier recomputes it.
    const audit = verifyAudit({ journalDir: join(dir, 'journal') });
    assert.equal(audit.ok, true);
    assert.equal(audit.lastSeq, lastSeq);
    assert.equal(register.stamp.chainHash, audit.headChain);
    for (const t of register.trades)
      assert.deepEqual([t.taker.side, t.maker.accountId], ['sell', buyer]);
    trades += register.trades.length;
  }
  assert.equal(trades, 3);
  const out = join(dir, 'register.csv');
  const date = [...tradeDays][0]!;
  const csv = await bourse(
    'report',
    'trade-register',
    '--data-dir',
    dir,
    '--date',
    date,
    '--out',
    out,
  );
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(
    readFileSync(out, 'utf8'),
    /^report,from,to,seq,seq_ts,chain_hash\r\ntrade-register,/,
  );
});

test('statements and large positions come from the same data directory', async () => {
  const month = [...tradeDays][0]!.slice(0, 7);
  const s = await bourse(
    'report',
    'statement',
    '--data-dir',
    dir,
    '--account',
    String(buyer),
    '--month',
    month,
    '--format',
    'json',
  );
  assert.equal(s.code, 0, s.stderr);
  const statement = JSON.parse(s.stdout) as AccountStatement;
  const usd = statement.assets.find((a) => a.assetId === 1)!;
  if (tradeDays.size === 1) {
    assert.equal(usd.deposits, 50_000_000);
    assert.equal(usd.trades, -(3_000 + 3_500 + 4_000) * 200);
  }
  assert.equal(
    usd.closing,
    statement.balancesNow[0]!.available + statement.balancesNow[0]!.reserved,
  );
  const l = await bourse(
    'report',
    'large-positions',
    '--data-dir',
    dir,
    '--market-threshold-lots',
    '600',
    '--format',
    'json',
  );
  assert.equal(l.code, 0, l.stderr);
  const large = JSON.parse(l.stdout) as LargePositionReport;
  assert.deepEqual(
    large.markets.map((p) => p.positionLots).sort((x, y) => x - y),
    [-600, 600],
  );
});

test('bad flags are usage errors that name the flag', async () => {
  const bad = await bourse('report', 'trade-register', '--data-dir', dir, '--date', '2026-02-30');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--date must be a UTC day/);
  const none = await bourse('report', 'statement', '--data-dir', dir, '--month', '2026-01');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--account must be a positive integer/);
  const kind = await bourse('report', 'volume', '--data-dir', dir);
  assert.equal(kind.code, 2);
  assert.match(kind.stderr, /unknown report volume/);
  const help = await bourse('report', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /bourse report trade-register --date/);
});
