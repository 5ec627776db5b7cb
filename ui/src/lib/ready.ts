// The first page tells the shell, once, that it is interactive: painted with its data and taking
// input. `cargo xtask bench` measures start-up up to this moment, and the shell starts its
// background work (Demo marketplace, sync, backup, update check) only then, off the way to the
// first paint. With it go the moments the page passed on the way, for the start-up trace.
import { backend } from "./backend";

let told = false;
const marks: { name: string; at_epoch_ms: number }[] = [];

/** Notes a moment of the page's start-up (kept until the page is interactive). */
export function pageMark(name: string): void {
  if (!told) marks.push({ name, at_epoch_ms: performance.timeOrigin + performance.now() });
}

/** What the browser itself noted while loading the document. */
function documentMarks(): { name: string; at_epoch_ms: number }[] {
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  if (!nav) return [];
  const out = [{ name: "navigation started", at_epoch_ms: performance.timeOrigin }];
  // A moment the browser did not note reads 0 and is left out.
  for (const [name, ms] of [
    ["document received", nav.responseEnd],
    ["document parsed", nav.domInteractive],
  ] as const) {
    if (ms > 0) out.push({ name, at_epoch_ms: performance.timeOrigin + ms });
  }
  return out;
}

export function pageInteractive(): void {
  if (told) return;
  pageMark("rendered");
  told = true;
  // Once the browser has run what is queued (the list is in the document). Not after an animation
  // frame: WebKitGTK may hold those back for a window it does not think is on screen (seconds
  // under Xvfb), and the bare window the bench compares with reports at DOMContentLoaded.
  setTimeout(() => void backend.uiReady([...documentMarks(), ...marks]), 0);
}
