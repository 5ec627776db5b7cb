// The first page tells the shell, once, that it is interactive: painted with its data and taking
// input. `cargo xtask bench` measures start-up up to this moment, and the shell starts its
// background work (Demo marketplace, sync, backup, update check) only then, off the way to the
// first paint.
import { backend } from "./backend";

let told = false;

export function pageInteractive(): void {
  if (told) return;
  told = true;
  // After the browser has painted what the page shows now.
  requestAnimationFrame(() => setTimeout(() => void backend.uiReady(), 0));
}
