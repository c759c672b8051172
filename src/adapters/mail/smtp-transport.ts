import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  verify(): Promise<void>;
  close(): void;
}

/** DKIM signing (RFC 6376) with the brokerage's key, so receivers can tell our mails from forgeries. */
export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** SMTP through nodemailer, plain text only (no HTML part means no hidden links). */
export function createSmtpTransport(smtpUrl: string, from: string, options?: { dkim?: DkimSettings | null }): MailTransport {
  // Pooled: at the 9:00 storm a new TCP + EHLO handshake per code mail costs more than the mail.
  const transporter = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 5, maxMessages: 500 });
  const dkim = options?.dkim ?? undefined;
  return {
    async send(mail: OutgoingMail): Promise<void> {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        // RFC 3834: tells auto-responders not to answer.
        headers: { "Auto-Submitted": "auto-generated" },
        ...(dkim === undefined ? {} : { dkim }),
      });
    },
    async verify(): Promise<void> {
      await transporter.verify();
    },
    close(): void {
      transporter.close();
    },
  };
}
