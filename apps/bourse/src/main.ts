#!/usr/bin/env node
// The `bourse` command line: the one place that reads arguments and starts processes. Each command
// has `--help`; admin commands work on a stopped data directory (see `bourse user --help`). Commands
// are imported only when run, so `--help` and small commands start quickly.

import {
  ADMIN_HELP,
  BACKTEST_HELP,
  DATA_DIR_HELP,
  LOADTEST_HELP,
  NEWS_HELP,
  REPORT_HELP,
  SANDBOX_HELP,
  CONFORMANCE_HELP,
  SERVE_HELP,
} from './help-texts.ts';

const HELP = `Usage: bourse <command> [options]

Commands:
  serve                 Run the exchange (npm start = bourse serve --data-dir ./data)
  asset create          Create an asset (USD, ...)
  user create|list|password
  deposit               Credit money to a user
  apikey create         Make an API key pair; prints the key id, writes the private key PEM
  market create|open|pause|close|settle
  account freeze|unfreeze  The kill switch: cancel an account's orders and refuse new ones
  news feed add|list|remove, news post  News feeds of series, events and markets
  journal verify|repair Check the journal of a data directory; cut damage named by a refusal
  audit verify|key|checkpoint  Prove the journal unchanged since signed checkpoints; the signing key
  replay                Rebuild state from the journal; print the state hash
  snapshot              Write an engine snapshot
  backtest              Run a strategy over recorded history through the real engine
  report                Compliance reports: trade register, large positions, statements
  sandbox               Control a sandbox (serve --sandbox): clock, events, reset
  conformance           Run the client conformance suite against a sandbox with your bot
  loadtest              End-to-end load over loopback (orders/s, ack latency, fan-out)
  cluster up|status|down     A local cluster (etcd, NATS, PostgreSQL, HAProxy)
  cluster node               One engine node of a cluster (etcd command log, NATS bus)
  cluster gateway|projector  Stateless processes of a cluster (NATS bus, PostgreSQL)

Admin commands (asset, user, deposit, apikey, market, account, news) work on a STOPPED data directory; against a
running server use the admin API (see /docs). Run 'bourse <command> --help' for options.
`;

const COMMAND_HELP: Record<string, string> = {
  serve: SERVE_HELP,
  asset: ADMIN_HELP,
  user: ADMIN_HELP,
  deposit: ADMIN_HELP,
  apikey: ADMIN_HELP,
  market: ADMIN_HELP,
  account: ADMIN_HELP,
  news: NEWS_HELP,
  journal: DATA_DIR_HELP,
  replay: DATA_DIR_HELP,
  snapshot: DATA_DIR_HELP,
  loadtest: LOADTEST_HELP,
  report: REPORT_HELP,
  sandbox: SANDBOX_HELP,
  backtest: BACKTEST_HELP,
  conformance: CONFORMANCE_HELP,
};

const admin = () => import('./admin-commands.ts');
const dataDir = () => import('./data-dir-commands.ts');

/** Exit code, or -1 for a command that keeps running (serve). */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const help = COMMAND_HELP[command ?? ''];
  if (help !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(help);
    return 0;
  }
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case 'serve':
      await (await import('./serve-command.ts')).serveCommand(rest);
      return -1;
    case 'asset':
      await (await admin()).assetCommand(rest);
      return 0;
    case 'user':
      await (await admin()).userCommand(rest);
      return 0;
    case 'deposit':
      await (await admin()).depositCommand(rest);
      return 0;
    case 'apikey':
      await (await admin()).apikeyCommand(rest);
      return 0;
    case 'market':
      await (await admin()).marketCommand(rest);
      return 0;
    case 'account':
      await (await import('./account-command.ts')).accountCommand(rest);
      return 0;
    case 'news':
      await (await import('./news-command.ts')).newsCommand(rest);
      return 0;
    case 'journal':
      return (await dataDir()).journalCommand(rest);
    case 'audit':
      return (await import('./audit-command.ts')).auditCommand(rest);
    case 'replay':
      return (await import('./replay-command.ts')).replayCommand(rest);
    case 'snapshot':
      return (await dataDir()).snapshotCommand(rest);
    case 'backtest':
      return (await import('./backtest-command.ts')).backtestCommand(rest);
    case 'report':
      return (await import('./report-command.ts')).reportCommand(rest);
    case 'sandbox':
      return (await import('./sandbox-command.ts')).sandboxCommand(rest);
    case 'conformance':
      return (await import('./conformance-command.ts')).conformanceCommand(rest);
    case 'loadtest':
      await (await import('./loadtest/loadtest-command.ts')).loadtestCommand(rest);
      return 0;
    case 'cluster':
      return clusterCommand(rest);
    default:
      process.stderr.write(`unknown command ${command}\n\n${HELP}`);
      return 2;
  }
}

/** `bourse cluster <sub>`: the processes of a cluster keep running (-1) unless asked for help. */
async function clusterCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const help = rest.includes('--help') || rest.includes('-h');
  const processes = () => import('./cluster/gateway-command.ts');
  switch (sub) {
    case 'node':
      await (await import('./cluster-node-command.ts')).clusterNodeCommand(rest);
      return help ? 0 : -1;
    case 'gateway':
      await (await processes()).clusterGatewayCommand(rest);
      return help ? 0 : -1;
    case 'projector':
      await (await processes()).clusterProjectorCommand(rest);
      return help ? 0 : -1;
    case 'demo':
      await (await import('./cluster/demo-command.ts')).clusterDemoCommand(rest);
      return help ? 0 : -1;
    case 'up':
      return (await import('./cluster/cluster-up.ts')).clusterUpCommand(rest);
    case 'down':
      return (await import('./cluster/cluster-up.ts')).clusterDownCommand(rest);
    case 'status':
      return (await import('./cluster/cluster-status.ts')).clusterStatusCommand(rest);
    default:
      process.stderr.write(`unknown cluster command ${String(sub)}\n\n${HELP}`);
      return 2;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      // `serve` keeps running until a signal; every other command exits when done.
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      const code = (error as { code?: string }).code ?? '';
      const usage = (error as Error).name === 'UsageError' || code.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(`bourse: ${(error as Error).message}\n`);
      process.exit(usage ? 2 : 1);
    },
  );
}
