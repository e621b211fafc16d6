// Public surface of the remote core: the ExchangeCore a clustered gateway uses (over NATS, to the
// leader engine node), the PostgreSQL read side it reads history from, and the projector that feeds it.
export { EventFollower, type EventFollowerOptions } from './event-follower.ts';
export { openPgReadSide, type PgReadSideOptions, type RemoteReadModels } from './pg-read-side.ts';
export { Projector, type ProjectorOptions, type ProjectorStall } from './projector.ts';
export {
  DEFAULT_SUBMIT_SPACING_MS,
  RemoteExchangeCore,
  type RemoteCoreOptions,
  SUBMIT_STAGES,
  type SubmitStage,
} from './remote-exchange-core.ts';
export { idempotent, RETRY_WAITS, type RetryWait } from './request-retry.ts';
