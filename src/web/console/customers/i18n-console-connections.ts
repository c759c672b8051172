/**
 * The console's words for 「連携中のサービス」 (issue 20 item 8): the relying parties a customer's
 * login is connected to (the trading site, the app), and ending one. Merged into i18n-console.ts's table.
 */
const JA = {
  connectionsTitle: "連携中のサービス",
  connectionsNone: "連携中のサービスはありません。",
  colService: "サービス",
  colClientId: "クライアントID",
  colConnectedSince: "連携開始",
  colHistoryServices: "ログイン先のサービス",
  revokeConnectionTitle: "サービス連携の解除",
  revokeConnectionLead: "お客さまの口座と、選んだサービス（お取引サイト、スマートフォンアプリなど）との連携を解除します。お客さまはそのサービスからログアウトします。ログイン中のセッションはそのまま続きます。",
  revokeConnectionButton: "「{name}」との連携を解除する",
  doneConnectionRevoked: "サービスとの連携を解除しました。お客さまに通知メールを送りました。",
} as const;

// Every Japanese key has its English: the compiler insists.
const EN: Record<keyof typeof JA, string> = {
  connectionsTitle: "Connected services",
  connectionsNone: "No connected service.",
  colService: "Service",
  colClientId: "Client ID",
  colConnectedSince: "Connected since",
  colHistoryServices: "Service logged in to",
  revokeConnectionTitle: "End a connected service",
  revokeConnectionLead: "Ends the connection between the customer's account and the service chosen (the trading site, the smartphone app …): the customer is logged out of that service. Their live sessions go on.",
  revokeConnectionButton: "End the connection to “{name}”",
  doneConnectionRevoked: "The connection has ended. A notice was mailed to the customer.",
};

export const CONSOLE_CONNECTIONS_TEXT = { ja: JA, en: EN };
