// E-mail through the operator's SMTP relay (nodemailer). The Message-ID is the alert's, so a retry
// after an unclear failure is recognisable as the same message.

import nodemailer from 'nodemailer';
import type { Sender } from './dispatcher.ts';

export interface SmtpConfig {
  /** smtp://user:pass@host:port or smtps://… (nodemailer's connection URL). */
  readonly url: string;
  /** The From address, e.g. "Bourse <alerts@example.com>". */
  readonly from: string;
}

export interface EmailSender {
  readonly send: Sender;
  close(): void;
}

export function emailSender(config: SmtpConfig): EmailSender {
  const transport = nodemailer.createTransport(config.url);
  const domain = /@([^>\s]+)/.exec(config.from)?.[1] ?? 'bourse.invalid';
  return {
    send: async (d, n) => {
      const info = await transport.sendMail({
        from: config.from,
        to: d.target,
        subject: `Bourse alert: ${n.text}`,
        text: `${n.text}\n\nAlert ${n.alertId} fired at ${new Date(n.ts).toISOString()} (exchange seq ${n.seq}).\n`,
        messageId: `<alert-${n.alertId}@${domain}>`,
      });
      return { ok: true, detail: info.response ?? 'sent' };
    },
    close: () => transport.close(),
  };
}
