import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { generate, OUTPUT } from "../../../scripts/gen-types.mjs";

describe("formats.ts", () => {
  it("matches the published JSON Schemas (run `cargo xtask bindings` when this fails)", async () => {
    const fresh: string = await generate();
    expect(readFileSync(OUTPUT as string, "utf8")).toBe(fresh);
  }, 30_000);
});
