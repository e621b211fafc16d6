// Public surface of the clustered core: the NATS protocol engine nodes speak, the fenced etcd log, the
// election and the engine node itself.
export * from './protocol.ts';
export {
  type ClusterMetrics,
  createClusterMetrics,
  clusterMetricsRegistry,
} from './cluster-metrics.ts';
export { Election, type ElectionOptions, type Leadership } from './election.ts';
export { EngineNode, type EngineNodeOptions } from './engine-node.ts';
export {
  DEFAULT_APPEND_SPACING_MS,
  DEFAULT_LOCAL_SYNC,
  type LocalSyncPolicy,
} from './replicated-journal.ts';
export {
  EtcdCluster,
  type EtcdClusterOptions,
  EtcdMember,
  type EtcdMemberSpec,
  etcdMemberArgs,
  MISSING_ETCD,
} from './etcd-members.ts';
export {
  addressInUse,
  ephemeralRange,
  freePorts,
  portRange,
  startOnFreshPorts,
} from './loopback-ports.ts';
export { type Fence, FencedError, FencedLog, type LogHead, rebaseFence } from './fenced-log.ts';
export {
  batchCommands,
  encodeBatch,
  LOG_FORMAT_BINARY,
  type LogBatch,
  LogFormatError,
  parseBatch,
} from './log-format.ts';
export { natsServerEnv } from './go-env.ts';
export { HashBook } from './hash-book.ts';
export { DEFAULT_RECENT_COMMANDS, RecentCommands } from './recent-commands.ts';
export { NatsServerProcess, natsServerConfig, NATS_SERVER_BIN } from './nats-server-process.ts';
