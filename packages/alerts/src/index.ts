// Server-side alerts: trigger rules over the exchange's durable stream, the alert store, and delivery.

export {
  AlertService,
  type AlertServiceOptions,
  type Owner,
  ALERTS_DB,
  VAPID_FILE,
} from './alert-service.ts';
export { AlertInputError, type AlertErrorCode } from './alert-errors.ts';
export { AlertStore } from './alert-store.ts';
export { AlertRunner } from './alert-runner.ts';
export { AlertEvaluator, type ActiveAlert, type Firing } from './evaluator.ts';
export { MarketTape, spreadOf } from './market-tape.ts';
export * from './conditions.ts';
export * from './rules.ts';
export { Dispatcher, retryDelayMs, type Sender, type SendResult } from './delivery/dispatcher.ts';
export {
  signWebhook,
  verifyWebhook,
  SIGNATURE_HEADER,
  DELIVERY_HEADER,
} from './delivery/webhook.ts';
export { notificationPayload, type NotificationPayload } from './delivery/payload.ts';
export type { SmtpConfig } from './delivery/email.ts';
