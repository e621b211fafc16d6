// Runs the conformance suite against a sandbox: for each scenario a fresh market, a fresh funded
// account and a fresh bot process (so scenarios are independent and run side by side), the scenario
// itself, and a verdict; then the report (JSON, and a table for people).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotProcess } from './bot-process.ts';
import { type KitAccount, KitExchange } from './kit-exchange.ts';
import { type Scenario, SCENARIOS_V1, type ScenarioContext, SUITE_VERSION } from './scenarios.ts';

export interface ConformanceOptions {
  readonly target: string;
  readonly adminKey: { readonly keyId: string; readonly privateKeyPem: string };
  /** The bot, as a shell command (docs/conformance.md). */
  readonly bot: string;
  /** Only these scenarios (default: all of the suite). */
  readonly only?: readonly string[];
  /** Settlement asset of the scenarios' markets (default: the sandbox's first). */
  readonly asset?: string;
  /** Scenarios run side by side (default 4). */
  readonly concurrency?: number;
  /** How long a bot may take to say it is ready (default 30 s). */
  readonly readyMs?: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly expects: string;
  readonly result: 'pass' | 'fail' | 'error';
  readonly detail: string;
  readonly ms: number;
  /** The bot's last lines of standard error, when it did not pass. */
  readonly botLog?: readonly string[];
}

export interface ConformanceReport {
  readonly suite: string;
  readonly target: string;
  readonly bot: string;
  readonly startedAt: string;
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly ScenarioResult[];
}

export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const startedAt = new Date().toISOString();
  const kit = await KitExchange.open(o.target, o.adminKey, o.asset);
  const unknown = (o.only ?? []).filter((n) => !SCENARIOS_V1.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')} in ${SUITE_VERSION}`);
  const chosen = SCENARIOS_V1.filter((s) => o.only === undefined || o.only.includes(s.name));
  const counterparty = await kit.newAccount('counterparty');
  // Markets and accounts are made one at a time: the exchange numbers them as they come.
  const stages: Stage[] = [];
  for (const scenario of chosen) {
    stages.push({
      scenario,
      market: await kit.newMarket(scenario.name),
      account: await kit.newAccount(scenario.name),
    });
  }
  const keys = mkdtempSync(join(tmpdir(), 'bourse-conformance-'));
  const results: ScenarioResult[] = new Array(chosen.length);
  try {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < stages.length; i = next++) {
        results[i] = await runOne(kit, stages[i]!, counterparty, o, keys);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 4) }, worker));
  } finally {
    rmSync(keys, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r.result === 'pass').length;
  return {
    suite: SUITE_VERSION,
    target: o.target,
    bot: o.bot,
    startedAt,
    passed,
    failed: results.length - passed,
    results,
  };
}

/** A scenario with its own market and account. */
interface Stage {
  readonly scenario: Scenario;
  readonly market: string;
  readonly account: KitAccount;
}

async function runOne(
  kit: KitExchange,
  { scenario, market, account }: Stage,
  counterparty: KitAccount,
  o: ConformanceOptions,
  keys: string,
): Promise<ScenarioResult> {
  const t0 = performance.now();
  const keyFile = join(keys, `${account.keyId}.pem`);
  writeFileSync(keyFile, account.privateKeyPem, { mode: 0o600 });
  const bot = BotProcess.start(o.bot, {
    BOURSE_URL: kit.baseUrl,
    BOURSE_KEY_ID: account.keyId,
    BOURSE_KEY_FILE: keyFile,
    BOURSE_MARKET: market,
  });
  const faults: number[] = [];
  let since = 0;
  const ctx: ScenarioContext = {
    kit,
    account,
    counterparty: counterparty.rest,
    market,
    ask: (m, timeoutMs = 10_000) => bot.ask(m, timeoutMs),
    async fault(body) {
      faults.push((await kit.addFault({ ...body, account: account.accountId })).faultId);
      return faults.at(-1)!;
    },
    injected: async () => (await kit.injections(account.accountId, since)).length,
    async clearFaults() {
      for (const id of faults.splice(0)) await kit.clearFault(id);
    },
  };
  const done = (result: ScenarioResult['result'], detail: string): ScenarioResult => ({
    scenario: scenario.name,
    expects: scenario.expects,
    result,
    detail,
    ms: Math.round(performance.now() - t0),
    ...(result === 'pass' ? {} : { botLog: [...bot.log] }),
  });
  try {
    await bot.ready(o.readyMs ?? 30_000);
    since = await kit.lastEventId();
    const verdict = await scenario.run(ctx);
    return done(verdict.pass ? 'pass' : 'fail', verdict.detail);
  } catch (error) {
    return done('error', error instanceof Error ? error.message : String(error));
  } finally {
    await ctx.clearFaults();
    await bot.stop();
    await kit.closeMarket(market).catch(() => undefined);
  }
}

/** The report as a table people read. */
export function reportTable(r: ConformanceReport): string {
  const width = Math.max(...r.results.map((x) => x.scenario.length), 8);
  const lines = [
    `${r.suite} — ${r.bot}`,
    `target ${r.target}, started ${r.startedAt}`,
    '',
    `${'scenario'.padEnd(width)}  result  detail`,
  ];
  for (const x of r.results) {
    lines.push(`${x.scenario.padEnd(width)}  ${x.result.toUpperCase().padEnd(6)}  ${x.detail}`);
  }
  lines.push('', `${r.passed} passed, ${r.failed} failed`);
  return `${lines.join('\n')}\n`;
}
