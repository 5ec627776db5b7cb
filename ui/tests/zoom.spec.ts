// 200 % zoom of the default 1200 × 780 window is a 600 × 390 CSS-pixel page: nothing may scroll
// sideways and the editor's form and lint summary may not overlap.
import { expect, test, type Page } from "@playwright/test";
import { releaseDraft } from "./drafts";
import { installIpcMock } from "./ipc-mock";

const draft = releaseDraft();

/** How far the page, or its scrolling `main`, can be scrolled sideways. */
async function sideways(page: Page): Promise<number> {
  return page.evaluate(() => {
    const main = document.querySelector("main");
    return Math.max(
      document.documentElement.scrollWidth - window.innerWidth,
      main ? main.scrollWidth - main.clientWidth : 0,
    );
  });
}

test.use({ viewport: { width: 600, height: 390 } });

for (const url of [
  "/#/products",
  "/#/products/d-1",
  "/#/products/support",
  "/#/templates",
  "/#/settings",
  "/#/orders",
]) {
  test(`at 200 % ${url} does not scroll sideways`, async ({ page }) => {
    await installIpcMock(page, { drafts: { "d-1": draft } });
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await sideways(page)).toBeLessThanOrEqual(1);
  });
}

test("at 200 % the editor is one column with the lint summary above the form", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  const summary = await page.locator("aside.summary").boundingBox();
  const form = await page.locator("#sec-basic").boundingBox();
  expect(summary && form).toBeTruthy();
  if (!summary || !form) return;
  expect(summary.y + summary.height).toBeLessThanOrEqual(form.y + 1);
  // Every navigation link keeps its name though only the icon shows.
  await expect(page.getByRole("link", { name: "Templates" })).toBeVisible();
});
