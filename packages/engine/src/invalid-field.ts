// Names the field and the rule behind an INVALID_FIELD rejection. A check answers
// `invalidField('expiresAt', 'a safe integer')` in place of the bare code; the engine's `reject`,
// called right after (single-threaded, nothing runs in between), takes the detail into the event.

let pending: { field: string; rule: string } | undefined;

/** The INVALID_FIELD code, remembering which field broke which rule for the rejection event. */
export function invalidField(field: string, rule: string): 'INVALID_FIELD' {
  pending = { field, rule };
  return 'INVALID_FIELD';
}

/** The detail of the INVALID_FIELD being rejected now, once (undefined when none was named). */
export function takeInvalidField(): { field: string; rule: string } | undefined {
  const detail = pending;
  pending = undefined;
  return detail;
}
