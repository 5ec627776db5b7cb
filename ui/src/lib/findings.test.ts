import { describe, expect, it } from "vitest";
import { fieldId, findingsAt, scrollTargetFor } from "./findings";

const f = (path: string) => ({ rule: "r", severity: "error" as const, path, en: "e", "zh-CN": "z" });

describe("findings", () => {
  it("belong to a field and to the fields inside it", () => {
    const all = [f("product.basic.name"), f("product.basic.name_x"), f("product.specifications[0].name")];
    expect(findingsAt(all, "product.basic.name").map((x) => x.path)).toEqual(["product.basic.name"]);
    expect(findingsAt(all, "product.specifications").length).toBe(1);
  });

  it("jump to the closest field that is on screen", () => {
    const onScreen = new Set([fieldId("product.specifications[1]"), fieldId("product.basic.name")]);
    const has = (id: string) => onScreen.has(id);
    expect(scrollTargetFor("product.specifications[1].skus[3].price", has)).toBe(fieldId("product.specifications[1]"));
    expect(scrollTargetFor("product.basic.name", has)).toBe(fieldId("product.basic.name"));
    expect(scrollTargetFor("product.seo.title", has)).toBeNull();
  });
});
