import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";

/**
 * What every notice of a call-center action (issue 12 §4) says besides its own lines: which
 * action the call center took and when (JST), and whom to call if the customer did not ask
 * for it. Never the operator's name, never an address, never the operator's reason (free text
 * a customer's mail must not carry: STYLE 21), and no links.
 */
export function callCenterActionLinesJa(action: string, at: number): string[] {
  return ["[お手続きの内容]", `お手続き: ${action}（コールセンター）`, `日時: ${formatJapanTime(at)}`];
}

/** The same block in English. */
export function callCenterActionLinesEn(action: string, at: number): string[] {
  return [`Action: ${action} (by the call center)`, `Date and time: ${formatJapanTimeWithZone(at)}`];
}

/** 「お心当たりがない場合」: the customer did not ask for this, so someone may be posing as them. */
export function ifNotRequestedJa(): string[] {
  return ["■お心当たりがない場合", "お客さまになりすました第三者によるお申し出の可能性があります。ただちに下記コールセンターまでご連絡ください。"];
}

export function ifNotRequestedEn(): string[] {
  return ["If you did not ask for this, someone may be posing as you: please call the call center below at once."];
}
