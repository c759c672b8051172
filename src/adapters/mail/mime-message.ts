import { randomBytes } from "node:crypto";
import MimeNode from "nodemailer/lib/mime-node";
import { foldLines, hasLongerLines, isPlainText } from "nodemailer/lib/mime-funcs";
import { quotedPrintable } from "./quoted-printable.ts";

/** What the transport needs to hand nodemailer a finished message: `sendMail({ raw, envelope, messageId })`. */
export interface RawMessage {
  /**
   * The RFC 5322 message, byte for byte on the wire what nodemailer's MIME tree sent for the
   * same mail; its line breaks are CRLF already where nodemailer's were LF until SMTP's DATA stage.
   */
  raw: Buffer;
  /** The SMTP envelope nodemailer would have derived: MAIL FROM the return path (or the From address), RCPT TO the recipient. */
  envelope: { from: string; to: string };
  messageId: string;
}

export interface ComposedMail {
  to: string;
  subject: string;
  text: string;
  returnPath?: string;
}

/**
 * Builds each outgoing mail's message once, as one Buffer, instead of nodemailer's MIME tree
 * (a node per mail, its header normalisation, a stream per stage and the quoted-printable
 * encoder as a stream), which took about ten times the CPU of building it here and half of a
 * whole send over SMTP (bench/mail-send.ts).
 * The message is the one nodemailer builds for `{ from, to, subject, text, headers }`,
 * header for header and, once through SMTP's DATA stage, byte for byte
 * (test/unit/mail.raw-message.test.ts compares them on every mail the product sends): the
 * same header order and folding, the same Subject encoding (nodemailer's own functions), the
 * same choice of 7bit, quoted-printable or base64 and the same line wrapping
 * (quoted-printable.ts), a fresh Date and a random Message-ID on the return path's domain.
 * The only difference before that stage: the body's line breaks are CRLF already, which DKIM's
 * relaxed body canonicalisation reads as it read nodemailer's LF (same signature). What stays
 * constant per transport (From, the extra headers) is encoded once; a Subject once per
 * distinct subject.
 */
export class MessageComposer {
  /** A node only to call nodemailer's header encoding on; it holds no mail. */
  private readonly encoder = new MimeNode("text/plain");
  private readonly fromLine: string;
  private readonly extraLines: string[];
  /** The From address, as nodemailer puts it in the envelope when no return path is given. */
  private readonly fromAddress: string;
  private readonly subjectLines = new Map<string, string>();
  private readonly messageIdDomains = new Map<string, string>();
  /** Random bytes for Message-IDs, drawn 4 KiB at a time: one randomBytes call per 256 mails rather than per mail. */
  private entropy = Buffer.alloc(0);
  private entropyAt = 0;

  constructor(from: string, extraHeaders: Record<string, string>) {
    this.extraLines = Object.entries(extraHeaders).map(([key, value]) => this.headerLine(key, value));
    this.fromLine = this.headerLine("From", from);
    this.fromAddress = new MimeNode().setEnvelope({ from, to: [] }).getEnvelope().from || from;
  }

  /**
   * The message of one mail; null for a text nodemailer would stream in a way this does not
   * reproduce (empty, ending in a space or tab, or over 64 KiB), which the caller sends the old way.
   * `date` and `messageId` are for tests; a mail takes the time now and a random ID.
   */
  compose(mail: ComposedMail, options?: { date?: Date; messageId?: string }): RawMessage | null {
    const { text } = mail;
    if (text === "" || text.endsWith(" ") || text.endsWith("\t") || text.length > MAX_TEXT_UNITS) {
      return null;
    }
    const envelopeFrom = mail.returnPath ?? this.fromAddress;
    const messageId = options?.messageId ?? this.randomMessageId(envelopeFrom);
    const date = (options?.date ?? new Date()).toUTCString().replace(/GMT/, "+0000");
    const { encoding, body } = encodedBody(text);
    const head = [
      ...this.extraLines,
      this.fromLine,
      this.headerLine("To", mail.to),
      this.subjectLine(mail.subject),
      foldLines(`Message-ID: ${messageId}`, LINE),
      `Content-Transfer-Encoding: ${encoding}`,
      `Date: ${date}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
    ].join("\r\n");
    // nodemailer ends the message with a line break unless its last byte is one (its LastNewline stage).
    const last = body[body.length - 1];
    const ending = last === LF ? EMPTY : last === CR ? LF_ONLY : CRLF;
    const headBytes = Buffer.from(`${head}\r\n\r\n`, "utf8");
    const raw = Buffer.concat([headBytes, body, ending], headBytes.length + body.length + ending.length);
    return { raw, envelope: { from: envelopeFrom, to: mail.to }, messageId };
  }

  private headerLine(key: string, value: string): string {
    return foldLines(`${key}: ${this.encoder.encodeHeaderValue(key, value)}`, LINE);
  }

  private subjectLine(subject: string): string {
    let line = this.subjectLines.get(subject);
    if (line === undefined) {
      if (this.subjectLines.size >= MAX_CACHED) {
        this.subjectLines.clear();
      }
      line = this.headerLine("Subject", subject);
      this.subjectLines.set(subject, line);
    }
    return line;
  }

  /** nodemailer's form, `<8-4-4-4-12 random hex@domain of the envelope's MAIL FROM>`. */
  private randomMessageId(envelopeFrom: string): string {
    if (this.entropyAt + 16 > this.entropy.length) {
      this.entropy = randomBytes(4096);
      this.entropyAt = 0;
    }
    const hex = this.entropy.toString("hex", this.entropyAt, this.entropyAt + 16);
    this.entropyAt += 16;
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return `<${id}@${this.messageIdDomain(envelopeFrom)}>`;
  }

  /** The domain nodemailer names in a Message-ID: its envelope's MAIL FROM after its address normalisation (punycode, lower case). */
  private messageIdDomain(envelopeFrom: string): string {
    const at = envelopeFrom.lastIndexOf("@");
    // The normalisation of a domain depends on the local part only when that is not ASCII (SMTPUTF8).
    const key = at > 0 && isAscii(envelopeFrom.slice(0, at)) ? envelopeFrom.slice(at + 1) : null;
    const cached = key === null ? undefined : this.messageIdDomains.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const normalised = new MimeNode().setEnvelope({ from: envelopeFrom, to: [] }).getEnvelope().from || "localhost";
    const domain = normalised.split("@").pop() ?? normalised;
    if (key !== null) {
      if (this.messageIdDomains.size >= MAX_CACHED) {
        this.messageIdDomains.clear();
      }
      this.messageIdDomains.set(key, domain);
    }
    return domain;
  }
}

const LINE = 76;
const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);
const LF_ONLY = Buffer.from("\n");
const CRLF = Buffer.from("\r\n");
/** nodemailer's quoted-printable stream encodes 64 KiB slices; one slice (3 bytes per UTF-16 unit at most) is what this reproduces. */
const MAX_TEXT_UNITS = Math.floor((64 * 1024) / 3);
/** Subjects and bounce domains are a handful; a bound all the same. */
const MAX_CACHED = 256;

/**
 * nodemailer's choice for a text part: 7bit when it is ASCII with lines of at most 76,
 * else quoted-printable when there are more Latin letters than other characters, else base64.
 */
function encodedBody(text: string): { encoding: string; body: Buffer } {
  if (isPlainText(text) && !hasLongerLines(text, LINE)) {
    // Line breaks as SMTP's DATA stage would make them (a text with a CR of its own it leaves to that stage).
    return { encoding: "7bit", body: Buffer.from(text.includes("\r") ? text : text.replaceAll("\n", "\r\n"), "utf8") };
  }
  if (mostlyLatin(text)) {
    return { encoding: "quoted-printable", body: quotedPrintable(text) };
  }
  return { encoding: "base64", body: base64Lines(text) };
}

/** nodemailer's `_getTextEncoding`: "Q" when non-Latin and control characters are fewer than the letters A-Z and a-z. */
function mostlyLatin(text: string): boolean {
  let nonLatin = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x08 || code === 0x0b || code === 0x0c || (code >= 0x0e && code <= 0x1f) || code >= 0x80) {
      nonLatin += 1;
    } else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) {
      latin += 1;
    }
  }
  return nonLatin < latin;
}

/** base64 in lines of 76 joined by CRLF, the last one without (nodemailer's base64 encoder). */
function base64Lines(text: string): Buffer {
  const encoded = Buffer.from(text, "utf8").toString("base64");
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += LINE) {
    lines.push(encoded.slice(at, at + LINE));
  }
  return Buffer.from(lines.join("\r\n"), "latin1");
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      return false;
    }
  }
  return true;
}
