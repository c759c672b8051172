/**
 * The text of 取引暗証番号の変更 (`/trading-pin`, issue 13 §4). Merged into the UI text (src/web/ui-text.ts);
 * `{phone}` and `{hours}` as in kernel/i18n.ts. The call center's words for the PIN are in i18n-console-customer.ts.
 */
export const TRADING_PIN_TEXT = {
  ja: {
    tradingPinTitle: "取引暗証番号の変更",
    tradingPinLead: "取引暗証番号は、お取引やご出金などのお手続きの際に入力していただく、4〜8桁の数字です。ログインパスワードとは別のものです。",
    tradingPinRules: "新しい取引暗証番号の条件",
    tradingPinRuleDigits: "4〜8桁の数字（全角の数字も入力できます）",
    tradingPinRuleWeak: "同じ数字だけのもの（1111など）、連続した数字（1234、9876など）、現在と同じものは設定できません。",
    tradingPinStep1: "手順1：認証コードを受け取る",
    tradingPinStep1Lead: "取引暗証番号の変更には、「重要メール」のメールアドレス宛にお送りする「認証コード」（6桁の数字）が必要です。",
    tradingPinStep2: "手順2：新しい取引暗証番号を設定する",
    currentTradingPin: "現在の取引暗証番号",
    newTradingPin: "新しい取引暗証番号",
    changeTradingPin: "取引暗証番号を変更",
    tradingPinChanged: "取引暗証番号を変更しました。",
    tradingPinChangedMail: "「重要メール」のメールアドレス宛に、変更のお知らせメールをお送りしました。",
    tradingPinLockedLead: "取引暗証番号の誤入力が続いたため、取引暗証番号がロックされています。ロックの解除は、コールセンター（{phone}）までご連絡ください。受付時間は{hours}です。",
    tradingPinLockedLogin: "ロック中もログインや口座の照会はご利用いただけます。",
    tradingPinNotSetLead: "取引暗証番号が登録されていません。コールセンター（{phone}）までご連絡ください。受付時間は{hours}です。",
    tradingPinWrongCount: "5回続けて誤った取引暗証番号を入力すると、取引暗証番号がロックされます。",
  },
  en: {
    tradingPinTitle: "Change trading PIN",
    tradingPinLead: "Your trading PIN is the 4- to 8-digit number you enter to trade, withdraw money and the like. It is not your login password.",
    tradingPinRules: "Rules for the new trading PIN",
    tradingPinRuleDigits: "4 to 8 digits (full-width digits are fine)",
    tradingPinRuleWeak: "Not one digit repeated (such as 1111), not consecutive digits (such as 1234 or 9876), not your current PIN.",
    tradingPinStep1: "Step 1: get an authentication code",
    tradingPinStep1Lead: "To change your trading PIN you need a 6-digit authentication code, which we send to your important-mail address.",
    tradingPinStep2: "Step 2: set a new trading PIN",
    currentTradingPin: "Current trading PIN",
    newTradingPin: "New trading PIN",
    changeTradingPin: "Change trading PIN",
    tradingPinChanged: "Your trading PIN has been changed.",
    tradingPinChangedMail: "We have mailed a notice of the change to your important-mail address.",
    tradingPinLockedLead: "Your trading PIN is locked after repeated wrong entries. To unlock it, please call the call center ({phone}), {hours}.",
    tradingPinLockedLogin: "While it is locked you can still log in and view your account.",
    tradingPinNotSetLead: "No trading PIN is registered for your account. Please call the call center ({phone}), {hours}.",
    tradingPinWrongCount: "Five wrong trading PINs in a row lock the PIN.",
  },
} as const;
