// A half-sent-request flood, run as its own process by the flood suite: keeps `--connections`
// connections open to the server from `--addresses` loopback source addresses (127.x.y.z), each
// sending the start of a request's headers and then one more header byte every few seconds (a
// slowloris), and opens a new one whenever the server closes one. On SIGTERM (or after `--seconds`) it
// prints one JSON line: how many connections it opened, how the server ended them (408 answered, 429
// refused, closed without an answer) and how many were open at most.

import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '3000' },
    addresses: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '600' },
    'drip-ms': { type: 'string', default: '2000' },
  },
});
const url = new URL(values.url ?? 'http://127.0.0.1:8080');
const target = Number(values.connections);
const addresses = Number(values.addresses);
const dripMs = Number(values['drip-ms']);
const stats = {
  opened: 0,
  answered408: 0,
  refused429: 0,
  closedOther: 0,
  connectErrors: 0,
  peakOpen: 0,
};
let open = 0;
let next = 0;
let stopping = false;
const sockets = new Set<Socket>();

/** 127.x.y.z for the i-th address: every one a distinct source the server counts on its own. */
function sourceAddress(i: number): string {
  const n = i % addresses;
  return `127.${1 + Math.floor(n / 62_500)}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
}

function openOne(): void {
  if (stopping) return;
  const localAddress = sourceAddress(next++);
  const socket = connect({ host: url.hostname, port: Number(url.port), localAddress });
  sockets.add(socket);
  let received = '';
  let drip: NodeJS.Timeout | undefined;
  let connected = false;
  socket.setEncoding('latin1');
  socket.on('connect', () => {
    connected = true;
    stats.opened++;
    open++;
    stats.peakOpen = Math.max(stats.peakOpen, open);
    socket.write(`GET /api/v1/markets HTTP/1.1\r\nHost: ${url.host}\r\nX-Padding: `);
    drip = setInterval(() => socket.write('a'), dripMs);
  });
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {
    if (!connected) stats.connectErrors++;
  });
  socket.on('close', () => {
    clearInterval(drip);
    sockets.delete(socket);
    if (connected) {
      open--;
      if (received.startsWith('HTTP/1.1 408')) stats.answered408++;
      else if (received.startsWith('HTTP/1.1 429')) stats.refused429++;
      else stats.closedOther++;
    }
    // Keep the pressure up, but not in a tight loop when connecting fails.
    setTimeout(openOne, connected ? 0 : 100);
  });
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const s of sockets) s.destroy();
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  process.exit(0);
}

// Ramp up over about a second rather than in one burst of SYNs.
for (let i = 0; i < target; i++) setTimeout(openOne, Math.floor((i * 1000) / target));
process.on('SIGTERM', stop);
setTimeout(stop, Number(values.seconds) * 1000).unref();
// Readiness for the suite: the flood is at strength once the target count was open at least once.
const ready = setInterval(() => {
  if (stats.peakOpen >= target || stopping) {
    process.stderr.write('flood ready\n');
    clearInterval(ready);
  }
}, 100);
