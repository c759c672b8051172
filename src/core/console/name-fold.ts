/**
 * A customer's name as the console's search compares it: NFKC (half-width ｻｸﾗ becomes サクラ,
 * full-width Ａ becomes A), katakana as hiragana (サクラ finds さくら), no spaces of any width,
 * lower case. Stored next to the name (customers.name_fold) so a search is one LIKE on an index-friendly
 * column rather than a scan that folds every row in JavaScript.
 */
export function foldName(text: string): string {
  return Array.from(text.normalize("NFKC").replace(/\s+/gu, "").toLowerCase(), katakanaToHiragana).join("");
}

// ァ (U+30A1) … ヶ (U+30F6) sit exactly 0x60 above ぁ … ゖ; ー and ・ have no hiragana and stay.
function katakanaToHiragana(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : char;
}
