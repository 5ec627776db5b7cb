// The colour theme: light, dark, or following the system (the default). The choice is kept in the
// web view's storage (inside Koodesk's data folder); `data-theme` on <html> selects the tokens in
// app.css, and a system change is followed live.

export type ThemePref = "system" | "light" | "dark";
const KEY = "koodesk.theme";

const dark = () => typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;

export function themePref(): ThemePref {
  const v = typeof localStorage === "undefined" ? null : localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

function apply(pref: ThemePref) {
  const theme = pref === "system" ? (dark() ? "dark" : "light") : pref;
  document.documentElement.dataset.theme = theme;
}

export function setThemePref(pref: ThemePref): void {
  if (pref === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, pref);
  apply(pref);
}

/** Applies the saved choice before the first paint and follows the system while it is "system". */
export function startTheme(): void {
  apply(themePref());
  if (typeof matchMedia === "function")
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
      if (themePref() === "system") apply("system");
    });
}
