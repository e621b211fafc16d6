// A throwaway PostgreSQL server for tests: `initdb` into a fresh temp dir, listen only on a unix socket
// inside it (no TCP port to collide with), hand out empty databases, then stop the server and delete
// the dir — from `stop()`, or at process exit if a test run ends without it. As root the server runs as
// the `postgres` system user, because PostgreSQL refuses to run as root.

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Bound on each server command (initdb, start, stop); they take a few seconds at most. */
const COMMAND_TIMEOUT_MS = 120_000;
const DEBIAN_ROOT = '/usr/lib/postgresql';
const PORT = 5432; // only names the socket file; nothing listens on TCP

export const MISSING_POSTGRES =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on ' +
  'PATH. Run scripts/ensure-postgres.sh (as root it installs Debian’s postgresql package).';

/** Where to look for the server binaries; tests of this helper point it at empty places. */
export interface PostgresSearch {
  /** Debian's layout: `<debianRoot>/<version>/bin`. */
  readonly debianRoot: string;
  /** A `PATH`-style list of directories, searched after Debian's. */
  readonly path: string;
}

const DEFAULT_SEARCH: PostgresSearch = { debianRoot: DEBIAN_ROOT, path: process.env.PATH ?? '' };

/** The directory holding `initdb` and `pg_ctl`: Debian's newest version first, then PATH. */
export function findPostgresBin(search: PostgresSearch = DEFAULT_SEARCH): string | undefined {
  const hasBoth = (dir: string) =>
    existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (existsSync(search.debianRoot)) {
    const versions = readdirSync(search.debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = join(search.debianRoot, v, 'bin');
      if (hasBoth(dir)) return dir;
    }
  }
  for (const dir of search.path.split(delimiter)) {
    if (dir !== '' && hasBoth(dir)) return dir;
  }
  return undefined;
}

const isRoot = () => process.getuid?.() === 0;

export class PostgresTestServer {
  readonly #bin: string;
  readonly #dir: string;
  readonly #dataDir: string;
  #admin: pg.Client | undefined;
  #databases = 0;
  #stopped = false;
  readonly #onExit = () => this.#stopSync();

  private constructor(bin: string, dir: string) {
    this.#bin = bin;
    this.#dir = dir;
    this.#dataDir = join(dir, 'data');
  }

  /** Creates and starts a server; throws naming `scripts/ensure-postgres.sh` if none is installed. */
  /**
   * `settings` are appended to `postgresql.conf` after the throwaway defaults, so they override them
   * (the apply bench measures the server as a cluster runs it: fsync and full-page writes on).
   */
  static async start(
    search: PostgresSearch = DEFAULT_SEARCH,
    settings: readonly string[] = [],
  ): Promise<PostgresTestServer> {
    const bin = findPostgresBin(search);
    if (bin === undefined) throw new Error(MISSING_POSTGRES);
    const dir = mkdtempSync(join(tmpdir(), 'bourse-pg-'));
    const server = new PostgresTestServer(bin, dir);
    process.on('exit', server.#onExit);
    try {
      if (isRoot()) chownSync(dir, systemId('-u'), systemId('-g'));
      await server.#init(settings);
      return server;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  async #init(settings: readonly string[]): Promise<void> {
    await this.#pg('initdb', [
      '-D',
      this.#dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    // A throwaway server: durability settings off, so the tests measure the SQL, not fsync.
    appendFileSync(
      join(this.#dataDir, 'postgresql.conf'),
      [
        '',
        "listen_addresses = ''",
        `unix_socket_directories = '${this.#dir}'`,
        `port = ${PORT}`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 64MB',
        ...settings,
        '',
      ].join('\n'),
    );
    try {
      await this.#pg('pg_ctl', [
        '-D',
        this.#dataDir,
        '-l',
        join(this.#dir, 'server.log'),
        '-w',
        '-t',
        '60',
        'start',
      ]);
    } catch (err) {
      const log = await readFile(join(this.#dir, 'server.log'), 'utf8').catch(() => '');
      throw new Error(`PostgreSQL did not start:\n${log.slice(-2_000)}`, { cause: err });
    }
  }

  /** The postmaster's pid (from `postmaster.pid`): benches count its processes' CPU. */
  postmasterPid(): number {
    return Number(readFileSync(join(this.#dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Connection settings for a new, empty database on this server. */
  async createDatabase(): Promise<pg.PoolConfig> {
    if (this.#stopped) throw new Error('the test PostgreSQL server is stopped');
    const name = `read_models_${++this.#databases}`;
    const admin = await this.#adminClient();
    await admin.query(`create database ${name}`);
    return this.connection(name);
  }

  /** A new, empty database on this server as a URL, as `--pg` and the read-model options take it. */
  async createDatabaseUrl(): Promise<string> {
    const c = await this.createDatabase();
    return `postgres://postgres@${encodeURIComponent(String(c.host))}:${c.port}/${c.database}`;
  }

  /** Connection settings for `database` on this server (over its unix socket). */
  connection(database: string): pg.PoolConfig {
    return { host: this.#dir, port: PORT, user: 'postgres', database };
  }

  async #adminClient(): Promise<pg.Client> {
    if (this.#admin === undefined) {
      const client = new pg.Client(this.connection('postgres'));
      client.on('error', () => undefined); // the server going away at stop() is expected
      await client.connect();
      this.#admin = client;
    }
    return this.#admin;
  }

  /** Stops the server (connections are cut) and deletes its directory; safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    process.off('exit', this.#onExit);
    await this.#admin?.end().catch(() => undefined);
    if (existsSync(join(this.#dataDir, 'postmaster.pid'))) {
      await this.#pg('pg_ctl', ['-D', this.#dataDir, '-m', 'immediate', '-w', 'stop']).catch(
        () => undefined,
      );
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Last resort at process exit (only synchronous work is possible there). */
  #stopSync(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (existsSync(join(this.#dataDir, 'postmaster.pid'))) {
      const [file, args] = this.#command('pg_ctl', [
        '-D',
        this.#dataDir,
        '-m',
        'immediate',
        'stop',
      ]);
      spawnSync(file, args, { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS });
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #pg(tool: string, args: string[]): Promise<void> {
    const [file, argv] = this.#command(tool, args);
    try {
      await run(file, argv, { timeout: COMMAND_TIMEOUT_MS, cwd: this.#dir });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`${tool} failed: ${stderr.trim() || String(err)}`, { cause: err });
    }
  }

  #command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.#bin, tool);
    return isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }
}

function systemId(flag: '-u' | '-g'): number {
  try {
    return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  } catch (err) {
    throw new Error(
      'running as root needs the postgres system user (created by Debian’s postgresql package); ' +
        'run scripts/ensure-postgres.sh',
      { cause: err },
    );
  }
}
