import { expect, test } from "@playwright/test";
import { installIpcMock, ipcCalls } from "./ipc-mock";

const NAV = {
  products: ["Products", "商品"],
  applications: ["Applications", "申请"],
  orders: ["Service orders", "服务监管订单"],
  templates: ["Templates", "模板"],
  notifications: ["Notifications", "通知"],
  settings: ["Settings", "设置"],
} as const;

test("opens on Products and every page has a title and an explanation", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/");
  await expect(page.getByTestId("page-title")).toHaveText("Products");
  await expect(page.getByText("No products yet")).toBeVisible();
  for (const [id, [en]] of Object.entries(NAV)) {
    await page.locator(`nav a[data-page="${id}"]`).click();
    await expect(page.getByTestId("page-title")).toHaveText(en);
    await expect(page.locator(`nav a[data-page="${id}"]`)).toHaveAttribute("aria-current", "page");
  }
  const calls = (await ipcCalls(page)).map((c) => c.cmd);
  expect(calls).toContain("ui_ready");
});

test("switching to 简体中文 asks the backend and translates the navigation", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/settings");
  await page.getByTestId("language-zh-CN").check();
  for (const [id, [, zh]] of Object.entries(NAV)) {
    await expect(page.locator(`nav a[data-page="${id}"]`)).toHaveText(zh);
  }
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  const set = (await ipcCalls(page)).filter((c) => c.cmd === "set_language");
  expect(set).toEqual([{ cmd: "set_language", args: { language: "zh-CN" } }]);
});

test("a saved Chinese preference shows Chinese from the first paint", async ({ page }) => {
  await installIpcMock(page, { language: "system", systemLanguage: "zh-CN" });
  await page.goto("/");
  await expect(page.getByTestId("page-title")).toHaveText("商品");
  await page.goto("/#/settings");
  await expect(page.getByText("跟随系统（简体中文）")).toBeVisible();
});

test("Ctrl+digit opens pages from the keyboard", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/");
  await expect(page.getByTestId("page-title")).toHaveText("Products");
  await page.keyboard.press("Control+3");
  await expect(page.getByTestId("page-title")).toHaveText("Service orders");
  await page.keyboard.press("Control+6");
  await expect(page.getByTestId("page-title")).toHaveText("Settings");
});

test("a damaged database gets a clear message instead of a broken window", async ({ page }) => {
  await installIpcMock(page, {
    failWith: { code: "damaged_database", message: "the database at /x/koodesk.sqlite3 is damaged" },
  });
  await page.goto("/");
  const alert = page.getByTestId("fatal-error");
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("The database file is damaged");
  await expect(alert).toContainText("/x/koodesk.sqlite3");
});

test("a database from a newer Koodesk is refused, naming the copy kept before that version updated it", async ({
  page,
}) => {
  const message =
    "the database at /x/koodesk.sqlite3 was written by a newer Koodesk (schema 11, this version knows up to 10); " +
    "update Koodesk to open it, or go back to the copy made before the update: " +
    "/x/backups/koodesk-20261202T090000Z-before-schema-10.sqlite3 (restoring it drops what the newer version saved since)";
  await installIpcMock(page, { failWith: { code: "newer_database", message } });
  await page.goto("/");
  await expect(page.getByTestId("fatal-error")).toContainText("newer Koodesk");
  await expect(page.getByTestId("fatal-detail")).toBeVisible();
  await expect(page.getByTestId("fatal-detail")).toContainText("before-schema-10.sqlite3");
});
