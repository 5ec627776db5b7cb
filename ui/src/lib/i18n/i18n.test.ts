import { describe, expect, it } from "vitest";
import { catalogs, setLang, t } from "./index.svelte";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n catalogues", () => {
  it("zh-CN has exactly the keys of en, none empty, with the same placeholders", () => {
    const enKeys = Object.keys(catalogs.en).sort();
    expect(Object.keys(catalogs["zh-CN"]).sort()).toEqual(enKeys);
    for (const key of enKeys) {
      const k = key as keyof typeof catalogs.en;
      expect(catalogs["zh-CN"][k].trim(), key).not.toBe("");
      expect(placeholders(catalogs["zh-CN"][k]), key).toEqual(placeholders(catalogs.en[k]));
    }
  });

  it("translates navigation and fills placeholders in the chosen language", () => {
    setLang("en");
    expect(t("nav.products")).toBe("Products");
    expect(t("settings.language.system", { lang: "English" })).toBe("Follow the system (English)");
    setLang("zh-CN");
    expect(t("nav.products")).toBe("商品");
    expect(t("settings.language.system", { lang: "English" })).toBe("跟随系统（English）");
    expect(document.documentElement.lang).toBe("zh-CN");
    setLang("en");
  });
});
