// `bourse cluster up` and `bourse cluster down`: a complete cluster on one machine, every piece the
// same process it would be on three machines (docs/cluster.md): 3 etcd members, nats-server,
// PostgreSQL, 3 engine nodes, the projector, 2 gateways and HAProxy in front, each detached with its
// log in `<data-dir>/logs`, recorded in `<data-dir>/cluster.json`. Missing Debian packages are
// installed through the project's own scripts. A second `up` on the same directory restarts it from
// disk on the same ports.

import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import {
  etcdMemberArgs,
  type EtcdMemberSpec,
  freePorts,
  natsServerConfig,
  natsServerEnv,
} from '@bourse/cluster';
import { lowerProcessTree } from '@bourse/core/thread-priority';
import { spacingMs } from '../cluster-node-command.ts';
import { CLUSTER_HELP } from '../help-texts.ts';
import {
  alive,
  type ClusterState,
  type ProcessEntry,
  readState,
  writeState,
} from './cluster-state.ts';
import { DEFAULT_BACKGROUND_NICE, niceOption } from './background-priority.ts';
import { haproxyConfig } from './haproxy-config.ts';
import { startLocalPostgres, stopLocalPostgres } from './local-postgres.ts';
import {
  checkOrderPathPriority,
  formatOrderPathPriority,
  parseOrderPathPriority,
  priorityPrefix,
} from './order-path-priority.ts';
import { spawnBourse } from './spawn-ready.ts';
import {
  type DetachedProgram,
  logSince,
  READY_MS,
  startDetached,
  waitServing,
} from './detached-start.ts';

const run = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL('../../../../scripts/', import.meta.url));
const NODES = 3;
const GATEWAYS = 2;

const PORT_NAMES = [
  ...[1, 2, 3].flatMap((i) => [`etcd${i}-client`, `etcd${i}-peer`]),
  'nats',
  'nats-monitor',
  'postgres',
  ...Array.from({ length: GATEWAYS }, (_, i) => `gateway${i + 1}`),
];

/** Installs what is missing through the project's scripts (as `npm test` does in `pretest`). */
function ensureTools(): void {
  const has = (bin: string, ...paths: string[]) =>
    paths.some((p) => existsSync(p)) || spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  if (
    !has('etcd') ||
    !has('nats-server', '/usr/sbin/nats-server') ||
    !has('haproxy', '/usr/sbin/haproxy')
  ) {
    const r = spawnSync('sh', [join(SCRIPTS, 'ensure-cluster-tools.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/ensure-cluster-tools.sh failed');
  }
  if (!existsSync('/usr/lib/postgresql') && !has('initdb')) {
    const r = spawnSync('sh', [join(SCRIPTS, 'ensure-postgres.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/ensure-postgres.sh failed');
  }
}

/** `up`'s options for the processes it starts, each checked; refused before anything starts. */
function nodeOptions(values: {
  'hash-every': string;
  'appends-in-flight': string;
  'append-spacing-ms'?: string | undefined;
  'background-nice'?: string | undefined;
  'order-path-priority': string;
}) {
  const hashEvery = Number(values['hash-every']);
  if (!Number.isSafeInteger(hashEvery) || hashEvery < 1) {
    throw new Error('--hash-every must be a positive integer');
  }
  const appendsInFlight = Number(values['appends-in-flight']);
  if (!Number.isSafeInteger(appendsInFlight) || appendsInFlight < 1) {
    throw new Error('--appends-in-flight must be a positive integer');
  }
  const appendSpacingMs =
    values['append-spacing-ms'] === undefined ? undefined : spacingMs(values['append-spacing-ms']);
  const backgroundNice = niceOption(
    '--background-nice',
    values['background-nice'],
    DEFAULT_BACKGROUND_NICE,
  );
  const orderPath = parseOrderPathPriority(values['order-path-priority']);
  if (orderPath !== undefined) checkOrderPathPriority(orderPath);
  return { hashEvery, appendsInFlight, appendSpacingMs, backgroundNice, orderPath };
}

export async function clusterUpCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: './cluster' },
      port: { type: 'string', default: '8080' },
      prefix: { type: 'string', default: 'bourse' },
      'no-demo': { type: 'boolean', default: false },
      'hash-every': { type: 'string', default: '10000' },
      'appends-in-flight': { type: 'string', default: '1' },
      'append-spacing-ms': { type: 'string' },
      'background-nice': { type: 'string' },
      'order-path-priority': { type: 'string', default: 'none' },
      'no-rate-limit': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CLUSTER_HELP);
    return 0;
  }
  const { hashEvery, appendsInFlight, appendSpacingMs, backgroundNice, orderPath } =
    nodeOptions(values);
  const dataDir = resolve(values['data-dir']);
  const prior = readState(dataDir);
  if (prior?.processes.some((p) => alive(p.pid))) {
    process.stdout.write(`the cluster in ${dataDir} is already up: ${prior.url}\n`);
    return 0;
  }
  ensureTools();
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  // PostgreSQL runs as its own user when we are root: it must be able to reach its directory.
  chmodSync(dataDir, 0o711);
  const ports: Record<string, number> = prior?.ports === undefined ? {} : { ...prior.ports };
  const missing = PORT_NAMES.filter((n) => ports[n] === undefined);
  const fresh = await freePorts(missing.length);
  missing.forEach((n, i) => {
    ports[n] = fresh[i]!;
  });
  ports.haproxy = Number(values.port);
  const state: ClusterState = {
    dataDir,
    url: `http://127.0.0.1:${ports.haproxy}`,
    prefix: values.prefix,
    natsUrl: `nats://127.0.0.1:${ports.nats}`,
    pgUrl: `postgres://postgres@127.0.0.1:${ports.postgres}/postgres`,
    etcd: [1, 2, 3].map((i) => `http://127.0.0.1:${ports[`etcd${i}-client`]}`),
    ports,
    hashEvery,
    appendsInFlight,
    ...(appendSpacingMs === undefined ? {} : { appendSpacingMs }),
    backgroundNice,
    ...(orderPath === undefined ? {} : { orderPathPriority: formatOrderPathPriority(orderPath) }),
    rateLimits: !values['no-rate-limit'],
    processes: [],
  };
  writeState(state);
  try {
    await startAll(state, !values['no-demo']);
  } catch (error) {
    process.stderr.write(
      `cluster up failed: ${(error as Error).message}\nstopping what started…\n`,
    );
    await stopAll(state);
    return 1;
  }
  return 0;
}

/** Appends a started process to the state file at once, so `down` finds it even if `up` fails. */
type Add = (entry: ProcessEntry) => void;

async function startAll(state: ClusterState, demo: boolean): Promise<void> {
  const add: Add = (entry) => {
    state.processes.push(entry);
    writeState(state);
  };
  await startEtcd(state, add);
  await startNats(state, add);
  const pgDir = join(state.dataDir, 'postgres');
  const pgPid = await startPostgres(state);
  add({ name: 'postgres', kind: 'postgres', pid: pgPid, log: join(pgDir, 'server.log') });
  await startBourseProcesses(state, add);
  await startHaproxy(state, add);
  const ready = demo
    ? await startBourse(state, add, 'demo', 'demo', [
        'cluster',
        'demo',
        '--url',
        state.url,
        ...withPg(state),
      ])
    : {};
  const adminLine =
    typeof ready.adminPassword === 'string'
      ? `  admin login: admin / ${ready.adminPassword}  (shown once)\n`
      : '';
  const gateways = state.processes.filter((p) => p.kind === 'gateway').map((p) => p.url);
  process.stdout.write(
    `\nBourse cluster is running at ${state.url}\n  API docs:  ${state.url}/docs\n` +
      `  gateways:  ${gateways.join(', ')}\n  data dir:  ${state.dataDir}\n${adminLine}` +
      `  status:    bourse cluster status --data-dir ${state.dataDir}\n` +
      `  stop:      bourse cluster down --data-dir ${state.dataDir}\n\n`,
  );
}

/** The `chrt` words a process of `kind` starts behind under the cluster's order-path priority. */
const prefixOf = (state: ClusterState, kind: string) =>
  priorityPrefix(
    state.orderPathPriority === undefined
      ? undefined
      : parseOrderPathPriority(state.orderPathPriority),
    kind,
  );
const logOf = (state: ClusterState, name: string) => join(state.dataDir, 'logs', `${name}.log`);
const bus = (state: ClusterState) => ['--nats', state.natsUrl, '--prefix', state.prefix];
const withPg = (state: ClusterState) => [...bus(state), '--pg', state.pgUrl];

async function startEtcd(state: ClusterState, add: Add): Promise<void> {
  const specs: EtcdMemberSpec[] = [1, 2, 3].map((i) => ({
    name: `etcd${i}`,
    clientPort: state.ports[`etcd${i}-client`]!,
    peerPort: state.ports[`etcd${i}-peer`]!,
  }));
  const started: DetachedProgram[] = [];
  for (const spec of specs) {
    const args = etcdMemberArgs(spec, specs, join(state.dataDir, 'etcd', spec.name));
    const log = logOf(state, spec.name);
    const url = `http://127.0.0.1:${spec.clientPort}`;
    const command = ['etcd', ...args];
    const member = startDetached(spec.name, 'etcd', args, log, {}, prefixOf(state, 'etcd'));
    started.push(member);
    add({ name: spec.name, kind: 'etcd', pid: member.pid, log, url, command });
  }
  // Every member, not a quorum: two can serve writes while the third could not bind its ports.
  await waitServing('etcd', started, async () => {
    const endpoints = ['--endpoints', state.etcd.join(',')];
    await run('etcdctl', [...endpoints, 'endpoint', 'health'], { timeout: 10_000 });
    return true;
  });
}

async function startNats(state: ClusterState, add: Add): Promise<void> {
  const conf = join(state.dataDir, 'nats-server.conf');
  writeFileSync(
    conf,
    natsServerConfig('127.0.0.1', state.ports.nats!, state.ports['nats-monitor']),
  );
  const bin = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
  const log = logOf(state, 'nats');
  const env = natsServerEnv();
  const nats = startDetached('nats', bin, ['-c', conf], log, env, prefixOf(state, 'nats'));
  add({
    name: 'nats',
    kind: 'nats',
    pid: nats.pid,
    log,
    url: state.natsUrl,
    command: [bin, '-c', conf],
    env,
  });
  await natsReady(nats);
}

/** nats-server says so once it listens: an open port could be another program's. */
const natsReady = (nats: DetachedProgram) =>
  waitServing('nats-server', [nats], async () => logSince(nats).includes('Server is ready'));

/** One `bourse` process, detached, recorded once it printed its ready line. */
async function startBourse(
  state: ClusterState,
  add: Add,
  name: string,
  kind: string,
  args: string[],
): Promise<Record<string, unknown>> {
  const log = logOf(state, name);
  const prefix = prefixOf(state, kind);
  const opts = { logFile: log, detached: true, timeoutMs: READY_MS, prefix };
  const started = await spawnBourse(args, opts);
  started.child.unref();
  const url = typeof started.ready.url === 'string' ? started.ready.url : undefined;
  const entry = { name, kind, pid: started.child.pid!, log, command: ['bourse', ...args] };
  add(url === undefined ? entry : { ...entry, url });
  return started.ready;
}

async function startBourseProcesses(state: ClusterState, add: Add): Promise<void> {
  await Promise.all(
    Array.from({ length: NODES }, (_, i) =>
      startBourse(state, add, `node${i + 1}`, 'node', [
        'cluster',
        'node',
        '--node-id',
        `node${i + 1}`,
        '--etcd',
        state.etcd.join(','),
        ...bus(state),
        '--data-dir',
        join(state.dataDir, 'nodes', `node${i + 1}`),
        '--hash-every',
        String(state.hashEvery),
        '--appends-in-flight',
        String(state.appendsInFlight ?? 1),
        ...(state.appendSpacingMs === undefined
          ? []
          : ['--append-spacing-ms', String(state.appendSpacingMs)]),
        // A node sets its own priority by role: the leader's layer, or below the order path (decision 0989).
        ...(state.orderPathPriority === undefined
          ? []
          : ['--order-path-priority', state.orderPathPriority]),
      ]),
    ),
  );
  await startBourse(state, add, 'projector', 'projector', [
    'cluster',
    'projector',
    ...withPg(state),
    '--nice',
    String(state.backgroundNice ?? 0),
  ]);
  for (let i = 1; i <= GATEWAYS; i++) {
    const port = String(state.ports[`gateway${i}`]);
    const args = ['cluster', 'gateway', ...withPg(state), '--port', port];
    if (!state.rateLimits) args.push('--no-rate-limit');
    await startBourse(state, add, `gateway${i}`, 'gateway', args);
  }
}

async function startHaproxy(state: ClusterState, add: Add): Promise<void> {
  const cfg = join(state.dataDir, 'haproxy.cfg');
  const gateways = Array.from({ length: GATEWAYS }, (_, i) => ({
    name: `gateway${i + 1}`,
    host: '127.0.0.1',
    port: state.ports[`gateway${i + 1}`]!,
  }));
  // Within the descriptors this (unprivileged) process may open, half a connection's worth each.
  const maxConnections = Math.max(1_000, Math.floor((openFileLimit() - 100) / 2));
  writeFileSync(
    cfg,
    haproxyConfig({ bind: `127.0.0.1:${state.ports.haproxy}`, gateways, maxConnections }),
  );
  const bin = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';
  const log = logOf(state, 'haproxy');
  const command = [bin, '-db', '-f', cfg];
  const haproxy = startDetached(
    'haproxy',
    bin,
    command.slice(1),
    log,
    {},
    prefixOf(state, 'haproxy'),
  );
  add({ name: 'haproxy', kind: 'haproxy', pid: haproxy.pid, log, url: state.url, command });
  await waitServing(
    'HAProxy',
    [haproxy],
    async () => (await fetch(`${state.url}/readyz`)).status === 200,
  );
}

/** This process's limit on open files (children inherit it); 1,024 when it cannot be read. */
function openFileLimit(): number {
  const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 1_024;
}

export async function clusterDownCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: './cluster' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CLUSTER_HELP);
    return 0;
  }
  const state = readState(resolve(values['data-dir']));
  if (state === undefined) {
    process.stderr.write(`no cluster in ${values['data-dir']}\n`);
    return 1;
  }
  await stopAll(state);
  process.stdout.write(`the cluster in ${state.dataDir} is down (data kept)\n`);
  return 0;
}

/** Starts the cluster's PostgreSQL server; answers its postmaster's pid. */
async function startPostgres(state: ClusterState): Promise<number> {
  const pgDir = join(state.dataDir, 'postgres');
  await startLocalPostgres(pgDir, state.ports.postgres!);
  const pid = Number(readFileSync(join(pgDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  // The postmaster and the processes it has started; backends started later inherit the postmaster's
  // niceness, and the projector lowers the autogroups of its own (background-priority.ts).
  await lowerProcessTree(pid, state.backgroundNice ?? 0);
  return pid;
}

/**
 * PostgreSQL after its postmaster was killed: the server processes it started end on their own once
 * they notice, and until then a new postmaster refuses the data directory; so the start is tried
 * again for a while. It recovers from its WAL as after any crash.
 */
async function restartPostgres(state: ClusterState): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await startPostgres(state);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Starts one process of the cluster again (after a crash, or a fault test's kill) with the command it
 * was first started with; resolves once it serves (a bourse process printed its ready line).
 */
export async function restartProcess(state: ClusterState, name: string): Promise<void> {
  const entry = state.processes.find((p) => p.name === name);
  if (entry !== undefined && entry.kind === 'postgres' && !alive(entry.pid)) {
    entry.pid = await restartPostgres(state);
    writeState(state);
    return;
  }
  if (entry?.command === undefined) throw new Error(`no restartable process ${name}`);
  if (alive(entry.pid)) throw new Error(`${name} (pid ${entry.pid}) is still running`);
  const [bin, ...args] = entry.command;
  if (bin === 'bourse') {
    const prefix = prefixOf(state, entry.kind);
    const opts = { logFile: entry.log, detached: true, timeoutMs: READY_MS, prefix };
    const started = await spawnBourse(args, opts);
    started.child.unref();
    entry.pid = started.child.pid!;
  } else {
    const program = startDetached(
      name,
      bin!,
      args,
      entry.log,
      entry.env,
      prefixOf(state, entry.kind),
    );
    entry.pid = program.pid;
    if (entry.kind === 'nats') await natsReady(program);
  }
  writeState(state);
}

/** Stops every process, newest first (HAProxy and gateways before the nodes and etcd). */
export async function stopAll(state: ClusterState): Promise<void> {
  for (const p of [...state.processes].reverse()) {
    if (p.kind === 'postgres') {
      await stopLocalPostgres(join(state.dataDir, 'postgres')).catch(() => {});
      continue;
    }
    if (!alive(p.pid)) continue;
    try {
      // Detached children lead their own process group: signal the group (a `sh -c exec` is gone).
      process.kill(-p.pid, 'SIGTERM');
    } catch {
      process.kill(p.pid, 'SIGTERM');
    }
    const deadline = Date.now() + 10_000;
    while (alive(p.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
  }
  state.processes.length = 0;
  writeState(state);
}
