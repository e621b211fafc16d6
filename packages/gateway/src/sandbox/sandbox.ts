// The sandbox control plane behind `/api/v1/sandbox` (docs/sandbox.md): the simulated exchange clock
// and the time-driven work that follows it, the event recorder, and the reset hook the composition
// root provides. Clock operations run one at a time; moving time forward fires each piece of the
// engine's due work (GTD expiry, market schedules, a breaker's reopening) with a `tick` stamped at
// exactly its due time, so a bot sees an order expire at the simulated instant, never before.

import type {
  SandboxClock as ClockView,
  ResetAnswer,
  SandboxStatus,
  Scenario,
} from '@bourse/protocol';
import { FaultInjector } from './fault-injector.ts';
import { SandboxClock } from './sandbox-clock.ts';
import { SandboxRecorder } from './sandbox-recorder.ts';

/** The exchange core's time-driven work, as the sandbox drives it. */
export interface DueWork {
  /** When the engine next has work of its own (null: none). */
  nextDueTs(): Promise<number | null>;
  /** Submits a journaled `tick`, stamped by the core with the sandbox clock's now. */
  tick(): Promise<unknown>;
}

/**
 * What `POST /api/v1/sandbox/reset` asks of the composition root, which owns the data directory: a
 * fresh exchange built from the scenario (see `buildScenario`), its script given to `setScript`.
 */
export type SandboxResetter = (scenario: Scenario, by: string) => Promise<ResetDone>;

/**
 * A reset's answer, and how to retire the exchange it replaced: after the answer is sent (it travels
 * on a connection of the old exchange, whose close ends every connection to it).
 */
export interface ResetDone {
  readonly answer: ResetAnswer;
  retire(): Promise<void>;
}

/** One timed step of a scenario's script, run when simulated time reaches `at`. */
export interface ScriptStep {
  readonly at: number;
  readonly action: string;
  /** The account it acts for; null for an exchange-wide step. */
  readonly account: number | null;
  readonly detail: Record<string, unknown>;
  /** A step that pauses or runs the clock (the sandbox's own operation, not a command). */
  readonly clock?:
    | { readonly mode: 'paused' }
    | { readonly mode: 'running'; readonly rate: number };
  run(): Promise<unknown>;
}

/** How often (wall ms) a running clock looks for due work: sooner than any bot would notice. */
const RUN_POLL_MS = 20;
/** Bound on the due times one step fires, so a step always ends. */
const MAX_DUE_PER_STEP = 1_000_000;

export class Sandbox {
  readonly clock: SandboxClock;
  readonly recorder: SandboxRecorder;
  /** The faults injected into chosen accounts' traffic (fault-injector.ts); each use is recorded. */
  readonly faults: FaultInjector;
  #work: DueWork | undefined;
  #resetter: SandboxResetter | undefined;
  #scenario: string | null = null;
  /** Clock operations and resets, one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #polling = false;
  /** The script of the scenario last reset to, by time, and the next step to run. */
  #script: readonly ScriptStep[] = [];
  #nextStep = 0;

  constructor(options: { clock?: SandboxClock; wall?: () => number } = {}) {
    this.clock = options.clock ?? new SandboxClock(options.wall ? { wall: options.wall } : {});
    this.recorder = new SandboxRecorder({
      now: () => this.clock.now(),
      ...(options.wall ? { wall: options.wall } : {}),
    });
    this.faults = new FaultInjector((e) =>
      this.recorder.record({
        kind: 'fault',
        action: e.kind,
        account: e.accountId,
        target: e.socketId === undefined ? (e.endpoint ?? null) : `socket ${e.socketId}`,
        detail: { faultId: e.faultId, what: e.detail },
        by: e.by,
      }),
    );
  }

  /** The core whose due work follows this clock (again after a reset opens a new one). */
  attach(work: DueWork): void {
    this.#work = work;
    this.#armRunning();
  }

  /** Called by the composition root, which knows how to rebuild the exchange from a scenario. */
  setResetter(resetter: SandboxResetter): void {
    this.#resetter = resetter;
  }

  status(): SandboxStatus {
    return {
      clock: this.clock.view(),
      scenario: this.#scenario,
      events: this.recorder.count,
      scriptSteps: this.#script.length - this.#nextStep,
    };
  }

  /** The timed steps to run from now on (a reset's scenario script), sorted by time. */
  setScript(steps: readonly ScriptStep[]): void {
    this.#script = [...steps].sort((a, b) => a.at - b.at);
    this.#nextStep = 0;
  }

  pause(by: string): Promise<ClockView> {
    return this.#serial(async () => {
      this.clock.pause();
      this.#armRunning();
      this.recorder.record({ kind: 'clock', action: 'pause', by });
      return this.clock.view();
    });
  }

  run(rate: number, by: string): Promise<ClockView> {
    return this.#serial(async () => {
      this.clock.run(rate);
      this.#armRunning();
      this.recorder.record({ kind: 'clock', action: 'run', detail: { rate }, by });
      return this.clock.view();
    });
  }

  /** Moves time forward by `ms`, firing the due work in between at its own times. */
  step(ms: number, by: string): Promise<ClockView> {
    return this.#serial(async () => {
      const from = this.clock.now();
      const fired = await this.#advanceTo(from + ms);
      const to = this.clock.now();
      this.recorder.record({ kind: 'clock', action: 'step', detail: { ms, from, to, fired }, by });
      return this.clock.view();
    });
  }

  /** Moves time to `to` (never backwards: a RangeError), firing the due work in between. */
  jump(to: number, by: string): Promise<ClockView> {
    return this.#serial(async () => {
      const from = this.clock.now();
      if (to < from) throw new RangeError(`the clock never goes backwards: it is ${from}`);
      const fired = await this.#advanceTo(to);
      this.recorder.record({ kind: 'clock', action: 'jump', detail: { from, to, fired }, by });
      return this.clock.view();
    });
  }

  /** Rebuilds the exchange from a scenario through the composition root's resetter. */
  reset(scenario: Scenario, by: string): Promise<ResetDone> {
    return this.#serial(async () => {
      if (this.#resetter === undefined) throw new Error('this sandbox cannot be reset');
      const done = await this.#resetter(scenario, by);
      this.#scenario = done.answer.scenario;
      this.#armRunning();
      const { accounts, ...summary } = done.answer;
      this.recorder.record({
        kind: 'reset',
        action: 'reset',
        detail: { ...summary, accounts: accounts.map((a) => a.username) },
        by,
      });
      return done;
    });
  }

  /** True when a resetter is set (a sandbox served by `bourse serve --sandbox`). */
  get resettable(): boolean {
    return this.#resetter !== undefined;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(op);
    this.#queue = next.catch(() => {});
    return next;
  }

  /**
   * Fires each due time and script step up to `target` at its own time (the engine's due work first
   * at equal times: it happens before any command at that time), then sets the clock to `target`
   * (or leaves it where a running clock already is). Answers how many due times fired.
   */
  async #advanceTo(target: number): Promise<number> {
    let fired = 0;
    let last: number | null = null;
    const work = this.#work;
    while (fired < MAX_DUE_PER_STEP) {
      const due = work === undefined ? null : await work.nextDueTs();
      // The same time still due after its tick: something other than time holds it.
      const dueAt = due === null || due === last ? Number.POSITIVE_INFINITY : due;
      const stepAt = this.#script[this.#nextStep]?.at ?? Number.POSITIVE_INFINITY;
      const at = Math.min(dueAt, stepAt);
      if (at > target) break;
      if (at > this.clock.now()) this.clock.set(at);
      if (dueAt <= stepAt) {
        await work!.tick();
        last = due;
        fired++;
      } else await this.#runStep();
    }
    if (target > this.clock.now()) this.clock.set(target);
    return fired;
  }

  /** Runs the next script step (claimed first, so a poll meanwhile does not run it too). */
  async #runStep(): Promise<void> {
    const step = this.#script[this.#nextStep++];
    if (step === undefined) return;
    const event = { kind: 'script', action: step.action, account: step.account, by: 'script' };
    if (step.clock !== undefined) {
      if (step.clock.mode === 'paused') this.clock.pause();
      else this.clock.run(step.clock.rate);
      this.#armRunning();
    }
    try {
      const result = (await step.run()) as { seq?: number } | undefined;
      const seq = typeof result?.seq === 'number' ? { seq: result.seq } : {};
      this.recorder.record({ ...event, detail: { ...step.detail, ...seq } });
    } catch (error) {
      // A refused step is what the bot author's world did: recorded, and the script goes on.
      const code = (error as { code?: unknown }).code;
      const refused = { error: typeof code === 'string' ? code : (error as Error).message };
      this.recorder.record({ ...event, detail: { ...step.detail, ...refused } });
    }
  }

  /** While the clock runs, due work is fired as simulated time reaches it. */
  #armRunning(): void {
    if (!this.clock.running) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.#poll(), RUN_POLL_MS);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    const work = this.#work;
    if (this.#polling || !this.clock.running) return;
    this.#polling = true;
    try {
      const due = work === undefined ? null : await work.nextDueTs();
      if (due !== null && due <= this.clock.now()) await work!.tick();
      while (
        this.clock.running &&
        (this.#script[this.#nextStep]?.at ?? Infinity) <= this.clock.now()
      ) {
        await this.#runStep();
      }
    } catch {
      // A core closing under a reset, or overloaded: the next poll looks again.
    } finally {
      this.#polling = false;
    }
  }
}
