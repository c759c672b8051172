import { UNKNOWN_DEVICE } from "../../core/kernel/device-label.ts";
import type { Lang } from "../kernel/i18n.ts";

/**
 * A device or IP address as the reader's page writes it: the core's 「不明 (unknown)」 (one word for
 * the audit log and the API) becomes 「不明」 on a Japanese page and "unknown" on an English one, as
 * in the mails.
 */
export function deviceInWords(value: string, lang: Lang): string {
  if (value !== UNKNOWN_DEVICE) {
    return value;
  }
  return lang === "ja" ? "不明" : "unknown";
}
