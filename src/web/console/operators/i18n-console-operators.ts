/**
 * The console's words for the operators page (issue 17 item 15): a supervisor lifts an agent's
 * lock. Merged into i18n-console.ts's table.
 */
const JA = {
  navOperators: "オペレーター",
  operatorsTitle: "オペレーターのロック解除",
  operatorsLead: "パスワードまたは確認コードの誤入力が続いてロックされたオペレーター（エージェント）のロックを解除します。ご本人に電話などで確認してから行ってください。スーパーバイザーのロックはコマンドライン（operator unlock）で解除します。",
  operatorsSupervisorOnly: "オペレーターのロック解除はスーパーバイザーだけが行えます。",
  operatorLoginIdLabel: "オペレーターのログインID（必須）",
  operatorUnlockReason: "理由（必須）",
  operatorUnlockButton: "ロックを解除する",
  operatorReasonHelp: "あなたのIDとともに監査ログに記録されます。",
  doneOperatorUnlock: "オペレーターのロックを解除しました。次のログインから使えます。",
} as const;

// Every Japanese key has its English: the compiler insists.
const EN: Record<keyof typeof JA, string> = {
  navOperators: "Operators",
  operatorsTitle: "Unlock an operator",
  operatorsLead: "Lifts the lock of an operator (agent) locked by wrong passwords or verification codes. Check with them first, by phone for example. A supervisor's lock is lifted on the command line (operator unlock).",
  operatorsSupervisorOnly: "Only a supervisor can unlock an operator.",
  operatorLoginIdLabel: "The operator's login ID (required)",
  operatorUnlockReason: "Reason (required)",
  operatorUnlockButton: "Unlock",
  operatorReasonHelp: "Written to the audit log with your ID.",
  doneOperatorUnlock: "The operator is unlocked and can log in again.",
};

export const CONSOLE_OPERATORS_TEXT = { ja: JA, en: EN };
