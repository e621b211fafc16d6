// Live operations view from /metrics, polled every second: command throughput, ack latency percentiles
// over the last interval, WebSocket connections and traffic, projection lag and the engine queue; and
// the cluster (cluster-card.tsx), or that this is one server.

import { useEffect, useRef, useState } from 'react';
import {
  bucketQuantile,
  bucketsSince,
  type MetricsText,
  parseMetricsText,
} from '@bourse/protocol/metrics-text';
import { ClusterCard } from './cluster-card.tsx';

interface Sample {
  readonly ts: number;
  readonly throughput: number;
  readonly p50: number | undefined;
  readonly p99: number | undefined;
  readonly wsOut: number;
}

const POLL_MS = 1_000;
const KEEP = 120;

function Spark({ values, label }: { values: readonly (number | undefined)[]; label: string }) {
  const pts = values.map((v) => v ?? 0);
  const max = Math.max(1e-9, ...pts);
  const d = pts
    .map(
      (v, i) =>
        `${i === 0 ? 'M' : 'L'}${((i / Math.max(1, pts.length - 1)) * 300).toFixed(1)},${(48 - (v / max) * 44).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg viewBox="0 0 300 50" className="spark" role="img" aria-label={label}>
      <path d={d} />
    </svg>
  );
}

const ms = (s: number | undefined) =>
  s === undefined ? '—' : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;

export function OperationsPage() {
  const [metrics, setMetrics] = useState<MetricsText | undefined>();
  const [samples, setSamples] = useState<Sample[]>([]);
  const [error, setError] = useState<string | undefined>();
  const prev = useRef<{ ts: number; m: MetricsText } | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const res = await fetch('/metrics', { cache: 'no-store' });
        if (!res.ok) throw new Error(`Metrics answered ${res.status}`);
        const m = parseMetricsText(await res.text());
        const ts = performance.now();
        const p = prev.current;
        if (p !== undefined) {
          const dt = (ts - p.ts) / 1000;
          const rate = (name: string) =>
            ((m.values.get(name) ?? 0) - (p.m.values.get(name) ?? 0)) / dt;
          const window = bucketsSince(
            m.histograms.get('bourse_ack_latency_seconds'),
            p.m.histograms.get('bourse_ack_latency_seconds'),
          );
          const s: Sample = {
            ts: Date.now(),
            throughput: rate('bourse_commands_total'),
            p50: bucketQuantile(window, 0.5),
            p99: bucketQuantile(window, 0.99),
            wsOut: rate('bourse_ws_messages_out_total'),
          };
          if (!stopped) setSamples((x) => [...x.slice(-(KEEP - 1)), s]);
        }
        prev.current = { ts, m };
        if (!stopped) {
          setMetrics(m);
          setError(undefined);
        }
      } catch (err) {
        if (!stopped) setError(err instanceof Error ? err.message : String(err));
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  const last = samples.at(-1);
  const v = (name: string) => metrics?.values.get(name);
  const all = bucketsSince(metrics?.histograms.get('bourse_ack_latency_seconds'));
  return (
    <section className="ops">
      <h1>Operations</h1>
      {error && <p className="error">{error}</p>}
      <div className="kpis">
        <div className="card kpi">
          <span className="label">Throughput</span>
          <span className="big" data-testid="ops-throughput">
            {last === undefined ? '—' : `${Math.round(last.throughput).toLocaleString()} cmd/s`}
          </span>
          <Spark
            values={samples.map((s) => s.throughput)}
            label="Throughput over the last two minutes"
          />
        </div>
        <div className="card kpi">
          <span className="label">Ack latency (last second)</span>
          <span className="big">
            p50 {ms(last?.p50)} · p99 {ms(last?.p99)}
          </span>
          <Spark
            values={samples.map((s) => s.p99)}
            label="p99 ack latency over the last two minutes"
          />
        </div>
        <div className="card kpi">
          <span className="label">Connections</span>
          <span className="big" data-testid="ops-connections">
            {v('bourse_ws_connections') ?? '—'}
          </span>
          <span className="muted small">
            {last === undefined ? '' : `${Math.round(last.wsOut).toLocaleString()} msg/s out`}
          </span>
        </div>
        <div className="card kpi">
          <span className="label">Projection lag</span>
          <span className="big" data-testid="ops-lag">
            {v('bourse_projection_lag_commands') ?? '—'} cmds
          </span>
          <span className="muted small">Engine queue {v('bourse_engine_queue_depth') ?? '—'}</span>
        </div>
      </div>
      <ClusterCard />
      <div className="card">
        <h2>Totals since start</h2>
        <dl className="summary cols">
          <dt>Commands</dt>
          <dd>{v('bourse_commands_total')?.toLocaleString() ?? '—'}</dd>
          <dt>Rejects</dt>
          <dd>{v('bourse_rejects_total')?.toLocaleString() ?? '—'}</dd>
          <dt>Durable seq</dt>
          <dd>{v('bourse_durable_seq')?.toLocaleString() ?? '—'}</dd>
          <dt>Journal fsyncs</dt>
          <dd>{v('bourse_journal_fsyncs_total')?.toLocaleString() ?? '—'}</dd>
          <dt>Ack p50 / p99 / p99.9</dt>
          <dd>
            {ms(bucketQuantile(all, 0.5))} / {ms(bucketQuantile(all, 0.99))} /{' '}
            {ms(bucketQuantile(all, 0.999))}
          </dd>
          <dt>HTTP requests / errors</dt>
          <dd>
            {v('bourse_http_requests_total')?.toLocaleString() ?? '—'} /{' '}
            {v('bourse_http_errors_total')?.toLocaleString() ?? '—'}
          </dd>
          <dt>Rate limited</dt>
          <dd>{v('bourse_rate_limited_total')?.toLocaleString() ?? '—'}</dd>
          <dt>Slow consumers (conflated / dropped)</dt>
          <dd>
            {v('bourse_ws_conflations_total') ?? '—'} /{' '}
            {v('bourse_ws_slow_disconnects_total') ?? '—'}
          </dd>
        </dl>
      </div>
    </section>
  );
}
