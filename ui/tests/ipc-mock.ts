// A stand-in for the Tauri runtime inside the page: answers Koodesk's commands from an in-page state
// and records every call, so tests can assert on what the UI asked for.
import type { Page } from "@playwright/test";

export interface MockOptions {
  language?: "system" | "en" | "zh-CN";
  systemLanguage?: "en" | "zh-CN";
  /** Make every command fail with this error (e.g. a damaged database). */
  failWith?: { code: string; message: string };
}

export async function installIpcMock(page: Page, opts: MockOptions = {}): Promise<void> {
  await page.addInitScript((o: MockOptions) => {
    const w = window as unknown as Record<string, unknown>;
    const calls: { cmd: string; args: unknown }[] = [];
    const callbacks = new Map<number, (payload: unknown) => void>();
    const listeners = new Map<string, number[]>();
    let nextId = 1;
    const system = o.systemLanguage ?? "en";
    let pref = o.language ?? "system";
    const settings = () => ({
      language: pref,
      effective_language: pref === "system" ? system : pref,
      system_language: system,
    });
    const emit = (event: string, payload: unknown) => {
      for (const id of listeners.get(event) ?? []) callbacks.get(id)?.({ event, id, payload });
    };
    w.__calls = calls;
    w.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
    w.__TAURI_INTERNALS__ = {
      metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
      transformCallback(cb: (payload: unknown) => void) {
        const id = nextId++;
        callbacks.set(id, cb);
        return id;
      },
      unregisterCallback(id: number) {
        callbacks.delete(id);
      },
      convertFileSrc: (p: string) => p,
      async invoke(cmd: string, args: Record<string, unknown> = {}) {
        calls.push({ cmd, args });
        if (cmd === "plugin:event|listen") {
          const event = String(args.event);
          listeners.set(event, [...(listeners.get(event) ?? []), Number(args.handler)]);
          return Number(args.handler);
        }
        if (cmd === "plugin:event|unlisten") return null;
        if (o.failWith && !["ui_ready", "quit_app"].includes(cmd)) throw o.failWith;
        switch (cmd) {
          case "get_settings":
            return settings();
          case "set_language":
            pref = args.language as typeof pref;
            emit("settings-changed", settings());
            return settings();
          case "app_info":
            return {
              version: "0.1.0",
              data_dir: "/home/seller/.local/share/Koodesk",
              log_dir: "/home/seller/.local/share/Koodesk/logs",
              marketplace: { kind: "local_only" },
            };
          case "ui_ready":
          case "quit_app":
            return null;
          default:
            throw { code: "internal", message: `unmocked command ${cmd}` };
        }
      },
    };
  }, opts);
}

export async function ipcCalls(page: Page): Promise<{ cmd: string; args: Record<string, unknown> }[]> {
  return page.evaluate(() => (window as unknown as { __calls: never }).__calls);
}
