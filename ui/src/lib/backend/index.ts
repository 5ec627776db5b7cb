// The only module that reaches Tauri. Everything else imports `backend` from here, so browser tests
// can mock IPC underneath it and nothing else changes.
import {
  commands,
  events,
  type ApiError,
  type AppInfo,
  type Language,
  type LanguagePref,
  type Settings,
} from "./bindings";

export type { ApiError, AppInfo, Language, LanguagePref, Settings };

/** A failure reported by the Rust side, in the one wire shape `{ code, message, field? }`. */
export class BackendError extends Error {
  readonly code: ApiError["code"];
  readonly field: string | null;

  constructor(e: ApiError) {
    super(e.message);
    this.name = "BackendError";
    this.code = e.code;
    this.field = e.field ?? null;
  }
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: ApiError };

async function call<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const r = await pending;
  if (r.status === "error") throw new BackendError(r.error);
  return r.data;
}

export const backend = {
  getSettings: () => call(commands.getSettings()),
  setLanguage: (language: LanguagePref) => call(commands.setLanguage(language)),
  appInfo: () => call(commands.appInfo()),
  uiReady: () => commands.uiReady(),
  quit: () => commands.quitApp(),
  onSettingsChanged: (cb: (s: Settings) => void) =>
    events.settingsChanged.listen((e) => cb(e.payload)),
};
