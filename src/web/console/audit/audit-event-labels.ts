import type { AuditEventName } from "../../../core/kernel/ports-audit.ts";
import type { Lang } from "../../kernel/i18n.ts";

/**
 * What each audit event means, in words an operator reads aloud to a customer (the console's
 * audit trail and audit log, issue 12 §3, §5). A total map: a new event in ports.ts does not
 * compile until it has words here. The event's own name is shown beside it for investigators.
 */
const LABELS: Record<AuditEventName, Record<Lang, string>> = {
  "password.ok": { ja: "パスワード確認（成功）", en: "Password right" },
  "password.failed": { ja: "パスワード誤り", en: "Wrong password" },
  "password.rehashed": { ja: "パスワードの保存形式を更新", en: "Password hash upgraded" },
  "password.changed": { ja: "パスワード変更", en: "Password changed" },
  "password.reset": { ja: "パスワード再設定", en: "Password reset" },
  "password_reset.requested": { ja: "パスワード再設定の申込み", en: "Password reset asked for" },
  "login_id.reminded": { ja: "ログインIDのお知らせ", en: "Login ID reminder sent" },
  "login.notified": { ja: "ログインのお知らせメール", en: "Login notice mailed" },
  "settings.changed": { ja: "お知らせ設定の変更", en: "Notice settings changed" },
  "code.sent": { ja: "認証コード送信", en: "Code sent" },
  "code.failed": { ja: "認証コード誤り", en: "Wrong code" },
  "code.expired": { ja: "認証コード期限切れ", en: "Code expired" },
  "code.burned": { ja: "認証コード入力誤りの上限", en: "Too many wrong codes" },
  "code.used": { ja: "認証コード確認（成功）", en: "Code right" },
  "mail.bounced": { ja: "メール返送・遅延の通知", en: "Mail bounced or delayed" },
  "account.locked": { ja: "口座ロック", en: "Account locked" },
  "account.unlocked": { ja: "ロック解除", en: "Account unlocked" },
  "account.frozen": { ja: "口座凍結（お客さま）", en: "Account frozen (by the customer)" },
  "account.unfrozen": { ja: "凍結解除", en: "Freeze lifted" },
  "email.changed": { ja: "重要メール変更", en: "Important mail changed" },
  "mfa.enabled": { ja: "多要素認証の再設定", en: "MFA turned on" },
  "mfa_off.requested": { ja: "多要素認証解除の申請", en: "MFA off requested" },
  "mfa_off.approved": { ja: "多要素認証解除の承認", en: "MFA off approved" },
  "mfa_off.rejected": { ja: "多要素認証解除の却下", en: "MFA off rejected" },
  "security_request.requested": { ja: "セキュリティ申請", en: "Security request made" },
  "security_request.approved": { ja: "セキュリティ申請の承認", en: "Security request approved" },
  "security_request.rejected": { ja: "セキュリティ申請の却下", en: "Security request rejected" },
  "security_request.cancelled": { ja: "セキュリティ申請の取り消し", en: "Security request cancelled" },
  "security_request.effective": { ja: "セキュリティ申請の反映", en: "Security request took effect" },
  "email_verification.sent": { ja: "新しい重要メールへの確認コード送信", en: "Code sent to a new address" },
  "console.birth_date_checked": { ja: "生年月日の確認", en: "Date of birth checked" },
  "sessions.ended_by_operator": { ja: "セッション終了（オペレーター）", en: "Sessions ended by an operator" },
  "operator.added": { ja: "オペレーター登録", en: "Operator added" },
  "operator.disabled": { ja: "オペレーター無効化", en: "Operator disabled" },
  "operator.unlocked": { ja: "オペレーターのロック解除", en: "Operator unlocked" },
  "operator.login": { ja: "オペレーターのログイン", en: "Operator login" },
  "operator.session_ended": { ja: "オペレーターのセッション終了", en: "Operator session ended" },
  "console.customer_viewed": { ja: "お客さま情報の閲覧", en: "Customer page viewed" },
  "console.audit_exported": { ja: "監査ログのCSV出力", en: "Audit log exported" },
  "console.audit_viewed": { ja: "監査ログの閲覧", en: "Audit log viewed" },
  "console.customers_searched": { ja: "お客さまの検索", en: "Customers searched" },
  "console.refused": { ja: "管理画面の操作の拒否", en: "Console request refused" },
  "console.requested": { ja: "管理画面の閲覧", en: "Console page or list viewed" },
  "login.refused_frozen": { ja: "凍結中のためログイン拒否", en: "Login refused: frozen" },
  "login.refused_locked": { ja: "ロック中のためログイン拒否", en: "Login refused: locked" },
  "login.refused_passkey_required": { ja: "パスキー必須のためパスワードでのログイン拒否", en: "Password login refused: passkey required" },
  "passkey.registered": { ja: "パスキー登録", en: "Passkey registered" },
  "passkey.renamed": { ja: "パスキーの名前の変更", en: "Passkey renamed" },
  "passkey.removed": { ja: "パスキー削除", en: "Passkey removed" },
  "passkey.failed": { ja: "パスキー認証の失敗", en: "Passkey refused" },
  "passkey.counter_not_increased": { ja: "パスキーの利用回数の異常（警告）", en: "Passkey counter did not go up (warning)" },
  "passkey_required.enabled": { ja: "パスキー必須の設定", en: "Passkey required: on" },
  "passkey_required.disabled": { ja: "パスキー必須の解除", en: "Passkey required: off" },
  "trading_pin.verified": { ja: "取引暗証番号確認（成功）", en: "Trading PIN right" },
  "trading_pin.failed": { ja: "取引暗証番号誤り・確認不可", en: "Trading PIN wrong or refused" },
  "trading_pin.locked": { ja: "取引暗証番号ロック", en: "Trading PIN locked" },
  "trading_pin.changed": { ja: "取引暗証番号の設定・変更", en: "Trading PIN set or changed" },
  "trading_pin.unlocked": { ja: "取引暗証番号ロック解除", en: "Trading PIN unlocked" },
  "confirmation.created": { ja: "お取引・お手続きの確認の開始", en: "Operation confirmation started" },
  "confirmation.issued": { ja: "お取引・お手続きの確認完了（確認トークン発行）", en: "Operation confirmed (token issued)" },
  "confirmation.refused": { ja: "お取引・お手続きの確認の拒否", en: "Operation confirmation refused" },
  "oidc.connected": { ja: "連携サービスへのログイン", en: "Logged in to a connected service" },
  "oidc.connection_ended": { ja: "サービス連携の解除", en: "Connected service ended" },
  "session.created": { ja: "ログイン", en: "Logged in" },
  "session.ended": { ja: "ログアウト・セッション終了", en: "Session ended" },
  rate_limited: { ja: "アクセス制限", en: "Rate limited" },
};

/** Every event name, for the audit log's event filter. */
export const AUDIT_EVENT_NAMES = Object.keys(LABELS) as AuditEventName[];

/** The event's label; an event name the table does not know (an old row) is shown as it is. */
export function auditEventLabel(event: string, lang: Lang): string {
  return (LABELS as Record<string, Record<Lang, string> | undefined>)[event]?.[lang] ?? event;
}
