import { expect, test, type Page } from "@playwright/test";
import { releaseDraft } from "./drafts";
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

/** The rows in the document now (a long list keeps only those near the screen). */
const rowsInDocument = (page: Page) => page.getByTestId("draft-row").count();

/** Scrolls the page (its `main`) so that `y` CSS pixels of it are above the screen. */
async function scrollMainTo(page: Page, y: number | "end") {
  await page.getByTestId("page").evaluate((main, to) => {
    main.scrollTop = to === "end" ? main.scrollHeight : to;
  }, y);
}

test("a long draft list: asked for at once, only the rows near the screen in the document, and the trace goes with ready", async ({
  page,
}) => {
  const drafts = Object.fromEntries(
    Array.from({ length: 230 }, (_, i) => [`d-${i}`, releaseDraft({ name: `Product ${i}` })]),
  );
  await installIpcMock(page, { drafts });
  await page.goto("/");
  const list = page.getByTestId("draft-list");
  await expect(list).toHaveAttribute("aria-rowcount", "231");
  await expect(page.getByTestId("draft-row").first()).toContainText("Product 0");
  const first = await rowsInDocument(page);
  expect(first).toBeGreaterThanOrEqual(20);
  expect(first).toBeLessThan(100);
  // Every row has the same height, so the spacers stand in for the others exactly: scrolling to
  // the end brings the last drafts in, and still only a window of them.
  const heights = await page
    .getByTestId("draft-row")
    .evaluateAll((rows) => [...new Set(rows.map((r) => Math.round(r.getBoundingClientRect().height)))]);
  expect(heights).toHaveLength(1);
  await scrollMainTo(page, "end");
  const last = page.getByTestId("draft-row").last();
  await expect(last).toContainText("Product 229");
  await expect(last).toHaveAttribute("aria-rowindex", "231");
  await expect(last).toBeInViewport();
  expect(await rowsInDocument(page)).toBeLessThan(100);
  // The middle: the rows there are the ones on screen.
  await scrollMainTo(page, 0);
  await expect(page.getByTestId("draft-row").first()).toContainText("Product 0");
  const row = page.locator('[data-testid=draft-row][data-id="d-120"]');
  await scrollMainTo(page, 120 * heights[0]!);
  await expect(row).toBeInViewport();
  await row.getByRole("link").focus();
  // The keyboard walks on past the rows first put in the document, even where the webview is
  // slow to tell the page it scrolled (here: never).
  await page.evaluate(() => window.addEventListener("scroll", (e) => e.stopPropagation(), true));
  for (let i = 0; i < 60; i++) await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement?.closest("tr")?.getAttribute("data-id"));
  expect(focused).toBe("d-180");

  const calls = await ipcCalls(page);
  const names = calls.map((c) => c.cmd);
  // The list is asked for once, before the settings arrive, not after them.
  expect(names.filter((n) => n === "list_drafts")).toHaveLength(1);
  expect(names.indexOf("list_drafts")).toBeLessThan(names.indexOf("get_settings"));
  // Ready is said once the first rows are on screen, with the page's own marks in order.
  const ready = calls.find((c) => c.cmd === "ui_ready")?.args as { marks: { name: string; at_epoch_ms: number }[] };
  const marks = ready.marks.map((m) => m.name);
  for (const name of ["navigation started", "script running", "mounted", "drafts received", "rendered"]) {
    expect(marks).toContain(name);
  }
  // A screenful was on screen then, not all 230.
  const atReady = await page.evaluate(() => (window as unknown as { __rowsAtReady: number }).__rowsAtReady);
  expect(atReady).toBeGreaterThanOrEqual(15);
  expect(atReady).toBeLessThan(100);
  const at = (name: string) => ready.marks.find((m) => m.name === name)?.at_epoch_ms ?? NaN;
  expect(at("drafts received")).toBeLessThanOrEqual(at("rendered"));
  expect(at("script running")).toBeLessThanOrEqual(at("mounted"));

  // A search's answer is windowed the same way, from its top.
  await scrollMainTo(page, "end");
  await page.getByTestId("draft-search").fill("Product 1");
  await expect(list).toHaveAttribute("aria-rowcount", String(1 + 1 + 10 + 100));
  await scrollMainTo(page, 0);
  await expect(page.getByTestId("draft-row").first()).toContainText("Product 1");
  expect(await rowsInDocument(page)).toBeLessThan(100);
});

test("the first page paints from what came with it, asks nothing first, and a reload asks again", async ({ page }) => {
  const drafts = Object.fromEntries(
    Array.from({ length: 120 }, (_, i) => [`d-${i}`, releaseDraft({ name: `Boot ${i}` })]),
  );
  await installIpcMock(page, { drafts, boot: true, language: "zh-CN" });
  await page.goto("/");
  await expect(page.getByTestId("draft-list")).toHaveAttribute("aria-rowcount", "121");
  await expect(page.getByTestId("draft-row").first()).toContainText("Boot 0");
  await expect(page.getByTestId("page-title")).toHaveText("商品");
  let names = (await ipcCalls(page)).map((c) => c.cmd);
  expect(names).not.toContain("get_settings");
  expect(names).not.toContain("app_info");
  expect(names).not.toContain("list_drafts");
  expect(names).toContain("ui_ready");

  // The same (older) data would come with a reload: it is not used, the page asks.
  await page.reload();
  await expect(page.getByTestId("draft-list")).toHaveAttribute("aria-rowcount", "121");
  names = (await ipcCalls(page)).map((c) => c.cmd);
  expect(names).toContain("get_settings");
  expect(names).toContain("list_drafts");
});
