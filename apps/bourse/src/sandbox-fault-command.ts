// `bourse sandbox fault …` and `bourse sandbox sockets`: the command lines of the sandbox's fault API
// (docs/sandbox.md, "Faults"), mapped to their requests; durations as people write them.

/** The flags `fault add` reads, merged into `bourse sandbox`'s. */
export const FAULT_FLAGS = {
  socket: { type: 'string' },
  route: { type: 'string' },
  channel: { type: 'string' },
  market: { type: 'string' },
  count: { type: 'string' },
  duration: { type: 'string' },
  'retry-after': { type: 'string' },
  status: { type: 'string' },
  'after-execution': { type: 'boolean', default: false },
  latency: { type: 'string' },
} as const;

export interface FaultValues {
  account?: string | undefined;
  socket?: string | undefined;
  route?: string | undefined;
  channel?: string | undefined;
  market?: string | undefined;
  count?: string | undefined;
  duration?: string | undefined;
  'retry-after'?: string | undefined;
  status?: string | undefined;
  'after-execution'?: boolean | undefined;
  latency?: string | undefined;
}

type Request = [string, string, unknown, Record<string, string | undefined> | undefined];

const BASE = '/api/v1/sandbox';

/**
 * `fault add <kind> --account N …`, `fault list`, `fault clear [id]`: the request. `usage` makes the
 * error of a wrong command line; `parseDuration` reads `500ms`, `30s`, ….
 */
export function faultRequest(
  op: string | undefined,
  arg: string | undefined,
  values: FaultValues,
  usage: (message: string) => Error,
  parseDuration: (text: string) => number,
): Request {
  switch (op) {
    case undefined:
    case 'list':
      return ['GET', `${BASE}/faults`, undefined, undefined];
    case 'clear':
      return [
        'DELETE',
        arg === undefined ? `${BASE}/faults` : `${BASE}/faults/${arg}`,
        undefined,
        undefined,
      ];
    case 'add': {
      if (arg === undefined) throw usage('fault add needs a kind (rateLimit, serverError, …)');
      if (values.account === undefined) throw usage('fault add needs --account <id>');
      const int = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      const ms = (v: string | undefined) => (v === undefined ? undefined : parseDuration(v));
      const body = {
        kind: arg,
        account: Number(values.account),
        socket: int(values.socket),
        route: values.route,
        channel: values.channel,
        market: values.market,
        count: int(values.count),
        durationMs: ms(values.duration),
        retryAfterSeconds: int(values['retry-after']),
        status: int(values.status),
        afterExecution: values['after-execution'] === true ? true : undefined,
        latencyMs: ms(values.latency),
      };
      return ['POST', `${BASE}/faults`, JSON.parse(JSON.stringify(body)), undefined];
    }
    default:
      throw usage(`unknown fault command: ${op}`);
  }
}
