// The engine thread: owns the one Engine of this shard and applies batches of journaled commands in seq
// order. It does no I/O; the main thread journals, acknowledges and stores snapshots. Batches it is
// asked to `project` also go, with their events, to the read-model worker's port. An exception while
// applying means a broken invariant: the worker dies and the core stops (a restart replays the journal).

import { parentPort, workerData } from 'node:worker_threads';
import { type Command, Engine, verifyInvariants } from '@bourse/engine';
import type { StagedBatch } from './projection-protocol.ts';
import type { FromWorker, QueryName, ToWorker, WorkerInit } from './worker-protocol.ts';

const init = workerData as WorkerInit;
const engine =
  init.snapshot === undefined ? new Engine(init.config) : Engine.restore(init.snapshot);
const port = parentPort!;
const projection = init.projectionPort;
const hashEvery = init.hashEvery ?? 0;
/** Hashes taken during the current batch, sent with its reply. */
let hashes: [number, string][] = [];

function send(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

function applyBatch(json: string, wantEvents: boolean): string | null {
  const commands = JSON.parse(json) as Command[];
  const parts: string[] = wantEvents ? new Array<string>(commands.length) : [];
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i]!;
    const expected = engine.lastSeq + 1;
    if (command.seq !== expected) {
      throw new Error(`engine expected seq ${expected}, got ${command.seq}`);
    }
    const events = engine.apply(command);
    // The engine reuses its event array, so it is serialised before the next apply.
    if (wantEvents) parts[i] = JSON.stringify(events);
    if (hashEvery > 0 && command.seq % hashEvery === 0) {
      hashes.push([command.seq, engine.stateHash()]);
    }
  }
  return wantEvents ? `[${parts.join(',')}]` : null;
}

function answer(name: QueryName, args: unknown[]): unknown {
  const n = args as number[];
  switch (name) {
    case 'balances':
      return engine.balances(n[0]!);
    case 'positions':
      return engine.positions(n[0]!);
    case 'order':
      return engine.order(n[0]!);
    case 'openOrders':
      return n[1] === undefined ? engine.openOrders(n[0]!) : engine.openOrders(n[0]!, n[1]);
    case 'queuePosition':
      return engine.queuePosition(n[0]!);
    case 'queuePositions':
      return n[1] === undefined ? engine.queuePositions(n[0]!) : engine.queuePositions(n[0]!, n[1]);
    case 'book':
      return n[1] === undefined ? engine.book(n[0]!) : engine.book(n[0]!, n[1]);
    case 'instrument':
      return engine.instrument(n[0]!);
    case 'instruments':
      return engine.instruments();
    case 'accounts':
      return engine.accounts();
    case 'stateHash':
      return { seq: engine.lastSeq, hash: engine.stateHash() };
    case 'verify':
      return verifyInvariants(engine);
    case 'exchangeStatus':
      return { seq: engine.lastSeq, halted: engine.halted };
    case 'nextDueTs':
      return engine.nextDueTs() ?? null;
    case 'orderGroups':
      return engine.orderGroups(n[0]!);
    case 'orderGroup':
      return engine.orderGroup(n[0]!);
    default: {
      const never: never = name;
      throw new Error(`unknown query ${String(never)}`);
    }
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'apply': {
      hashes = [];
      const events = applyBatch(message.commands, message.events);
      if (message.project && events !== null && projection !== undefined) {
        const staged: StagedBatch = { lastSeq: engine.lastSeq, commands: message.commands, events };
        projection.postMessage(staged);
      }
      send({
        kind: 'applied',
        id: message.id,
        lastSeq: engine.lastSeq,
        events,
        nextDueTs: engine.nextDueTs() ?? null,
        hashes,
      });
      return;
    }
    case 'query': {
      let value: unknown;
      try {
        value = answer(message.name, message.args);
      } catch (error) {
        // A query never changes state, so its failure is the caller's, not the shard's.
        send({ kind: 'failed', id: message.id, message: (error as Error).message });
        return;
      }
      send({ kind: 'result', id: message.id, value });
      return;
    }
    case 'snapshot': {
      const bytes = engine.snapshot();
      const copy = bytes.slice();
      send({ kind: 'snapshot', id: message.id, seq: engine.lastSeq, bytes: copy }, [
        copy.buffer as ArrayBuffer,
      ]);
      return;
    }
    default: {
      const never: never = message;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

send({ kind: 'ready', lastSeq: engine.lastSeq });
