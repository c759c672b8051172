import { simpleParser } from "mailparser";

/** What a delivery status notification (RFC 3464) reports about the first recipient that has a status. */
export interface ParsedDsn {
  /** RFC 3463 status code, e.g. "5.2.2". */
  status: string;
  /** RFC 3464 Action: failed, delayed, delivered, relayed, expanded. */
  action: string | null;
  /** The remote server's text (Diagnostic-Code), printable, ≤ 200 characters; for the call center only, never put into a mail. */
  diagnostic: string | null;
}

const DIAGNOSTIC_MAX = 200;

/**
 * Reads a DSN: `multipart/report; report-type=delivery-status` with a `message/delivery-status`
 * part (mailparser keeps that part as an attachment with `keepDeliveryStatus`). Null for anything
 * else (an auto-reply, spam, a DSN without a status): the caller drops and counts it.
 */
export async function parseDsn(raw: Buffer): Promise<ParsedDsn | null> {
  let parsed;
  try {
    parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  } catch {
    return null;
  }
  const contentType = parsed.headers.get("content-type") as { value?: string; params?: Record<string, string> } | undefined;
  if (contentType?.value?.toLowerCase() !== "multipart/report" || contentType.params?.["report-type"]?.toLowerCase() !== "delivery-status") {
    return null;
  }
  // RFC 6533's message/global-delivery-status is the same fields in UTF-8 (from an SMTPUTF8 relay).
  const part = parsed.attachments.find((attachment) => ["message/delivery-status", "message/global-delivery-status"].includes(attachment.contentType.toLowerCase()));
  if (part === undefined) {
    return null;
  }
  return recipientStatus(part.content.toString("utf8"));
}

/** The first per-recipient block with a Status field (the per-message block, first, has none). */
function recipientStatus(text: string): ParsedDsn | null {
  for (const block of text.replace(/\r\n/g, "\n").split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    // Folded lines (RFC 5322 §2.2.3) continue the field before them.
    for (const line of block.replace(/\n[ \t]+/g, " ").split("\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    const status = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(fields.get("status") ?? "")?.[1];
    if (status !== undefined) {
      return { status, action: fields.get("action")?.toLowerCase() ?? null, diagnostic: printable(fields.get("diagnostic-code")) };
    }
  }
  return null;
}

function printable(text: string | undefined): string | null {
  if (text === undefined) {
    return null;
  }
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/gu, " ").replace(/\s+/g, " ").trim();
  return clean === "" ? null : clean.slice(0, DIAGNOSTIC_MAX);
}
