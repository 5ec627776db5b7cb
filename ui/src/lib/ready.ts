// The first page tells the shell, once, that it is interactive: painted with its data and taking
// input. `cargo xtask bench` measures start-up up to this moment, and the shell starts its
// background work (Demo marketplace, sync, backup, update check) only then, off the way to the
// first paint.
import { backend } from "./backend";

let told = false;

export function pageInteractive(): void {
  if (told) return;
  told = true;
  // Once the browser has run what is queued (the list is in the document). Not after an animation
  // frame: WebKitGTK may hold those back for a window it does not think is on screen (seconds
  // under Xvfb), and the bare window the bench compares with reports at DOMContentLoaded.
  setTimeout(() => void backend.uiReady(), 0);
}
