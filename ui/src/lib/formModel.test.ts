import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freshKey, fromForm, moved, newField, toForm } from "./formModel";

const example = JSON.parse(
  readFileSync(resolve(__dirname, "../../../docs/examples/data-migration-request.json"), "utf8"),
);

describe("the form builder's model", () => {
  it("converts the documented example there and back without loss", () => {
    expect(toForm(fromForm(example))).toEqual(example);
  });

  it("keeps only the properties a field type uses", () => {
    const e = fromForm(example);
    const f = e.sections[0]!.fields[0]!;
    f.type = "integer";
    f.min = 1;
    f.options = ["left over"];
    const out = toForm(e).sections[0]!.fields[0] as Record<string, unknown>;
    expect(out.type).toBe("integer");
    expect(out.min).toBe(1);
    expect(out).not.toHaveProperty("options");
    expect(out).not.toHaveProperty("max_length");
  });

  it("gives new fields unused keys and moves fields up and down", () => {
    expect(freshKey("field", ["field", "field_2"])).toBe("field_3");
    const e = fromForm(example);
    expect(newField(e).key).toBe("field");
    expect(moved(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b"], 0, -1)).toEqual(["a", "b"]);
  });
});
