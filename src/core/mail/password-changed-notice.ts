import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { notYouLinesEn, notYouLinesJa, operationLinesEn, operationLinesJa } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";

export function passwordChangedSubject(brand: Brand): string {
  return `【${brand.name}】ログインパスワード変更のお知らせ`;
}

/** Sent after the login password was changed: every other session has ended. */
export function passwordChangedNotice(brand: Brand, facts: RequestOrigin & { changedAt: number }): Notice {
  return {
    subject: passwordChangedSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのログインパスワードが変更されました。この端末以外のログインはすべて終了しています。",
      "",
      ...operationLinesJa("変更の操作内容", facts.changedAt, facts),
      "",
      ...notYouLinesJa(),
    ],
    en: [
      `Your ${brand.nameEn} login password has been changed`,
      "",
      "Every other login to your account has been ended.",
      ...operationLinesEn("Changed at", facts.changedAt, facts),
      "",
      ...notYouLinesEn(),
    ],
  };
}
