// The process side of `bourse serve --sandbox` (docs/sandbox.md): one listening socket whose
// connections go to the current exchange, and resets that build a fresh exchange from a scenario in a
// new directory, switch new connections to it and retire the old one. The auth store (users, API
// keys, sessions) lives beside the exchanges and is kept across resets.

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  ApiError,
  AuthStore,
  buildScenario,
  checkScenario,
  parseScenario,
  type ResetDone,
  resolveTime,
  Sandbox,
  type Scenario,
} from '@bourse/gateway';
import { ensurePrivateFile, makePrivateDir } from '@bourse/core';
import { AUTH_DB, type OpenExchange, openExchange } from './open-exchange.ts';

type ExchangeOptions = NonNullable<Parameters<typeof openExchange>[1]>;

export interface SandboxHost {
  readonly sandbox: Sandbox;
  /** Listen on it: each connection goes to the exchange current when it arrives. */
  readonly server: Server;
  /** The exchange serving new connections. */
  readonly current: OpenExchange;
  /** Calls `listener` with each exchange a reset opens (to watch its health, for one). */
  onReset(listener: (exchange: OpenExchange) => void): void;
  close(): Promise<void>;
}

/** Which exchange directory is current, kept so a restart opens the same one. */
const STATE_FILE = 'sandbox.json';

/** Reads a scenario file: JSON, or YAML for `.yaml`/`.yml`; checked against the reset's schema. */
export async function readScenarioFile(path: string): Promise<Scenario> {
  const text = readFileSync(path, 'utf8');
  const yaml = /\.ya?ml$/i.test(path);
  const value: unknown = yaml ? (await import('yaml')).parse(text) : JSON.parse(text);
  return parseScenario(value);
}

export async function openSandbox(
  dataDir: string,
  options: Omit<ExchangeOptions, 'sandbox' | 'authStore'>,
): Promise<SandboxHost> {
  if (existsSync(join(dataDir, 'journal'))) {
    throw new Error(
      `--sandbox refuses ${dataDir}: it holds an exchange's journal. Give a sandbox a directory of its own.`,
    );
  }
  const statePath = join(dataDir, STATE_FILE);
  let generation = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as { generation: number }).generation
    : 0;
  const sandbox = new Sandbox();
  makePrivateDir(dataDir);
  ensurePrivateFile(join(dataDir, AUTH_DB));
  const authStore = new AuthStore(join(dataDir, AUTH_DB));
  const dirOf = (g: number) => join(dataDir, `exchange-${g}`);
  const open = (g: number) => openExchange(dirOf(g), { ...options, sandbox, authStore });
  let current = await open(generation);
  const resetListeners: ((exchange: OpenExchange) => void)[] = [];
  const server = createServer((socket) => current.gateway.server.emit('connection', socket));

  sandbox.setResetter(async (scenario, _by): Promise<ResetDone> => {
    const saved = sandbox.clock.view();
    const start = scenarioStart(scenario, Date.now());
    checkScenario(scenario, start);
    const next = generation + 1;
    rmSync(dirOf(next), { recursive: true, force: true });
    // A fresh journal has no earlier timestamps: the scenario may start at any time.
    sandbox.clock.restart(start, 'paused');
    const fresh = await open(next);
    const built = await buildScenario(fresh.gateway.services, scenario, start).catch(
      async (error: unknown) => {
        // Nothing changes: the new directory goes, the clock and due work are the old exchange's.
        await fresh.close();
        rmSync(dirOf(next), { recursive: true, force: true });
        sandbox.clock.restart(saved.now, saved.mode, saved.rate);
        sandbox.attach(dueWork(current));
        throw error;
      },
    );
    const previous = current;
    const previousDir = dirOf(generation);
    current = fresh;
    generation = next;
    for (const listener of resetListeners) listener(fresh);
    writeFileSync(statePath, JSON.stringify({ generation, scenario: scenario.name }));
    sandbox.setScript(built.script);
    const clock = scenario.clock;
    sandbox.clock.restart(start, clock?.mode ?? 'paused', clock?.rate ?? 1);
    const { script, ...rest } = built;
    const view = sandbox.clock.view();
    return {
      answer: { scenario: scenario.name, clock: view, ...rest, scriptSteps: script.length },
      retire: async () => {
        await previous.close();
        rmSync(previousDir, { recursive: true, force: true });
      },
    };
  });

  return {
    sandbox,
    server,
    get current() {
      return current;
    },
    onReset(listener) {
      resetListeners.push(listener);
    },
    async close() {
      sandbox.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await current.close();
      await authStore.close();
    },
  };
}

/** Where a scenario's clock starts: its `start` (a `+duration` counts from now), else now. */
function scenarioStart(scenario: Scenario, now: number): number {
  const start = scenario.clock?.start;
  if (start === undefined) return now;
  const t = resolveTime(start, now);
  if (t !== undefined) return t;
  const rule = 'must be ms since the epoch, ISO 8601 or +<duration>';
  throw new ApiError('SCENARIO_INVALID', `clock.start ${rule}.`, {
    details: { field: 'clock.start', rule },
  });
}

function dueWork(exchange: OpenExchange) {
  const core = exchange.core;
  return { nextDueTs: () => core.nextDueTs(), tick: () => core.submit({ type: 'tick' }) };
}
