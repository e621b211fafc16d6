// Public surface of the engine package: the state machine, its command and event unions, reject codes,
// instrument specs, read views and the invariant checker.

export type * from './commands.ts';
export {
  type BreakerTrip,
  breakerRulesProblem,
  breakerTrip,
  MAX_BREAKER_MS,
  outsideBand,
} from './circuit-breaker.ts';
export { Engine } from './engine.ts';
export { encodeSnapshot } from './snapshot-binary.ts';
export { captureBuffers, type SnapshotCapture } from './snapshot-capture.ts';
export { idHome } from './order-index.ts';
export { STATE_HASH_VERSION, stateHashVersion } from './state-digest.ts';
export type * from './events.ts';
export type * from './instrument.ts';
export { CENTS_BINARY_GRID, MAX_PRICE_LEVELS } from './instrument.ts';
export { REJECT_CODES, type RejectCode } from './reject-codes.ts';
export { divCeil, divFloor, isPositiveInt, isSafeInt } from './units.ts';
export { InvariantViolation } from './invariant.ts';
export { verifyInvariants } from './verify-invariants.ts';
export type * from './views.ts';
export { DEFAULT_ENGINE_CONFIG } from './views.ts';
export {
  describeGrid,
  type FeeTerms,
  type FeePeakTerms,
  feeFor,
  feePeakPrice,
  isLotMultiple,
  isOnGrid,
  type PriceGrid,
  type PriceViolation,
  priceViolation,
  roundToLots,
  snapToGrid,
} from './rules.ts';
export {
  binaryCloses,
  binaryFillCash,
  bookBinaryFill,
  bookSpotFill,
  type PnlTerms,
  type PositionBook,
  positionValue,
  realisedAfterFees,
  settlementPayout,
  spotHoldingValue,
  unrealisedPnl,
} from './pnl.ts';
export {
  ByteReader,
  ByteWriter,
  CodecError,
} from './codec-bytes.ts';
export {
  COMMAND_CASES,
  type CommandCase,
  CommandDecoder,
  commandJson,
  decodeCommand,
  encodeCommand,
  RECORD_BINARY,
  RECORD_JSON,
  writeCommand,
} from './codec-commands.ts';
export { EVENT_CASES, type EventCase, readEvent, writeEvent } from './codec-events.ts';
export {
  CommandBatchReader,
  decodeCommandBatch,
  decodeCommandEvents,
  decodeEventBatch,
  mayStartWithReject,
  writeCommandEvents,
  writeFramedRange,
  writeFramedRecord,
} from './codec-batches.ts';
export type { Enumeration, FieldSpec } from './codec-fields.ts';
