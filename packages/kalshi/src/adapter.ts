// The Kalshi-compatible Trade API v2 as one mountable unit: REST under `/trade-api/v2` and the
// WebSocket at `/trade-api/ws/v2`, served on the gateway's own port through its extension mount
// (`extensions: [kalshiExtension()]`). The gateway hands over every applied batch and every flush of
// market data; the adapter keeps no authoritative state of its own.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayExtension, GatewayExtensionDeps, GatewayMount } from '@bourse/gateway';
import type { MarketMessage } from '@bourse/marketdata';
import type { AppliedCommand } from '@bourse/core';
import { KalshiHttp, REST_PREFIX } from './rest/kalshi-http.ts';
import { MarketDirectory } from './rest/market-directory.ts';
import { type KalshiRateOptions, KalshiRates } from './rest/rate-tiers.ts';
import { tradedVolumes } from './ws/traded-volumes.ts';
import { PositionVolumes } from './ws/position-volumes.ts';
import { PrivateEvents } from './ws/private-events.ts';
import {
  DEFAULT_KALSHI_WS_OPTIONS,
  KALSHI_WS_PATH,
  KalshiWs,
  type KalshiWsOptions,
} from './ws/kalshi-ws.ts';

/** Everything under this prefix belongs to the adapter (REST and WebSocket). */
export const KALSHI_PREFIX = '/trade-api/';

export interface KalshiAdapterDeps extends GatewayExtensionDeps {
  readonly ws?: Partial<KalshiWsOptions>;
  /** Rate-limit tiers (Kalshi's published budgets and `basic` for everyone by default). */
  readonly rates?: KalshiRateOptions;
}

export interface KalshiAdapter extends GatewayMount {
  /**
   * Serves `/trade-api/v2/...` and answers any other path under `/trade-api/` with 404; resolves
   * false (leaving the request alone) only for a path outside the prefix.
   */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    path?: string,
    search?: string,
  ): Promise<boolean>;
  /** Takes over an upgrade to `/trade-api/ws/v2`; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path?: string): boolean;
  onBatch(batch: readonly AppliedCommand[]): void;
  onFlush(messages: readonly MarketMessage[]): void;
  close(): Promise<void>;
}

export function createKalshiAdapter(deps: KalshiAdapterDeps): KalshiAdapter {
  const s = deps.services;
  const directory = new MarketDirectory(s.clock());
  const http = new KalshiHttp(deps, directory, new KalshiRates(deps.rates));
  const events = new PrivateEvents(
    (id) => {
      const spec = s.hub.market(id)?.spec;
      return spec?.kind === 'binary' ? spec : undefined;
    },
    // Private messages are built only for accounts with a socket listening on a private channel.
    (accountId): boolean => ws.wantsPrivate(accountId),
    // Every batch from here on reaches onBatch; what was durable before is in the read models.
    new PositionVolumes(s.core.durableSeq, (accountId, upto) =>
      tradedVolumes(s.core.readModels, accountId, upto),
    ),
  );
  const ws = new KalshiWs(deps, events, { ...DEFAULT_KALSHI_WS_OPTIONS, ...deps.ws });
  return {
    async handle(req, res, path, search) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const p = path ?? (q === -1 ? url : url.slice(0, q));
      if (p === REST_PREFIX || p.startsWith(`${REST_PREFIX}/`)) {
        await http.handle(req, res, p, search ?? (q === -1 ? '' : url.slice(q + 1)));
        return true;
      }
      if (!p.startsWith(KALSHI_PREFIX)) return false;
      // The whole prefix is ours: another version or a typo is answered, never left open.
      http.notFound(res);
      return true;
    },
    handleUpgrade(req, socket, head, path) {
      if ((path ?? (req.url ?? '').split('?')[0]) !== KALSHI_WS_PATH) return false;
      ws.handleUpgrade(req, socket, head);
      return true;
    },
    onBatch(batch) {
      for (const applied of batch) {
        directory.apply(applied.events, applied.ts);
        events.apply(applied);
      }
    },
    onFlush(messages) {
      ws.publish(messages);
    },
    close: () => ws.close(),
  };
}

/** The gateway extension: `createGateway({ …, extensions: [kalshiExtension()] })`. */
export function kalshiExtension(
  options: { ws?: Partial<KalshiWsOptions>; rates?: KalshiRateOptions } = {},
): GatewayExtension {
  return {
    prefix: KALSHI_PREFIX,
    create: (deps) => createKalshiAdapter({ ...deps, ...options }),
  };
}
