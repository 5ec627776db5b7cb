// Runs Tauri's CLI from its prebuilt Linux x64 module (what the all-platform @tauri-apps/cli
// package would load on this system): `node tools/tauri-cli/tauri.cjs build …`.
"use strict";
const cli = require("@tauri-apps/cli-linux-x64-gnu");

cli.run(process.argv.slice(2), "tauri", (err, ok) => {
  if (err) {
    const message = String(err && err.message ? err.message : err);
    if (typeof cli.logError === "function") cli.logError(message);
    else console.error(message);
    process.exit(1);
  }
  process.exit(ok === false ? 1 : 0);
});
