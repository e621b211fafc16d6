// Errors the exchange core raises at its boundary, each with a stable code. Rejections of a command by
// the engine are not errors: they come back as a `rejected` event in the acknowledged command.

export const CORE_ERROR_CODES = [
  /** The journal has a bad record before its tail; the core refuses to start. */
  'JOURNAL_CORRUPT',
  /** Another process (or another core in this one) holds the data directory's journal. */
  'DATA_DIR_LOCKED',
  /** Journal, snapshots, read models or engine settings of a data directory disagree. */
  'DATA_DIR_INCONSISTENT',
  /** `submit` after `close()` began. */
  'CORE_CLOSED',
  /** The core stopped on an earlier unrecoverable error (see `cause`). */
  'CORE_FAILED',
  /** The journal failed to append or to make records durable. */
  'JOURNAL_FAILED',
  /** The journal cannot write for now (disk full) and retries; try again later. */
  'JOURNAL_STALLED',
  /** The engine worker stopped (a broken invariant stops the shard; restart replays). */
  'ENGINE_FAILED',
  /** The command could not be encoded for the journal (for example a non-JSON value). */
  'INVALID_COMMAND',
  /** Too many commands are waiting for their ack; the caller should back off and retry. */
  'OVERLOADED',
  /**
   * A clustered core could not reach a leader, or the leader did not confirm the command: it may or
   * may not be in the log (see packages/remote-core); the client looks before sending it again.
   */
  'UNAVAILABLE',
] as const;

export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

export class CoreError extends Error {
  readonly code: CoreErrorCode;

  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreError';
    this.code = code;
  }
}

/**
 * A refusal a busy core gives by the thousand a second (OVERLOADED), made without the stack trace an
 * Error captures: 3-4 us each on the thread that submits (the gateway's), which an overloaded
 * server can least afford, and it says nothing (the caller backs off; no code is at fault). Node
 * hides its own frames the same way (`Error.stackTraceLimit`, restored before anything else runs).
 */
export function refusalError(code: CoreErrorCode, message: string): CoreError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CoreError(code, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The core's failure when its journal cannot write or commit. */
export function journalFailed(error: unknown): CoreError {
  const message = error instanceof Error ? error.message : String(error);
  return new CoreError('JOURNAL_FAILED', `journal failed: ${message}`, { cause: error });
}
