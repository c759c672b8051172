import { InvalidInputError } from "./errors.ts";
import { CONFIRMATION_DETAIL_MAX_LENGTH, MAX_NAME_LENGTH, MAX_PASSKEY_NAME_LENGTH } from "./limits.ts";

/**
 * One rule for every free text a person will read (issue 17 item 14): a customer's or an
 * operator's name, a relying party's name (「連携中のサービス」), a passkey's name, an operator's
 * reason, a confirmation's detail. They are shown on pages, in mails, in the console and the
 * audit log, where they must read as typed: nothing hidden, nothing reordered, nothing that
 * looks blank, no link dressed as a name.
 *
 * Normalisation: NFC, which changes no character a person can tell apart (a kana and its
 * dakuten become one code point); never NFKC, which would turn a customer's ＴＡＮＡＫＡ into
 * TANAKA and ｶﾀｶﾅ into カタカナ. NFKC is only for comparing (name-fold.ts, and the URL check
 * below, so ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ is seen as the host it is). A confirmation's detail
 * is not normalised at all: the token is bound to the exact text the trading site sent.
 */
export type ReadableTextField = "customerName" | "operatorName" | "clientName" | "passkeyName" | "reason" | "confirmationDetail";

/** Why a text was refused (the words for a person are `readableTextProblemWords`). */
export type ReadableTextProblem =
  | { kind: "empty" }
  | { kind: "too_long"; max: number }
  | { kind: "broken_encoding" }
  | { kind: "hidden_character"; codePoint: number }
  | { kind: "url" };

interface FieldRule {
  maxLength: number;
  /** Line breaks and tabs kept (a reason may be a short paragraph); elsewhere refused. */
  lines: "multiple" | "one";
  /** `collapse`: spaces at the ends trimmed and every run made one ASCII space; `trim`: the ends only; `keep`: nothing (bound by a signature). */
  spaces: "collapse" | "trim" | "keep";
  normalise: "nfc" | "none";
  /** A name must not be a URL, a host or an address (a phishing lure in every greeting). */
  refuseUrls: boolean;
}

/** The longest reason an operator may write (a sentence or two for the audit log). */
export const MAX_REASON_LENGTH = 500;

const FIELD_RULES: Record<ReadableTextField, FieldRule> = {
  customerName: { maxLength: MAX_NAME_LENGTH, lines: "one", spaces: "trim", normalise: "nfc", refuseUrls: true },
  operatorName: { maxLength: MAX_NAME_LENGTH, lines: "one", spaces: "trim", normalise: "nfc", refuseUrls: true },
  clientName: { maxLength: MAX_NAME_LENGTH, lines: "one", spaces: "trim", normalise: "nfc", refuseUrls: true },
  passkeyName: { maxLength: MAX_PASSKEY_NAME_LENGTH, lines: "one", spaces: "collapse", normalise: "nfc", refuseUrls: true },
  reason: { maxLength: MAX_REASON_LENGTH, lines: "multiple", spaces: "trim", normalise: "nfc", refuseUrls: false },
  confirmationDetail: { maxLength: CONFIRMATION_DETAIL_MAX_LENGTH, lines: "one", spaces: "keep", normalise: "none", refuseUrls: false },
};

const BROKEN = /[\uFFFD\p{Cs}]/u;
// Hidden, in any field: controls (C0, DEL, C1), line and paragraph separators, every format
// character (Cf: bidi controls and isolates U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C —
// Trojan Source, CVE-2021-42574 —, zero-width space, joiners, word joiner, BOM, soft hyphen,
// tags), every default-ignorable code point (Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
// the combining grapheme joiner, Khmer and Mongolian invisibles), the braille blank U+2800,
// private-use characters (a legacy system's gaiji shows as a box) and unassigned ones.
// Variation selectors are default-ignorable too, but a kanji's (IVS) or an emoji's is part of
// the text: they are taken out first when they follow a letter, digit or symbol.
const HIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800\p{Co}\p{Cn}]/u;
const ATTACHED_VARIATION_SELECTOR = /(?<=[\p{L}\p{N}\p{S}])\p{Variation_Selector}/gu;
const LINE_BREAK_OR_TAB = /\r\n|[\n\r\t]/gu;
// More combining marks on one letter than any script needs: text piled over its neighbours.
const MARK_PILE = /\p{M}{5,}/u;
const MARK_PILE_CODE_POINT = 0x0300;
// Spaces of every width (Zs: ASCII, no-break, ideographic U+3000, en/em …), not line breaks.
const SPACES = /\p{Zs}+/gu;
const EDGE_SPACES = /^\p{Zs}+|\p{Zs}+$/gu;
const EDGE_SPACES_AND_LINES = /^[\p{Zs}\t\r\n]+|[\p{Zs}\t\r\n]+$/gu;
// A scheme, `www.`, an address, or a host ending in a top-level domain a lure would use.
const URL_LIKE = /[a-z][a-z0-9+.-]*:\/\/|(?:^|[^\p{L}\p{N}])www\.|[\p{L}\p{N}._%+-]@[\p{L}\p{N}-]+\.|[\p{L}\p{N}-]\.(?:com|net|org|info|biz|jp|io|co|me|xyz|top|app|dev|link|click|site|online|shop|ru|cn|tk|ly|gl|to|cc|xn--[a-z0-9-]+)(?![\p{L}\p{N}-])/u;

/** `text` as the field keeps it (see FIELD_RULES), or what is wrong with it. */
export function readableTextCheck(field: ReadableTextField, typed: string): { text: string } | { problem: ReadableTextProblem } {
  const rule = FIELD_RULES[field];
  let text = rule.normalise === "nfc" ? typed.normalize("NFC") : typed;
  if (rule.spaces === "collapse") {
    text = text.replace(SPACES, " ");
  }
  if (rule.spaces !== "keep") {
    // Not String.trim, which also drops U+FEFF and U+2028 silently: those are refused below.
    text = text.replace(rule.lines === "multiple" ? EDGE_SPACES_AND_LINES : EDGE_SPACES, "");
  }
  if (BROKEN.test(text)) {
    return { problem: { kind: "broken_encoding" } };
  }
  let visible = text.replace(ATTACHED_VARIATION_SELECTOR, "");
  if (rule.lines === "multiple") {
    visible = visible.replace(LINE_BREAK_OR_TAB, " ");
  }
  const found = HIDDEN.exec(visible);
  if (found !== null) {
    return { problem: { kind: "hidden_character", codePoint: found[0].codePointAt(0) ?? 0 } };
  }
  if (MARK_PILE.test(text)) {
    return { problem: { kind: "hidden_character", codePoint: MARK_PILE_CODE_POINT } };
  }
  // Blank once what cannot be seen is gone: only spaces (of any width) and combining marks.
  if (text.replace(/[\p{Zs}\t\r\n\p{M}]/gu, "") === "") {
    return { problem: { kind: "empty" } };
  }
  if ([...text].length > rule.maxLength) {
    return { problem: { kind: "too_long", max: rule.maxLength } };
  }
  if (rule.refuseUrls && URL_LIKE.test(text.normalize("NFKC").toLowerCase().replace(/[。｡]/gu, "."))) {
    return { problem: { kind: "url" } };
  }
  return { text };
}

/**
 * The text as the field keeps it (NFC, spaces trimmed; a confirmation's detail as sent);
 * [4000] when it is not readable text (see `readableTextCheck`). What every entry point calls:
 * `readableText("reason", body.reason)`, `readableText("passkeyName", typed)`.
 */
export function readableText(field: ReadableTextField, typed: string): string {
  const checked = readableTextCheck(field, typed);
  if ("problem" in checked) {
    throw new InvalidInputError(`${field} refused: ${readableTextProblemWords(checked.problem)}`);
  }
  return checked.text;
}

/** What is wrong, in words an operator can act on (the CLI and the import print them); never quotes the text. */
export function readableTextProblemWords(problem: ReadableTextProblem): string {
  switch (problem.kind) {
    case "empty":
      return "it is empty or blank";
    case "too_long":
      return `it is longer than ${problem.max} characters`;
    case "broken_encoding":
      return "it has broken encoding";
    case "hidden_character":
      return `it contains a hidden or control character (U+${problem.codePoint.toString(16).toUpperCase().padStart(4, "0")})`;
    case "url":
      return "it looks like a web address or an e-mail address";
  }
}
