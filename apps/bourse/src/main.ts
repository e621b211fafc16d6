#!/usr/bin/env node
// The `bourse` command line: the one place that reads arguments and starts processes. Each command
// has `--help`; admin commands work on a stopped data directory (see `bourse help admin`).

import {
  ADMIN_HELP,
  apikeyCommand,
  depositCommand,
  marketCommand,
  UsageError,
  userCommand,
} from './admin-commands.ts';
import {
  DATA_DIR_HELP,
  journalCommand,
  replayCommand,
  snapshotCommand,
} from './data-dir-commands.ts';
import { LOADTEST_HELP, loadtestCommand } from './loadtest/loadtest-command.ts';
import { SERVE_HELP, serveCommand } from './serve-command.ts';

const HELP = `Usage: bourse <command> [options]

Commands:
  serve                 Run the exchange (npm start = bourse serve --data-dir ./data)
  user create|list|password
  deposit               Credit money to a user
  apikey create         Make an API key pair; prints the key id, writes the private key PEM
  market create|open|pause|close|settle
  journal verify        Check the journal of a data directory
  replay                Rebuild state from the journal; print the state hash
  snapshot              Write an engine snapshot
  loadtest              End-to-end load over loopback (orders/s, ack latency, fan-out)

Run 'bourse <command> --help' for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case 'serve':
      await serveCommand(rest);
      return -1;
    case 'user':
      await userCommand(rest);
      return 0;
    case 'deposit':
      await depositCommand(rest);
      return 0;
    case 'apikey':
      await apikeyCommand(rest);
      return 0;
    case 'market':
      await marketCommand(rest);
      return 0;
    case 'journal':
      return journalCommand(rest);
    case 'replay':
      return replayCommand(rest);
    case 'snapshot':
      return snapshotCommand(rest);
    case 'loadtest':
      await loadtestCommand(rest);
      return 0;
    default:
      process.stderr.write(`unknown command ${command}\n\n${HELP}`);
      return 2;
  }
}

export const HELP_TEXTS = { HELP, SERVE_HELP, ADMIN_HELP, DATA_DIR_HELP, LOADTEST_HELP };

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      // `serve` keeps running until a signal; every other command exits when done.
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      const usage =
        error instanceof UsageError ||
        (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
      process.stderr.write(`bourse: ${(error as Error).message}\n`);
      process.exit(usage ? 2 : 1);
    },
  );
}
