import nodemailer from "nodemailer";
import type { TestService } from "./test-service.ts";

/** Sends `raw` over SMTP to the bounce listener, as a receiving MTA returns a DSN: MAIL FROM <>. */
export async function sendToListener(t: TestService, to: string, raw: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: t.service.bounceListener?.port ?? 0, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope: { from: "", to }, raw });
  } finally {
    transport.close();
  }
}

/** The newest mail to `email`, once the worker has recorded it as sent (just after the relay took it): its outbox ID, customer and return path. */
export async function sentMailTo(t: TestService, email: string, n = 1): Promise<{ customerId: string; mailId: string; returnPath: string }> {
  const mail = await t.mailTo(email, n);
  const id = /^bounce\+([0-9a-f-]{36})@/.exec(mail.returnPath)?.[1] ?? "";
  for (;;) {
    const row = await t.service.database.db.selectFrom("mail_outbox").select(["status", "customer_id"]).where("id", "=", id).executeTakeFirstOrThrow();
    if (row.status === "sent") {
      return { customerId: row.customer_id ?? "", mailId: id, returnPath: mail.returnPath };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
