// Public surface of the benchmark kit: the reference workload (generator, file format, reference
// matcher, depth hash) and the adapters that drive an order book through it.

export { depthHash } from './depth-hash.ts';
export { makeRng, type Rng } from './rng.ts';
export {
  type AmendRule,
  BUY,
  type Depth,
  RefBook,
  type RefOrder,
  SELL,
  type SideCode,
} from './reference-book.ts';
export {
  type CommandKind,
  emptyColumns,
  type GenerateOptions,
  generate,
  MIXES,
  type Mix,
  type MixName,
  PROFILES,
  type Profile,
  type ProfileName,
  T_AMEND,
  T_CANCEL,
  T_LIMIT,
  T_MARKET,
  TYPE_NAMES,
  type Workload,
  type WorkloadColumns,
  type WorkloadMeta,
} from './workload.ts';
export { decodeColumns, encodeWorkload, workloadFileName } from './workload-file.ts';
export type { BookDriver } from './book-driver.ts';
export {
  type BourseExpectation,
  type BourseOptions,
  type PreparedBourse,
  prepareBourse,
} from './bourse-commands.ts';
export { INSTRUMENT_ID, instrumentSpec, setupCommands, UNITS } from './bourse-market.ts';
export {
  nodejsOrderBookDriver,
  type PeerPayload,
  preparePeer,
} from './nodejs-order-book-driver.ts';
export { restingColumns } from './resting-columns.ts';
export { bourseDriver, type EngineClass } from './bourse-driver.ts';
export { BareBook } from './bare-book.ts';
export { type BarePayload, bareBookDriver, prepareBare } from './bare-book-driver.ts';
