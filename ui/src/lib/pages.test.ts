import { describe, expect, it } from "vitest";
import { pageForShortcut, pageFromHash, subFromHash } from "./pages";

describe("navigation", () => {
  it("maps hashes to pages and falls back to Products", () => {
    expect(pageFromHash("#/orders")).toBe("orders");
    expect(pageFromHash("#settings")).toBe("settings");
    expect(pageFromHash("#/templates/abc")).toBe("templates");
    expect(pageFromHash("")).toBe("products");
    expect(pageFromHash("#/nonsense")).toBe("products");
    expect(subFromHash("#/products/d-42")).toBe("d-42");
    expect(subFromHash("#/products/support")).toBe("support");
    expect(subFromHash("#/orders")).toBe("");
  });

  it("opens pages with Ctrl+1 … Ctrl+6 only", () => {
    const key = (k: string, ctrl = true) => ({ key: k, ctrlKey: ctrl, metaKey: false, altKey: false });
    expect(pageForShortcut(key("1"))).toBe("products");
    expect(pageForShortcut(key("6"))).toBe("settings");
    expect(pageForShortcut(key("7"))).toBeNull();
    expect(pageForShortcut(key("0"))).toBeNull();
    expect(pageForShortcut(key("2", false))).toBeNull();
  });
});
