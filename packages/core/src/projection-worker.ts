// The read-model thread: stores durable applied commands in SQLite so the main thread (the gateway's)
// never blocks on SQL writes. Batches arrive from the engine worker as the bytes it already has
// (its input and its events, in the engine's binary codec) and wait here until the core says they are durable; durable batches that
// queue up while a transaction runs are merged into the next one (bounded). The thread runs under
// SCHED_IDLE where it can (else at a lower niceness): it uses only cores that order entry leaves free,
// falls behind when there are none (the lag is a metric, `waitFor` still holds) and catches up when
// the load drops. A full disk holds the batch and retries it (SQLite rolls the transaction back), so
// freeing space lets the read models catch up without a restart.

import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { CodecError, decodeCommandBatch, decodeEventBatch } from '@bourse/engine';
import type { AppliedCommand } from './exchange-core.ts';
import type {
  FromProjection,
  ProjectionInit,
  StagedBatch,
  ToProjection,
} from './projection-protocol.ts';
import { openReadDb } from './read-db.ts';
import { idleThisThread, lowerThisThreadPriority } from './thread-priority.ts';

/** Most commands in one read-model transaction. */
const MAX_COMMANDS_PER_APPLY = 8192;

const init = workerData as ProjectionInit;
const port = parentPort!;
const models = await openReadDb(init.db, init.feeAccountId);
let appliedSeq = await models.lastAppliedSeq();
// Niceness first: it is what remains where SCHED_IDLE cannot be had.
lowerThisThreadPriority(init.nice);
const idle = init.idle && idleThisThread();
/** Batches from the engine in seq order, durable or not yet. */
const staged: StagedBatch[] = [];
let stagedHead = 0;
/** Highest seq the core has reported durable. */
let durableSeq = appliedSeq;
let engine: MessagePort | undefined;
/** The current engine port has closed: nothing more will be staged until a new one comes. */
let engineClosed = true;
let draining = false;
/** A batch a full disk refused: applied again, before anything newer, when the retry timer fires. */
let refused: AppliedCommand[] | undefined;
let refusals = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let closing = false;
let finished = false;

function send(message: FromProjection): void {
  port.postMessage(message);
}

function nextDurable(): StagedBatch | undefined {
  const next = staged[stagedHead];
  return next !== undefined && next.lastSeq <= durableSeq ? next : undefined;
}

/** Durable staged batches, merged up to a bound, minus commands already stored before a restart. */
function take(): AppliedCommand[] {
  const merged: AppliedCommand[] = [];
  for (let next = nextDurable(); next !== undefined; next = nextDurable()) {
    if (merged.length >= MAX_COMMANDS_PER_APPLY) break;
    staged[stagedHead++] = undefined as unknown as StagedBatch;
    if (next.lastSeq <= appliedSeq) continue;
    const commands = decodeCommandBatch(next.commands);
    const events = decodeEventBatch(next.events);
    if (commands instanceof CodecError || events instanceof CodecError) {
      // The engine worker wrote these bytes: a batch that does not decode is a bug, never input.
      const error = commands instanceof CodecError ? commands : (events as CodecError);
      throw new Error(`read models got a batch that does not decode: ${error.message}`);
    }
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i]!;
      if (command.seq <= appliedSeq) continue;
      merged.push({ seq: command.seq, ts: command.ts, command, events: events[i]! });
    }
  }
  if (stagedHead > 1024 && stagedHead * 2 > staged.length) {
    staged.splice(0, stagedHead);
    stagedHead = 0;
  }
  return merged;
}

/** At close: everything durable is stored, and no more of it can still come from the engine. */
function doneForClose(): boolean {
  return nextDurable() === undefined && (appliedSeq >= durableSeq || engineClosed);
}

async function drain(): Promise<void> {
  if (draining || finished) return;
  draining = true;
  try {
    for (let batch = refused ?? take(); batch.length > 0; batch = take()) {
      refused = batch;
      await models.apply(batch);
      refused = undefined;
      refusals = 0;
      appliedSeq = batch.at(-1)!.seq;
      send({ kind: 'applied', seq: appliedSeq });
    }
  } catch (error) {
    if (isDiskFull(error) && !closing) {
      // The transaction rolled back; the same batch goes again once the disk may have room, and
      // the lag metric shows the wait meanwhile.
      retryTimer = setTimeout(retryDrain, Math.min(2_000, 50 * 2 ** Math.min(refusals++, 6)));
      return;
    }
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    staged.length = 0;
    stagedHead = 0;
    durableSeq = appliedSeq;
    closing = true; // a read model that failed once is not fed again; a restart re-projects
  } finally {
    draining = false;
  }
  if (closing && !finished && doneForClose()) {
    finished = true;
    engine?.close();
    await models.close();
    send({ kind: 'closed' });
    port.close();
  }
}

/** One turn later, so that messages already posted join this transaction. */
function scheduleDrain(): void {
  if (!draining && retryTimer === undefined) setImmediate(() => void drain());
}

function retryDrain(): void {
  retryTimer = undefined;
  void drain();
}

/** SQLite's "database or disk is full" (SQLITE_FULL): freeing space cures it. */
function isDiskFull(error: unknown): boolean {
  const e = error as { errcode?: unknown; message?: unknown } | null;
  return e?.errcode === 13 || /database or disk is full/.test(String(e?.message));
}

function listenToEngine(next: MessagePort): void {
  engine?.close();
  engine = next;
  engineClosed = false;
  next.on('message', (batch: StagedBatch) => {
    if (closing && finished) return;
    staged.push(batch);
    if (batch.lastSeq <= durableSeq) scheduleDrain();
  });
  next.once('close', () => {
    if (engine !== next) return;
    engineClosed = true;
    if (closing) scheduleDrain();
  });
}

port.on('message', (message: ToProjection) => {
  switch (message.kind) {
    case 'engine':
      listenToEngine(message.port);
      return;
    case 'durable':
      if (closing) return;
      if (message.seq > durableSeq) durableSeq = message.seq;
      scheduleDrain();
      return;
    case 'close':
      closing = true;
      scheduleDrain();
      return;
    default: {
      const never: never = message;
      throw new Error(`unknown read-model message ${JSON.stringify(never)}`);
    }
  }
});

send({ kind: 'ready', seq: appliedSeq, idle });
