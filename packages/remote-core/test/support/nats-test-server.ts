// A throwaway nats-server for tests: Debian's binary on 127.0.0.1, a random free port (or a given one,
// to restart it where clients expect it), killed by `stop()` or at process exit if a test run ends
// without it. Installed by scripts/ensure-cluster-tools.sh.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const NATS_SERVER_BIN = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) =>
  existsSync(p),
);

export const MISSING_NATS =
  'nats-server was not found in /usr/sbin or /usr/bin; run scripts/ensure-cluster-tools.sh ' +
  '(as root it installs Debian’s nats-server package).';

export class NatsTestServer {
  readonly port: number;
  readonly #child: ChildProcess;
  #stopped = false;
  readonly #onExit = () => this.#child.kill('SIGKILL');

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    process.on('exit', this.#onExit);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Starts a server and resolves once it accepts clients; `port` 0 (default) picks a free one. */
  static async start(port = 0): Promise<NatsTestServer> {
    if (NATS_SERVER_BIN === undefined) throw new Error(MISSING_NATS);
    const args = ['-a', '127.0.0.1', '-p', port === 0 ? '-1' : String(port)];
    const child = spawn(NATS_SERVER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const found = await new Promise<number>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`nats-server did not start:\n${log}`));
      }, 30_000);
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
    return new NatsTestServer(child, found);
  }

  /** Kills the server (SIGKILL by default) and waits for it to exit; safe to call twice. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    process.off('exit', this.#onExit);
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill(signal);
    await exited;
  }
}
