// A failed-login flood, run as its own process by the login-flood suite: sends `--rate` password logins
// a second, each with a wrong password, from `--addresses` loopback source addresses (127.2.x.y),
// spread over one existing account and many made-up names, open-loop (a slow answer does not slow the
// flood; at most `--max-in-flight` wait at once). It prints "flood ready" on stderr once running and,
// on SIGTERM (or after `--seconds`), one JSON line: attempts sent and how they were answered.

import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '300' },
    addresses: { type: 'string', default: '300' },
    account: { type: 'string', default: 'load-a' },
    seconds: { type: 'string', default: '600' },
    'max-in-flight': { type: 'string', default: '2000' },
  },
});
const url = new URL(values.url ?? 'http://127.0.0.1:8080');
const rate = Number(values.rate);
const addresses = Number(values.addresses);
const maxInFlight = Number(values['max-in-flight']);
const stats = { sent: 0, skipped: 0, byStatus: {} as Record<string, number>, errors: 0 };
let inFlight = 0;
let n = 0;
// One keep-alive pool; its sockets are kept apart per source address.
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** 127.2.x.y for the i-th address: every one a distinct source the server counts on its own. */
function sourceAddress(i: number): string {
  const k = i % addresses;
  return `127.2.${Math.floor(k / 250)}.${(k % 250) + 1}`;
}

function attempt(): void {
  if (inFlight >= maxInFlight) {
    stats.skipped++;
    return;
  }
  const i = n++;
  // Half the guesses go to one real account, the rest to names that do not exist.
  const username = i % 2 === 0 ? (values.account ?? 'load-a') : `guess-${i % 5_000}`;
  const body = JSON.stringify({ username, password: `wrong-${i}` });
  inFlight++;
  stats.sent++;
  const req = request(
    {
      host: url.hostname,
      port: Number(url.port),
      method: 'POST',
      path: '/api/v1/session/login',
      localAddress: sourceAddress(i),
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        const key = String(res.statusCode);
        stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
      });
    },
  );
  req.on('error', () => {
    inFlight--;
    stats.errors++;
  });
  req.end(body);
}

// Open loop: every 10 ms, the attempts due by now.
const started = performance.now();
const timer = setInterval(() => {
  const due = Math.floor(((performance.now() - started) / 1000) * rate);
  while (stats.sent + stats.skipped < due) attempt();
}, 10);
process.stderr.write('flood ready\n');

function finish(): void {
  clearInterval(timer);
  agent.destroy();
  process.stdout.write(
    `${JSON.stringify({ ...stats, seconds: (performance.now() - started) / 1000 })}\n`,
  );
  process.exit(0);
}
process.on('SIGTERM', finish);
setTimeout(finish, Number(values.seconds) * 1000).unref();
