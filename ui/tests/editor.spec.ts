import { expect, test } from "@playwright/test";
import { installIpcMock, ipcCalls } from "./ipc-mock";

const draft = {
  format: "koodesk.product-draft",
  format_version: 1,
  kind: "release",
  product: {
    basic: { name: "", version: "", logo: null, delivery: { method: "professional_service", service_flow: null, avg_delivery_days: null, request_templates: [] } },
    details: { overview: "", description: "", highlights: [], customer_cases: [] },
    qualification: { eula: null, after_sales_group: null, user_guide: null, business_letter: null, software_copyright: null },
    seo: { title: "", keywords: [], description: "" },
    public_sales: true,
    specifications: [
      { id: "s1", name: "Standard", billing_modes: ["one_time"], pricing: "simple", attributes: [], skus: [{ billing_mode: "one_time", options: {}, price: "0.00" }], removed: false, application_asset: "" },
    ],
  },
};

async function saves(page: import("@playwright/test").Page) {
  return (await ipcCalls(page)).filter((c) => c.cmd === "save_draft");
}

test("edits are autosaved, with lint messages next to the field", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  await expect(page.locator("#f-product_basic_name [data-rule='name.required']")).toBeVisible();
  await page.getByTestId("f-name").fill("Database Migration");
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  await expect(page.locator("[data-rule='name.required']")).toHaveCount(0);
  const s = await saves(page);
  expect(s.length).toBe(1);
  expect((s[0]!.args.doc as typeof draft).product.basic.name).toBe("Database Migration");
  expect(s[0]!.args.baseRevision).toBe(1);
});

test("a typed SKU price reaches the document", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  await page.getByTestId("spec-0-price-0").fill("4999");
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  await expect.poll(async () => (await saves(page)).length).toBeGreaterThan(0);
  const last = (await saves(page)).at(-1)!;
  expect((last.args.doc as typeof draft).product.specifications[0]!.skus[0]!.price).toBe("4999");
  await expect(page.getByTestId("spec-0-price-0")).toHaveValue("4999");
});
