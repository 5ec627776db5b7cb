// Generates ui/src/lib/backend/formats.ts from the published JSON Schemas in docs/schemas, so the
// UI's types of the draft and support documents are never kept by hand.
// Run with `npm run gen:types` (part of `cargo xtask bindings`).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const schemas = join(here, "../../docs/schemas");
export const OUTPUT = join(here, "../src/lib/backend/formats.ts");

const BANNER = "// Generated from docs/schemas/*.schema.json by `npm run gen:types`. Do not edit.\n";

export async function generate() {
  const parts = [BANNER];
  for (const [file, name] of [
    ["product-draft.schema.json", "DraftDocument"],
    ["support-info.schema.json", "SupportInfo"],
    ["request-form.schema.json", "RequestForm"],
  ]) {
    const schema = JSON.parse(readFileSync(join(schemas, file), "utf8"));
    schema.title = name;
    const ts = await compile(schema, name, {
      bannerComment: "",
      additionalProperties: false,
      strictIndexSignatures: true,
      format: true,
      declareExternallyReferenced: true,
    });
    parts.push(ts);
  }
  return parts.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OUTPUT, await generate());
  console.log(`wrote ${OUTPUT}`);
}
