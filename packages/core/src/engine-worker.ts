// The engine thread: owns the one Engine of this shard and applies batches of journaled commands in seq
// order. It does no I/O; the main thread journals, acknowledges and stores snapshots (this thread
// only copies its state for one: snapshot-encoder.ts makes the bytes). Batches it is asked to
// `project` also go, with their events, to the read-model worker's port. An exception while applying
// means a broken invariant: the worker dies and the core stops (a restart replays the journal).

import { parentPort, workerData } from 'node:worker_threads';
import {
  ByteWriter,
  CodecError,
  captureBuffers,
  CommandBatchReader,
  Engine,
  verifyInvariants,
} from '@bourse/engine';
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

/** Reused for every batch's events; each reply gets a copy of exactly the bytes written. */
const eventWriter = new ByteWriter(256 * 1024);

/** Where each command's events end in the batch's events (grown as batches grow). */
let eventEnds = new Uint32Array(1024);
let commandCount = 0;

function applyBatch(commands: Uint8Array, wantEvents: boolean): Uint8Array | null {
  const reader = new CommandBatchReader(commands);
  eventWriter.pos = 0;
  commandCount = 0;
  for (let command = reader.next(); command !== undefined; command = reader.next()) {
    if (command instanceof CodecError) {
      throw new Error(`engine got a batch it cannot decode: ${command.message}`);
    }
    const expected = engine.lastSeq + 1;
    if (command.seq !== expected) {
      throw new Error(`engine expected seq ${expected}, got ${command.seq}`);
    }
    // Wanted events are written straight into the batch's bytes (no event objects); unwanted ones
    // are not made at all.
    if (wantEvents) {
      engine.applyEncoded(command, eventWriter);
      if (commandCount === eventEnds.length) {
        const grown = new Uint32Array(eventEnds.length * 2);
        grown.set(eventEnds);
        eventEnds = grown;
      }
      eventEnds[commandCount++] = eventWriter.pos;
    } else engine.applyQuietly(command);
    if (hashEvery > 0 && command.seq % hashEvery === 0) {
      hashes.push([command.seq, engine.stateHash()]);
    }
  }
  return wantEvents ? eventWriter.finish() : null;
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
      // This thread's CPU time, so a busy machine preempting the thread does not count as work.
      const started = process.threadCpuUsage();
      const events = applyBatch(message.commands, message.events);
      const used = process.threadCpuUsage(started);
      const busyMs = (used.user + used.system) / 1000;
      if (message.project && events !== null && projection !== undefined) {
        // The commands are done with here, so they move on; the events go to both threads.
        const copy = events.slice();
        const staged: StagedBatch = {
          lastSeq: engine.lastSeq,
          commands: message.commands,
          events: copy,
        };
        projection.postMessage(staged, [message.commands.buffer as ArrayBuffer, copy.buffer]);
      }
      const ends = events === null ? null : eventEnds.slice(0, commandCount);
      send(
        {
          kind: 'applied',
          id: message.id,
          lastSeq: engine.lastSeq,
          events,
          eventEnds: ends,
          busyMs,
          nextDueTs: engine.nextDueTs() ?? null,
          hashes,
        },
        events === null || ends === null
          ? undefined
          : [events.buffer as ArrayBuffer, ends.buffer as ArrayBuffer],
      );
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
      // Only the copy runs here, between two batches; the encoding runs on the encoder thread.
      const capture = engine.captureSnapshot();
      send(
        { kind: 'snapshot', id: message.id, seq: capture.seq, capture },
        captureBuffers(capture),
      );
      return;
    }
    default: {
      const never: never = message;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

send({ kind: 'ready', lastSeq: engine.lastSeq });
