import { defineConfig } from "@playwright/test";

// Debian's Chromium against the production Vite build, with Tauri IPC mocked (tests/ipc-mock.ts).
export default defineConfig({
  testDir: "tests",
  reporter: [["list"]],
  fullyParallel: false,
  workers: 1,
  timeout: 30_000,
  outputDir: "test-results",
  use: {
    baseURL: "http://127.0.0.1:4173",
    viewport: { width: 1200, height: 780 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "node_modules/.bin/vite preview --host 127.0.0.1 --port 4173 --strictPort",
    url: "http://127.0.0.1:4173",
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
