// The wire contract between engine nodes and gateways over NATS: subjects, request and reply shapes,
// and their encodings. Engine nodes serve it (node-server.ts); gateways' remote core is its client.
// It is the one home of these shapes: change them here, compatibly, and nowhere else.
//
// What carries commands or events in bulk travels in the engine's binary codec, the one the journal,
// the engine thread and the etcd log use: `events`, an `ok` `replay` reply, a `submit` request and
// its lean reply, grouped replies, a `journal` reply (log-format.ts). What stays JSON is small and off
// the per-order path: the `replay`, `journal` and `status` requests, `leader` announcements, `query`
// requests and replies (one read each), `status` and `gateway-status` replies, error replies, and a
// `submit` reply with duplicates (a retry's few commands). Each binary form starts with a byte JSON
// never does (`{`), so a message of an earlier version's JSON form still decodes.
//
// Delivery rules the client can rely on:
// - `submit` replies `ok` only after the batch is in the etcd log (a quorum's disks): an ok reply means
//   durable. A timeout or an error reply means "not known to be in the log". Retry a `placeOrder` with
//   the same `clientOrderId`: a node that finds (accountId, clientOrderId) in the recent log answers
//   with the command already applied (same seq, same events) and sequences nothing new.
// - `events` is a bus, not the record: messages may be lost across a failover or a slow consumer. Every
//   message carries `fromSeq..toSeq`, contiguous across messages; a gap is recovered with `replay`.
// - Only the leader answers `submit` and `query` (queue group `leader`); every node answers `status`
//   and `replay`.
// - A node that starts leading publishes `leader` once it answers `submit`: a request still waiting on
//   a previous leader will never be answered, and a client whose retry is safe sends it again at once
//   instead of waiting for its timeout.

import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import {
  ByteReader,
  ByteWriter,
  CodecError,
  type Command,
  CommandDecoder,
  type EngineEvent,
  readEvent,
  writeCommand,
  writeCommandEvents,
} from '@bourse/engine';
import {
  type AppliedCommand,
  type CommandInput,
  type CoreErrorCode,
  EncodedApplied,
  type ExchangeCore,
} from '@bourse/core';

export const DEFAULT_SUBJECT_PREFIX = 'bourse';

/** Queue group the leader subscribes `submit` and `query` with, so one leader answers each request. */
export const LEADER_QUEUE = 'leader';

/**
 * Most commands per `events` message and per `replay` reply, so a message stays well below
 * nats-server's default 1 MiB max_payload even with many events per command. A larger durable batch
 * is published as several consecutive messages.
 */
export const MAX_COMMANDS_PER_MESSAGE = 256;

/** Most commands per `submit` request (a gateway batches at most this many inputs). */
export const MAX_SUBMIT_INPUTS = 256;

export interface ClusterSubjects {
  /** Request/reply, leader only: SubmitRequest → SubmitReply. */
  readonly submit: string;
  /** Request/reply, leader only: QueryRequest → QueryReply. */
  readonly query: string;
  /** Publish by the leader after each durable batch: EventsMessage. */
  readonly events: string;
  /** Request/reply, any node (queue group `replay`): ReplayRequest → ReplayReply. */
  readonly replay: string;
  /**
   * Every node answers (no queue group): publish a StatusRequest with a reply inbox and collect the
   * StatusReply messages that arrive within a deadline (one per live node).
   */
  readonly status: string;
  /**
   * Node to node, every node answers (no queue group): JournalRequest → JournalReply. A node that was
   * away longer than the etcd log retains fetches the commands it missed from a peer's journal.
   */
  readonly journal: string;
  /** Published by a node once it leads and answers `submit`: LeaderMessage. */
  readonly leader: string;
  /** Every gateway answers (no queue group), like `status`: GatewayStatusReply. */
  readonly gatewayStatus: string;
}

export interface GatewayStatusReply {
  /** The URL the gateway serves on. */
  readonly url: string;
  readonly pid: number;
}

export interface LeaderMessage {
  readonly term: number;
  readonly node: string;
}

export function clusterSubjects(prefix: string = DEFAULT_SUBJECT_PREFIX): ClusterSubjects {
  return {
    submit: `${prefix}.submit`,
    query: `${prefix}.query`,
    events: `${prefix}.events`,
    replay: `${prefix}.replay`,
    status: `${prefix}.status`,
    journal: `${prefix}.journal`,
    leader: `${prefix}.leader`,
    gatewayStatus: `${prefix}.gateway-status`,
  };
}

/**
 * Why a request failed, as the cluster sees it:
 * - NOT_LEADER: this node is not (or no longer) the leader; retry shortly (another node will answer).
 * - UNAVAILABLE: the leader could not make the command durable (etcd unreachable, lost its lease, the
 *   core is closing or overloaded: see `coreCode`). The command is not acknowledged; it may or may not
 *   be in the log, so retry with the same clientOrderId.
 * - BAD_REQUEST: the request itself is malformed (refused before sequencing, nothing changed).
 */
export type ClusterErrorCode = 'NOT_LEADER' | 'UNAVAILABLE' | 'BAD_REQUEST';

export interface ErrorReply {
  readonly ok: false;
  readonly code: ClusterErrorCode;
  readonly message: string;
  /**
   * The exchange core's own error code when one caused this (e.g. INVALID_COMMAND, OVERLOADED,
   * CORE_CLOSED), so a gateway can refuse exactly as the single-process server does.
   */
  readonly coreCode?: CoreErrorCode;
  /** The node id of the current leader when the answering node knows it. */
  readonly leader?: string;
}

export interface SubmitRequest {
  readonly inputs: CommandInput[];
  /**
   * Ask for the seqs alone when every input was sequenced afresh: the applied commands, events
   * included, travel on `events` anyway (published before the reply, on the same connection), so a
   * requester that follows `events` takes them from there instead of decoding them twice.
   */
  readonly lean?: boolean;
  /**
   * Ask for the leader's hold in a lean binary reply (`heldUs`): how long it had the request, so the
   * requester can tell the transit (NATS both ways, each side's main thread taking the message) from
   * the leader's time without comparing two clocks. A binary flag only; JSON requests never ask.
   */
  readonly timed?: boolean;
  /**
   * The requester reads a grouped reply (`encodeGroupedReplies`): the leader may answer this request
   * together with the same inbox's other requests that it answers in the same turn, in one message.
   * A binary flag only; a node of an earlier version ignores it and answers each request alone.
   */
  readonly grouped?: boolean;
}

/**
 * `results[i]` is the applied command for `inputs[i]`. Engine rejections are ok replies (events).
 * `duplicates` lists the inputs that were placeOrders whose (accountId, clientOrderId) was already in
 * the log (or on its way there): their result is that earlier command, and nothing new was sequenced.
 * The window is the answering node's recent commands (DEFAULT_RECENT_COMMANDS in recent-commands.ts).
 */
export type SubmitReply =
  | {
      readonly ok: true;
      readonly results: AppliedCommand[];
      readonly duplicates?: number[];
    }
  | ErrorReply;

/** A `lean` request with no duplicate is answered with `seqs[i]`, the seq of `inputs[i]`'s command. */
export type LeanSubmitReply =
  | SubmitReply
  | {
      readonly ok: true;
      readonly seqs: number[];
      /** µs from the leader taking the request to its reply, when the request was `timed`. */
      readonly heldUs?: number;
    };

export type QueryMethod = keyof ExchangeCore['query'];

export interface QueryRequest {
  readonly method: QueryMethod;
  /** The method's arguments in order; `undefined` optional arguments are sent as null or left off. */
  readonly args: unknown[];
}

/** `value` is what `ExchangeCore['query'][method](...args)` resolves to (JSON; undefined → absent). */
export type QueryReply = { readonly ok: true; readonly value?: unknown } | ErrorReply;

/**
 * Travels in the engine's binary codec (`encodeEventsMessage`), not JSON: every gateway and the
 * projector decode every command of the stream, and the binary form is a fraction of the bytes.
 */
export interface EventsMessage {
  /** The leader's term that sequenced the batch. */
  readonly term: number;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** Durable applied commands `fromSeq..toSeq`, in seq order. */
  readonly batch: AppliedCommand[];
}

export interface ReplayRequest {
  readonly fromSeq: number;
  readonly toSeq: number;
  /**
   * Ask for an `ok` reply in the events codec (`encodeReplayReply`). A JSON flag, not a binary
   * request: a node of an earlier version ignores it and answers JSON, which `decodeReplayReply`
   * reads too, so gateways and nodes can be upgraded in either order.
   */
  readonly binary?: boolean;
}

/**
 * The durable applied commands from `fromSeq`, in seq order, at most MAX_COMMANDS_PER_MESSAGE and never
 * past what the answering node has applied: when `batch` ends before the requested `toSeq`, ask again
 * from the next seq. An empty batch means the node has nothing from `fromSeq` yet.
 */
export type ReplayReply = { readonly ok: true; readonly batch: AppliedCommand[] } | ErrorReply;

export interface JournalRequest {
  readonly fromSeq: number;
}

/**
 * Journaled commands from `fromSeq` on, in seq order, as many as fit in about 512 KiB; an empty list
 * when the answering node has nothing from there. A node sends the commands it has as a log batch
 * value instead (`log-format.ts`: their records as journaled, first byte 0x02); the JSON form with
 * commands is what earlier versions send, and is still read.
 */
export type JournalReply = { readonly ok: true; readonly commands: Command[] } | ErrorReply;

/** A status request carries nothing; it is published with a reply inbox. */
export type StatusRequest = Record<string, never>;

export interface StatusReply {
  readonly node: string;
  readonly role: 'leader' | 'standby';
  readonly pid: number;
  /** The election term this node last saw (the leader's own term when it leads). */
  readonly term: number;
  readonly appliedSeq: number;
  /** The state hash at `hashSeq`, the newest multiple of the hash interval this node has applied. */
  readonly stateHash: string;
  readonly hashSeq: number;
  /** The log head seq minus `appliedSeq` as this node last looked (0 on the leader). */
  readonly lagCommands?: number;
  /**
   * Set when the node stopped itself (e.g. `STATE_HASH_MISMATCH`, `BEHIND_LOG`): it applies and
   * sequences nothing more until an operator restarts it.
   */
  readonly alarm?: string;
  /**
   * The node's cluster metrics as prom-client's JSON (`clusterMetricsRegistry` in cluster-metrics.ts),
   * which gateways aggregate for their /metrics page.
   */
  readonly metrics?: MetricObjectWithValues<MetricValue<string>>[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The JSON form: every message the file header does not name as binary, and earlier versions'. */
export function encodeMessage(message: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

export function decodeMessage<T>(data: Uint8Array): T {
  return JSON.parse(decoder.decode(data)) as T;
}

/** First byte of a binary `events` message (a JSON message starts with `{`). */
const EVENTS_BINARY = 0x02;

/**
 * An `events` message in the engine's codec: `[0x02] term fromSeq toSeq count`, then per command its
 * record (length-prefixed, as the journal holds it: seq and ts are the command's) and its events.
 * Commands or events the binary layout cannot hold exactly travel as JSON inside it, as in the journal.
 */
export function encodeEventsMessage(m: EventsMessage): Uint8Array {
  const w = new ByteWriter(64 + m.batch.length * 256);
  const record = new ByteWriter(256);
  w.u8(EVENTS_BINARY);
  w.uint(m.term);
  w.uint(m.fromSeq);
  w.uint(m.toSeq);
  w.uint(m.batch.length);
  for (const applied of m.batch) {
    if (applied.seq !== applied.command.seq || applied.ts !== applied.command.ts) {
      throw new Error(`events: applied seq ${applied.seq} is not its command's`);
    }
    if (applied instanceof EncodedApplied) {
      // The same bytes, as the journal and the engine thread already hold them: copied, not encoded.
      w.uint(applied.record.length);
      w.bytes(applied.record);
      w.bytes(applied.eventBytes);
      continue;
    }
    record.pos = 0;
    writeCommand(record, applied.command);
    w.uint(record.pos);
    w.bytes(record.buf.subarray(0, record.pos));
    writeCommandEvents(w, applied.events);
  }
  return w.finish();
}

/** Decodes an `events` message in either encoding; malformed bytes give a CodecError. */
export function decodeEventsMessage(data: Uint8Array): EventsMessage | CodecError {
  if (data[0] !== EVENTS_BINARY) {
    try {
      return decodeMessage<EventsMessage>(data);
    } catch (error) {
      return new CodecError(`events: ${(error as Error).message}`, 0);
    }
  }
  const r = new ByteReader(data, 1);
  const commands = new CommandDecoder();
  try {
    const term = r.uint();
    const fromSeq = r.uint();
    const toSeq = r.uint();
    const count = r.uint();
    if (count > data.length) r.fail(`${count} commands cannot fit in ${data.length} bytes`);
    const batch = new Array<AppliedCommand>(count);
    for (let i = 0; i < count; i++) {
      const length = r.uint();
      if (r.pos + length > r.end) r.fail(`a record of ${length} bytes runs past the message`);
      const command = commands.decode(data, r.pos, r.pos + length);
      if (command instanceof CodecError) return command;
      r.pos += length;
      const n = r.uint();
      if (n > r.end - r.pos) r.fail(`${n} events cannot fit in ${r.end - r.pos} bytes`);
      const events = new Array<EngineEvent>(n);
      for (let j = 0; j < n; j++) events[j] = readEvent(r);
      batch[i] = { seq: command.seq, ts: command.ts, command, events };
    }
    if (!r.done) r.fail('bytes after the last command');
    return { term, fromSeq, toSeq, batch };
  } catch (error) {
    if (error instanceof CodecError) return error;
    return new CodecError(`events: ${(error as Error).message}`, r.pos);
  }
}

/**
 * The reply to a `replay` request: to one that asked for `binary`, an `ok` reply is an `events`
 * message (`encodeEventsMessage`, the same bytes a live message would carry for these commands) with
 * term 0, since a replayed range may span several terms and its reader keeps only the batch; an empty
 * batch has fromSeq and toSeq 0. An error reply, and every reply to a request without the flag, is
 * JSON.
 */
export function encodeReplayReply(reply: ReplayReply, binary: boolean): Uint8Array {
  if (!binary || !reply.ok) return encodeMessage(reply);
  const { batch } = reply;
  return encodeEventsMessage({
    term: 0,
    fromSeq: batch[0]?.seq ?? 0,
    toSeq: batch.at(-1)?.seq ?? 0,
    batch,
  });
}

/** A `replay` reply in either form (JSON from a node of an earlier version); malformed: CodecError. */
export function decodeReplayReply(data: Uint8Array): ReplayReply | CodecError {
  if (data[0] === EVENTS_BINARY) {
    const message = decodeEventsMessage(data);
    return message instanceof CodecError ? message : { ok: true, batch: message.batch };
  }
  try {
    const reply = decodeMessage<ReplayReply>(data);
    if (reply?.ok === false || (reply?.ok === true && Array.isArray(reply.batch))) return reply;
  } catch {
    // Not JSON either: refused below.
  }
  return new CodecError('replay reply: neither an events message nor a JSON reply', 0);
}

/**
 * Format byte of a binary `submit` request and of the binary lean reply to one (JSON starts with `{`).
 * Version 2 because its records are the command codec's format 2 (format 1 is JSON).
 */
export const SUBMIT_BINARY = 0x02;

/**
 * A `submit` request in the engine's command codec, the one the journal and the engine thread use:
 * `[0x02] uint(flags: 1 = lean, 2 = timed, 4 = grouped) uint(count)`, then each input framed as in a
 * command batch
 * (`uint(length) record`). An input's record is written as a command with seq 0 and ts 0 (and, for a
 * placeOrder, orderId 0), which the leader overwrites when it sequences it; an input the binary
 * layout cannot hold exactly travels as a JSON record, as it would be journaled. Throws only for an
 * input JSON cannot hold either (a cycle, a BigInt).
 */
export function encodeSubmitRequest(request: SubmitRequest): Uint8Array {
  const { inputs } = request;
  const w = new ByteWriter(16 + inputs.length * 64);
  const record = new ByteWriter(128);
  w.u8(SUBMIT_BINARY);
  w.uint(
    (request.lean === true ? 1 : 0) |
      (request.timed === true ? 2 : 0) |
      (request.grouped === true ? 4 : 0),
  );
  w.uint(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const unstamped = (
      input.type === 'placeOrder'
        ? { ...input, seq: 0, ts: 0, orderId: 0 }
        : { ...input, seq: 0, ts: 0 }
    ) as Command;
    record.pos = 0;
    writeCommand(record, unstamped);
    w.uint(record.pos);
    w.bytes(record.buf.subarray(0, record.pos));
  }
  return w.finish();
}

/**
 * A `submit` request in either form (a JSON one from a gateway of an earlier version). The inputs of
 * a binary one are its decoded records: commands with seq 0 and ts 0 (orderId 0 on a placeOrder),
 * fields the leader stamps over when it sequences them. Malformed bytes give a CodecError.
 */
export function decodeSubmitRequest(data: Uint8Array): SubmitRequest | CodecError {
  if (data[0] !== SUBMIT_BINARY) {
    try {
      const body: unknown = decodeMessage(data);
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        return body as SubmitRequest;
      }
    } catch {
      // Not JSON either: refused below like any other non-object.
    }
    return new CodecError('the request is not a JSON object', 0);
  }
  const r = new ByteReader(data, 1);
  const commands = new CommandDecoder();
  try {
    const flags = r.uint();
    const count = r.uint();
    if (count > data.length) r.fail(`${count} commands cannot fit in ${data.length} bytes`);
    const inputs = new Array<CommandInput>(count);
    for (let i = 0; i < count; i++) {
      const length = r.uint();
      if (r.pos + length > r.end) r.fail(`a record of ${length} bytes runs past the request`);
      const command = commands.decode(data, r.pos, r.pos + length);
      if (command instanceof CodecError) return command;
      r.pos += length;
      inputs[i] = command as unknown as CommandInput;
    }
    if (!r.done) r.fail('bytes after the last command');
    const request: { -readonly [K in keyof SubmitRequest]: SubmitRequest[K] } = {
      inputs,
      lean: (flags & 1) === 1,
    };
    if ((flags & 2) === 2) request.timed = true;
    if ((flags & 4) === 4) request.grouped = true;
    return request;
  } catch (error) {
    if (error instanceof CodecError) return error;
    return new CodecError(`submit: ${(error as Error).message}`, r.pos);
  }
}

/**
 * The reply to a `submit` request, in the request's form: to a binary request, a lean `ok` reply is
 * `[0x02] uint(count)` and each seq as a uint, then `uint(heldUs)` when the request was `timed` (a
 * requester that did not ask gets none); any other reply (results, duplicates, an error), and every
 * reply to a JSON request, is JSON.
 */
export function encodeSubmitReply(reply: LeanSubmitReply, binary: boolean): Uint8Array {
  if (!binary || !reply.ok || !('seqs' in reply)) return encodeMessage(reply);
  const w = new ByteWriter(16 + reply.seqs.length * 5);
  w.u8(SUBMIT_BINARY);
  w.uint(reply.seqs.length);
  for (const seq of reply.seqs) w.uint(seq);
  if (reply.heldUs !== undefined) w.uint(reply.heldUs);
  return w.finish();
}

/** A `submit` reply in either form; malformed bytes give a CodecError. */
export function decodeSubmitReply(data: Uint8Array): LeanSubmitReply | CodecError {
  if (data[0] !== SUBMIT_BINARY) {
    try {
      return decodeMessage<LeanSubmitReply>(data);
    } catch (error) {
      return new CodecError(`submit reply: ${(error as Error).message}`, 0);
    }
  }
  const r = new ByteReader(data, 1);
  try {
    const count = r.uint();
    if (count > data.length) r.fail(`${count} seqs cannot fit in ${data.length} bytes`);
    const seqs = new Array<number>(count);
    for (let i = 0; i < count; i++) seqs[i] = r.uint();
    if (r.done) return { ok: true, seqs };
    const heldUs = r.uint();
    if (!r.done) r.fail("bytes after the leader's hold");
    return { ok: true, seqs, heldUs };
  } catch (error) {
    if (error instanceof CodecError) return error;
    return new CodecError(`submit reply: ${(error as Error).message}`, r.pos);
  }
}

/** First byte of a grouped reply: several requests' replies in one message (JSON starts with `{`). */
export const GROUPED_REPLIES = 0x03;

/** One request's reply inside a grouped reply: its number in the requester's inbox, and its body. */
export interface GroupedPart {
  readonly id: number;
  readonly body: Uint8Array;
}

/**
 * The replies the leader has ready in one turn for one inbox's `grouped` requests, as one message
 * sent to the first one's reply subject (the inbox takes any subject under its prefix):
 * `[0x03] uint(count)`, then per request `uint(id) uint(length) body`, where `id` is the last token of
 * the request's reply subject and `body` the reply exactly as it would travel alone (a lean binary
 * reply or JSON). One message instead of one per request: fewer messages through nats-server, fewer
 * callbacks and writes on both sides.
 */
export function encodeGroupedReplies(parts: readonly GroupedPart[]): Uint8Array {
  let size = 8;
  for (const p of parts) size += 10 + p.body.length;
  const w = new ByteWriter(size);
  w.u8(GROUPED_REPLIES);
  w.uint(parts.length);
  for (const p of parts) {
    w.uint(p.id);
    w.uint(p.body.length);
    w.bytes(p.body);
  }
  return w.finish();
}

/**
 * The parts of a grouped reply, each body a view into `data` (no copy); a CodecError for malformed
 * bytes, never a partial list.
 */
export function decodeGroupedReplies(data: Uint8Array): GroupedPart[] | CodecError {
  const r = new ByteReader(data, 1);
  try {
    if (data[0] !== GROUPED_REPLIES) r.fail('not a grouped reply');
    const count = r.uint();
    if (count > data.length) r.fail(`${count} replies cannot fit in ${data.length} bytes`);
    const parts = new Array<GroupedPart>(count);
    for (let i = 0; i < count; i++) {
      const id = r.uint();
      const length = r.uint();
      if (r.pos + length > r.end) r.fail(`a reply of ${length} bytes runs past the message`);
      parts[i] = { id, body: data.subarray(r.pos, r.pos + length) };
      r.pos += length;
    }
    if (!r.done) r.fail('bytes after the last reply');
    return parts;
  } catch (error) {
    if (error instanceof CodecError) return error;
    return new CodecError(`grouped reply: ${(error as Error).message}`, r.pos);
  }
}
