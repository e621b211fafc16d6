// The environment `bourse cluster up` starts nats-server with, beside the rest of the one-machine
// cluster: GOMAXPROCS, the threads that run Go code at once, a quarter of the cores (at least one).
// Go's default, one per core, has nats-server's idle threads woken to steal each other's goroutines
// (futex and nanosleep calls that do no work) on cores every other process of the cluster wants: one
// thread carries the same messages with about a quarter less CPU (decision 0945). The etcd members
// keep Go's default: a member with one thread stalls all its work while that thread waits in the
// WAL's fdatasync, and the whole cluster's appends slowed five- to tenfold under load (decision 0945).
// A nats-server alone on its own machine (docs/cluster.md, three machines) keeps Go's default too.

import { availableParallelism } from 'node:os';

export function natsServerEnv(cores: number = availableParallelism()): Record<string, string> {
  return { GOMAXPROCS: String(Math.max(1, Math.floor(cores / 4))) };
}
