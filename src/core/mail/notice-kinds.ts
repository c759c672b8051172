import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import type { NoticeTexts } from "./notice-blocks.ts";
import type { CallCenterKinds } from "./call-center-notices.ts";
import type { CodeMailKinds } from "./code-mails.ts";
import type { CustomerChangeKinds } from "./customer-change-notices.ts";
import { composeNotice } from "./notice-blocks.ts";
import { CALL_CENTER_ACTIONS } from "./call-center-notices.ts";
import { CODE_MAILS } from "./code-mails.ts";
import { CUSTOMER_CHANGES } from "./customer-change-notices.ts";

/**
 * Every mail the product sends, by kind, with the facts each is built from: the code mails, the
 * notices of what the customer did (or what happened at a login), and those of what the call
 * center did. A new mail is a new kind here and an entry in its table, over the shared blocks.
 */
export interface NoticeFacts extends CodeMailKinds, CustomerChangeKinds, CallCenterKinds {}

export type NoticeKind = keyof NoticeFacts;

const NOTICES: NoticeTexts<NoticeFacts> = { ...CODE_MAILS, ...CUSTOMER_CHANGES, ...CALL_CENTER_ACTIONS };

/** Every kind, from the tables the compiler holds complete: for tests that go over every mail. */
export const NOTICE_KINDS = Object.keys(NOTICES) as readonly NoticeKind[];

/** The subject and the Japanese and English lines of a `kind` of mail; `noticeMail` adds the greeting and the footers. */
export function buildNotice<K extends NoticeKind>(kind: K, brand: Brand, facts: NoticeFacts[K]): Notice {
  const text: NoticeTexts<NoticeFacts>[K] = NOTICES[kind];
  return composeNotice(brand, text(brand, facts));
}
