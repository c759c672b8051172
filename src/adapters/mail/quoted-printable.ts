import * as qp from "nodemailer/lib/qp";

/**
 * The quoted-printable body (RFC 2045 §6.7) of a text as it goes over SMTP: nodemailer's
 * `qp.wrap(qp.encode(text), 76)` (what its MIME tree streams for a text part), byte for byte,
 * with each line break already CRLF, as the SMTP DATA stage (nodemailer's DataStream) makes
 * every bare LF, so that stage has nothing left to insert.
 * nodemailer's wrap cuts the encoded string into 76-character windows with substrings and
 * regular expressions; this walks the same windows over bytes and takes the same decisions
 * (its steps are named where they are taken). test/unit/mail.raw-message.test.ts holds the two
 * to the same output on every mail the product sends and on random texts. A text with a
 * carriage return of its own goes through nodemailer's functions, as it is.
 */
export function quotedPrintable(text: string): Buffer {
  if (text.includes("\r")) {
    return Buffer.from(qp.wrap(qp.encode(text), LINE), "latin1");
  }
  const encodedLength = encode(text);
  const wrappedLength = wrap(encodedLength);
  return Buffer.from(wrapped.subarray(0, wrappedLength));
}

const LINE = 76;
/** nodemailer's `lineMargin`: the tail of a window searched for a place to break. */
const MARGIN = Math.floor(LINE / 3);
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const EQUALS = 0x3d;
const HEX = Buffer.from("0123456789ABCDEF", "latin1");

/** Bytes written as they are (RFC 2045 §6.7 rule 2, and the line breaks): nodemailer's QP_RANGES. */
const LITERAL = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  LITERAL[byte] = byte === TAB || byte === LF || byte === CR || (byte >= 0x20 && byte <= 0x3c) || (byte >= 0x3e && byte <= 0x7e) ? 1 : 0;
}

/** Where nodemailer's wrap may break a line after (its `[ \t.,!?]`). */
const BREAK_AFTER = new Uint8Array(256);
for (const char of " \t.,!?") {
  BREAK_AFTER[char.charCodeAt(0)] = 1;
}

/**
 * Scratch space, reused by every call (each call copies its result out before returning):
 * the encoded text, then the wrapped lines. Grown to the longest mail seen.
 */
let encoded = new Uint8Array(16 * 1024);
let wrapped = new Uint8Array(16 * 1024);

/**
 * nodemailer's `encode` of the text's UTF-8 bytes into `encoded`: every byte as is or as =XX;
 * a space or tab before a line break or at the end as =XX. Returns the length.
 * Reads the string's UTF-16 units (no UTF-8 Buffer in between); a lone surrogate is
 * U+FFFD, as Buffer.from(text, "utf8") makes it.
 */
function encode(text: string): number {
  const length = text.length;
  // A UTF-16 unit is at most 3 UTF-8 bytes (a pair is 4 for 2 units), each at most 3 characters.
  if (encoded.length < length * 9) {
    encoded = new Uint8Array(length * 9);
  }
  const out = encoded;
  let at = 0;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      if (LITERAL[code] === 1) {
        if (code !== SPACE && code !== TAB) {
          out[at++] = code;
          continue;
        }
        const next = i + 1 < length ? text.charCodeAt(i + 1) : LF;
        if (next !== LF && next !== CR) {
          out[at++] = code;
          continue;
        }
      }
      at = escape(out, at, code);
      continue;
    }
    if (code < 0x800) {
      at = escape(out, at, 0xc0 | (code >> 6));
      at = escape(out, at, 0x80 | (code & 0x3f));
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        i++;
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        at = escape(out, at, 0xf0 | (code >> 18));
        at = escape(out, at, 0x80 | ((code >> 12) & 0x3f));
        at = escape(out, at, 0x80 | ((code >> 6) & 0x3f));
        at = escape(out, at, 0x80 | (code & 0x3f));
        continue;
      }
      code = 0xfffd;
    }
    at = escape(out, at, 0xe0 | (code >> 12));
    at = escape(out, at, 0x80 | ((code >> 6) & 0x3f));
    at = escape(out, at, 0x80 | (code & 0x3f));
  }
  return at;
}

function escape(out: Uint8Array, at: number, byte: number): number {
  out[at] = EQUALS;
  out[at + 1] = HEX[byte >> 4] as number;
  out[at + 2] = HEX[byte & 15] as number;
  return at + 3;
}

/** The byte an =XX escape starting at `at` stands for. */
function escapedByte(src: Uint8Array, at: number): number {
  return (hexValue(src[at + 1] as number) << 4) | hexValue(src[at + 2] as number);
}

function hexValue(char: number): number {
  return char <= 0x39 ? char - 0x30 : char - 0x37;
}

/**
 * nodemailer's `wrap` with a line of 76, from `encoded` (`length` bytes, no CR, so its first
 * step, a CRLF in the window, never applies) into `wrapped`, each LF written as CRLF.
 * Returns the wrapped length. A "window" is nodemailer's `str.substr(pos, 76)`, its "tail"
 * the last 25 characters of it.
 */
function wrap(length: number): number {
  const src = encoded;
  if (length <= LINE) {
    // nodemailer's wrap leaves a text of one window as it is.
    return copyLine(src, 0, length, 0);
  }
  let at = 0;
  let pos = 0;
  while (pos < length) {
    const end = Math.min(pos + LINE, length);
    const tail = Math.max(pos, end - MARGIN);
    let lineEnd = end;
    let soft = false;
    if (src[end - 1] === LF) {
      // A window ending in LF is a line as it stands.
    } else {
      const lastLf = lastIndexIn(src, LF, tail, end);
      if (lastLf >= 0) {
        // A LF in the tail: the line ends after the last one.
        lineEnd = lastLf + 1;
      } else {
        lineEnd = softLineEnd(src, pos, end, tail, length);
        soft = lineEnd < length && src[lineEnd - 1] !== LF;
      }
    }
    at = copyLine(src, pos, lineEnd, at);
    if (soft) {
      wrapped[at++] = EQUALS;
      wrapped[at++] = CR;
      wrapped[at++] = LF;
    }
    pos = lineEnd;
  }
  return at;
}

/** Copies [from, to) of `src` to `wrapped` at `at`, each LF as CRLF, with room for a soft break after; returns the new end. */
function copyLine(src: Uint8Array, from: number, to: number, at: number): number {
  // At most two bytes for each one copied, and "=\r\n".
  const needed = at + 2 * (to - from) + 3;
  if (wrapped.length < needed) {
    const bigger = new Uint8Array(Math.max(needed, wrapped.length * 2));
    bigger.set(wrapped.subarray(0, at));
    wrapped = bigger;
  }
  const out = wrapped;
  for (let i = from; i < to; i++) {
    const byte = src[i] as number;
    if (byte === LF) {
      out[at++] = CR;
    }
    out[at++] = byte;
  }
  return at;
}

/** Where a window with no LF in its tail ends its line (before the soft break, if one follows). */
function softLineEnd(src: Uint8Array, pos: number, end: number, tail: number, length: number): number {
  let lineEnd = end;
  let breakAt = -1;
  if (end - pos > LINE - MARGIN) {
    for (let i = end - 1; i >= tail; i--) {
      if (BREAK_AFTER[src[i] as number] === 1) {
        breakAt = i;
        break;
      }
    }
  }
  if (breakAt >= 0) {
    // After the last space or punctuation in the tail.
    lineEnd = breakAt + 1;
  } else if (lastIndexIn(src, EQUALS, Math.max(pos, end - 3), end) >= 0) {
    // The window ends inside or right after an escape ("=" only ever starts one): an incomplete
    // one goes to the next line, and so do complete ones that would split a UTF-8 sequence.
    const incomplete = lastIndexIn(src, EQUALS, Math.max(pos, end - 2), end);
    if (incomplete >= 0) {
      lineEnd = incomplete;
    }
    while (lineEnd - pos > 3 && lineEnd < length && !onlyEscapes(src, pos, lineEnd) && src[lineEnd - 3] === EQUALS) {
      const byte = escapedByte(src, lineEnd - 3);
      if (byte < 0x80) {
        break;
      }
      lineEnd -= 3;
      if (byte >= 0xc0) {
        break;
      }
    }
  }
  if (lineEnd === pos) {
    lineEnd = end;
  }
  if (lineEnd < length && src[lineEnd - 1] !== LF && lineEnd - pos === LINE) {
    // A full window leaves room for the "=": its last escape, or its last character, goes to the next line.
    lineEnd -= src[lineEnd - 3] === EQUALS ? 3 : 1;
  }
  return lineEnd;
}

/** The index of the last `byte` in [from, to), or -1. */
function lastIndexIn(src: Uint8Array, byte: number, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) {
    if (src[i] === byte) {
      return i;
    }
  }
  return -1;
}

/** Whether [from, to) is one to four escapes and nothing else (nodemailer's `^(?:=[\da-f]{2}){1,4}$`). */
function onlyEscapes(src: Uint8Array, from: number, to: number): boolean {
  const length = to - from;
  if (length % 3 !== 0 || length < 3 || length > 12) {
    return false;
  }
  for (let i = from; i < to; i += 3) {
    if (src[i] !== EQUALS) {
      return false;
    }
  }
  return true;
}
