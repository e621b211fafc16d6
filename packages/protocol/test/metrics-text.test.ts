// The /metrics page read back: plain samples by name, histogram buckets summed over label sets (or
// split as the reader names the series, or summed over several pages), the percentiles of what a
// histogram counted between two reads interpolated inside a bucket, and sums of labelled samples.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketQuantile, bucketsSince, metricSum, parseMetricsText } from '../src/metrics-text.ts';

const ack = (counts: readonly [number, number, number]) =>
  [
    '# HELP bourse_ack_latency_seconds Submit to ack.',
    '# TYPE bourse_ack_latency_seconds histogram',
    `bourse_ack_latency_seconds_bucket{le="0.001"} ${counts[0]}`,
    `bourse_ack_latency_seconds_bucket{le="0.01"} ${counts[1]}`,
    `bourse_ack_latency_seconds_bucket{le="+Inf"} ${counts[2]}`,
    `bourse_ack_latency_seconds_sum 0.5`,
    `bourse_ack_latency_seconds_count ${counts[2]}`,
    `bourse_commands_total ${counts[2]}`,
  ].join('\n');

test('percentiles of what a histogram counted between two reads', () => {
  const before = parseMetricsText(ack([10, 10, 10]));
  const now = parseMetricsText(ack([60, 110, 110]));
  assert.equal(now.values.get('bourse_commands_total'), 110);
  const window = bucketsSince(
    now.histograms.get('bourse_ack_latency_seconds'),
    before.histograms.get('bourse_ack_latency_seconds'),
  );
  assert.deepEqual(window, [
    [0.001, 50],
    [0.01, 100],
    [Number.POSITIVE_INFINITY, 100],
  ]);
  assert.equal(bucketQuantile(window, 0.5), 0.001);
  assert.ok(Math.abs(bucketQuantile(window, 0.99)! - 0.00982) < 1e-9);
  assert.equal(bucketQuantile([], 0.5), undefined);
  assert.deepEqual(bucketsSince(undefined), []);
});

test('a quantile in the +Inf bucket is the last finite bound', () => {
  const buckets = [
    [0.001, 1],
    [0.01, 2],
    [Number.POSITIVE_INFINITY, 10],
  ] as const;
  assert.equal(bucketQuantile(buckets, 0.99), 0.01);
  assert.equal(bucketQuantile(buckets, 0.1), 0.001);
});

test('label sets are summed by default, or split into the series the reader names', () => {
  const text = [
    'bourse_stage_seconds_bucket{stage="engine",le="0.001"} 3',
    'bourse_stage_seconds_bucket{stage="engine",le="+Inf"} 4',
    'bourse_stage_seconds_bucket{stage="core",le="0.001"} 1',
    'bourse_stage_seconds_bucket{stage="core",le="+Inf"} 2',
    'bourse_stage_seconds_count{stage="core"} 2',
  ].join('\n');
  const summed = parseMetricsText(text).histograms.get('bourse_stage_seconds');
  assert.deepEqual(
    [...summed!],
    [
      [0.001, 4],
      [Number.POSITIVE_INFINITY, 6],
    ],
  );
  const split = parseMetricsText(text, (family, labels) =>
    labels.stage === 'core' ? undefined : `${family}{${labels.stage}}`,
  );
  assert.deepEqual([...split.histograms.keys()], ['bourse_stage_seconds{engine}']);
  assert.equal(split.values.size, 0, 'labelled samples are not plain values');
});

test('pages read into one sum their histograms', () => {
  const both = parseMetricsText(ack([1, 2, 3]));
  parseMetricsText(ack([10, 20, 30]), undefined, both);
  assert.equal(both.histograms.get('bourse_ack_latency_seconds')!.get(0.01), 22);
});

test('a sum of samples, all of them or those with the given labels', () => {
  const text = [
    'bourse_cluster_appends_total{node="n1"} 5',
    'bourse_cluster_appends_total{node="n2"} 7',
    'bourse_cluster_appends_total_other 100',
    'etcd_disk_wal_fsync_duration_seconds_count 9 1700000000000',
  ].join('\n');
  assert.equal(metricSum(text, 'bourse_cluster_appends_total'), 12);
  assert.equal(metricSum(text, 'bourse_cluster_appends_total', { node: 'n2' }), 7);
  assert.equal(metricSum(text, 'etcd_disk_wal_fsync_duration_seconds_count'), 9);
  assert.equal(metricSum('', 'x'), 0);
});
