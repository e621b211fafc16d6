// The HAProxy configuration in front of a cluster's gateways: HTTP and WebSocket on one port, health
// checks on /readyz, and requests routed by the credential they carry, so everything one API key signs
// reaches one gateway (its replay guard sees every signature of the key, its rate limit every request;
// see docs/cluster.md for the arithmetic). `bourse cluster up` writes it for one machine; the file
// deploy/haproxy.cfg is the same text for the three-machine deployment.

export interface HaproxyGateway {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface HaproxyOptions {
  /** Address and port clients connect to. */
  readonly bind: string;
  readonly gateways: readonly HaproxyGateway[];
  /** Where HAProxy's own statistics page listens (address:port), if anywhere. */
  readonly stats?: string;
  /** Written by HAProxy at start (daemon mode), so `bourse cluster down` can stop it. */
  readonly pidFile?: string;
  /**
   * Most concurrent connections (default 200,000). HAProxy needs two descriptors per connection and
   * refuses to start if it cannot raise its limit that far.
   */
  readonly maxConnections?: number;
}

export function haproxyConfig(opts: HaproxyOptions): string {
  const servers = opts.gateways.map(
    (g) => `  server ${g.name} ${g.host}:${g.port} check inter 500ms fall 2 rise 2`,
  );
  const lines = [
    'global',
    `  maxconn ${opts.maxConnections ?? 200_000}`,
    ...(opts.pidFile === undefined ? [] : [`  pidfile ${opts.pidFile}`]),
    '',
    'defaults',
    '  mode http',
    '  option forwardfor',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // A WebSocket lives as long as its tunnel timeout allows; the gateway pings every socket.
    '  timeout tunnel 1h',
    '  timeout http-keep-alive 60s',
    '  retries 2',
    // A request that could not reach a gateway (it died) is tried on another one.
    '  option redispatch',
    '',
    'frontend bourse',
    `  bind ${opts.bind}`,
    // The routing key: the API key of a signed request, else the bearer token, else the web session,
    // else the client address.
    '  http-request set-var(txn.route) req.hdr(kalshi-access-key)',
    '  http-request set-var(txn.route) req.hdr(authorization) if !{ var(txn.route) -m found }',
    '  http-request set-var(txn.route) req.cook(bourse_session) if !{ var(txn.route) -m found }',
    '  http-request set-var(txn.route) src if !{ var(txn.route) -m found }',
    '  default_backend gateways',
    '',
    'backend gateways',
    '  balance hash var(txn.route)',
    // Consistent hashing: when a gateway dies only its own share of keys moves.
    '  hash-type consistent',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    ...servers,
  ];
  if (opts.stats !== undefined) {
    lines.push('', 'frontend stats', `  bind ${opts.stats}`, '  stats enable', '  stats uri /');
  }
  return `${lines.join('\n')}\n`;
}
