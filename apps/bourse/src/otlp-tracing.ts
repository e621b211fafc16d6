// Traces of the order path sent to an OpenTelemetry collector over OTLP/HTTP (JSON), when the operator
// names one (`bourse serve --otlp-traces <url>`, or BOURSE_OTLP_TRACES): a tracer provider with a
// batching processor, so exporting never waits on the order path; closed (and flushed) with the server.

import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface OtlpTracing {
  readonly tracer: Tracer;
  /** Sends what is buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

/** `url`: the collector's traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
export function startOtlpTracing(url: string, serviceName = 'bourse'): OtlpTracing {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`the OTLP traces endpoint must be an http(s) URL, not ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`the OTLP traces endpoint must be an http(s) URL, not ${url}`);
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  return { tracer: provider.getTracer('bourse'), shutdown: () => provider.shutdown() };
}
