// Typed SDK for the exchange's native API: REST with signed requests, WebSocket sessions, and a local
// book mirror that checks delta sequence numbers.

export { BookMirror, type BookMessage } from './book-mirror.ts';
export { BourseApiError } from './client-error.ts';
export { LiveBook, type LiveBookEvent, type LiveBookOptions } from './live-book.ts';
export { type ApiKeyCredentials, BODY_SHA256_HEADER, RequestSigner } from './request-signer.ts';
export {
  type IssuedToken,
  RestClient,
  type RestClientOptions,
  TOKEN_PATH,
} from './rest-client.ts';
export { SocketClient, WS_PATH } from './socket-client.ts';
export { newClientOrderId, type PlacedOrder } from './idempotent-place.ts';
export { FateUnknownError, type RetryPolicy } from './retry-policy.ts';
export type * from './wire-types.ts';
