// Administration from the command line, on a STOPPED data directory: users, passwords, deposits, API
// keys and the market lifecycle. Each command opens the exchange in-process, runs the same code paths as
// the admin API (so every change is a journaled command), and closes it. The journal's directory lock
// refuses to run next to a live server; against a running server use the admin API instead.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { InstrumentSpec } from '@bourse/engine';
import {
  createUserWithAccount,
  type GatewayServices,
  loadCatalogue,
  marketInfo,
  NO_INFO,
  ROLES,
  runAsActor,
  type Role,
  SCOPES,
  type Scope,
} from '@bourse/gateway';
import { openExchange } from './open-exchange.ts';
import { ADMIN_HELP } from './help-texts.ts';

const DATA_DIR = { 'data-dir': { type: 'string', default: './data' } } as const;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

export async function withExchange<T>(
  dataDir: string,
  run: (s: GatewayServices) => Promise<T>,
): Promise<T> {
  const ex = await openExchange(resolve(dataDir));
  try {
    // The operator at the console: the commands are journaled with actor 0.
    return await runAsActor(0, () => run(ex.gateway.services));
  } finally {
    await ex.close();
  }
}

function need<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`missing ${flag}`);
  return value;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export async function userOf(s: GatewayServices, username: string) {
  const u = await s.auth.userByName(username);
  if (u === undefined) throw new UsageError(`no user ${username}`);
  return u;
}

export async function userCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      ...DATA_DIR,
      ...HELP,
      username: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
    },
  });
  if (values.help || sub === undefined || sub.startsWith('-'))
    return void process.stdout.write(ADMIN_HELP);
  await withExchange(values['data-dir'], async (s) => {
    if (sub === 'list') {
      for (const u of await s.auth.users()) {
        process.stdout.write(
          `${u.userId}\t${u.username}\t${u.role}\taccount ${u.accountId}${u.disabled ? '\tdisabled' : ''}\n`,
        );
      }
    } else if (sub === 'create') {
      const role = need(values.role, '--role');
      if (!(ROLES as readonly string[]).includes(role))
        throw new UsageError(`role must be one of ${ROLES.join(', ')}`);
      // Every user can log in: without --password one is generated and shown once.
      const password = values.password ?? randomBytes(12).toString('base64url');
      const u = await createUserWithAccount(s, {
        username: need(values.username, '--username'),
        role: role as Role,
        password,
      });
      process.stdout.write(
        `created user ${u.username} (id ${u.userId}, account ${u.accountId}, ${u.role})\n`,
      );
      if (values.password === undefined)
        process.stdout.write(`password (shown once): ${password}\n`);
    } else if (sub === 'password') {
      const u = await userOf(s, need(values.username, '--username'));
      await s.note({ action: 'user.passwordReset', subject: `user:${u.userId}` });
      await s.auth.setPassword(u.userId, need(values.password, '--password'));
      process.stdout.write(`password set for ${u.username}\n`);
    } else throw new UsageError(`unknown user command ${sub}`);
  });
}

export async function depositCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...DATA_DIR,
      ...HELP,
      username: { type: 'string' },
      asset: { type: 'string' },
      amount: { type: 'string' },
    },
  });
  if (values.help) return void process.stdout.write(ADMIN_HELP);
  await withExchange(values['data-dir'], async (s) => {
    const u = await userOf(s, need(values.username, '--username'));
    const asset = s.asset(need(values.asset, '--asset'));
    const amount = Number(need(values.amount, '--amount'));
    if (!Number.isSafeInteger(amount) || amount <= 0)
      throw new UsageError('--amount must be a positive integer');
    const applied = await s.submit({
      type: 'deposit',
      accountId: u.accountId,
      assetId: asset.assetId,
      amount,
    });
    process.stdout.write(
      `deposited ${amount} ${asset.code} minor units to ${u.username} (seq ${applied.seq})\n`,
    );
  });
}

export async function apikeyCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      ...DATA_DIR,
      ...HELP,
      username: { type: 'string' },
      scopes: { type: 'string' },
      out: { type: 'string' },
      ed25519: { type: 'boolean', default: false },
    },
  });
  if (values.help || sub !== 'create') return void process.stdout.write(ADMIN_HELP);
  await withExchange(values['data-dir'], async (s) => {
    const u = await userOf(s, need(values.username, '--username'));
    const scopes = (values.scopes ?? 'read,trade').split(',') as Scope[];
    if (!scopes.every((x) => (SCOPES as readonly string[]).includes(x)))
      throw new UsageError('bad --scopes');
    const pair = values.ed25519
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = await s.auth.addApiKey({
      userId: u.userId,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      scopes,
      label: 'cli',
      now: s.clock(),
    });
    await s.note({
      action: 'apikey.create',
      subject: `apikey:${key.keyId}`,
      detail: `user:${u.userId} scopes=${key.scopes.join(',')}`,
    });
    const out = resolve(values.out ?? `${u.username}-${key.keyId}.pem`);
    // `mode` applies only to a new file: make an existing one private before the key goes in.
    if (existsSync(out)) chmodSync(out, 0o600);
    writeFileSync(out, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    process.stdout.write(
      `key id: ${key.keyId}\nprivate key written to ${out}\nscopes: ${key.scopes.join(',')}\n`,
    );
  });
}

export async function marketCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      ...DATA_DIR,
      ...HELP,
      spec: { type: 'string' },
      result: { type: 'string' },
      value: { type: 'string' },
      opens: { type: 'string' },
      closes: { type: 'string' },
      rules: { type: 'string' },
      'rules-secondary': { type: 'string' },
      source: { type: 'string' },
      settles: { type: 'string' },
      'series-title': { type: 'string' },
      'event-title': { type: 'string' },
      'move-ticks': { type: 'string' },
      'move-bps': { type: 'string' },
      'window-ms': { type: 'string' },
      'pause-ms': { type: 'string' },
      'band-ticks': { type: 'string' },
      reference: { type: 'string' },
      off: { type: 'boolean' },
    },
  });
  if (values.help || sub === undefined || sub.startsWith('-'))
    return void process.stdout.write(ADMIN_HELP);
  await withExchange(values['data-dir'], async (s) => {
    if (sub === 'create') {
      const raw = JSON.parse(
        readFileSync(need(values.spec, '--spec'), 'utf8'),
      ) as Partial<InstrumentSpec>;
      const ids = (await s.core.query.instruments()).map((v) => v.spec.instrumentId);
      const spec = { instrumentId: Math.max(0, ...ids) + 1, ...raw } as InstrumentSpec;
      const applied = await s.submit({ type: 'createInstrument', spec });
      process.stdout.write(
        `created ${spec.symbol} (instrument ${spec.instrumentId}, seq ${applied.seq})\n`,
      );
      return;
    }
    const m = s.market(need(positionals[0], '<symbol>'));
    const instrumentId = m.spec.instrumentId;
    if (sub === 'open' || sub === 'pause' || sub === 'close') {
      const status = sub === 'pause' ? 'paused' : sub === 'close' ? 'closed' : 'open';
      const applied = await s.submit({ type: 'setMarketStatus', instrumentId, status });
      process.stdout.write(`${m.spec.symbol}: ${status} (seq ${applied.seq})\n`);
    } else if (sub === 'schedule') {
      // An option left out keeps what is scheduled now; `never` clears it.
      const now = await s.core.query.instrument(instrumentId);
      const opensAt = scheduleTime(values.opens, '--opens', now?.opensAt);
      const closesAt = scheduleTime(values.closes, '--closes', now?.closesAt);
      const applied = await s.submit({ type: 'scheduleMarket', instrumentId, opensAt, closesAt });
      const show = (at: number | null) => (at === null ? 'never' : new Date(at).toISOString());
      process.stdout.write(
        `${m.spec.symbol}: opens ${show(opensAt)}, closes ${show(closesAt)} (seq ${applied.seq})\n`,
      );
    } else if (sub === 'info') {
      await writeInfo(s, m.spec, values);
    } else if (sub === 'breaker') {
      await writeBreaker(s, m.spec, values);
    } else if (sub === 'settle') {
      const result = need(values.result, '--result');
      if (result !== 'yes' && result !== 'no' && result !== 'scalar')
        throw new UsageError('--result yes|no|scalar');
      const applied = await s.submit({
        type: 'settleMarket',
        instrumentId,
        result,
        ...(values.value === undefined ? {} : { valueTicks: Number(values.value) }),
      });
      process.stdout.write(`${m.spec.symbol}: settled ${result} (seq ${applied.seq})\n`);
    } else throw new UsageError(`unknown market command ${sub}`);
  });
}

/**
 * `market breaker`: sets the market's circuit breaker (rules left out are 0, off) or, with `--off`,
 * removes it; the engine judges the rules.
 */
async function writeBreaker(
  s: GatewayServices,
  spec: InstrumentSpec,
  values: Record<string, string | boolean | undefined>,
): Promise<void> {
  const int = (name: string) => {
    const text = values[name];
    return typeof text === 'string' ? Number(text) : 0;
  };
  const breaker =
    values.off === true
      ? null
      : {
          moveTicks: int('move-ticks'),
          moveBps: int('move-bps'),
          windowMs: int('window-ms'),
          pauseMs: int('pause-ms'),
          bandTicks: int('band-ticks'),
        };
  const applied = await s.submit({
    type: 'setCircuitBreaker',
    instrumentId: spec.instrumentId,
    breaker,
    ...(typeof values.reference === 'string'
      ? { referencePriceTicks: Number(values.reference) }
      : {}),
  });
  const b = breaker;
  process.stdout.write(
    b === null
      ? `${spec.symbol}: no circuit breaker (seq ${applied.seq})\n`
      : `${spec.symbol}: circuit breaker: pause ${b.pauseMs} ms on a move of more than ` +
          `${b.moveTicks} ticks or ${b.moveBps} bps within ${b.windowMs} ms, or a trade more than ` +
          `${b.bandTicks} ticks from the reference (0: off) (seq ${applied.seq})\n`,
  );
}

/** `market info`: what traders read about the market, and its series' and event's titles. */
async function writeInfo(
  s: GatewayServices,
  spec: InstrumentSpec,
  values: Record<string, string | boolean | undefined>,
): Promise<void> {
  const text = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const before = (await s.auth.marketInfo()).get(spec.symbol) ?? NO_INFO;
  await s.auth.setMarketInfo(spec.symbol, {
    rulesPrimary: text('rules') ?? before.rulesPrimary,
    rulesSecondary: text('rules-secondary') ?? before.rulesSecondary,
    resolutionSource: text('source') ?? before.resolutionSource,
    settlesAt: scheduleTime(text('settles'), '--settles', before.settlesAt ?? undefined),
  });
  if (spec.kind === 'binary') {
    const series = text('series-title');
    const event = text('event-title');
    if (series !== undefined) await s.auth.setTitle('series', spec.seriesTicker, series);
    if (event !== undefined) await s.auth.setTitle('event', spec.eventTicker, event);
  }
  const info = marketInfo(spec, await loadCatalogue(s.auth));
  const settles = info.settlesAt === null ? 'unannounced' : new Date(info.settlesAt).toISOString();
  process.stdout.write(
    `${spec.symbol}: ${info.eventTitle ?? spec.symbol} — settles ${settles}; source ${info.resolutionSource || 'unnamed'}\n`,
  );
}

/** A schedule option: an ISO 8601 time, ms since the epoch, or `never`; absent keeps `current`. */
function scheduleTime(text: string | undefined, flag: string, current: number | undefined) {
  if (text === undefined) return current ?? null;
  if (text === 'never') return null;
  const ms = /^[0-9]+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(`${flag} takes an ISO 8601 time (2026-12-31T18:00:00Z), ms, or never`);
  }
  return ms;
}

export async function assetCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      ...DATA_DIR,
      ...HELP,
      code: { type: 'string' },
      scale: { type: 'string' },
      id: { type: 'string' },
    },
  });
  if (values.help || sub !== 'create') return void process.stdout.write(ADMIN_HELP);
  await withExchange(values['data-dir'], async (s) => {
    const code = need(values.code, '--code');
    const scale = Number(need(values.scale, '--scale'));
    const assetId =
      values.id === undefined
        ? Math.max(0, ...s.assets().map((a) => a.assetId)) + 1
        : Number(values.id);
    if (
      !Number.isSafeInteger(scale) ||
      scale <= 0 ||
      !Number.isSafeInteger(assetId) ||
      assetId <= 0
    ) {
      throw new UsageError('--scale and --id must be positive integers');
    }
    const applied = await s.submit({ type: 'createAsset', assetId, code, scale });
    s.rememberAsset({ assetId, code, scale });
    process.stdout.write(
      `created asset ${code} (id ${assetId}, scale ${scale}, seq ${applied.seq})\n`,
    );
  });
}
