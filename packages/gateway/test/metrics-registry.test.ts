// The `/metrics` registry reads the order path's plain counters and histograms when scraped: a value
// bumped in a field shows on the next render, histograms come out cumulative with +Inf, _sum and
// _count, reject codes as labelled series, and every family keeps its name and type.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { observe, openExchangeCore } from '@bourse/core';
import { createGatewayMetrics } from '../src/ops/gateway-metrics.ts';
import { createMetricsRegistry } from '../src/ops/metrics-registry.ts';

test('the registry renders the live fields with their names, types and cumulative buckets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-metrics-'));
  const core = await openExchangeCore({ dataDir: dir });
  try {
    const gw = createGatewayMetrics();
    const registry = createMetricsRegistry({ core, gateway: gw, wsConnections: () => 7 });
    const before = await registry.metrics();
    assert.match(before, /^# TYPE bourse_rejects_by_code_total counter$/m);
    assert.doesNotMatch(before, /^bourse_rejects_by_code_total\{/m);
    gw.httpRequests = 41;
    core.metrics.rejectsByCode.set('INSUFFICIENT_FUNDS', 3);
    for (const s of [0.0002, 0.0002, 0.003, 9]) observe(core.metrics.ackLatencySeconds, s);
    observe(core.metrics.ackStages!.journal_write, 0.0029);
    const page = await registry.metrics();
    assert.match(
      page,
      /^# TYPE bourse_http_requests_total counter\nbourse_http_requests_total 41$/m,
    );
    assert.match(page, /^bourse_ws_connections 7$/m);
    assert.match(page, /^# TYPE bourse_ws_connections gauge$/m);
    assert.match(page, /^bourse_rejects_by_code_total\{code="INSUFFICIENT_FUNDS"\} 3$/m);
    assert.match(page, /^# TYPE bourse_ack_latency_seconds histogram$/m);
    assert.match(page, /^bourse_ack_latency_seconds_bucket\{le="0.00025"\} 2$/m);
    assert.match(page, /^bourse_ack_latency_seconds_bucket\{le="0.005"\} 3$/m);
    assert.match(page, /^bourse_ack_latency_seconds_bucket\{le="5"\} 3$/m);
    assert.match(page, /^bourse_ack_latency_seconds_bucket\{le="\+Inf"\} 4$/m);
    assert.match(page, /^bourse_ack_latency_seconds_count 4$/m);
    assert.match(page, /^bourse_ack_latency_seconds_sum 9.0034$/m);
    assert.match(page, /^# TYPE bourse_ack_stage_seconds histogram$/m);
    assert.match(page, /^bourse_ack_stage_seconds_bucket\{stage="journal_write",le="0.002"\} 0$/m);
    assert.match(page, /^bourse_ack_stage_seconds_bucket\{stage="journal_write",le="0.003"\} 1$/m);
    assert.match(page, /^bourse_ack_stage_seconds_count\{stage="journal_write"\} 1$/m);
    assert.match(page, /^bourse_ack_stage_seconds_count\{stage="engine"\} 0$/m);
    assert.match(page, /^bourse_journal_stalled 0$/m);
    const families = [...page.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]);
    assert.equal(new Set(families).size, families.length, 'each family once');
    assert.ok(families.length >= 30);
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
