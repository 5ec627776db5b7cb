// Single-key shortcuts (j k in the inbox, a r d p on an order): on by default, and off for a seller
// who types into the window by accident or uses a screen reader's own single keys. The choice is
// kept in the web view's storage, like the theme.

const KEY = "koodesk.singleKeys";

export function singleKeysOn(): boolean {
  return typeof localStorage === "undefined" || localStorage.getItem(KEY) !== "off";
}

export function setSingleKeys(on: boolean): void {
  if (on) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, "off");
}

/** The key of a press a page may take as a single-key shortcut: shortcuts on, no modifier, and
 * not typed into a field. Otherwise null. */
export function singleKey(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}): string | null {
  if (!singleKeysOn() || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return null;
  const el = e.target as HTMLElement | null;
  const tag = el?.tagName?.toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || el?.isContentEditable) return null;
  return e.key.toLowerCase();
}
