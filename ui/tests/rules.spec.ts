import { expect, test } from "@playwright/test";
import { modificationOf, releaseDraft } from "./drafts";
import { installIpcMock, ipcCalls } from "./ipc-mock";

// Hints that quote a limit take it from the ruleset the backend reports, never from the
// translation files; a modification may change the delivery method.

const release = releaseDraft({
  name: "CloudMove",
  version: "V1.0",
  delivery: { method: "saas", associated_asset: "asset-1", involves_service_supervision: false },
});
const modification = modificationOf(release, "PROD-SAAS-0001");

const limits = {
  logo_width: 256,
  logo_height: 200,
  logo_max_mb: 4,
  min_service_hours_per_day: 9,
  min_service_days_per_week: 6,
  stall_days: 7,
};

for (const lang of ["en", "zh-CN"] as const) {
  test(`hints quote the ruleset in force (${lang})`, async ({ page }) => {
    await installIpcMock(page, { language: lang, drafts: { "d-1": release }, limits });
    await page.goto("/#/products/d-1");
    await expect(page.locator("#f-product_basic_logo")).toContainText("256 × 200");
    await expect(page.locator("#f-product_basic_logo")).toContainText("4 MB");
    await expect(page.locator("#f-product_basic_logo")).not.toContainText("120");

    await page.goto("/#/products/support");
    await expect(
      page.getByText(lang === "en" ? "at least 9 hours a day, 6 days a week" : "每天至少 9 小时、每周 6 天"),
    ).toBeVisible();

    await page.goto("/#/orders");
    await expect(
      page.getByText(lang === "en" ? "more than 7 days without an update" : "超过 7 天未更新"),
    ).toBeVisible();
  });
}

test("a modification offers the delivery method and starts the new method's fields empty", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": modification, "d-2": release } });
  await page.goto("/#/products/d-1");
  const pick = page.getByTestId("f-method");
  await expect(pick).toHaveValue("saas");
  await expect(page.getByLabel("Delivery method")).toBeVisible();
  await pick.selectOption("license");
  await expect(page.locator("#f-product_basic_delivery_delivery_process textarea")).toBeVisible();
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  const saved = (await ipcCalls(page)).filter((c) => c.cmd === "save_draft").at(-1);
  expect((saved?.args.doc as typeof release).product.basic?.delivery).toEqual({
    method: "license",
    delivery_process: "",
  });

  // A release has no such choice: its method was picked when it was created.
  await page.goto("/#/products/d-2");
  await expect(page.getByTestId("editor-title")).toBeVisible();
  await expect(page.getByTestId("f-method")).toHaveCount(0);
});
