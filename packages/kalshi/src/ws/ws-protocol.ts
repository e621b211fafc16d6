// Kalshi's WebSocket command envelope and its numbered error codes (from Kalshi's AsyncAPI document).
// Errors 10, 17 and 25 end the subscription they concern; the client resubscribes.

import type { RawData } from 'ws';

export interface Command {
  readonly id: number | null;
  readonly cmd: unknown;
  readonly params: unknown;
}

export const WS_ERROR = {
  unableToProcess: 1,
  paramsRequired: 2,
  channelsRequired: 3,
  sidsRequired: 4,
  unknownCommand: 5,
  unknownSid: 7,
  unknownChannel: 8,
  authRequired: 9,
  channelError: 10,
  invalidParameter: 11,
  exactlyOneSid: 12,
  unsupportedAction: 13,
  marketTickerRequired: 14,
  actionRequired: 15,
  marketNotFound: 16,
  internal: 17,
  bufferOverflow: 25,
  commandRateLimit: 27,
} as const;

export class WsError extends Error {
  readonly code: number;
  readonly marketTicker: string | undefined;

  constructor(code: number, message: string, marketTicker?: string) {
    super(message);
    this.name = 'WsError';
    this.code = code;
    this.marketTicker = marketTicker;
  }

  body(): { code: number; msg: string; market_ticker?: string } {
    return {
      code: this.code,
      msg: this.message,
      ...(this.marketTicker === undefined ? {} : { market_ticker: this.marketTicker }),
    };
  }
}

export function requireParams(cmd: Command): Record<string, unknown> {
  const p = cmd.params;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new WsError(WS_ERROR.paramsRequired, 'params is required.');
  }
  return p as Record<string, unknown>;
}

export function parseCommand(data: RawData, isBinary: boolean): Command {
  let parsed: unknown;
  try {
    if (isBinary) throw new Error('binary');
    parsed = JSON.parse(data.toString());
  } catch {
    throw new WsError(WS_ERROR.unableToProcess, 'Send JSON text frames.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WsError(WS_ERROR.unableToProcess, 'A command is a JSON object.');
  }
  const o = parsed as Record<string, unknown>;
  return { id: typeof o.id === 'number' ? o.id : null, cmd: o.cmd, params: o.params };
}
