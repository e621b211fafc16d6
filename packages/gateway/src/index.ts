// Public surface of the gateway: the app factory, the auth store, the error catalogue and the route table.

export { currentActor, runAsActor } from './api/acting-user.ts';
export { createUserWithAccount } from './api/admin-routes.ts';
export { setAccountFrozen } from './api/surveillance-routes.ts';
export { addNewsFeed, postNewsItem, removeNewsFeed } from './api/news-routes.ts';
export { GatewayServices } from './api/gateway-services.ts';
export { IdTable } from './id-table.ts';
export {
  type NativeCaller,
  type NativeInput,
  nativeOperations,
  runNative,
} from './api/native-operations.ts';
export { reportFile, withChainHash } from './api/report-routes.ts';
export { FileDownload, type RequestContext, type RouteDef } from './api/route-def.ts';
export { API_TIERS, type ApiTier, isApiTier } from './auth/api-tiers.ts';
export { AuthStore, type ApiKeyRecord, type UserRecord } from './auth/auth-store.ts';
export type { AuthChange, AuthPeers, Authenticator } from './auth/authenticator.ts';
export { hashPassword, verifyPassword } from './auth/password-hash.ts';
export { parsePublicKey, signingMessage, verifySignature } from './auth/request-signature.ts';
export { type ExpiryEntry, ExpirySchedule } from './auth/expiry-schedule.ts';
export {
  EXPIRED_CLOSE_REASON,
  REVOKED_CLOSE_CODE,
  REVOKED_CLOSE_REASON,
  type Revocation,
  revokes,
} from './auth/revocation.ts';
export { type Principal, ROLES, type Role, SCOPES, type Scope } from './auth/roles.ts';
export { type BucketConfig, TokenBuckets } from './auth/token-bucket.ts';
export {
  DEFAULT_LOGIN_THROTTLE,
  LoginThrottle,
  type LoginThrottleOptions,
} from './auth/login-throttle.ts';
export {
  ALL_ROUTES,
  API_VERSION,
  createGateway,
  DEFAULT_RATE_LIMITS,
  type Gateway,
  type GatewayExtension,
  type GatewayExtensionDeps,
  type GatewayMount,
  type GatewayOptions,
} from './create-gateway.ts';
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/connection-limits.ts';
export { type Catalogue, loadCatalogue, marketInfo, NO_INFO } from './api/catalogue.ts';
export { ApiError, type ApiErrorCode, errorCatalogue } from './error-catalogue.ts';
export { clientIp, limitKey, type RateLimits, toApiError } from './http/http-pipeline.ts';
export { parseQuery, readJsonBody, sendJson } from './http/request-io.ts';
export {
  type DueWork,
  type ResetDone,
  Sandbox,
  type SandboxResetter,
  type ScriptStep,
} from './sandbox/sandbox.ts';
export {
  type BuiltScenario,
  buildScenario,
  checkScenario,
  parseScenario,
} from './sandbox/scenario.ts';
export { parseDuration, resolveTime } from './sandbox/scenario-time.ts';
export type { ResetAnswer, Scenario } from '@bourse/protocol';
export { SandboxClock } from './sandbox/sandbox-clock.ts';
export { type SandboxEventInput, SandboxRecorder } from './sandbox/sandbox-recorder.ts';
export { SANDBOX_ROUTES, sandboxOf, sandboxRouteTable } from './sandbox/sandbox-routes.ts';
export { openApiDocument } from './openapi/openapi-document.ts';
export { createLogger, type Logger, type LogLevel, silentLogger } from './ops/logger.ts';
export { missedHeartbeatCause } from './ws/slow-consumer-policy.ts';
export { DEFAULT_WS_OPTIONS, sameOrigin, WS_PATH, type WsOptions } from './ws/ws-gateway.ts';
