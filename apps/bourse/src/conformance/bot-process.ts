// A client's bot as the conformance kit runs it: a shell command started in its own process group with
// the exchange's address, its key and its market in the environment, spoken to in the kit's line
// protocol (one JSON object per line; answers come in the order of the questions). Its standard error
// is kept for the report. `stop()` asks it to end, then ends the whole group.

import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BotMessage, KitMessage } from '@bourse/protocol';

export interface BotEnv {
  readonly BOURSE_URL: string;
  readonly BOURSE_KEY_ID: string;
  readonly BOURSE_KEY_FILE: string;
  readonly BOURSE_MARKET: string;
}

interface Waiter {
  resolve: (m: BotMessage) => void;
  reject: (e: Error) => void;
}

/** Lines of the bot's standard error kept for the report (the last ones). */
const KEPT_LOG_LINES = 40;

export class BotProcess {
  readonly #child: ChildProcess;
  readonly #waiters: Waiter[] = [];
  readonly #log: string[] = [];
  #ready: Waiter | undefined;
  #exited: string | undefined;
  /** The first question the bot left unanswered, if any. */
  #unanswered: string | undefined;
  readonly #exit: Promise<void>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => this.#answer(line));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.#log.push(line);
      if (this.#log.length > KEPT_LOG_LINES) this.#log.shift();
    });
    child.stdin!.on('error', () => {});
    this.#exit = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.#exited = `exited (${signal ?? code})`;
        const error = new Error(`the bot ${this.#exited}`);
        this.#ready?.reject(error);
        for (const w of this.#waiters.splice(0)) w.reject(error);
        resolve();
      });
    });
  }

  static start(command: string, env: BotEnv): BotProcess {
    const child = spawn(command, {
      shell: true,
      detached: true,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new BotProcess(child);
  }

  /** The bot's last lines of standard error. */
  get log(): readonly string[] {
    return this.#log;
  }

  /** Resolves on the bot's `ready`; rejects if it exits or stays silent for `timeoutMs`. */
  ready(timeoutMs: number): Promise<void> {
    return withTimeout(
      new Promise<BotMessage>((resolve, reject) => {
        if (this.#exited !== undefined) reject(new Error(`the bot ${this.#exited}`));
        this.#ready = { resolve, reject };
      }),
      timeoutMs,
      'the bot never said it was ready',
    ).then(() => undefined);
  }

  /**
   * Sends a question and resolves with the bot's answer to it. After a question went unanswered,
   * later answers could not be matched to their questions: every later question fails at once.
   */
  ask(message: KitMessage, timeoutMs: number): Promise<BotMessage> {
    if (this.#unanswered !== undefined) {
      return Promise.reject(new Error(`the bot never answered ${this.#unanswered}`));
    }
    const answer = new Promise<BotMessage>((resolve, reject) => {
      if (this.#exited !== undefined) reject(new Error(`the bot ${this.#exited}`));
      this.#waiters.push({ resolve, reject });
    });
    this.#child.stdin!.write(`${JSON.stringify(message)}\n`);
    return withTimeout(answer, timeoutMs, `no answer to ${message.op} in ${timeoutMs} ms`).catch(
      (error: unknown) => {
        this.#unanswered ??= message.op;
        throw error;
      },
    );
  }

  /** Asks the bot to stop, and ends its process group after `graceMs` whatever it does. */
  async stop(graceMs = 2_000): Promise<void> {
    if (this.#exited === undefined) {
      this.#child.stdin!.write(`${JSON.stringify({ op: 'stop' } satisfies KitMessage)}\n`);
      this.#child.stdin!.end();
      const timer = setTimeout(() => this.#kill(), graceMs);
      await this.#exit;
      clearTimeout(timer);
    }
    // Whatever the shell left behind goes too.
    this.#kill();
  }

  #kill(): void {
    try {
      if (this.#child.pid !== undefined) process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  }

  #answer(line: string): void {
    let m: BotMessage;
    try {
      m = JSON.parse(line) as BotMessage;
    } catch {
      this.#log.push(`(stdout, not JSON) ${line}`);
      return;
    }
    if (m.op === 'ready') {
      this.#ready?.resolve(m);
      this.#ready = undefined;
      return;
    }
    this.#waiters.shift()?.resolve(m);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
