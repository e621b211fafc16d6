// Command-line options of `npm run bench`, shared by every suite. A suite that needs more options adds
// them here, so one parser rejects typos for all suites.

import { parseArgs } from 'node:util';
import type { MixName, ProfileName } from '@bourse/benchkit';

export interface BenchOptions {
  /** Suites to run, in order (`--suite engine,server`; all registered suites when absent). */
  readonly suites: readonly string[] | undefined;
  readonly profiles: readonly ProfileName[];
  readonly mix: MixName;
  /** Timed commands per replay. */
  readonly n: number;
  readonly seed: number;
  /** Timed replays per engine; the median is reported. */
  readonly runs: number;
  /** Also drive the peer book (nodejs-order-book) through the same stream. */
  readonly peer: boolean;
  /** Engine suite: also replay the stream on a market with a circuit breaker it never trips. */
  readonly breaker: boolean;
  /**
   * Engine suite: also replay the engine on the server's paths: events written as bytes
   * (`applyEncoded`, the engine thread) and no events (`applyQuietly`, replay and catch-up).
   */
  readonly encoded: boolean;
  /** Engine suite: also replay the stream on the bare typed-array book (no accounts, no fees). */
  readonly bare: boolean;
  /**
   * Engine suite: a second checkout (a directory with packages/engine) whose engine replays the same
   * stream in the same process, paired with this one's: a before/after comparison immune to the load.
   */
  readonly baseline: string | undefined;
  /** Resting orders placed to measure memory per resting order: one fresh book per size. */
  readonly heapOrders: readonly number[];
  /** One JSON object per measurement on stdout instead of tables. */
  readonly json: boolean;
  /** Soak suite: how long the steady load runs, in minutes. */
  readonly soakMinutes: number;
  /** Soak suite: orders per second offered. */
  readonly soakRate: number;
  /** Soak suite: order entry over REST (signed) or the WebSocket. */
  readonly soakMode: 'rest' | 'ws';
  /** Flood suite: REST orders per second offered, quiet and during the flood. */
  readonly floodRate: number;
  /** Flood suite: half-sent connections the flood keeps open. */
  readonly floodConnections: number;
  /** Flood suite: loopback source addresses they come from. */
  readonly floodAddresses: number;
  /** etcd suite: seconds per append-rate measurement. */
  readonly etcdSeconds: number;
  /** etcd suite: rounds of the two-writer race. */
  readonly etcdRaces: number;
  /** etcd suite: kills of etcd's Raft leader. */
  readonly etcdKills: number;
  /** Cluster suite: seconds per load run, kills of the leader engine node and of etcd's leader. */
  readonly clusterSeconds: number;
  readonly clusterKills: number;
  readonly clusterEtcdKills: number;
  /** Cluster suite: market-data subscribers spread over the gateways (0: no market-data rows). */
  readonly clusterSubscribers: number;
  /**
   * Cluster suite: the offered rates the cluster climbs (default the whole ladder); one rate measures
   * the CPU per order at that rate alone, for before/after comparisons.
   */
  readonly clusterLadder: readonly number[] | undefined;
  /**
   * Cluster suite: the offered rate ack latency and its stages are measured at (default half the
   * highest rate the ladder sustained); measured even when the ladder sustained no rate, so a
   * before/after pair compares the same rate on a busy machine.
   */
  readonly clusterLatencyRate: number | undefined;
  /** Cluster suite: also measure the single-process server in the same run (`--no-cluster-single`). */
  readonly clusterSingle: boolean;
  /** Cluster suite: fenced appends the leader keeps in flight (`bourse cluster up --appends-in-flight`). */
  readonly clusterAppendsInFlight: number;
  /** Cluster suite: the nodes' `--append-spacing-ms` (their default when absent). */
  readonly clusterAppendSpacingMs: string | undefined;
  /** Cluster suite: `cluster up --background-nice` (the projector's and PostgreSQL's niceness). */
  readonly clusterBackgroundNice: string | undefined;
  /** Cluster suite: `cluster up --order-path-priority` (the order path's real-time policy). */
  readonly clusterOrderPathPriority: string | undefined;
  /**
   * Cluster suite: the load generator runs under the order path's policy too, at the gateways'
   * priority. Off by default: it stands in for clients on other machines, which a real-time order
   * path on this one would not slow down; on one machine it competes for the same cores.
   */
  readonly clusterLoadgenPriority: boolean;
  /** Login-flood suite: wrong-password logins per second (orders at --flood-rate). */
  readonly loginRate: number;
  /** Login-flood suite: loopback source addresses the logins come from. */
  readonly loginAddresses: number;
  /** Login-flood suite: seconds each of the quiet and flooded order runs lasts. */
  readonly loginSeconds: number;
}

const USAGE = `usage: npm run bench -- [--suite engine] [--profile cents|wide|all] [--mix brief|excore]
       [--n 1000000] [--seed 42] [--runs 3] [--heap-orders 10000,100000,1000000]
       [--no-peer] [--no-bare] [--no-encoded] [--breaker] [--baseline DIR] [--json]
       [--soak-minutes 30] [--soak-rate 500] [--soak-mode rest|ws]
       [--flood-rate 1000] [--flood-connections 3000] [--flood-addresses 300]
       [--etcd-seconds 5] [--etcd-races 200] [--etcd-kills 10]
       [--login-rate 300] [--login-addresses 300] [--login-seconds 10]
       [--cluster-seconds 5] [--cluster-kills 20] [--cluster-etcd-kills 10] [--cluster-subscribers 1000]
       [--cluster-ladder 8000,10000] [--cluster-latency-rate 10000] [--no-cluster-single]
       [--cluster-appends-in-flight 2] [--cluster-append-spacing-ms 0]
       [--cluster-background-nice 0] [--cluster-order-path-priority rr:10]
       [--cluster-loadgen-priority]`;

/** Every option of every suite, for `parseArgs` (one table, so a typo is refused for all). */
const OPTIONS = {
  suite: { type: 'string' },
  profile: { type: 'string', default: 'all' },
  mix: { type: 'string', default: 'brief' },
  n: { type: 'string', default: '1000000' },
  seed: { type: 'string', default: '42' },
  runs: { type: 'string', default: '3' },
  peer: { type: 'boolean', default: true },
  breaker: { type: 'boolean', default: false },
  bare: { type: 'boolean', default: true },
  encoded: { type: 'boolean', default: true },
  baseline: { type: 'string' },
  'heap-orders': { type: 'string', default: '10000,100000,1000000' },
  json: { type: 'boolean', default: false },
  'soak-minutes': { type: 'string', default: '30' },
  'soak-rate': { type: 'string', default: '500' },
  'soak-mode': { type: 'string', default: 'rest' },
  'flood-rate': { type: 'string', default: '1000' },
  'flood-connections': { type: 'string', default: '3000' },
  'flood-addresses': { type: 'string', default: '300' },
  'etcd-seconds': { type: 'string', default: '5' },
  'etcd-races': { type: 'string', default: '200' },
  'etcd-kills': { type: 'string', default: '10' },
  'cluster-seconds': { type: 'string', default: '5' },
  'cluster-kills': { type: 'string', default: '20' },
  'cluster-etcd-kills': { type: 'string', default: '10' },
  'cluster-subscribers': { type: 'string', default: '1000' },
  'cluster-ladder': { type: 'string' },
  'cluster-latency-rate': { type: 'string' },
  'cluster-single': { type: 'boolean', default: true },
  'cluster-appends-in-flight': { type: 'string', default: '1' },
  'cluster-append-spacing-ms': { type: 'string' },
  'cluster-background-nice': { type: 'string' },
  'cluster-order-path-priority': { type: 'string' },
  'cluster-loadgen-priority': { type: 'boolean', default: false },
  'login-rate': { type: 'string', default: '300' },
  'login-addresses': { type: 'string', default: '300' },
  'login-seconds': { type: 'string', default: '10' },
  help: { type: 'boolean', default: false },
} as const;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({ args: [...argv], allowNegative: true, options: OPTIONS });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const profiles = values.profile === 'all' ? ['cents', 'wide'] : values.profile.split(',');
  for (const p of profiles) if (p !== 'cents' && p !== 'wide') fail(`unknown profile ${p}`);
  if (values.mix !== 'brief' && values.mix !== 'excore') fail(`unknown mix ${values.mix}`);
  return {
    suites: values.suite?.split(','),
    profiles: profiles as ProfileName[],
    mix: values.mix,
    n: positiveInt('n', values.n),
    seed: positiveInt('seed', values.seed, 0),
    runs: positiveInt('runs', values.runs),
    peer: values.peer,
    breaker: values.breaker,
    bare: values.bare,
    encoded: values.encoded,
    baseline: values.baseline,
    heapOrders: values['heap-orders'].split(',').map((v) => positiveInt('heap-orders', v)),
    json: values.json,
    soakMinutes: positiveInt('soak-minutes', values['soak-minutes']),
    soakRate: positiveInt('soak-rate', values['soak-rate']),
    soakMode: values['soak-mode'] === 'ws' ? 'ws' : soakRest(values['soak-mode']),
    floodRate: positiveInt('flood-rate', values['flood-rate']),
    floodConnections: positiveInt('flood-connections', values['flood-connections']),
    floodAddresses: positiveInt('flood-addresses', values['flood-addresses']),
    etcdSeconds: positiveInt('etcd-seconds', values['etcd-seconds']),
    etcdRaces: positiveInt('etcd-races', values['etcd-races']),
    etcdKills: positiveInt('etcd-kills', values['etcd-kills']),
    clusterSeconds: positiveInt('cluster-seconds', values['cluster-seconds']),
    clusterKills: positiveInt('cluster-kills', values['cluster-kills'], 0),
    clusterEtcdKills: positiveInt('cluster-etcd-kills', values['cluster-etcd-kills'], 0),
    clusterSubscribers: positiveInt('cluster-subscribers', values['cluster-subscribers'], 0),
    clusterLadder: values['cluster-ladder']
      ?.split(',')
      .map((rate) => positiveInt('cluster-ladder', rate.trim())),
    clusterLatencyRate:
      values['cluster-latency-rate'] === undefined
        ? undefined
        : positiveInt('cluster-latency-rate', values['cluster-latency-rate']),
    clusterSingle: values['cluster-single'] as boolean,
    clusterAppendsInFlight: positiveInt(
      'cluster-appends-in-flight',
      values['cluster-appends-in-flight'],
    ),
    clusterAppendSpacingMs: values['cluster-append-spacing-ms'] as string | undefined,
    clusterBackgroundNice: values['cluster-background-nice'] as string | undefined,
    clusterOrderPathPriority: values['cluster-order-path-priority'] as string | undefined,
    clusterLoadgenPriority: values['cluster-loadgen-priority'] as boolean,
    loginRate: positiveInt('login-rate', values['login-rate']),
    loginAddresses: positiveInt('login-addresses', values['login-addresses']),
    loginSeconds: positiveInt('login-seconds', values['login-seconds']),
  };
}

function soakRest(mode: string): 'rest' {
  if (mode !== 'rest') fail(`--soak-mode must be rest or ws, got ${mode}`);
  return 'rest';
}

function positiveInt(name: string, text: string, min = 1): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min)
    fail(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return v;
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
