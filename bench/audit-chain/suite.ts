// What the journal's SHA-256 chain (decisions 0110, 0112) costs on the path an order takes to be
// durable: the exchange core (sequencer, journal with O_DSYNC group commit, engine worker) fed limit
// orders by closed-loop clients, once with the chain (format 3: each commit's records end with a seal
// holding one SHA-256 over them and a manifest of their CRCs) and once without it (format 1 frames,
// no seal, no hash), in alternating rounds of the same run; the bare journal (append + commit of
// 220-byte payloads in batches of 64) the same way; and the framing alone (records of the core
// round's average size, in commits of its average size, framed and sealed in memory, no I/O): the
// chain's own CPU per record, steady even where disk latency and other processes swamp the rest.
// Reported: durable orders (records) per second, per wall and per CPU second of the process, the main
// thread's CPU per order (where the chain is computed), and the chain's cost as the ratio of the
// medians.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandInput, openExchangeCore } from '@bourse/core';
import { FileJournal, type OpenOptions, readJournal, WITHOUT_CHAIN } from '@bourse/journal';
import { limitOrder, marketSetup } from '../../packages/core/test/fixtures/market-setup.ts';
import { PendingBatch } from '../../packages/journal/src/pending-batch.ts';
import type { BenchOptions } from '../options.ts';
import { type Measurement, progress, type Suite, type SuiteResult } from '../report.ts';

const ACCOUNTS = 100;
/** Closed-loop clients, each with one batch of orders in flight. */
const CLIENTS = 32;
const BATCH = 8;
const JOURNAL_BATCH = 64;

interface Round {
  readonly perSec: number;
  readonly perCpuSec: number;
  /** CPU time of the main thread alone per order (record), in microseconds. */
  readonly mainCpuUs: number;
}

/** What a core round's journal held: records per commit (per seal) and payload bytes per record. */
interface CoreShape {
  recordsPerCommit: number;
  payloadBytes: number;
}

/** Wall and CPU clocks at the start of a timed round. */
function startClocks() {
  return { cpu: process.cpuUsage(), main: process.threadCpuUsage(), at: performance.now() };
}

function roundFrom(clocks: ReturnType<typeof startClocks>, count: number): Round {
  const seconds = (performance.now() - clocks.at) / 1000;
  const used = process.cpuUsage(clocks.cpu);
  const main = process.threadCpuUsage(clocks.main);
  return {
    perSec: count / seconds,
    perCpuSec: count / ((used.user + used.system) / 1e6),
    mainCpuUs: (main.user + main.system) / count,
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Orders resting and crossing around the middle of the book, so matching does real work. */
function order(i: number): CommandInput {
  const side = i % 2 === 0 ? 'buy' : 'sell';
  const price = 4_000 + 100 * ((i * 7) % 21) + (side === 'buy' ? -500 : 500);
  return limitOrder(1 + (i % ACCOUNTS), side, price, 1, i % 5 === 0 ? 'ioc' : 'gtc');
}

async function coreRound(chained: boolean, orders: number, shape?: CoreShape): Promise<Round> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bourse-bench-chain-'));
  const journalOptions: OpenOptions = chained ? {} : { [WITHOUT_CHAIN]: true };
  const core = await openExchangeCore({ dataDir, journalOptions, snapshotEvery: 1_000_000_000 });
  try {
    await core.submitBatch(marketSetup(ACCOUNTS));
    let next = 0;
    const commits = core.stats.journalCommits;
    const clocks = startClocks();
    const client = async () => {
      while (next < orders) {
        const from = next;
        next = Math.min(orders, next + BATCH);
        const batch: CommandInput[] = [];
        for (let i = from; i < next; i++) batch.push(order(i));
        await core.submitBatch(batch);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const round = roundFrom(clocks, orders);
    if (shape !== undefined) {
      shape.recordsPerCommit = orders / (core.stats.journalCommits - commits);
      await core.close();
      let bytes = 0;
      let records = 0;
      for (const r of readJournal(join(dataDir, 'journal'))) {
        bytes += r.payload.length;
        records++;
      }
      shape.payloadBytes = bytes / records;
    }
    return round;
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Frames and seals `records` records in memory as the journal does before a write (no I/O). */
async function framingRound(chained: boolean, records: number, shape: CoreShape): Promise<Round> {
  const batch = new PendingBatch(Buffer.alloc(32).toString('latin1'), chained);
  const payload = new Uint8Array(Math.round(shape.payloadBytes)).fill(0x61);
  const perCommit = Math.max(1, Math.round(shape.recordsPerCommit));
  const clocks = startClocks();
  let seq = 0;
  while (seq < records) {
    for (let i = 0; i < perCommit && seq < records; i++) batch.append(++seq, payload, seq === 1);
    batch.seal();
    batch.reset(batch.chain);
  }
  return roundFrom(clocks, records);
}

async function journalRound(chained: boolean, records: number): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-bench-journal-'));
  const payload = new Uint8Array(220).fill(0x61);
  const { journal } = await FileJournal.open(dir, chained ? {} : { [WITHOUT_CHAIN]: true });
  try {
    const clocks = startClocks();
    let seq = 0;
    while (seq < records) {
      for (let i = 0; i < JOURNAL_BATCH && seq < records; i++) journal.append(++seq, payload);
      await journal.commit();
    }
    return roundFrom(clocks, records);
  } finally {
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function measurement(name: string, profile: string, n: number, rounds: Round[]): Measurement {
  return {
    suite: 'audit-chain',
    name,
    profile,
    n,
    commandsPerSec: median(rounds.map((r) => r.perSec)),
    runsPerSec: rounds.map((r) => r.perSec),
    commandsPerCpuSec: median(rounds.map((r) => r.perCpuSec)),
    valid: true,
    validation: 'every order acknowledged durable',
  };
}

async function compare(
  what: string,
  round: (chained: boolean, n: number) => Promise<Round>,
  n: number,
  runs: number,
): Promise<{ measurements: Measurement[]; note: string }> {
  const with_: Round[] = [];
  const without: Round[] = [];
  await round(true, Math.min(n, 20_000)); // warm-up: JIT, page cache, the worker's code
  for (let r = 0; r < runs; r++) {
    // Alternate which goes first, so drift on a shared machine does not favour one side.
    for (const chained of r % 2 === 0 ? [true, false] : [false, true]) {
      progress(`audit-chain: ${what}, ${chained ? 'with' : 'without'} the chain, round ${r + 1}`);
      (chained ? with_ : without).push(await round(chained, n));
    }
  }
  const measurements = [
    measurement(`${what} with chain`, what, n, with_),
    measurement(`${what} without chain`, what, n, without),
  ];
  return { measurements, note: costNote(what, runs, with_, without) };
}

/**
 * The framing's extra CPU per record with the chain, as a share of the core's CPU per order (with
 * the chain): what the chain costs the core, measured where nothing else moves the figure.
 */
function framingShare(framing: Measurement[], core: Measurement[], shape: CoreShape): string {
  const perRecordUs = (m: Measurement) => 1e6 / m.commandsPerCpuSec!;
  const extra = perRecordUs(framing[0]!) - perRecordUs(framing[1]!);
  const coreUs = perRecordUs(core[0]!);
  return (
    `framing: records of ${shape.payloadBytes.toFixed(1)} bytes in commits of ` +
    `${shape.recordsPerCommit.toFixed(1)} (the core rounds' averages); the chain adds ` +
    `${extra.toFixed(3)} µs of CPU per record, ${((extra / coreUs) * 100).toFixed(2)}% of the ` +
    `core's ${coreUs.toFixed(2)} µs of process CPU per order`
  );
}

/**
 * The chain's cost from the rounds of both sides: ratios of the medians, the median of the ratios
 * of rounds run back to back (steadier when the machine's load drifts), and CPU per record.
 */
function costNote(what: string, runs: number, with_: Round[], without: Round[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const us = (xs: number[]) => `${median(xs).toFixed(2)} µs`;
  const wall = 1 - median(with_.map((r) => r.perSec)) / median(without.map((r) => r.perSec));
  const cpu = 1 - median(with_.map((r) => r.perCpuSec)) / median(without.map((r) => r.perCpuSec));
  const paired = median(with_.map((r, i) => 1 - r.perCpuSec / without[i]!.perCpuSec));
  const processUs = (rounds: Round[]) => rounds.map((r) => 1e6 / r.perCpuSec);
  return (
    `${what}: the chain costs ${pct(wall)} of durable throughput (medians of ${runs} alternating ` +
    `rounds) and ${pct(cpu)} per CPU second (${pct(paired)}: median of the back-to-back pairs); ` +
    `process CPU per record ${us(processUs(with_))} with the chain, ${us(processUs(without))} ` +
    `without; main thread ${us(with_.map((r) => r.mainCpuUs))} with, ` +
    `${us(without.map((r) => r.mainCpuUs))} without`
  );
}

export const auditChainSuite: Suite = {
  name: 'audit-chain',
  title: "Audit chain: durable orders/s with and without the journal's SHA-256 chain",
  async run(options: BenchOptions): Promise<SuiteResult> {
    const runs = Math.max(3, options.runs);
    const orders = Math.min(options.n, 200_000);
    const shape: CoreShape = { recordsPerCommit: 0, payloadBytes: 0 };
    await coreRound(true, Math.min(orders, 20_000), shape);
    const core = await compare('core', coreRound, orders, runs);
    const journal = await compare('journal', journalRound, orders * 5, runs);
    const framing = await compare('framing', (c, n) => framingRound(c, n, shape), orders * 5, runs);
    return {
      measurements: [...core.measurements, ...journal.measurements, ...framing.measurements],
      notes: [
        core.note,
        journal.note,
        framing.note,
        framingShare(framing.measurements, core.measurements, shape),
        `core: ${CLIENTS} closed-loop clients, ${BATCH} orders per submitBatch, ${ACCOUNTS} ` +
          'accounts, one binary market; journal: 220-byte records, commits of 64',
      ],
    };
  },
};
