/**
 * The console's words for the trading PIN (取引暗証番号, issue 13 §4): its state on the customer
 * page and the unlock form. Merged into i18n-console.ts's table.
 */
const JA = {
  tradingPinStatus: "取引暗証番号",
  tradingPinNotSet: "未登録",
  tradingPinSet: "登録済み（ロックなし）",
  tradingPinLockedSince: "ロック中（{time}から）",
  tradingPinUnlockTitle: "取引暗証番号のロック解除",
  tradingPinUnlockLead: "取引暗証番号の誤入力（5回連続）によるロックを解除します。取引暗証番号は変わりません。ログインのロックとは別です。",
  tradingPinUnlockButton: "取引暗証番号のロックを解除する",
  tradingPinUnlockNotLocked: "取引暗証番号はロックされていません。",
  doneTradingPinUnlock: "取引暗証番号のロックを解除しました。お客さまに通知メールを送りました。",
} as const;

// Every Japanese key has its English: the compiler insists.
const EN: Record<keyof typeof JA, string> = {
  tradingPinStatus: "Trading PIN",
  tradingPinNotSet: "Not registered",
  tradingPinSet: "Registered (not locked)",
  tradingPinLockedSince: "Locked (since {time})",
  tradingPinUnlockTitle: "Unlock the trading PIN",
  tradingPinUnlockLead: "Lifts the lock that 5 wrong trading PINs in a row set. The PIN stays the same. Apart from the login's lock.",
  tradingPinUnlockButton: "Unlock the trading PIN",
  tradingPinUnlockNotLocked: "The trading PIN is not locked.",
  doneTradingPinUnlock: "The trading PIN is unlocked. A notice was mailed to the customer.",
};

export const CONSOLE_TRADING_PIN_TEXT = { ja: JA, en: EN };
