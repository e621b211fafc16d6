// Traces of the order path over OTLP: an HTTP server in the test plays the collector, decodes what the
// exporter posts (OTLP/JSON) and checks that an order placed through the gateway gave one trace —
// `gateway placeOrder` → `core.submit` → `core.sequence`, `engine.apply`, `journal.commit`, `ack` —
// with the right parents, the order's seq, and times that nest. Without the flag nothing is traced and
// the core records no timings.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createUserWithAccount, type GatewayServices } from '@bourse/gateway';
import { openExchange } from '../src/open-exchange.ts';
import { openRainMarket } from './support/rain-market.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

let receiver: Server;
let url: string;
const spans: OtlpSpan[] = [];
const dirs: string[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      assert.equal(req.url, '/v1/traces');
      assert.match(req.headers['content-type'] ?? '', /^application\/json/);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const r of body.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
});
after(async () => {
  await new Promise((ok) => receiver.close(ok));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'bourse-otlp-'));
  dirs.push(d);
  return d;
}

/** A funded trader and an open market; answers the order it places. */
async function placeOrder(s: GatewayServices) {
  await s.submit({ type: 'createAsset', assetId: 1, code: 'USD', scale: 1_000_000 });
  const u = await createUserWithAccount(s, {
    username: 'ann',
    role: 'trader',
    password: 'pw-ann-123',
  });
  await s.submit({ type: 'deposit', accountId: u.accountId, assetId: 1, amount: 10_000_000 });
  await openRainMarket(s);
  return s.submit({
    type: 'placeOrder',
    accountId: u.accountId,
    instrumentId: 1,
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    priceTicks: 4_000,
    qtyLots: 100,
  });
}

function attr(s: OtlpSpan, key: string): string | undefined {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : String(v.stringValue ?? v.intValue);
}

test('an order placed through the gateway is one trace from gateway to ack, exported over OTLP', async () => {
  const ex = await openExchange(tempDir(), { otlpTraces: url });
  let seq = 0;
  try {
    const applied = await placeOrder(ex.gateway.services);
    seq = applied.seq;
    assert.ok(applied.timings !== undefined, 'the core recorded the stages');
  } finally {
    await ex.close(); // flushes the exporter
  }
  const root = spans.find((s) => s.name === 'gateway placeOrder');
  assert.ok(root !== undefined, `spans: ${spans.map((s) => s.name).join(', ')}`);
  assert.equal(root.parentSpanId ?? '', '');
  assert.equal(attr(root, 'bourse.seq'), String(seq));
  assert.equal(attr(root, 'bourse.outcome'), 'accepted');
  const trace = spans.filter((s) => s.traceId === root.traceId);
  const coreSpan = trace.find((s) => s.name === 'core.submit');
  assert.ok(coreSpan !== undefined);
  assert.equal(coreSpan.parentSpanId, root.spanId);
  const stages = ['core.sequence', 'engine.apply', 'journal.commit', 'ack'];
  assert.deepEqual(
    trace.map((s) => s.name).sort(),
    [...stages, 'core.submit', 'gateway placeOrder'].sort(),
  );
  const t = (s: OtlpSpan, k: 'startTimeUnixNano' | 'endTimeUnixNano') => BigInt(s[k]);
  for (const name of stages) {
    const s = trace.find((x) => x.name === name)!;
    assert.equal(s.parentSpanId, coreSpan.spanId, `${name}'s parent`);
    assert.ok(t(s, 'startTimeUnixNano') <= t(s, 'endTimeUnixNano'), `${name} ends after it starts`);
    assert.ok(t(s, 'startTimeUnixNano') >= t(root, 'startTimeUnixNano'), `${name} starts inside`);
    assert.ok(t(s, 'endTimeUnixNano') <= t(root, 'endTimeUnixNano'), `${name} ends inside`);
  }
  // The stages follow one another: sequenced, applied, acknowledged once durable.
  const at = (name: string) => trace.find((x) => x.name === name)!;
  assert.ok(
    t(at('core.sequence'), 'endTimeUnixNano') <= t(at('engine.apply'), 'startTimeUnixNano'),
  );
  assert.ok(t(at('journal.commit'), 'endTimeUnixNano') <= t(at('ack'), 'endTimeUnixNano'));
  // Every command the gateway submitted made a trace of its own.
  const roots = spans.filter((s) => s.name.startsWith('gateway '));
  assert.ok(roots.length >= 6);
  assert.equal(new Set(roots.map((s) => s.traceId)).size, roots.length);
});

test('without the flag nothing is traced and the core keeps no timings', async () => {
  const before = spans.length;
  const ex = await openExchange(tempDir());
  try {
    assert.equal(ex.gateway.services.tracing, undefined);
    const applied = await placeOrder(ex.gateway.services);
    assert.equal(applied.timings, undefined);
  } finally {
    await ex.close();
  }
  assert.equal(spans.length, before);
});
