// The read-model thread: stores durable applied commands in SQLite so the main thread (the gateway's)
// never blocks on SQL writes. Batches arrive as the JSON text the engine round trip already produced;
// those that queue up while a transaction runs are merged into the next one (bounded). The thread runs
// under SCHED_IDLE where it can (else at a lower niceness): it uses only cores that order entry leaves
// free, falls behind when there are none (the lag is a metric, `waitFor` still holds) and catches up
// when the load drops.

import { parentPort, workerData } from 'node:worker_threads';
import type { Command, EngineEvent } from '@bourse/engine';
import { openSqliteReadModels } from '@bourse/projections';
import { idleThisThread, lowerThisThreadPriority } from './thread-priority.ts';
import type { AppliedCommand } from './exchange-core.ts';
import type { FromProjection, ProjectionInit, ToProjection } from './projection-protocol.ts';

/** Most commands in one read-model transaction. */
const MAX_COMMANDS_PER_APPLY = 8192;

const init = workerData as ProjectionInit;
const port = parentPort!;
const models = await openSqliteReadModels(init.path, { feeAccountId: init.feeAccountId });
let appliedSeq = await models.lastAppliedSeq();
// Niceness first: it is what remains where SCHED_IDLE cannot be had.
lowerThisThreadPriority(init.nice);
const idle = init.idle && idleThisThread();
/** Chunks in seq order, each a JSON command array and its JSON event arrays. */
const queue: { readonly commands: string; readonly events: string }[] = [];
let draining = false;
let closing = false;
let finished = false;

function send(message: FromProjection): void {
  port.postMessage(message);
}

function take(): AppliedCommand[] {
  const merged: AppliedCommand[] = [];
  while (queue.length > 0 && merged.length < MAX_COMMANDS_PER_APPLY) {
    const next = queue.shift()!;
    const commands = JSON.parse(next.commands) as Command[];
    const events = JSON.parse(next.events) as EngineEvent[][];
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i]!;
      if (command.seq <= appliedSeq) continue; // already stored before a restart
      merged.push({ seq: command.seq, ts: command.ts, command, events: events[i]! });
    }
  }
  return merged;
}

async function drain(): Promise<void> {
  if (draining || finished) return;
  draining = true;
  try {
    while (queue.length > 0) {
      const batch = take();
      if (batch.length === 0) continue;
      await models.apply(batch);
      appliedSeq = batch.at(-1)!.seq;
      send({ kind: 'applied', seq: appliedSeq });
    }
  } catch (error) {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    queue.length = 0;
    closing = true; // a read model that failed once is not fed again; a restart re-projects
  } finally {
    draining = false;
  }
  if (closing && !finished) {
    finished = true;
    await models.close();
    send({ kind: 'closed' });
    port.close();
  }
}

port.on('message', (message: ToProjection) => {
  if (closing) return;
  if (message.kind === 'close') {
    closing = true;
    void drain();
    return;
  }
  for (let i = 0; i < message.commands.length; i++) {
    queue.push({ commands: message.commands[i]!, events: message.events[i]! });
  }
  // One turn later, so that messages already posted join this transaction.
  if (!draining) setImmediate(() => void drain());
});

send({ kind: 'ready', seq: appliedSeq, idle });
