// The one i18n layer: every UI string is looked up here by key.
import { en, type MessageKey } from "./en";
import { zhCN } from "./zh-CN";

export type Lang = "en" | "zh-CN";
export type { MessageKey };

export const catalogs: Record<Lang, Record<MessageKey, string>> = { en, "zh-CN": zhCN };

let current = $state<Lang>("en");

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  if (typeof document !== "undefined") document.documentElement.lang = next;
}

/** The text for `key` in the current language, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogs[current][key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
