// `bourse serve`: opens the data directory, seeds the demo on an empty one (unless --no-demo), listens,
// starts the demo bots against the public API, and shuts down cleanly on SIGINT/SIGTERM.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBots } from '@bourse/bots';
import { DEFAULT_POLL, type PollSettings, startPollerThread } from '@bourse/news';
import {
  createLogger,
  type GatewayServices,
  type HttpLimits,
  type Logger,
  type LogLevel,
  ROLES,
  type Role,
} from '@bourse/gateway';
import { type ExchangeCore, makePrivateDir, type ReadDb } from '@bourse/core';
import { botCredentials, DEMO_START_TICKS, isEmptyExchange, seedDemo } from './demo-setup.ts';
import { NEWS_DB, openExchange } from './open-exchange.ts';
import { SERVE_HELP } from './help-texts.ts';
import { openSandbox, readScenarioFile, type SandboxHost } from './sandbox-host.ts';

/** The flags of `bourse serve` (SERVE_HELP describes them). */
const SERVE_FLAGS = {
  port: { type: 'string', default: '8080' },
  host: { type: 'string', default: '127.0.0.1' },
  'data-dir': { type: 'string', default: './data' },
  'read-db': { type: 'string' },
  'no-demo': { type: 'boolean', default: false },
  'no-rate-limit': { type: 'boolean', default: false },
  'log-level': { type: 'string', default: 'info' },
  'timestamp-window': { type: 'string', default: '30' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-connections-per-address': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'signup-role': { type: 'string' },
  'otlp-traces': { type: 'string' },
  'news-poll-interval': { type: 'string', default: '300' },
  'news-timeout': { type: 'string', default: '10' },
  sandbox: { type: 'boolean', default: false },
  'smtp-url': { type: 'string' },
  'mail-from': { type: 'string' },
  'push-subject': { type: 'string' },
  scenario: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: SERVE_FLAGS });
  if (values.help) return void process.stdout.write(SERVE_HELP);
  const dataDir = resolve(values['data-dir']);
  makePrivateDir(dataDir);
  const logger = createLogger({ level: values['log-level'] as LogLevel });
  const huge = { capacity: 1e9, refillPerSecond: 1e9 };
  const windowSeconds = Number(values['timestamp-window']);
  if (!(windowSeconds > 0 && windowSeconds <= 3_600)) {
    throw new Error('--timestamp-window must be a number of seconds in (0, 3600]');
  }
  const newsSettings = newsFlags(values);
  const signupRole = values['signup-role'];
  if (signupRole !== undefined && !(ROLES as readonly string[]).includes(signupRole)) {
    throw new Error(`--signup-role must be one of ${ROLES.join(', ')}`);
  }
  const options = {
    logger,
    ...readDbFlag(values['read-db']),
    ...otlpFlag(values['otlp-traces'] ?? process.env.BOURSE_OTLP_TRACES),
    alertDelivery: alertFlags(values),
    ...(signupRole === undefined ? {} : { signupRole: signupRole as Role }),
    http: httpLimitFlags(values),
    ...tlsFlags(values),
    timestampWindowMs: Math.round(windowSeconds * 1000),
    ...(values['no-rate-limit']
      ? { rateLimits: { perIp: huge, perKey: huge, marketMakerMultiplier: 1 } }
      : {}),
    onRecoveryProgress: (p: { seq: number; lastSeq: number }) => {
      if (p.seq === p.lastSeq || p.seq % 100_000 === 0) logger.info('recovering', p);
    },
  };
  const host = await sandboxFlags(values, dataDir, options);
  const exchange = host?.current ?? (await openExchange(dataDir, options));
  const services = exchange.gateway.services;
  // A scenario is the sandbox's world: no demo beside it.
  const demo = !values['no-demo'] && values.scenario === undefined;
  const adminLine = await demoAdminLine(services, demo);
  const server = host?.server ?? exchange.gateway.server;
  await new Promise<void>((ok) => server.listen(Number(values.port), values.host, ok));
  const port = (server.address() as AddressInfo).port;
  const url = `${values['tls-cert'] === undefined ? 'http' : 'https'}://${values.host}:${port}`;
  const bots = demo
    ? runBots({
        baseUrl: url,
        bots: await botCredentials(services),
        startTicks: DEMO_START_TICKS,
        onError: (error) => logger.debug('bot request refused', { error }),
      })
    : undefined;
  const newsPoller = await startNewsPoller(dataDir, newsSettings, logger, services);
  logger.info('listening', { url, dataDir, demo, sandbox: host !== undefined });
  process.stdout.write(
    `\n${host === undefined ? 'Bourse' : 'A Bourse SANDBOX'} is running at ${url}\n  API docs:  ${url}/docs\n  data dir:  ${dataDir}\n` +
      (adminLine === '' ? '' : `  ${adminLine}\n`) +
      (demo ? '  demo bots are trading; stop with Ctrl-C\n\n' : '\n'),
  );

  let stopping = false;
  const stop = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    await bots?.stop();
    await newsPoller.stop();
    // A failed core may not close cleanly: what a restart recovers from is already on disk.
    const closed = (host ?? exchange)
      .close()
      .catch((error: unknown) => logger.error('close failed', { error }));
    await Promise.race([
      closed,
      new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref()),
    ]);
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  reportHealth(exchange.core, logger, () => void stop('core-failed', 1));
  host?.onReset((e) => reportHealth(e.core, logger, () => void stop('core-failed', 1)));
}

/** How long a stop waits for a clean close before the process exits anyway. */
const STOP_WAIT_MS = 30_000;

/**
 * Logs each change of the core's health. A journal stalled on a full disk recovers by itself once
 * it can write again; a core that failed for good stops the process (exit 1), so a supervisor
 * restarts it and it recovers from the journal instead of answering 503 for ever.
 */
export function reportHealth(core: ExchangeCore, logger: Logger, onFailed: () => void): void {
  core.watchHealth?.((health) => {
    const fields = {
      state: health.state,
      cause: health.cause,
      writeErrors: health.journalWriteErrors,
    };
    if (health.state === 'ok') logger.info('exchange core healthy again', fields);
    else if (health.state === 'stalled') {
      logger.error('journal stalled: trading refused until it can write again', fields);
    } else {
      logger.error('exchange core failed: stopping so a supervisor restarts it', fields);
      onFailed();
    }
  });
}

/**
 * Polls the news feeds on a thread of its own, logging through the server's logger; what it stores
 * goes out on the sockets' news channel.
 */
function startNewsPoller(
  dataDir: string,
  settings: PollSettings,
  logger: Logger,
  services: GatewayServices,
) {
  return startPollerThread(
    { db: { kind: 'sqlite', path: join(dataDir, NEWS_DB) }, settings },
    {
      log: (level, message, fields) => logger[level](message, fields),
      onItems: (items) => services.announceNews(items),
    },
  );
}

/** `--news-poll-interval` and `--news-timeout` (seconds): how often feeds are fetched, how long a fetch may take. */
function newsFlags(values: { 'news-poll-interval': string; 'news-timeout': string }): PollSettings {
  const interval = Number(values['news-poll-interval']);
  if (!(interval >= 1 && interval <= 86_400)) {
    throw new Error('--news-poll-interval must be a number of seconds in [1, 86400]');
  }
  const timeout = Number(values['news-timeout']);
  if (!(timeout > 0 && timeout <= 300)) {
    throw new Error('--news-timeout must be a number of seconds in (0, 300]');
  }
  const intervalMs = Math.round(interval * 1000);
  return {
    ...DEFAULT_POLL,
    intervalMs,
    timeoutMs: Math.round(timeout * 1000),
    tickMs: Math.min(DEFAULT_POLL.tickMs, intervalMs),
  };
}

/** `--tls-cert` and `--tls-key` (PEM files): both or neither. */
function tlsFlags(values: { 'tls-cert'?: string | undefined; 'tls-key'?: string | undefined }) {
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if (cert === undefined && key === undefined) return {};
  if (cert === undefined || key === undefined) {
    throw new Error('--tls-cert and --tls-key go together (PEM certificate chain and private key)');
  }
  return { tls: { cert: readFileSync(cert), key: readFileSync(key) } };
}

/** The HTTP limits given on the command line (seconds for timeouts); the gateway checks them. */
function httpLimitFlags(values: {
  'headers-timeout'?: string | undefined;
  'request-timeout'?: string | undefined;
  'idle-timeout'?: string | undefined;
  'max-connections-per-address'?: string | undefined;
}): Partial<HttpLimits> {
  const ms = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(n > 0 && n <= 3_600))
      throw new Error(`--${flag} must be a number of seconds in (0, 3600]`);
    return Math.round(n * 1000);
  };
  const out: { -readonly [K in keyof HttpLimits]?: number } = {};
  const headers = ms('headers-timeout', values['headers-timeout']);
  if (headers !== undefined) out.headersTimeoutMs = headers;
  const request = ms('request-timeout', values['request-timeout']);
  if (request !== undefined) out.requestTimeoutMs = request;
  const idle = ms('idle-timeout', values['idle-timeout']);
  if (idle !== undefined) out.idleTimeoutMs = idle;
  const cap = values['max-connections-per-address'];
  if (cap !== undefined) {
    const n = Number(cap);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error('--max-connections-per-address must be an integer ≥ 0 (0: no cap)');
    out.maxConnectionsPerAddress = n;
  }
  return out;
}

/** Seeds the demo on an empty exchange; says how the admin logs in (the password, shown once). */
async function demoAdminLine(services: GatewayServices, demo: boolean): Promise<string> {
  if (demo && isEmptyExchange(services)) {
    const { adminPassword } = await seedDemo(services);
    return `admin login: admin / ${adminPassword}  (shown once; change it with 'bourse user password')`;
  }
  if ((await services.auth.userByName('admin')) !== undefined) {
    return "admin login: admin (password shown at first start; reset: 'bourse user password')";
  }
  return '';
}

/**
 * `--sandbox` (and `--scenario`): simulated time and the control plane (docs/sandbox.md). Not with
 * the read models in PostgreSQL: a sandbox is reset into fresh directories, and a shared database
 * would mix them.
 */
async function sandboxFlags(
  values: { sandbox: boolean; scenario?: string | undefined; 'read-db'?: string | undefined },
  dataDir: string,
  options: Parameters<typeof openSandbox>[1],
): Promise<SandboxHost | undefined> {
  if (!values.sandbox) {
    if (values.scenario !== undefined) throw new Error('--scenario needs --sandbox');
    return undefined;
  }
  if (values['read-db'] !== undefined) {
    throw new Error('--sandbox keeps its read models in its data directory: drop --read-db');
  }
  const scenario =
    values.scenario === undefined ? undefined : await readScenarioFile(values.scenario);
  const host = await openSandbox(dataDir, options);
  if (scenario !== undefined) await (await host.sandbox.reset(scenario, 'operator')).retire();
  return host;
}

/** `--otlp-traces <url>` (or BOURSE_OTLP_TRACES): order-path traces to an OTLP/HTTP collector. */
function otlpFlag(url: string | undefined): { otlpTraces?: string } {
  return url === undefined || url === '' ? {} : { otlpTraces: url };
}

/** `--smtp-url`, `--mail-from` and `--push-subject` (or their BOURSE_* variables): alert delivery. */
function alertFlags(values: {
  'smtp-url'?: string | undefined;
  'mail-from'?: string | undefined;
  'push-subject'?: string | undefined;
}) {
  const url = values['smtp-url'] ?? process.env.BOURSE_SMTP_URL;
  const from = values['mail-from'] ?? process.env.BOURSE_MAIL_FROM ?? 'Bourse <alerts@localhost>';
  const subject = values['push-subject'] ?? process.env.BOURSE_PUSH_SUBJECT;
  if (url !== undefined && url !== '' && !/^smtps?:\/\//.test(url)) {
    throw new Error('--smtp-url must be an smtp:// or smtps:// URL');
  }
  if (subject !== undefined && !/^(mailto:|https:\/\/)/.test(subject)) {
    throw new Error('--push-subject must be a mailto: or https:// URL');
  }
  return {
    ...(url === undefined || url === '' ? {} : { smtp: { url, from } }),
    ...(subject === undefined ? {} : { pushSubject: subject }),
  };
}

/** `--read-db postgres://…`: the read models in PostgreSQL instead of the data directory's SQLite. */
function readDbFlag(url: string | undefined): { readDb?: ReadDb } {
  if (url === undefined) return {};
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      '--read-db must be a postgres:// URL (SQLite in the data directory is the default)',
    );
  }
  return { readDb: { kind: 'postgres', url } };
}
