// Builds a scenario's world on a fresh exchange (docs/sandbox.md): an engine account for every user
// the sandbox knows, the assets, markets (status, schedule, breaker), the scenario's accounts with
// their balances and API keys, then the resting book in the scenario's order; and compiles its
// script into timed steps. `checkScenario` finds every problem it can before anything is built, so
// a bad scenario is refused with the field it names and the sandbox stays as it was.

import { randomBytes } from 'node:crypto';
import { type Scenario, ScenarioSchema, type ScenarioStep } from '@bourse/protocol';
import { checkBreaker, createUserWithAccount, marketSpec } from '../api/admin-routes.ts';
import type { GatewayServices } from '../api/gateway-services.ts';
import { placeOrderCommand } from '../api/order-entry.ts';
import { parsePublicKey } from '../auth/request-signature.ts';
import { type Role, roleScopes, type Scope } from '../auth/roles.ts';
import { ApiError } from '../error-catalogue.ts';
import { bodyValidator } from '../http/schema-validator.ts';
import { resolveTime } from './scenario-time.ts';
import type { ScriptStep } from './sandbox.ts';

export interface BuiltScenario {
  readonly accounts: {
    username: string;
    userId: number;
    accountId: number;
    created: boolean;
    keyId: string | null;
  }[];
  readonly markets: { symbol: string; instrumentId: number }[];
  readonly orders: number;
  readonly script: ScriptStep[];
}

const validScenario = bodyValidator(ScenarioSchema);

/** A scenario read from a file, checked against the schema the reset endpoint uses. */
export function parseScenario(value: unknown): Scenario {
  validScenario(value);
  return value as Scenario;
}

function invalid(field: string, rule: string): ApiError {
  return new ApiError('SCENARIO_INVALID', `${field} ${rule}.`, { details: { field, rule } });
}

/** A scenario time, resolved against the start, or SCENARIO_INVALID naming the field. */
function timeOf(time: number | string, start: number, field: string): number {
  const t = resolveTime(time, start);
  if (t === undefined) throw invalid(field, 'must be ms since the epoch, ISO 8601 or +<duration>');
  return t;
}

/** Refuses a scenario whose references or times do not hold, before anything is built. */
export function checkScenario(scenario: Scenario, start: number): void {
  const codes = new Set(scenario.assets.map((a) => a.code));
  const symbols = new Set((scenario.markets ?? []).map((m) => m.spec.symbol));
  const users = new Set((scenario.accounts ?? []).map((a) => a.username));
  (scenario.markets ?? []).forEach((m, i) => {
    if (m.opensAt !== undefined) timeOf(m.opensAt, start, `markets[${i}].opensAt`);
    if (m.closesAt !== undefined) timeOf(m.closesAt, start, `markets[${i}].closesAt`);
  });
  (scenario.accounts ?? []).forEach((a, i) => {
    for (const code of Object.keys(a.balances ?? {})) {
      if (!codes.has(code))
        throw invalid(`accounts[${i}].balances.${code}`, 'must be a scenario asset');
    }
    if (a.publicKeyPem !== undefined && parsePublicKey(a.publicKeyPem) === undefined) {
      throw invalid(`accounts[${i}].publicKeyPem`, 'must be an RSA or Ed25519 SPKI PEM');
    }
  });
  const refs = (field: string, step: { account: string | undefined; market: unknown }) => {
    if (step.account !== undefined && !users.has(step.account)) {
      throw invalid(`${field}.account`, 'must be a scenario account');
    }
    const market = step.market;
    if (typeof market === 'string' && !symbols.has(market)) {
      throw invalid(`${field}.market`, 'must be a scenario market');
    }
  };
  (scenario.orders ?? []).forEach((o, i) => {
    refs(`orders[${i}]`, { account: o.account, market: o.order.market });
    if (o.expiresAt !== undefined) timeOf(o.expiresAt, start, `orders[${i}].expiresAt`);
  });
  (scenario.script ?? []).forEach((step, i) => {
    timeOf(step.at, start, `script[${i}].at`);
    const market =
      step.do === 'order' ? step.order.market : 'market' in step ? step.market : undefined;
    refs(`script[${i}]`, { account: 'account' in step ? step.account : undefined, market });
    if (step.do === 'deposit' && !codes.has(step.asset)) {
      throw invalid(`script[${i}].asset`, 'must be a scenario asset');
    }
  });
}

/** Runs one part of the scenario; a refusal names where in the scenario it came from. */
async function refusedAt<T>(field: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code === 'SCENARIO_INVALID') throw error;
    throw new ApiError('SCENARIO_INVALID', `${field}: ${error.code}: ${error.message}`, {
      details: { field, code: error.code },
    });
  }
}

function submitAt(
  s: GatewayServices,
  field: string,
  command: Parameters<GatewayServices['submit']>[0],
) {
  return refusedAt(field, () => s.submit(command));
}

async function buildMarkets(s: GatewayServices, scenario: Scenario, start: number) {
  const out: { symbol: string; instrumentId: number }[] = [];
  for (const [i, m] of (scenario.markets ?? []).entries()) {
    const where = `markets[${i}]`;
    const spec = marketSpec(m.spec, m.spec.instrumentId ?? i + 1);
    try {
      checkBreaker(spec, m.spec.circuitBreaker, m.spec.referencePriceTicks);
    } catch (error) {
      throw invalid(`${where}.spec.circuitBreaker`, (error as Error).message);
    }
    const instrumentId = spec.instrumentId;
    await submitAt(s, where, { type: 'createInstrument', spec });
    if (m.spec.circuitBreaker !== undefined) {
      const reference = m.spec.referencePriceTicks;
      await submitAt(s, where, {
        type: 'setCircuitBreaker',
        instrumentId,
        breaker: m.spec.circuitBreaker,
        ...(reference === undefined ? {} : { referencePriceTicks: reference }),
      });
    }
    if (m.opensAt !== undefined || m.closesAt !== undefined) {
      const at = (t: number | string | undefined, f: string) =>
        t === undefined ? null : timeOf(t, start, `${where}.${f}`);
      await submitAt(s, where, {
        type: 'scheduleMarket',
        instrumentId,
        opensAt: at(m.opensAt, 'opensAt'),
        closesAt: at(m.closesAt, 'closesAt'),
      });
    }
    // A market that opens on a schedule waits for it; any other opens unless told otherwise.
    const status = m.status ?? (m.opensAt === undefined ? 'open' : 'created');
    if (status !== 'created') {
      await submitAt(s, where, { type: 'setMarketStatus', instrumentId, status });
    }
    out.push({ symbol: spec.symbol, instrumentId });
  }
  return out;
}

async function buildAccounts(s: GatewayServices, scenario: Scenario) {
  const assetIds = new Map(scenario.assets.map((a, i) => [a.code, a.assetId ?? i + 1]));
  const out: BuiltScenario['accounts'] = [];
  for (const [i, a] of (scenario.accounts ?? []).entries()) {
    const known = await s.auth.userByName(a.username);
    const user =
      known ??
      (await createUserWithAccount(s, {
        username: a.username,
        role: (a.role ?? 'trader') as Role,
        // Nobody is created without a password; a bot signs in with its API key instead.
        password: a.password ?? randomBytes(18).toString('base64url'),
      }));
    let keyId: string | null = null;
    if (a.publicKeyPem !== undefined) {
      const allowed = new Set<Scope>(roleScopes(user.role));
      const scopes = (a.scopes ?? ['read', 'trade']).filter((x) => allowed.has(x));
      const key = await s.auth.addApiKey({
        userId: user.userId,
        publicKeyPem: a.publicKeyPem,
        scopes,
        label: `scenario ${scenario.name}`.slice(0, 64),
        now: s.clock(),
      });
      keyId = key.keyId;
    }
    for (const [code, amount] of Object.entries(a.balances ?? {})) {
      if (amount === 0) continue;
      const assetId = assetIds.get(code)!;
      await submitAt(s, `accounts[${i}].balances.${code}`, {
        type: 'deposit',
        accountId: user.accountId,
        assetId,
        amount,
      });
    }
    out.push({
      username: user.username,
      userId: user.userId,
      accountId: user.accountId,
      created: known === undefined,
      keyId,
    });
  }
  return out;
}

/**
 * Builds the scenario on the fresh exchange behind `s` whose clock stands at `start`. Every user the
 * sandbox knows gets its engine account first, so their API keys and sessions keep working.
 */
export async function buildScenario(
  s: GatewayServices,
  scenario: Scenario,
  start: number,
): Promise<BuiltScenario> {
  checkScenario(scenario, start);
  for (const u of await s.auth.users()) {
    await submitAt(s, `user ${u.username}`, {
      type: 'createAccount',
      accountId: u.accountId,
      userId: u.userId,
      subaccount: 0,
    });
  }
  for (const [i, a] of scenario.assets.entries()) {
    const assetId = a.assetId ?? i + 1;
    await submitAt(s, `assets[${i}]`, {
      type: 'createAsset',
      assetId,
      code: a.code,
      scale: a.scale,
    });
    s.rememberAsset({ assetId, code: a.code, scale: a.scale });
  }
  const markets = await buildMarkets(s, scenario, start);
  const accounts = await buildAccounts(s, scenario);
  const accountOf = new Map(accounts.map((a) => [a.username, a.accountId]));
  for (const [i, o] of (scenario.orders ?? []).entries()) {
    const expiresAt =
      o.expiresAt === undefined
        ? {}
        : { expiresAt: timeOf(o.expiresAt, start, `orders[${i}].expiresAt`) };
    await refusedAt(`orders[${i}]`, () =>
      s.submit(
        placeOrderCommand(accountOf.get(o.account)!, s.market(o.order.market), {
          ...o.order,
          ...expiresAt,
        }),
      ),
    );
  }
  const script = (scenario.script ?? []).map((step, i) =>
    compileStep(s, step, start, accountOf, `script[${i}]`),
  );
  // Steps at the same time run in the file's order.
  script.sort((a, b) => a.at - b.at);
  return { accounts, markets, orders: scenario.orders?.length ?? 0, script };
}

/** One step of the script as the sandbox runs it when its time comes. */
function compileStep(
  s: GatewayServices,
  step: ScenarioStep,
  start: number,
  accountOf: ReadonlyMap<string, number>,
  field: string,
): ScriptStep {
  const at = timeOf(step.at, start, `${field}.at`);
  const { at: _at, do: action, ...detail } = step;
  const account = 'account' in step ? accountOf.get(step.account)! : null;
  const base = { at, action, account, detail: detail as Record<string, unknown> };
  switch (step.do) {
    case 'order': {
      const expiry =
        step.expiresAt === undefined ? {} : { expiresAt: timeOf(step.expiresAt, start, field) };
      return {
        ...base,
        run: () =>
          s.submit(
            placeOrderCommand(account!, s.market(step.order.market), { ...step.order, ...expiry }),
          ),
      };
    }
    case 'cancelAll': {
      const market =
        step.market === undefined ? {} : { instrumentId: s.market(step.market).spec.instrumentId };
      return {
        ...base,
        run: () => s.submit({ type: 'cancelAll', accountId: account!, ...market }),
      };
    }
    case 'marketStatus':
      return {
        ...base,
        run: () =>
          s.submit({
            type: 'setMarketStatus',
            instrumentId: s.market(step.market).spec.instrumentId,
            status: step.status,
          }),
      };
    case 'settle': {
      const value = step.valueTicks === undefined ? {} : { valueTicks: step.valueTicks };
      return {
        ...base,
        run: () =>
          s.submit({
            type: 'settleMarket',
            instrumentId: s.market(step.market).spec.instrumentId,
            result: step.result,
            ...value,
          }),
      };
    }
    case 'halt':
      return { ...base, run: () => s.submit({ type: 'setHalt', halted: step.halted }) };
    case 'deposit': {
      const assetId = s.asset(step.asset).assetId;
      return {
        ...base,
        run: () => s.submit({ type: 'deposit', accountId: account!, assetId, amount: step.amount }),
      };
    }
    case 'pause':
      return { ...base, clock: { mode: 'paused' }, run: () => Promise.resolve() };
    case 'run':
      return { ...base, clock: { mode: 'running', rate: step.rate }, run: () => Promise.resolve() };
  }
}
