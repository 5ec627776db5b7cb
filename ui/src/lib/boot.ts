// What the shell hands the first page with the page itself (`window.__KOODESK_BOOT__`, set by an
// initialisation script, see src-tauri/src/startup.rs): the settings, the app's facts and the
// draft list, so the first paint waits for no call. Taken once; a reload (restoring a backup)
// asks by IPC, since the script would hand it the same, older, answers again.
import type { AppInfo, DraftListItem, Settings } from "./backend";

export interface Boot {
  settings: Settings;
  info: AppInfo;
  drafts: DraftListItem[];
}

function reloaded(): boolean {
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  return nav?.type === "reload";
}

/** The boot data the first time it is asked for, if the shell gave some and this is no reload. */
export function takeBoot<K extends keyof Boot>(part: K): Boot[K] | null {
  const w = window as unknown as { __KOODESK_BOOT__?: Partial<Boot> };
  const boot = w.__KOODESK_BOOT__;
  if (!boot || reloaded()) return null;
  const value = boot[part];
  // Each part is taken once: the settings and facts by the app's frame, the drafts by the list.
  delete boot[part];
  return value ?? null;
}
