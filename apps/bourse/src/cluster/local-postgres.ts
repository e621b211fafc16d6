// The PostgreSQL server of a one-machine cluster (`bourse cluster up`): Debian's server binaries, a
// data directory inside the cluster's, listening on 127.0.0.1 only. Durable settings (fsync on): it
// holds the auth store, which is the record of users and keys. Its WAL, checkpoint and autovacuum
// settings are initdb's: none of the tuned ones measured took CPU off the read models' writes
// (decision 0971). As root the server runs as the `postgres` system user, because PostgreSQL refuses
// to run as root.

import { execFile, execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COMMAND_TIMEOUT_MS = 120_000;

export const MISSING_POSTGRES =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on ' +
  'PATH. Run scripts/ensure-postgres.sh (as root it installs Debian’s postgresql package).';

/** The directory holding `initdb` and `pg_ctl`: Debian's newest version first, then PATH. */
export function findPostgresBin(): string | undefined {
  const hasBoth = (dir: string) =>
    existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (hasBoth(join(root, v, 'bin'))) return join(root, v, 'bin');
  }
  return (process.env.PATH ?? '').split(delimiter).find((d) => d !== '' && hasBoth(d));
}

const isRoot = () => process.getuid?.() === 0;

function command(bin: string, tool: string, args: string[]): [string, string[]] {
  const path = join(bin, tool);
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

async function pg(bin: string, tool: string, args: string[], cwd: string): Promise<string> {
  const [file, argv] = command(bin, tool, args);
  try {
    const { stdout } = await run(file, argv, { timeout: COMMAND_TIMEOUT_MS, cwd });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`${tool} failed: ${stderr.trim() || String(err)}`, { cause: err });
  }
}

/** Creates (first time) and starts the server in `dir` on 127.0.0.1:`port`; answers its URL. */
export async function startLocalPostgres(dir: string, port: number): Promise<string> {
  const bin = findPostgresBin();
  if (bin === undefined) throw new Error(MISSING_POSTGRES);
  const data = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  if (isRoot()) {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  if (!existsSync(join(data, 'PG_VERSION'))) {
    await pg(bin, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8'], dir);
    appendFileSync(
      join(data, 'postgresql.conf'),
      `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\n` +
        'max_connections = 200\n',
    );
  }
  const log = join(dir, 'server.log');
  const from = existsSync(log) ? statSync(log).size : 0;
  try {
    await pg(bin, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start'], dir);
  } catch (error) {
    // pg_ctl only says to look at the log; the reason (a port taken, say) is there.
    const said = existsSync(log) ? readFileSync(log).subarray(from).toString().slice(-2_000) : '';
    throw new Error(`${(error as Error).message}\n${said}`, { cause: error });
  }
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

export async function stopLocalPostgres(dir: string): Promise<void> {
  const bin = findPostgresBin();
  const data = join(dir, 'data');
  if (bin === undefined || !existsSync(join(data, 'postmaster.pid'))) return;
  await pg(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'], dir);
}
