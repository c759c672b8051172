import type { OperationMailLines } from "../mail/code-mails.ts";
import type { Operation, OperationType } from "./confirmation-operation.ts";

/**
 * The one line the customer confirms (issue 13 §5): 「買付 7203 100株 成行」, 「出金 30,000円」,
 * 「出金先口座の変更 …」. Known fields in their usual words; any other field as `key=value`, as given.
 */
export interface OperationSummary {
  /** Japanese, every field: what the API returns and the app shows. */
  ja: string;
  /**
   * For the code mail (STYLE 21, FSA 2025: nothing from a request in a mail but validated
   * values): only known fields in their strict formats (digits, codes, fixed words); free text
   * (a bank's name, an unknown field) is counted, not repeated, so no mail carries text a
   * session holder typed, such as a link or a phone number.
   */
  mail: OperationMailLines;
}

interface Words {
  ja: string;
  en: string;
  /** Shown in a mail: the value was checked against a strict format or is a fixed word. */
  mailSafe: boolean;
}

/** Renders a field's value in words, or null when it is not in the field's known format (it is then listed as given). */
type FieldRenderer = (value: string | number) => Words | null;

const DIGITS = /^[1-9][0-9]{0,14}$/u;
const DECIMAL = /^(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,4})?$/u;

function grouped(digits: string): string {
  const [whole = "", fraction] = digits.split(".");
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/gu, ",");
  return fraction === undefined ? withCommas : `${withCommas}.${fraction}`;
}

/** A positive whole number, as an integer or a string of digits. */
function positiveWhole(value: string | number): string | null {
  const text = String(value);
  return DIGITS.test(text) ? text : null;
}

function fixed(words: Record<string, { ja: string; en: string }>): FieldRenderer {
  return (value) => {
    const found = typeof value === "string" ? words[value] : undefined;
    return found === undefined ? null : { ...found, mailSafe: true };
  };
}

function pattern(regex: RegExp, label: { ja: string; en: string }): FieldRenderer {
  return (value) => {
    const text = String(value);
    return regex.test(text) ? { ja: `${label.ja}${text}`, en: `${label.en}${text}`, mailSafe: true } : null;
  };
}

/** Free text (a bank's name): shown in the app, never in a mail. */
function freeText(label: { ja: string; en: string }): FieldRenderer {
  return (value) => (typeof value === "string" ? { ja: `${label.ja}${value}`, en: `${label.en}${value}`, mailSafe: false } : null);
}

const HEADS: Record<OperationType, { ja: string; en: string }> = {
  trade: { ja: "取引", en: "Trade" },
  withdrawal: { ja: "出金", en: "Withdrawal" },
  bank_account_change: { ja: "出金先口座の変更", en: "Change of withdrawal bank account" },
};

// Per type, the fields the summary knows, in the order they are read out. `side` replaces the head word.
const FIELDS: Record<OperationType, Record<string, FieldRenderer>> = {
  trade: {
    side: fixed({ buy: { ja: "買付", en: "Buy" }, sell: { ja: "売付", en: "Sell" } }),
    symbol: pattern(/^[0-9A-Za-z]{1,12}$/u, { ja: "", en: "" }),
    quantity: (value) => {
      const whole = positiveWhole(value);
      return whole === null ? null : { ja: `${grouped(whole)}株`, en: `${grouped(whole)} shares`, mailSafe: true };
    },
    price: (value) => {
      if (value === "market") {
        return { ja: "成行", en: "at market", mailSafe: true };
      }
      const text = String(value);
      return DECIMAL.test(text) && text !== "0" ? { ja: `指値 ${grouped(text)}円`, en: `limit ${grouped(text)} yen`, mailSafe: true } : null;
    },
  },
  withdrawal: {
    amount: (value) => {
      const whole = positiveWhole(value);
      return whole === null ? null : { ja: `${grouped(whole)}円`, en: `${grouped(whole)} yen`, mailSafe: true };
    },
  },
  bank_account_change: {
    bankName: freeText({ ja: "", en: "" }),
    bankCode: pattern(/^[0-9]{4}$/u, { ja: "金融機関コード ", en: "bank code " }),
    branchName: freeText({ ja: "", en: "" }),
    branchCode: pattern(/^[0-9]{3}$/u, { ja: "支店コード ", en: "branch code " }),
    accountType: fixed({ ordinary: { ja: "普通", en: "ordinary" }, checking: { ja: "当座", en: "checking" }, savings: { ja: "貯蓄", en: "savings" } }),
    accountNumber: pattern(/^[0-9]{1,8}$/u, { ja: "口座番号 ", en: "account number " }),
    accountHolder: freeText({ ja: "名義 ", en: "holder " }),
  },
};

export function summarizeOperation(operation: Operation): OperationSummary {
  const known = FIELDS[operation.type];
  const rendered = new Map<string, Words>();
  const others: string[] = [];
  for (const [key, value] of Object.entries(operation.details)) {
    const words = Object.hasOwn(known, key) ? (known[key]?.(value) ?? null) : null;
    if (words === null) {
      others.push(`${key}=${String(value)}`);
    } else {
      rendered.set(key, words);
    }
  }
  const side = operation.type === "trade" ? rendered.get("side") : undefined;
  const head = side ?? { ...HEADS[operation.type], mailSafe: true };
  const parts = [head, ...Object.keys(known).filter((key) => key !== "side" && rendered.has(key)).map((key) => rendered.get(key) as Words)];
  const safe = parts.filter((part) => part.mailSafe);
  return {
    ja: [...parts.map((part) => part.ja), ...others].join(" "),
    mail: {
      ja: safe.map((part) => part.ja).join(" "),
      en: safe.map((part) => part.en).join(" "),
      omitted: parts.length - safe.length + others.length,
    },
  };
}
