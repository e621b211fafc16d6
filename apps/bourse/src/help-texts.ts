// Help texts of the `bourse` commands, kept apart so `--help` answers without loading the exchange.

export const SERVE_HELP = `Usage: bourse serve [options]

Runs the exchange: REST + WebSocket API, docs at /docs, metrics at /metrics.

Options:
  --port <n>          TCP port (default 8080; 0 picks a free one)
  --host <addr>       Address to bind (default 127.0.0.1)
  --data-dir <dir>    Where the journal, snapshots and databases live (default ./data)
  --read-db <url>     Keep the read models (history) in PostgreSQL (postgres://…) instead of
                      SQLite in the data directory
  --no-demo           Do not create demo markets/users or run bots
  --no-rate-limit     Lift the per-key and per-IP limits (load tests on loopback)
  --log-level <l>     debug | info | warn | error (default info)
  --timestamp-window <s>  Accepted clock skew of signed requests, seconds (default 30)
  --headers-timeout <s>   A request's headers must arrive within this (default 10)
  --request-timeout <s>   A whole request, body included, must arrive within this (default 30)
  --idle-timeout <s>      An idle kept-alive connection closes after this (default 5)
  --max-connections-per-address <n>  Open HTTP connections per client address (default 512;
                      0: no cap; behind a proxy every client shares the proxy's address)
  --signup-role <role> Let people sign themselves up, as this role (trader, viewer…); off by default
  --otlp-traces <url> Send OpenTelemetry traces of the order path (gateway, core, engine, journal
                      commit, ack) to this OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318/v1/traces
                      (or set BOURSE_OTLP_TRACES); off by default
  --smtp-url <url>    Deliver e-mail alerts through this SMTP relay, e.g. smtp://user:pw@relay:587
                      (or set BOURSE_SMTP_URL); without it alerts offer no e-mail channel
  --mail-from <addr>  The From of alert e-mails (or BOURSE_MAIL_FROM; default alerts@localhost)
  --push-subject <url> The VAPID contact push services see, mailto: or https: (or BOURSE_PUSH_SUBJECT)
  --tls-cert <file> --tls-key <file>  Serve HTTPS/WSS with this PEM certificate chain and key
                      (docs/tls.md); without them, terminate TLS in a proxy in front
  --news-poll-interval <s>  How often each news feed is fetched, seconds (default 300)
  --news-timeout <s>  Longest a news feed fetch may take, seconds (default 10); a failing feed
                      is logged and retried later, waiting longer after each failure
  --sandbox           Run as a sandbox for testing bots (docs/sandbox.md): a simulated clock,
                      resets to scenarios, the control API under /api/v1/sandbox and
                      'bourse sandbox'; never on a production exchange (off by default; not with
                      --read-db; refuses a data directory that holds an exchange's journal)
  --scenario <file>   With --sandbox: reset to this scenario (JSON or YAML) at every start
  -h, --help          Show this help

For the lowest latency run it as npm start does:
  node --max-semi-space-size=64 --single-threaded-gc apps/bourse/src/main.ts serve …
`;

export const ADMIN_HELP = `Admin commands (run them while the server is stopped; they use --data-dir, default ./data):

  bourse asset create --code <USD> --scale <minor units per unit> [--id <n>]
  bourse user create --username <name> --role <admin|market-maker|trader|viewer> [--password <pw>]
        Without --password a password is generated and shown once.
  bourse user list
  bourse user password --username <name> --password <pw>
  bourse deposit --username <name> --asset <code|id> --amount <minor units>
  bourse apikey create --username <name> [--scopes read,trade[,credentials]] [--out key.pem] [--ed25519]
        Generates a key pair, registers the public key, prints the key id and writes the
        private key PEM to --out (default ./<name>-<keyid>.pem, mode 0600).
  bourse market create --spec <file.json>     (an instrument spec; instrumentId optional)
  bourse market open|pause|close <symbol>
  bourse market schedule <symbol> [--opens <time|never>] [--closes <time|never>]
                                              (ISO 8601 or ms; left out: unchanged)
  bourse market breaker <symbol> [--move-ticks <n>] [--move-bps <n>] [--window-ms <n>]
                        [--pause-ms <n>] [--band-ticks <n>] [--reference <ticks>] | --off
                                              (circuit breaker; a rule left out is off)
  bourse market info <symbol> [--rules <text>] [--rules-secondary <text>] [--source <text>]
                     [--settles <time|never>] [--series-title <text>] [--event-title <text>]
                                              (what traders read; left out: unchanged)
  bourse market settle <symbol> --result <yes|no|scalar> [--value <ticks>]
  bourse account freeze|unfreeze --username <name> | --account <id>
        The kill switch: a freeze cancels the account's live orders and refuses new ones
        until it is unfrozen.
`;

export const NEWS_HELP = `News feeds beside markets (server stopped; --data-dir default ./data; against a running server
use the admin API, /api/v1/admin/news/…):

  bourse news feed add --scope <series|event|market>:<ticker> --url <RSS or Atom address>
        The server polls it (serve --news-poll-interval) and scores each headline's sentiment.
  bourse news feed list                       (each feed with its last error, if failing)
  bourse news feed remove --id <n>            (its items stay)
  bourse news post --scope <kind>:<ticker> --title <headline> [--link <url>]
`;

export const DATA_DIR_HELP = `Data-directory commands (server stopped; --data-dir default ./data):

  bourse journal verify    Check every journal record and find the newest snapshot; reports a
                           torn write (cut on the next start), a damaged record or a lost tail
                           (the start is refused) with its segment, offset and seq
  bourse journal repair --truncate-at <seq>
                           Drop record <seq> and everything after it (only after a refusal
                           named <seq>: acknowledged commands are lost); their seqs are filled
                           with no-op ticks so no order id is reused; snapshots and read models
                           holding them are rebuilt at the next start
  bourse replay            Rebuild the state from the journal; print seq, state hash, invariants
  bourse replay --to-seq <n> | --to-ts <ms|ISO time> [--market <id|symbol>] [--account <id>]
                [--print book|account|trades] [--depth <levels>] [--trades <n>] [--json]
                           The exchange as it was at seq <n> (or the last seq at or before the
                           time), rebuilt from the nearest snapshot plus the journal: a market's
                           book, an account's balances, positions and open orders, or the
                           market's last <n> trades (default 20) up to it
  bourse snapshot          Write an engine snapshot at the end of the journal
`;

export const LOADTEST_HELP = `Usage: bourse loadtest [options]

Open-loop load over loopback; latency is measured from each order's intended send time. In ws mode
it also prints the CPU per order of each server thread (when it started the server) and the
server's own histograms over the window from its /metrics: the ack's stages in the core (queue,
engine, journal_wait, journal_write, ack, core), journal fsyncs and the gateway's event-loop delay.

Options:
  --mode <ws|rest|fanout>   What to drive (default ws)
  --auth <signed|token>     Rest mode: sign every order, or mint one bearer token per key before
                            the run and send it instead (default signed)
  --rate <n>                Orders per second offered (default 20000 ws, 5000 rest, 20 fanout)
  --duration <s>            Seconds of measured load, at most 120 (default 5)
  --warmup <s>              Seconds of load at the same rate before measuring, at most 60
                            (default: 2 s, or for order entry as long as 20,000 orders take at
                            --rate, up to 10 s; against a server it started, also until 0.25 s
                            after that server's first engine snapshot when that fits in the 10 s): a
                            fresh server is still compiling its hot paths; warm-up orders
                            must be answered but their latency is not counted
  --connections <n>         Sockets / keep-alive connections (default 4 ws, 256 rest)
  --subscribers <n>         Fan-out mode: subscribing sockets (default 1000)
  --json                    Print one JSON object instead of text
  --windows <ms>            Ws mode: also cut the measured window into pieces of <ms> (e.g. 250) and
                            print each one's p99, the server's timeline (journal writes, slowest
                            ack, engine, loop delay, collections, snapshots, read models) and, for a
                            server it started, each thread's time on a core and waiting, and the disk
  --url <url>               Target a running server (default: start one in a child process)
  --key-id <id> --key-file <pem>   With --url: two accounts' API keys (give each flag twice)
  --market <symbol>         With --url: a market the two accounts may trade
  -h, --help                Show this help
`;

export const CLUSTER_NODE_HELP = `Usage: bourse cluster node --node-id <id> --etcd <urls> --data-dir <dir> [options]

Runs one engine node of a cluster: it follows the command log in etcd as a hot standby, campaigns
for leadership, and as leader sequences commands received over NATS, acknowledging each only after
its batch is appended to the log (see docs/cluster.md).

Options:
  --node-id <id>        This node's name (letters, digits, _ or -), unique in the cluster
  --etcd <urls>         etcd client URLs, comma-separated (http://10.0.0.1:2379,...)
  --nats <urls>         NATS server URLs, comma-separated (default nats://127.0.0.1:4222)
  --data-dir <dir>      The node's own journal, snapshots and read models
  --prefix <name>       etcd key prefix /<name> and NATS subject prefix (default bourse)
  --lease-ttl <s>       Leader lease TTL in seconds (default 2): how soon a hung leader is replaced
  --hash-every <n>      Compare state hashes across nodes every n commands (default 10000)
  --snapshot-every <n>  Commands between engine snapshots (default 100000)
  --log-retain <n>      Commands kept in the etcd log behind the newest snapshot (default 100000)
  --journal-sync-ms <n> Longest the node's own journal write waits behind the log (default 100):
                        the log is the record; a node killed meanwhile fetches the rest from it
  --appends-in-flight <n>  Fenced etcd appends the leader keeps in flight at once (default 1)
  --append-spacing-ms <n>  Least ms between the leader's fenced appends' starts (default 12, 0: none):
                        commands arriving meanwhile ride on the next append
  --order-path-priority <none|rr:N|fifo:N>[:layered]  The cluster's real-time order path (as
                        cluster up's): every thread at the leader's priority while the node leads,
                        one below the order path's lowest while it stands by (root or CAP_SYS_NICE;
                        default none; decision 0989)
`;

export const CLUSTER_GATEWAY_HELP = `Usage: bourse cluster gateway --pg <postgres://…> [options]
       bourse cluster projector --pg <postgres://…> [options]

gateway:   serves the whole API (native REST/WS, Kalshi, web UI) over the cluster: commands and
           queries go to the leader engine node over NATS; users, sessions, API keys and bearer
           tokens live in PostgreSQL shared by every gateway. Stateless: run as many as needed
           behind HAProxy (deploy/haproxy.cfg).
projector: the one writer of the PostgreSQL read models (history, candles, ledger), fed from the
           command log exactly once by seq.

Options:
  --nats <urls>       NATS server URLs, comma-separated (default nats://127.0.0.1:4222)
  --pg <url>          PostgreSQL connection URL (required)
  --prefix <p>        Subject prefix of the cluster (default bourse)
  --port <n>          gateway: TCP port (default 8080; 0 picks a free one)
  --host <addr>       gateway: address to bind (default 127.0.0.1)
  --no-rate-limit     gateway: lift the per-key and per-IP limits (load tests)
  --submit-spacing-ms <n>
                      gateway: least ms between two requests of single orders to the leader
                      (default 2; 0 sends each event-loop turn's orders at its end)
  --nice <n>          projector: run at this niceness, 0–19 (default 0), and lower the
                      PostgreSQL processes serving it when PostgreSQL runs on this machine
  --log-level <l>     debug | info | warn | error (default info)
  -h, --help          Show this help

Each prints one JSON line {"event":"ready",…} on stdout once serving, and stops on SIGTERM.
`;

export const CLUSTER_HELP = `Usage: bourse cluster <command> [options]

  up       Start a complete cluster on this machine: 3 etcd members, nats-server, PostgreSQL,
           3 engine nodes, the projector, 2 gateways and HAProxy in front (installs missing
           Debian packages through scripts/). Demo markets and bots unless --no-demo.
             --data-dir <dir>  where everything lives (default ./cluster)
             --port <n>        HAProxy's port, the cluster's URL (default 8080)
             --no-demo         no demo markets, users or bots
             --no-rate-limit   gateways without per-key and per-address limits (load tests)
             --append-spacing-ms <n>  the nodes' least ms between fenced appends (default 12)
             --background-nice <n>    niceness of the projector and PostgreSQL, 0–19
                                      (default 0: as the order path; decision 0970)
             --order-path-priority <none|rr:N|fifo:N>[:layered]
                                      etcd, nats-server, the leading engine node, the gateways
                                      and HAProxy under a real-time policy, the standbys one
                                      below; :layered puts etcd, nats-server, the leader and
                                      HAProxy 4, 3, 2 and 1 above the gateways (root or
                                      CAP_SYS_NICE; default none; decisions 0979 and 0989)
  status   Leader, term, each node's applied seq, lag and state-hash agreement
             --data-dir <dir>  --json (one object for scripts)
  down     Stop every process of the cluster (its data stays)
             --data-dir <dir>
  node | gateway | projector | demo
           The pieces, as plain processes (see 'bourse cluster <piece> --help'); docs/cluster.md
           runs them on three machines under systemd.
`;

export const REPORT_HELP = `Compliance reports of a STOPPED data directory (against a running server, use the admin
API: GET /api/v1/admin/reports/...). The read models first catch up with the whole journal; every
report is stamped with the seq it was built from (in the file and in its name).

  bourse report trade-register --date <YYYY-MM-DD>
        Every fill of that UTC day with both accounts, orders, price, quantity, fees and each
        side's cash, and per-asset totals (paid in = paid out + fees + escrow in).
  bourse report large-positions --market-threshold-lots <n> [--event-threshold-lots <n>]
        Accounts with |position| >= n lots in one market, or gross lots >= n over one event.
  bourse report statement --account <id> --month <YYYY-MM>
        One account's month: opening and closing money per asset, deposits, withdrawals,
        transfers, trades, fees, settlements and P&L per market.

Options: --format csv|json (default csv)  --out <file> (default stdout)
         --data-dir <dir> (default ./data)  --read-db <postgres://...> (read models in PostgreSQL)
`;

export const SANDBOX_HELP = `Usage: bourse sandbox <command> [options]

Controls a running sandbox (bourse serve --sandbox; docs/sandbox.md) through its admin API.

Commands:
  status                    The clock, the scenario last reset to, events recorded
  events [--account <id>] [--kind <k>] [--after <id>] [--limit <n>]
                            What was done to the exchange and its clients, oldest first
  clock                     The simulated clock
  clock pause               Stop simulated time
  clock run <rate>          Let time pass at rate × real time (1, 60, 3600, …)
  clock step <duration>     Move time forward (500ms, 30s, 15m, 2h, 1d; a bare number is ms);
                            expiries and schedules in between happen at their own times
  clock jump <time>         Move time to an ISO time or ms since the epoch (never backwards)
  fault add <kind> --account <id> [options]
                            Inject a fault into the account's traffic; kinds: rateLimit
                            (--retry-after <s>), serverError (--status 500|502|503|504,
                            --after-execution), latency (--latency <duration>), dropMessages,
                            duplicateMessages, sequenceGap (--channel <c>), disconnect, staleBook;
                            narrow it with --socket <id>, --route "POST /api/v1/orders",
                            --market <symbol>; bound it with --count <n> and --duration <d>
  fault list                The faults in force
  fault clear [<id>]        Clear one fault, or all
  sockets                   The open WebSocket connections (id, account, subscriptions)
  reset <scenario>          Rebuild the exchange from a scenario file (JSON or YAML; docs/sandbox.md)
  save <file> [--name <n>]  Write the current world as a scenario file (.json, .yaml or .yml)

Options (or the environment variables in brackets):
  --url <url>               The sandbox (BOURSE_URL; default http://127.0.0.1:8080)
  --key-id <id>             An admin's API key id (BOURSE_KEY_ID)
  --key-file <pem>          Its private key (BOURSE_KEY_FILE)
  --json                    Print the raw JSON answer
  -h, --help                Show this help
`;

export const BACKTEST_HELP = `Usage: bourse backtest --strategy <file.ts> [options]

Replays a stopped data directory's recorded history through the real engine in simulated time, with
the strategy's orders inserted as commands of a backtest account (funded with virtual cash) at the
time it decided plus the latency. Writes report.json and report.html (docs/backtest.md).

Options:
  --strategy <file.ts>      A module whose default export returns the strategy (required)
  --data-dir <dir>          The recorded exchange (default ./data)
  --from <ms|ISO time>      Window start (default: the journal's first command); the run starts
                            from the nearest snapshot before it
  --to <ms|ISO time>        Window end, inclusive (default: the journal's last command)
  --latency <ms>            Decision-to-engine delay of the strategy's commands (default 0)
  --fees                    P&L net of the markets' fees (they are always charged and reported)
  --cash <minor units>      Virtual cash per money asset (default 1000000000000:
                            a million units of a micro-scaled asset)
  --account-id <id>         The backtest account (default 2000000000)
  --param key=value         Passed to the strategy's factory (repeatable)
  --out <dir>               Where the report goes (default ./backtest-report)
`;

export const CONFORMANCE_HELP = `Usage: bourse conformance --target <url> --key-id <id> --key-file <pem> --bot "<command>"
       bourse conformance bot

Runs the client conformance suite (conformance v1; docs/conformance.md) against a sandbox
(bourse serve --sandbox): each scenario injects one failure into a fresh account's traffic
(429 with Retry-After, a lost answer, 5xx, latency, a sequence gap, a disconnect, a stale book,
a duplicated message), drives your bot through it and judges from the exchange's side.

The bot is a command started once per scenario with BOURSE_URL, BOURSE_KEY_ID, BOURSE_KEY_FILE
and BOURSE_MARKET in its environment; it speaks the kit's line protocol on stdin/stdout.
"bourse conformance bot" is the reference bot (@bourse/client as the demo bots use it).

Options (or the environment variables in brackets):
  --target <url>            The sandbox (BOURSE_URL)
  --key-id <id>             An admin's API key id (BOURSE_KEY_ID)
  --key-file <pem>          Its private key (BOURSE_KEY_FILE)
  --bot "<command>"         Your bot
  --scenario <name>         Only this scenario (repeat for more)
  --asset <code>            Settle the scenarios' markets in this asset (default: the first)
  --concurrency <n>         Scenarios run side by side (default 4)
  --out <file>              Write the JSON report there
  --json                    Print the JSON report instead of the table
  -h, --help                Show this help

Exit status: 0 when every scenario passed, 1 when one did not.
`;
