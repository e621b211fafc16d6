// What one command costs an engine node's main thread, without NATS or etcd, in this process's CPU
// time: the leader's path (a gateway's submit request decoded, sequenced and journaled by the core, the
// engine's events back, the `events` message encoded, the recent-command window) and a standby's (the
// leader's records replicated by the core, the window), with the window full. Three forms alternate:
// events decoded into objects and a JSON submit (the nodes before decision 0931), events kept as the
// engine's bytes (`lazyEvents`: published as they are, the window keeping bytes), and then the submit
// in the command codec as well.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandInput, dataDirLayout, openExchangeCore } from '@bourse/core';
import { DEFAULT_RECENT_COMMANDS, RecentCommands } from '@bourse/cluster';
import {
  decodeMessage,
  decodeSubmitRequest,
  encodeEventsMessage,
  encodeMessage,
  encodeSubmitRequest,
  MAX_COMMANDS_PER_MESSAGE,
  type SubmitRequest,
} from '@bourse/cluster/protocol';
import { CodecError, CENTS_BINARY_GRID } from '@bourse/engine';
import { FileJournal } from '@bourse/journal';

/** Enough that the recent window (100,000 commands) is full for most of the run. */
const COMMANDS = 160_000;
/** Inputs per submit request, about what a gateway sends at 10,000 orders/s. */
const PER_REQUEST = 50;
const ACCOUNTS = 40;

type Form = { readonly lazy: boolean; readonly binary: boolean };
export const FORMS: readonly (Form & { readonly name: string })[] = [
  { name: 'events as objects, JSON submit', lazy: false, binary: false },
  { name: 'events as bytes', lazy: true, binary: false },
  { name: 'events as bytes, binary submit', lazy: true, binary: true },
];

/** The asset, the accounts and the open market the orders trade on. */
export function setup(): CommandInput[] {
  const out: CommandInput[] = [{ type: 'createAsset', assetId: 1, code: 'USD', scale: 1e6 }];
  for (let id = 1; id <= ACCOUNTS; id++) {
    out.push({ type: 'createAccount', accountId: id, userId: id, subaccount: 0 });
    out.push({ type: 'deposit', accountId: id, assetId: 1, amount: 1e15 });
  }
  out.push({
    type: 'createInstrument',
    spec: {
      kind: 'binary',
      instrumentId: 1,
      symbol: 'BENCH-26',
      seriesTicker: 'BENCH',
      eventTicker: 'BENCH-26',
      title: 'Bench',
      settlementAssetId: 1,
      ...CENTS_BINARY_GRID,
      fees: { kind: 'none' },
      limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
    },
  });
  out.push({ type: 'setMarketStatus', instrumentId: 1, status: 'open' });
  return out;
}

/** The load generator's order: limit orders around the middle, so about half of them trade. */
export function order(i: number): CommandInput {
  const buy = i % 2 === 0;
  return {
    type: 'placeOrder',
    accountId: 1 + (i % ACCOUNTS),
    instrumentId: 1,
    side: buy ? 'buy' : 'sell',
    orderType: 'limit',
    priceTicks: 5_000 + (buy ? 1 : -1) * 100 * (i % 5),
    qtyLots: 100,
    tif: 'gtc',
  };
}

const threadCpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

/** The leader's main-thread µs per command; leaves its journal in `dir`. */
async function leaderPath(dir: string, form: Form): Promise<number> {
  const core = await openExchangeCore({ dataDir: dir, readModels: false, lazyEvents: form.lazy });
  const recent = new RecentCommands(DEFAULT_RECENT_COMMANDS);
  core.subscribe((batch) => {
    recent.add(batch);
    for (let i = 0; i < batch.length; i += MAX_COMMANDS_PER_MESSAGE) {
      const part = batch.slice(i, i + MAX_COMMANDS_PER_MESSAGE);
      encodeEventsMessage({ term: 1, fromSeq: part[0]!.seq, toSeq: part.at(-1)!.seq, batch: part });
    }
  });
  await core.submitBatch(setup());
  const started = threadCpuMs();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < COMMANDS; i += PER_REQUEST) {
    const request: SubmitRequest = {
      inputs: Array.from({ length: PER_REQUEST }, (_, j) => order(i + j)),
      lean: true,
    };
    const wire = form.binary ? encodeSubmitRequest(request) : encodeMessage(request);
    const got = form.binary ? decodeSubmitRequest(wire) : decodeMessage<SubmitRequest>(wire);
    if (got instanceof CodecError) throw new Error(got.message);
    inFlight.push(core.submitBatch(got.inputs));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const us = ((threadCpuMs() - started) * 1000) / COMMANDS;
  await core.close();
  return us;
}

/** A standby's main-thread µs per command, replicating `records` (the leader's journal). */
async function standbyPath(dir: string, form: Form, records: Uint8Array[]): Promise<number> {
  const core = await openExchangeCore({ dataDir: dir, readModels: false, lazyEvents: form.lazy });
  const recent = new RecentCommands(DEFAULT_RECENT_COMMANDS);
  core.subscribe((batch) => recent.add(batch));
  const first = records.length - COMMANDS;
  await core.replicateRecords(records.slice(0, first));
  const started = threadCpuMs();
  const inFlight: Promise<unknown>[] = [];
  for (let i = first; i < records.length; i += PER_REQUEST) {
    inFlight.push(core.replicateRecords(records.slice(i, i + PER_REQUEST)));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const us = ((threadCpuMs() - started) * 1000) / COMMANDS;
  await core.close();
  return us;
}

async function journalRecords(dir: string): Promise<Uint8Array[]> {
  const { journal } = await FileJournal.open(dataDirLayout(dir).journalDir);
  try {
    return [...journal.read()].map((r) => Uint8Array.from(r.payload));
  } finally {
    await journal.close();
  }
}

/** µs of main-thread CPU per command for each form (median of `rounds`, forms alternating). */
export async function nodePathCosts(
  rounds = 3,
): Promise<{ form: string; leaderUs: number; standbyUs: number }[]> {
  const samples = FORMS.map(() => ({ leader: [] as number[], standby: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (const [k, form] of FORMS.entries()) {
      const leaderDir = mkdtempSync(join(tmpdir(), 'bourse-node-path-'));
      const standbyDir = mkdtempSync(join(tmpdir(), 'bourse-node-path-'));
      try {
        samples[k]!.leader.push(await leaderPath(leaderDir, form));
        const records = await journalRecords(leaderDir);
        samples[k]!.standby.push(await standbyPath(standbyDir, form, records));
      } finally {
        rmSync(leaderDir, { recursive: true, force: true });
        rmSync(standbyDir, { recursive: true, force: true });
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return FORMS.map((form, k) => ({
    form: form.name,
    leaderUs: median(samples[k]!.leader),
    standbyUs: median(samples[k]!.standby),
  }));
}

/** The note the cluster suite prints. */
export async function nodePathNote(): Promise<string> {
  const costs = await nodePathCosts();
  const parts = costs.map(
    (c) => `${c.form}: leader ${c.leaderUs.toFixed(2)} µs, standby ${c.standbyUs.toFixed(2)} µs`,
  );
  return (
    `engine node main thread per command, in this process (${COMMANDS.toLocaleString('en-US')} ` +
    `orders per run, the recent window full, median of 3 alternating rounds): ${parts.join(' · ')}`
  );
}
