// The pages of the main window, in navigation order. Ctrl+1 … Ctrl+6 open them.
import type { MessageKey } from "./i18n/index.svelte";

export const PAGES = ["products", "applications", "orders", "templates", "notifications", "settings"] as const;

export type PageId = (typeof PAGES)[number];

export const NAV_LABEL: Record<PageId, MessageKey> = {
  products: "nav.products",
  applications: "nav.applications",
  orders: "nav.orders",
  templates: "nav.templates",
  notifications: "nav.notifications",
  settings: "nav.settings",
};

/** The page named by a location hash such as `#/orders`; unknown or empty hashes give Products. */
export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return (PAGES as readonly string[]).includes(id ?? "") ? (id as PageId) : "products";
}

/** What follows the page in the hash: `#/products/d-123` gives `d-123`. */
export function subFromHash(hash: string): string {
  const parts = hash.replace(/^#\/?/, "").split("/");
  return parts.slice(1).join("/");
}

/** The page a Ctrl+digit shortcut opens, if any. */
export function pageForShortcut(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}): PageId | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const n = Number.parseInt(e.key, 10);
  return n >= 1 && n <= PAGES.length ? (PAGES[n - 1] ?? null) : null;
}
