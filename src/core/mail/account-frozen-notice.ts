import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { operationLinesEn, operationLinesJa } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";

export function accountFrozenSubject(brand: Brand): string {
  return `【${brand.name}】ログイン停止（口座凍結）のお知らせ`;
}

/** Sent when the customer froze the account: what happened, and that only the call center reopens it. */
export function accountFrozenNotice(brand: Brand, facts: RequestOrigin & { frozenAt: number }): Notice {
  return {
    subject: accountFrozenSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、口座へのログインを停止（凍結）しました。すべての端末のログインを終了しています。",
      "",
      ...operationLinesJa("お申し出の操作内容", facts.frozenAt, facts),
      "",
      "ログインの再開は、ご本人確認のうえコールセンターで承ります。身に覚えのない取引がある場合も、あわせてお知らせください。",
      "",
      "■お心当たりがない場合",
      "第三者がお客さまのパスワードで操作した可能性があります。ただちに下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Logins to your ${brand.nameEn} account have been stopped`,
      "",
      "At your request, the account has been frozen and every login has been ended.",
      ...operationLinesEn("Frozen at", facts.frozenAt, facts),
      "",
      "The call center reopens the account after confirming your identity; tell them about any trades you did not make.",
      "If this was not you, someone may know your password: please call the call center below at once.",
    ],
  };
}
