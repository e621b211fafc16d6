// An administrative action taken outside the engine, journaled for the audit trail: the engine only
// checks its shape (so a malformed note is refused like any bad command) and changes nothing; its seq
// and time advance as for every command, which the state hash already covers.

import type { AuditNote } from './commands.ts';
import type { EngineState } from './engine-state.ts';
import { invalidField } from './invalid-field.ts';
import { isSafeInt } from './units.ts';

const ACTION = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/;

export function checkAuditNote(e: EngineState, c: AuditNote): void {
  const bad = auditNoteViolation(c);
  if (bad !== undefined) return e.reject('auditNote', bad);
}

function auditNoteViolation(c: AuditNote): 'INVALID_FIELD' | undefined {
  if (!isSafeInt(c.actor) || c.actor < 0) return invalidField('actor', 'a user id (0 or more)');
  if (typeof c.action !== 'string' || c.action.length > 64 || !ACTION.test(c.action)) {
    return invalidField('action', 'a dotted name of 1..64 characters, e.g. user.role');
  }
  if (typeof c.subject !== 'string' || c.subject.length === 0 || c.subject.length > 256) {
    return invalidField('subject', 'a string of 1..256 characters');
  }
  if (c.detail !== undefined && (typeof c.detail !== 'string' || c.detail.length > 1024)) {
    return invalidField('detail', 'a string of at most 1024 characters');
  }
  return undefined;
}
