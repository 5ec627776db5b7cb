// The keyboard contract of every dialog and pop-up: focus moves in when it opens, Tab and
// Shift+Tab stay inside, Escape closes it, and focus goes back to what opened it.

const FOCUSABLE =
  'button:not([disabled]), a[href], input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface PopupOptions {
  /** Called on Escape. */
  onclose: () => void;
}

/** A Svelte action: `<div role="dialog" use:popup={{ onclose }}>`. */
export function popup(node: HTMLElement, options: PopupOptions) {
  let opts = options;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const inside = () => [...node.querySelectorAll<HTMLElement>(FOCUSABLE)];
  // The safe choice when there is one (`data-autofocus`, e.g. Cancel), else the first control.
  // A pop-up with nothing to press still takes focus itself, so Escape reaches it.
  queueMicrotask(() => {
    const target = node.querySelector<HTMLElement>("[data-autofocus]") ?? inside()[0];
    if (target) target.focus();
    else {
      node.tabIndex = -1;
      node.focus();
    }
  });

  function onKey(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      opts.onclose();
    } else if (e.key === "Tab") {
      const all = inside();
      const first = all[0];
      const last = all[all.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }
  node.addEventListener("keydown", onKey);
  return {
    update(next: PopupOptions) {
      opts = next;
    },
    destroy() {
      node.removeEventListener("keydown", onKey);
      if (opener?.isConnected) opener.focus();
    },
  };
}
