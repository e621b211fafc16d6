// The registry of benchmark suites `npm run bench` knows, in the order they run by default. A suite is
// a module exporting a `Suite`; it is imported only when selected, so one suite's dependencies never
// slow or break another.

import type { Suite } from './report.ts';

export type { Suite };

export const SUITES: Record<string, () => Promise<Suite>> = {
  engine: async () => (await import('./engine/suite.ts')).engineSuite,
  replay: async () => (await import('./replay/suite.ts')).replaySuite,
  restart: async () => (await import('./replay/restart.ts')).restartSuite,
  server: async () => (await import('./server/suite.ts')).serverSuite,
  flood: async () => (await import('./flood/suite.ts')).floodSuite,
  'login-flood': async () => (await import('./login-flood/suite.ts')).loginFloodSuite,
  soak: async () => (await import('./soak/suite.ts')).soakSuite,
  etcd: async () => (await import('./etcd/suite.ts')).etcdSuite,
  cluster: async () => (await import('./cluster/suite.ts')).clusterSuite,
  metrics: async () => (await import('./metrics/suite.ts')).metricsSuite,
  'audit-chain': async () => (await import('./audit-chain/suite.ts')).auditChainSuite,
  history: async () => (await import('./history/suite.ts')).historySuite,
  performance: async () => (await import('./performance/suite.ts')).performanceSuite,
  backtest: async () => (await import('./backtest/suite.ts')).backtestSuite,
};

/**
 * Suites that run only when named (`--suite soak`): the soak takes 30 minutes by default; the cluster
 * suite starts a whole cluster and kills its leaders 30 times; the restart suite writes a data directory
 * of `--n` commands (10 M for its target: about 0.7 GB, a few minutes).
 */
export const ON_REQUEST: ReadonlySet<string> = new Set(['soak', 'cluster', 'restart']);
