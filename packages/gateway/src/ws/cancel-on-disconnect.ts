// Cancel on disconnect for the native WebSocket: a trade-scoped socket may be armed (the
// `cancelOnDisconnect` op, or `?cancelOnDisconnect=1` on the handshake), and when an armed socket
// closes for any reason but a graceful server shutdown, the gateway submits a `cancelAll` for the
// socket's account — every resting order and parked stop of the account, in one market when the socket
// was armed for one — through the ordinary command path, so it is journaled and replays like any other.
// The rule is per socket: the cancel is sent even if another socket of the account is still open or
// armed (as at Deribit and Coinbase, whose cancel-on-disconnect is a property of the connection).

import type { CommandInput } from '@bourse/core';
import { CoreError } from '@bourse/core';
import { type GatewayServices, rejection } from '../api/gateway-services.ts';
import { ApiError } from '../error-catalogue.ts';

/** What an armed socket cancels when it closes: one market, or every market of the account. */
export type CancelScope = { readonly instrumentId: number; readonly symbol: string } | 'allMarkets';

/** Why a socket ended, as the cancel-on-disconnect log reports it. */
export type CloseCause =
  | 'closed'
  | 'heartbeat'
  | 'slowConsumer'
  | 'revoked'
  | 'expired'
  | 'error'
  /** A sandbox fault (a forced disconnect). */
  | 'injected';

export const CANCEL_ON_DISCONNECT_PARAM = 'cancelOnDisconnect';

/**
 * Whether the handshake arms the socket: `?cancelOnDisconnect=1` (or `true`) does, absent, `0` or
 * `false` does not, anything else is VALIDATION_FAILED. The armed socket covers every market.
 */
export function cancelOnDisconnectParam(url: string | undefined): boolean {
  const q = url?.indexOf('?') ?? -1;
  if (url === undefined || q === -1) return false;
  const value = new URLSearchParams(url.slice(q + 1)).get(CANCEL_ON_DISCONNECT_PARAM);
  if (value === null || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ApiError('VALIDATION_FAILED', 'cancelOnDisconnect must be 1, true, 0 or false.');
}

/**
 * The scope a `cancelOnDisconnect` op asks for, or undefined for `enabled: false` (disarm). Checked in
 * full before anything changes, so a refused op leaves the socket as it was.
 */
export function cancelScopeOf(
  s: GatewayServices,
  msg: Record<string, unknown>,
): CancelScope | undefined {
  if (typeof msg.enabled !== 'boolean') {
    throw new ApiError('VALIDATION_FAILED', 'enabled must be true or false.');
  }
  const ref = msg.market;
  if (ref === undefined) return msg.enabled ? 'allMarkets' : undefined;
  if (!msg.enabled) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'market goes with enabled: true; enabled: false disarms the socket in every market.',
    );
  }
  if (typeof ref !== 'string' && typeof ref !== 'number') {
    throw new ApiError('VALIDATION_FAILED', 'market must be a symbol or an instrument id.');
  }
  const spec = s.market(ref).spec;
  return { instrumentId: spec.instrumentId, symbol: spec.symbol };
}

/** How long to wait before each new attempt when the core refuses the cancel as OVERLOADED. */
const OVERLOAD_RETRY_MS = [50, 100, 200, 400, 800, 1_600, 3_200] as const;

/**
 * Submits the cancel-all of a closed armed socket and logs the outcome. An engine rejection or a core
 * failure is logged as a warning and goes no further (the socket is already gone); only OVERLOADED,
 * which means "try again shortly", is retried, a bounded number of times, unless `stopping()` says the
 * gateway is shutting down by then.
 */
export function submitCancelOnDisconnect(
  s: GatewayServices,
  accountId: number,
  scope: CancelScope,
  context: { readonly cause: CloseCause; readonly code: number | undefined },
  stopping: () => boolean,
): void {
  s.metrics.wsCancelOnDisconnect++;
  const input: CommandInput =
    scope === 'allMarkets'
      ? { type: 'cancelAll', accountId }
      : { type: 'cancelAll', accountId, instrumentId: scope.instrumentId };
  const fields = {
    accountId,
    market: scope === 'allMarkets' ? null : scope.symbol,
    cause: context.cause,
    ...(context.code === undefined ? {} : { code: context.code }),
  };
  const attempt = (n: number): void => {
    s.core.submit(input).then(
      (applied) => {
        const reason = rejection(applied);
        if (reason !== undefined) {
          s.logger.warn('ws cancel on disconnect rejected', {
            ...fields,
            reason,
            seq: applied.seq,
          });
          return;
        }
        let cancelledOrders = 0;
        for (const e of applied.events) if (e.type === 'orderCancelled') cancelledOrders++;
        s.logger.info('ws cancel on disconnect', { ...fields, seq: applied.seq, cancelledOrders });
      },
      (error: unknown) => {
        const delay = OVERLOAD_RETRY_MS[n];
        if (
          error instanceof CoreError &&
          error.code === 'OVERLOADED' &&
          delay !== undefined &&
          !stopping()
        ) {
          setTimeout(() => {
            if (!stopping()) attempt(n + 1);
            else s.logger.warn('ws cancel on disconnect dropped: shutting down', fields);
          }, delay);
          return;
        }
        s.logger.warn('ws cancel on disconnect failed', { ...fields, attempts: n + 1, error });
      },
    );
  };
  attempt(0);
}
