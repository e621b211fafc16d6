// `bourse cluster node`: one engine node of a cluster (etcd log + NATS bus), as a plain process so the
// same piece runs under `bourse cluster up` on one machine or under systemd on three. Prints one JSON
// line `{"event":"ready",...}` on stdout once it has joined; logs JSON lines on stderr; on SIGINT or
// SIGTERM it gives up leadership (so a standby takes over at once) and exits.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_APPEND_SPACING_MS, DEFAULT_LOCAL_SYNC, EngineNode } from '@bourse/cluster';
import { makePrivateDir } from '@bourse/core';
import {
  nodePriority,
  type OrderPathPriority,
  parseOrderPathPriority,
  setOwnThreadsPolicy,
} from './cluster/order-path-priority.ts';
import { CLUSTER_NODE_HELP } from './help-texts.ts';

/** Longest a stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000;

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/** `--append-spacing-ms`: 0 (no spacing) up to a second. */
export function spacingMs(text: string | undefined): number {
  const n =
    text === undefined ? DEFAULT_APPEND_SPACING_MS : /^\d{1,4}$/.test(text) ? Number(text) : -1;
  if (n < 0 || n > 1000) {
    throw new Error('--append-spacing-ms must be an integer from 0 to 1000');
  }
  return n;
}

/**
 * Sets this process's scheduling on each change of role (nodePriority, decision 0989); one `chrt`
 * at a time, so the last role wins.
 */
function policyByRole(p: OrderPathPriority): (role: 'leader' | 'standby') => void {
  let queue = Promise.resolve(true);
  return (role) => {
    queue = queue.then(() => setOwnThreadsPolicy(p.policy, nodePriority(p, role)));
  };
}

export async function clusterNodeCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'node-id': { type: 'string' },
      etcd: { type: 'string' },
      nats: { type: 'string', default: 'nats://127.0.0.1:4222' },
      'data-dir': { type: 'string' },
      prefix: { type: 'string', default: 'bourse' },
      'lease-ttl': { type: 'string', default: '2' },
      'hash-every': { type: 'string', default: '10000' },
      'snapshot-every': { type: 'string' },
      'log-retain': { type: 'string' },
      'journal-sync-ms': { type: 'string' },
      'appends-in-flight': { type: 'string', default: '1' },
      'append-spacing-ms': { type: 'string', default: String(DEFAULT_APPEND_SPACING_MS) },
      'order-path-priority': { type: 'string', default: 'none' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CLUSTER_NODE_HELP);
    return;
  }
  const node = values['node-id'];
  if (node === undefined || !/^[A-Za-z0-9_-]{1,64}$/.test(node)) {
    throw new Error('--node-id is required: 1-64 letters, digits, _ or -');
  }
  if (values.etcd === undefined)
    throw new Error('--etcd is required (comma-separated client URLs)');
  if (values['data-dir'] === undefined) throw new Error('--data-dir is required');
  const dataDir = resolve(values['data-dir']);
  makePrivateDir(dataDir);
  const snapshotEvery = positiveInt('snapshot-every', values['snapshot-every']);
  const logRetain = positiveInt('log-retain', values['log-retain']);
  const syncMs = positiveInt('journal-sync-ms', values['journal-sync-ms']);
  const orderPath = parseOrderPathPriority(values['order-path-priority']);
  const engineNode = await EngineNode.start({
    node,
    etcd: values.etcd.split(','),
    nats: values.nats.split(','),
    dataDir,
    prefix: values.prefix,
    leaseTtlSeconds: positiveInt('lease-ttl', values['lease-ttl'])!,
    hashEvery: positiveInt('hash-every', values['hash-every'])!,
    appendsInFlight: positiveInt('appends-in-flight', values['appends-in-flight'])!,
    appendSpacingMs: spacingMs(values['append-spacing-ms']),
    ...(snapshotEvery === undefined ? {} : { snapshotEvery }),
    ...(logRetain === undefined ? {} : { logRetainCommands: logRetain }),
    ...(syncMs === undefined ? {} : { localSync: { ...DEFAULT_LOCAL_SYNC, everyMs: syncMs } }),
    log: (line) =>
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`),
    ...(orderPath === undefined ? {} : { onRole: policyByRole(orderPath) }),
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', node, pid: process.pid, appliedSeq: engineNode.core.durableSeq })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Giving up the lease needs etcd; with etcd unreachable the lease simply expires.
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    engineNode.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
