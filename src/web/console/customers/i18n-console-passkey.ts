/**
 * The console's words for passkeys (issue 13 §3): the customer's passkeys and パスキー必須 on the
 * customer page, and the form that turns パスキー必須 off (a lost phone). Merged into i18n-console.ts's table.
 */
const JA = {
  passkeyRequiredStatus: "パスキー必須",
  passkeyRequiredOn: "設定中（パスワードでのログイン不可）",
  passkeyRequiredOffStatus: "なし",
  colPasskeyName: "名前（お客さまが設定）",
  colRegistered: "登録日時",
  colPasskeyLastUsed: "最終利用",
  colBackedUp: "同期",
  passkeyNeverUsed: "未使用",
  passkeyBackedUp: "同期済み",
  passkeyNotBackedUp: "この端末のみ",
  passkeyRequiredOffTitle: "パスキー必須の解除",
  passkeyRequiredOffLead: "パスキーの端末を紛失したお客さまが、ID・パスワード・認証コードでログインできるようにします。スーパーバイザー（申請者以外）の承認と待機期間の後に解除されます。登録済みのパスキーは残ります（ログイン後にお客さまが削除します）。",
  passkeyRequiredNotOn: "パスキー必須は設定されていません。",
} as const;

// Every Japanese key has its English: the compiler insists.
const EN: Record<keyof typeof JA, string> = {
  passkeyRequiredStatus: "Passkey required",
  passkeyRequiredOn: "On (no password login)",
  passkeyRequiredOffStatus: "Off",
  colPasskeyName: "Name (the customer's)",
  colRegistered: "Registered",
  colPasskeyLastUsed: "Last used",
  colBackedUp: "Synced",
  passkeyNeverUsed: "Never",
  passkeyBackedUp: "Synced",
  passkeyNotBackedUp: "This device only",
  passkeyRequiredOffTitle: "Turn \"passkey required\" off",
  passkeyRequiredOffLead: "For a customer who lost the passkey's device: logging in with ID, password and code works again, after a supervisor's (not yours) approval and the waiting period. The passkeys stay (the customer removes them after logging in).",
  passkeyRequiredNotOn: "Passkey required is not on.",
};

export const CONSOLE_PASSKEY_TEXT = { ja: JA, en: EN };
