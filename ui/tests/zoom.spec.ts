// 200 % zoom of the default 1200 × 780 window is a 600 × 390 CSS-pixel page: nothing may scroll
// sideways and the editor's form and lint summary may not overlap.
import { expect, test, type Page } from "@playwright/test";
import type { DraftDocument } from "../src/lib/backend/formats";
import { installIpcMock } from "./ipc-mock";

const draft: DraftDocument = {
  format: "koodesk.product-draft",
  format_version: 1,
  kind: "release",
  product: {
    basic: {
      name: "",
      version: "",
      logo: null,
      delivery: { method: "professional_service", service_flow: null, avg_delivery_days: null, request_templates: [] },
    },
    details: { overview: "", description: "", highlights: [], customer_cases: [] },
    qualification: {
      eula: null,
      after_sales_group: null,
      user_guide: null,
      business_letter: null,
      software_copyright: null,
    },
    seo: { title: "", keywords: [], description: "" },
    public_sales: true,
    specifications: [],
  },
};

async function sideways(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
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
