import type { Brand } from "./brand.ts";

/**
 * The closing lines every mail to a customer shares: we never link, this address
 * takes no replies, and how to reach the call center. Japanese, then the divider
 * that opens the English part.
 */
export function mailFooterJa(brand: Brand): string[] {
  return [
    `※${brand.name}がメールでリンクをお送りし、パスワードや認証コードの入力をお願いすることはありません。`,
    "※このメールは送信専用です。ご返信いただいてもお答えできません。",
    "",
    "[お問い合わせ先] コールセンター",
    brand.callCenterName,
    `(フリーダイヤル) ${brand.callCenterPhone}`,
    `受付時間 ${brand.callCenterHours}`,
    "",
    "----------------------------------------",
    "[English]",
  ];
}

/** The English part's closing lines. */
export function mailFooterEn(brand: Brand): string[] {
  return [`${brand.nameEn} never sends links asking for your password or code.`, "", `Call center: ${brand.callCenterPhone} (toll-free in Japan), ${brand.callCenterHoursEn}`, ""];
}
