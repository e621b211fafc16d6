// The binary layout of an audit note (an auth-store action journaled with who did it). Unlike an
// admin command's optional `actor`, which sends the command to JSON, the note's actor is its subject
// matter and has a place of its own.

import type { ByteReader, ByteWriter } from './codec-bytes.ts';
import { type FieldsOf, has } from './codec-fields.ts';
import type { AuditNote } from './commands.ts';

export const AUDIT_NOTE_CASE = {
  tag: 25,
  fields: { actor: 'int', action: 'str', subject: 'str', detail: 'str?' } as FieldsOf<AuditNote>,
  write: (w: ByteWriter, c: AuditNote): void => {
    w.uint(has(c.detail, 0));
    w.int(c.actor);
    w.str(c.action);
    w.str(c.subject);
    if (c.detail !== undefined) w.str(c.detail);
  },
  read: (r: ByteReader, seq: number, ts: number): AuditNote => {
    const m = r.uint();
    const c: { -readonly [K in keyof AuditNote]: AuditNote[K] } = {
      type: 'auditNote',
      seq,
      ts,
      actor: r.int(),
      action: r.str(),
      subject: r.str(),
    };
    if (m & 1) c.detail = r.str();
    return c;
  },
};
