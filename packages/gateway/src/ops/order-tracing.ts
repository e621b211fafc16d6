// OpenTelemetry spans for commands the gateway submits (the order path): one `gateway <command>` span
// around the submit, a `core.submit` child for the core's part, and under it, from the times the core
// recorded (`recordTimings`), `core.sequence` (queued and journaled until handed to the engine),
// `engine.apply`, `journal.commit` (the group commit that made the command durable) and `ack`. The spans
// are made after the answer arrives, with their real start and end times, so nothing crosses into the
// engine thread. Off unless the server is given a tracer: then this module is never called.

import type { AppliedCommand, CommandInput, ExchangeCore } from '@bourse/core';
import {
  type Attributes,
  type Context,
  context,
  type HrTime,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/** What the spans say about a command: its type, account and market, and once known seq and outcome. */
function inputAttributes(input: CommandInput): Attributes {
  const a: Attributes = { 'bourse.command': input.type };
  if ('accountId' in input) a['bourse.account_id'] = input.accountId;
  if ('instrumentId' in input && input.instrumentId !== undefined) {
    a['bourse.instrument_id'] = input.instrumentId;
  }
  return a;
}

/**
 * A `performance.now()` reading as an absolute time. Every span gets its times this way, on one clock:
 * the SDK would otherwise anchor each span's performance times to the wall clock separately (at ms
 * granularity), so a child could seem to start before its parent.
 */
function hr(ms: number): HrTime {
  const epochMs = performance.timeOrigin + ms;
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.min(999_999_999, Math.round((epochMs - seconds * 1000) * 1e6))];
}

function child(tracer: Tracer, parent: Context, name: string, start: number, end: number): void {
  // Spans of stages that did not happen (zero times: a core that keeps no timings) are left out.
  if (start <= 0 || end < start) return;
  tracer.startSpan(name, { startTime: hr(start) }, parent).end(hr(end));
}

/** The core's stages as children of its span, from the timings it recorded on the command. */
function coreStages(tracer: Tracer, parent: Context, applied: AppliedCommand): void {
  const t = applied.timings;
  if (t === undefined) return;
  const b = t.batch;
  child(tracer, parent, 'core.sequence', t.startedAt, b.postedAt);
  child(tracer, parent, 'engine.apply', b.postedAt, b.appliedAt);
  child(tracer, parent, 'journal.commit', b.commitStartedAt, b.durableAt);
  child(tracer, parent, 'ack', Math.max(b.appliedAt, b.durableAt), b.ackedAt);
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

export class OrderTracing {
  readonly #tracer: Tracer;

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }

  /** `core.submit(input)` inside the spans; answers and fails exactly as the core does. */
  async submit(core: ExchangeCore, input: CommandInput): Promise<AppliedCommand> {
    // Every time on one clock, the core's (`performance.now()`), as `hr` explains.
    const startTime = hr(performance.now());
    const root = this.#tracer.startSpan(`gateway ${input.type}`, {
      kind: SpanKind.SERVER,
      attributes: inputAttributes(input),
      startTime,
    });
    const rootCtx = trace.setSpan(context.active(), root);
    const coreSpan = this.#tracer.startSpan(
      'core.submit',
      { kind: SpanKind.INTERNAL, startTime },
      rootCtx,
    );
    try {
      const applied = await core.submit(input);
      const first = applied.events[0];
      const outcome = first?.type === 'rejected' ? first.reason : 'accepted';
      for (const s of [root, coreSpan]) {
        s.setAttributes({ 'bourse.seq': applied.seq, 'bourse.outcome': outcome });
      }
      coreStages(this.#tracer, trace.setSpan(rootCtx, coreSpan), applied);
      return applied;
    } catch (error) {
      fail(coreSpan, error);
      fail(root, error);
      throw error;
    } finally {
      const end = hr(performance.now());
      coreSpan.end(end);
      root.end(end);
    }
  }
}
