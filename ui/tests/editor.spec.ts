import { expect, test } from "@playwright/test";
import type { DraftDocument } from "../src/lib/backend/formats";
import { oneTimeSpec, releaseDraft } from "./drafts";
import { installIpcMock, ipcCalls } from "./ipc-mock";

const draft = releaseDraft({ specs: [oneTimeSpec] });

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
  expect((s[0]!.args.doc as typeof draft).product.basic?.name).toBe("Database Migration");
  expect(s[0]!.args.baseRevision).toBe(1);
});

test("a typed SKU price reaches the document", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  await page.getByTestId("spec-0-price-0").fill("4999");
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  await expect.poll(async () => (await saves(page)).length).toBeGreaterThan(0);
  const last = (await saves(page)).at(-1)!;
  expect((last.args.doc as typeof draft).product.specifications?.[0]?.skus?.[0]?.price).toBe("4999");
  await expect(page.getByTestId("spec-0-price-0")).toHaveValue("4999");
});

test("the list searches as you type and New product opens the editor", async ({ page }) => {
  const named = (name: string): DraftDocument => ({
    ...draft,
    product: { ...draft.product, basic: { ...draft.product.basic, name } },
  });
  await installIpcMock(page, { drafts: { "d-1": named("Database Migration"), "d-2": named("Backup Vault") } });
  await page.goto("/#/products");
  await expect(page.getByTestId("draft-row")).toHaveCount(2);
  await page.getByTestId("draft-search").fill("migr");
  await expect(page.getByTestId("draft-row")).toHaveCount(1);
  await expect(page.getByTestId("draft-row")).toContainText("Database Migration");
  const lists = (await ipcCalls(page)).filter((c) => c.cmd === "list_drafts");
  expect((lists.at(-1)!.args.filter as { query: string }).query).toBe("migr");

  await page.getByTestId("new-product").click();
  await page.getByTestId("new-professional_service").click();
  await expect(page).toHaveURL(/#\/products\/d-new-3$/);
  await expect(page.getByTestId("f-name")).toHaveValue("");
  const created = (await ipcCalls(page)).find((c) => c.cmd === "create_draft");
  expect(created?.args).toEqual({ deliveryMethod: "professional_service" });
});

test("clicking a finding in the summary moves to its field", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  await page.getByTestId("summary-item").first().click();
  await expect(page.getByTestId("f-name")).toBeFocused();
});

test("Services & support adds a group and saves it", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/products/support");
  await page.getByTestId("add-group").click();
  await page.getByTestId("support-group").getByRole("textbox").first().fill("Migration support");
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          (window as unknown as { __support?: { after_sales_groups: { name: string }[] } }).__support
            ?.after_sales_groups[0]?.name,
      ),
    )
    .toBe("Migration support");
});
