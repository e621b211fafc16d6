// NATS messages and bytes per acknowledged order, from nats-server's own counters (its monitoring
// port: /varz for the server's totals, /connz for each client connection by name), so the figure is
// what crossed the bus whatever else the machine did: the gateways' submit requests, the leader's
// replies and events, and each subscriber's copy of them.

export interface NatsCounters {
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
}

export interface NatsTraffic {
  /** The server's totals: `in` is what clients published, `out` what it delivered. */
  readonly server: NatsCounters;
  /** Per client group (gateways, leader, standby nodes, projector, other), as the server saw them. */
  readonly clients: Record<string, NatsCounters>;
  readonly at: number;
}

interface Connz {
  connections?: {
    name?: string;
    in_msgs: number;
    out_msgs: number;
    in_bytes: number;
    out_bytes: number;
  }[];
}

const ZERO: NatsCounters = { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0 };

function add(a: NatsCounters, b: NatsCounters): NatsCounters {
  return {
    inMsgs: a.inMsgs + b.inMsgs,
    outMsgs: a.outMsgs + b.outMsgs,
    inBytes: a.inBytes + b.inBytes,
    outBytes: a.outBytes + b.outBytes,
  };
}

/** The group a client connection belongs to, by the name each process connects with. */
function groupOf(name: string | undefined, leader: string): string {
  if (name === undefined) return 'other';
  if (name.startsWith('gateway-')) return 'gateways';
  if (name.startsWith('projector-')) return 'projector';
  if (name.startsWith(`bourse-node-${leader}@`)) return 'leader';
  if (name.startsWith('bourse-node-')) return 'standby nodes';
  return 'other';
}

/** nats-server's counters now, or undefined when its monitoring port does not answer. */
export async function natsTraffic(
  monitorUrl: string,
  leader: string,
): Promise<NatsTraffic | undefined> {
  try {
    const get = async (path: string) =>
      (await fetch(`${monitorUrl}${path}`, { signal: AbortSignal.timeout(10_000) })).json();
    const varz = (await get('/varz')) as Record<string, number>;
    const connz = (await get('/connz?limit=4096')) as Connz;
    const clients: Record<string, NatsCounters> = {};
    for (const c of connz.connections ?? []) {
      const group = groupOf(c.name, leader);
      clients[group] = add(clients[group] ?? ZERO, {
        inMsgs: c.in_msgs,
        outMsgs: c.out_msgs,
        inBytes: c.in_bytes,
        outBytes: c.out_bytes,
      });
    }
    return {
      server: {
        inMsgs: varz.in_msgs!,
        outMsgs: varz.out_msgs!,
        inBytes: varz.in_bytes!,
        outBytes: varz.out_bytes!,
      },
      clients,
      at: performance.now(),
    };
  } catch {
    return undefined;
  }
}

/**
 * "NATS per acknowledged order: 0.31 messages published, 0.45 delivered (…); gateways published 0.11
 * (1,020 B), were delivered 0.16 (…) · leader …": the counters' growth over a run divided by its
 * orders. A client's `in` is what it published, its `out` what the server delivered to it.
 */
export function natsNote(
  label: string,
  a: NatsTraffic | undefined,
  b: NatsTraffic | undefined,
  orders: number,
): string | undefined {
  if (a === undefined || b === undefined || orders <= 0) return undefined;
  const per = (n: number) => (n / orders).toFixed(3);
  const bytes = (n: number) => `${Math.round(n / orders).toLocaleString('en-US')} B`;
  const s = { in: b.server.inMsgs - a.server.inMsgs, out: b.server.outMsgs - a.server.outMsgs };
  const sb = {
    in: b.server.inBytes - a.server.inBytes,
    out: b.server.outBytes - a.server.outBytes,
  };
  const groups = Object.keys(b.clients)
    .sort()
    .map((g) => {
      const x = b.clients[g]!;
      const y = a.clients[g] ?? ZERO;
      return (
        `${g} published ${per(x.inMsgs - y.inMsgs)} (${bytes(x.inBytes - y.inBytes)}), ` +
        `received ${per(x.outMsgs - y.outMsgs)} (${bytes(x.outBytes - y.outBytes)})`
      );
    });
  return (
    `${label}, NATS per acknowledged order (nats-server's /varz and /connz over ` +
    `${((b.at - a.at) / 1000).toFixed(1)} s): ${per(s.in)} messages published ` +
    `(${bytes(sb.in)}), ${per(s.out)} delivered (${bytes(sb.out)}); ${groups.join(' · ')}` +
    repliesNote(a, b)
  );
}

/**
 * The leader's reply messages per gateway request: what the leader published less the events
 * messages (the projector receives each once), over what the gateways published (their submit
 * requests, and the few queries of a load run). 1 when every request gets a message of its own.
 */
function repliesNote(a: NatsTraffic, b: NatsTraffic): string {
  const delta = (g: string, k: keyof NatsCounters) =>
    (b.clients[g]?.[k] ?? 0) - (a.clients[g]?.[k] ?? 0);
  const requests = delta('gateways', 'inMsgs');
  const replies = delta('leader', 'inMsgs') - delta('projector', 'outMsgs');
  if (requests <= 0 || b.clients.projector === undefined) return '';
  return `; the leader's reply messages per gateway request ${(replies / requests).toFixed(2)}`;
}
