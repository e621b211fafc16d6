// The registry of benchmark suites `npm run bench` knows, in the order they run by default. A suite is
// a module exporting a `Suite`; it is imported only when selected, so one suite's dependencies never
// slow or break another.

import type { Suite } from './report.ts';

export type { Suite };

export const SUITES: Record<string, () => Promise<Suite>> = {
  engine: async () => (await import('./engine/suite.ts')).engineSuite,
  server: async () => (await import('./server/suite.ts')).serverSuite,
};
