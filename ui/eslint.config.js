// The UI's linter: TypeScript and Svelte rules (typescript-eslint, eslint-plugin-svelte), run by
// `npm run lint` and `cargo xtask test`. Formatting is Prettier's job (.prettierrc).
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import ts from "typescript-eslint";
import svelteConfig from "./svelte.config.js";

export default ts.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "test-results/",
      // Generated from the Rust types and the JSON Schemas (`cargo xtask bindings`).
      "src/lib/backend/bindings.ts",
      "src/lib/backend/formats.ts",
    ],
  },
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // `{#each rows as _, i}`: a name that says "not used".
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: { parser: ts.parser, extraFileExtensions: [".svelte"], svelteConfig },
    },
  },
);
