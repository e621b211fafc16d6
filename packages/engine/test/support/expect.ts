// Assertions shared by the engine's worked examples: a rejection leaves exactly one `rejected`
// event and an unchanged state hash; `verifyInvariants` comes back empty; a compact picture of an
// account.

import assert from 'node:assert/strict';
import type { EngineEvent, RejectCode } from '../../src/index.ts';
import { verifyInvariants } from '../../src/index.ts';
import type { Body, Harness, PlaceBody } from './harness.ts';

/** Applies `body` and asserts it was rejected with `code`, changing nothing. */
export function expectReject(h: Harness, body: Body, code: RejectCode): void {
  const before = h.engine.stateHash();
  const events = h.apply(body);
  assert.equal(events.length, 1, `one event expected, got ${JSON.stringify(events)}`);
  const ev = events[0]!;
  assert.equal(ev.type, 'rejected');
  if (ev.type === 'rejected') {
    assert.equal(ev.reason, code);
    assert.equal(ev.command, body.type);
  }
  assert.equal(h.engine.stateHash(), before, `${code}: state changed`);
}

/** Places an order and asserts it was rejected with `code`, changing nothing. */
export function expectRejectPlace(h: Harness, o: PlaceBody, code: RejectCode): void {
  expectReject(h, { type: 'placeOrder', orderId: o.orderId ?? h.seq + 1, ...o }, code);
}

export function expectSound(h: Harness): void {
  assert.deepEqual(verifyInvariants(h.engine), []);
}

/** Everything the worked examples assert about one account in one binary market. */
export function binaryPicture(h: Harness, accountId: number, instrumentId: number) {
  const b = h.usd(accountId);
  const p = h.engine.position(accountId, instrumentId);
  return {
    available: b.available,
    reserved: b.reserved,
    lots: p?.positionLots ?? 0,
    costBasis: p?.costBasis ?? 0,
    realisedPnl: p?.realisedPnl ?? 0,
  };
}

export function eventTypes(events: readonly EngineEvent[]): string[] {
  return events.map((e) => e.type);
}
