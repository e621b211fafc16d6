// Runs Debian's nats-server on loopback with the settings the cluster needs, for tests and benchmarks
// and as the reference config for deployments. A hung (SIGSTOPped) client keeps its TCP connection
// and its subscriptions, so nats-server would go on routing part of the `leader` queue group's requests
// to a paused old leader for its default two minutes of pings; a one-second ping interval drops such a
// connection within a few seconds, and a short write deadline drops a reader that stopped reading.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER_BIN = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) =>
  existsSync(p),
);

const START_TIMEOUT_MS = 30_000;

/**
 * nats-server configuration for a cluster bus listening on `host:port` (0 picks a free port), with
 * pings that notice a dead (or stopped) client fast. With `monitorPort`, its monitoring endpoint
 * (/varz, /connz) on the same host: the cluster bench counts the bus's messages per order there.
 */
export function natsServerConfig(host: string, port: number, monitorPort?: number): string {
  return [
    `listen: "${host}:${port === 0 ? -1 : port}"`,
    ...(monitorPort === undefined ? [] : [`http: "${host}:${monitorPort}"`]),
    // A stopped leader's subscription leaves the queue group after ~3 s, not the default 4 min.
    'ping_interval: "1s"',
    'ping_max: 2',
    'write_deadline: "5s"',
    // An events message of 256 commands with their events stays well below this.
    'max_payload: 8MB',
    '',
  ].join('\n');
}

export class NatsServerProcess {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #onExit = () => this.#stopSync();

  private constructor(child: ChildProcess, port: number, dir: string) {
    this.#child = child;
    this.port = port;
    this.#dir = dir;
    process.on('exit', this.#onExit);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  static async start(port = 0): Promise<NatsServerProcess> {
    if (NATS_SERVER_BIN === undefined) {
      throw new Error('nats-server not found; run scripts/ensure-cluster-tools.sh');
    }
    const dir = mkdtempSync(join(tmpdir(), 'bourse-nats-'));
    const config = join(dir, 'nats.conf');
    writeFileSync(config, natsServerConfig('127.0.0.1', port));
    const child = spawn(NATS_SERVER_BIN, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const found = await new Promise<number>((resolve, reject) => {
        let log = '';
        const timer = setTimeout(
          () => reject(new Error(`nats-server did not start:\n${log}`)),
          START_TIMEOUT_MS,
        );
        child.stderr!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          const m = /Listening for client connections on [^:]+:(\d+)/.exec(log);
          if (m !== null && log.includes('Server is ready')) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`nats-server exited with ${code}:\n${log}`));
        });
      });
      child.stderr!.resume();
      return new NatsServerProcess(child, found, dir);
    } catch (error) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    process.off('exit', this.#onExit);
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #stopSync(): void {
    this.#child.kill('SIGKILL');
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
