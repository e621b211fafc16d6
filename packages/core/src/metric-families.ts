// Prometheus families over figures kept in plain fields: the hot paths count with a field increment or
// a fixed-bucket histogram (no allocation; decision 0530 has the benchmark), and each family here reads
// its field when scraped, through prom-client's `collect` hook, so prom-client writes the exposition.
// The server's /metrics page and each cluster node's figures are built from these.

import { Counter, Gauge, type Metric, Registry } from 'prom-client';
import type { Histogram } from './exchange-core.ts';

export type Read = () => number;

/**
 * A histogram family over one of our fixed-bucket histograms, read when scraped. prom-client's own
 * Histogram can only be fed one observation at a time; its registry takes any metric whose `get()`
 * answers the family (name, help, type, values), which this does with cumulative buckets.
 */
class HistogramView {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly #read: () => Iterable<readonly [Record<string, string>, Histogram]>;

  /** `read` answers one histogram per label set (an empty set for an unlabelled family). */
  constructor(
    name: string,
    help: string,
    read: () => Iterable<readonly [Record<string, string>, Histogram]>,
  ) {
    this.name = name;
    this.help = help;
    this.#read = read;
  }

  async get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] =
      [];
    for (const [labels, h] of this.#read()) {
      let cumulative = 0;
      h.bounds.forEach((le, i) => {
        cumulative += h.counts[i] ?? 0;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le },
          value: cumulative,
        });
      });
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: '+Inf' },
        value: h.count,
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: h.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: h.count });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }
}

/** Builds the families into a registry; `register` is where callers add their own. */
export class MetricFamilies {
  readonly registry: Registry;

  /** Families go into `registry` (a new one unless given: e.g. a server's /metrics registry). */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
  }

  counter(name: string, help: string, read: Read): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }

  /** One series per key; none before the first count (the family is still declared). */
  labelledCounter(
    name: string,
    help: string,
    label: string,
    read: () => ReadonlyMap<string, number>,
  ) {
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [key, value] of read()) this.inc({ [label]: key }, value);
      },
    });
  }

  gauge(name: string, help: string, read: Read): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** One series per label set, read (asynchronously) when scraped. */
  labelledGauge(
    name: string,
    help: string,
    labels: string[],
    read: () => Promise<{ labels: Record<string, string>; value: number }[]>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const v of await read()) this.set(v.labels, v.value);
      },
    });
  }

  histogram(name: string, help: string, read: () => Histogram): void {
    // The registry is duck-typed (it calls `get()`); its declared type lists only its own classes.
    const view = new HistogramView(name, help, () => [[{}, read()]]);
    this.registry.registerMetric(view as unknown as Metric);
  }

  /** One histogram per value of `label`; none while `read` answers undefined. */
  labelledHistogram(
    name: string,
    help: string,
    label: string,
    read: () => Readonly<Record<string, Histogram>> | undefined,
  ): void {
    const view = new HistogramView(name, help, () =>
      Object.entries(read() ?? {}).map(([value, h]) => [{ [label]: value }, h] as const),
    );
    this.registry.registerMetric(view as unknown as Metric);
  }
}
