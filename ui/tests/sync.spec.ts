import { expect, test } from "@playwright/test";
import { modificationOf, oneTimeSpec, releaseDraft } from "./drafts";
import { installIpcMock, ipcCalls } from "./ipc-mock";

test("Submit is blocked while the linter has errors and says why", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": releaseDraft({ specs: [oneTimeSpec] }) } });
  await page.goto("/#/products/d-1");
  await expect(page.getByTestId("submit")).toBeDisabled();
  await expect(page.getByTestId("submit-bar")).toContainText("Fix the 1 blocking problem(s) first");
});

test("Submit queues the draft; Applications shows it pending, then the reviewer's verdict reaches the editor", async ({
  page,
}) => {
  await installIpcMock(page, { drafts: { "d-1": releaseDraft({ name: "Ledger Cloud", specs: [oneTimeSpec] }) } });
  await page.goto("/#/products/d-1");
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("submit-notice")).toContainText("Queued for review");
  await expect(page.getByTestId("submission-state")).toHaveAttribute("data-state", "pending_review");
  await expect(page.getByTestId("submission-state")).toContainText("Under review since");
  await expect(page.getByTestId("submit")).toBeDisabled();
  await page.getByTestId("compare").click();
  const priced = page.locator("[data-testid=three-way-row][data-pricing=true]");
  await expect(priced).toContainText("skus[0].price");
  await expect(priced).toContainText("4999.00");
  await expect(page.getByTestId("three-way")).toContainText("Live (none yet)");
  const submitted = (await ipcCalls(page)).filter((c) => c.cmd === "submit_draft");
  expect(submitted.map((c) => c.args)).toEqual([{ id: "d-1", acceptWarnings: false }]);

  await page.getByRole("link", { name: "Applications" }).click();
  const row = page.getByTestId("application");
  await expect(row).toHaveAttribute("data-state", "pending_review");
  await expect(row).toContainText("Ledger Cloud");
  await expect(row).toContainText("Pending review");
  // What was submitted beside what is live, from the application itself.
  const compare = row.getByTestId("application-compare");
  await expect(compare).toHaveAttribute("aria-expanded", "false");
  await compare.click();
  await expect(compare).toHaveAttribute("aria-expanded", "true");
  const copies = page.getByTestId("application-copies");
  await expect(copies.locator("[data-testid=three-way-row][data-pricing=true]")).toContainText("4999.00");
  await expect(copies).toContainText("Live (none yet)");
  await compare.click();
  await expect(copies).toHaveCount(0);

  await page.evaluate(() =>
    (window as unknown as { __review: (id: string, s: string, c: unknown[]) => void }).__review("APP1", "rejected", [
      { field: "product.details.description", message: "Describe the deliverables." },
    ]),
  );
  await expect(row).toHaveAttribute("data-state", "rejected");
  await expect(page.getByTestId("application-comments")).toContainText("Describe the deliverables.");
  await row.getByRole("button", { name: "Open draft" }).click();
  await expect(page.getByTestId("submission-state")).toHaveAttribute("data-state", "rejected");
  await expect(page.getByTestId("review-comments")).toContainText("Describe the deliverables.");
  await expect(page.getByTestId("submit")).toBeEnabled();
});

test("warnings are shown for confirmation before submitting, and Escape cancels", async ({ page }) => {
  await installIpcMock(page, {
    drafts: { "d-1": releaseDraft({ name: "免费 Ledger", specs: [oneTimeSpec] }) },
    language: "zh-CN",
  });
  await page.goto("/#/products/d-1");
  await page.getByTestId("submit").click();
  const dialog = page.getByTestId("submit-confirm");
  await expect(dialog).toContainText("名称不应承诺免费。");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  expect((await ipcCalls(page)).filter((c) => c.cmd === "submit_draft")).toHaveLength(0);
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-confirm-yes").click();
  await expect(page.getByTestId("submission-state")).toHaveAttribute("data-state", "pending_review");
  const sent = (await ipcCalls(page)).filter((c) => c.cmd === "submit_draft");
  expect(sent.map((c) => c.args)).toEqual([{ id: "d-1", acceptWarnings: true }]);
});

test("a pending application can be withdrawn after confirming", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": releaseDraft({ name: "Ledger Cloud", specs: [oneTimeSpec] }) } });
  await page.goto("/#/products/d-1");
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("submission-state")).toHaveAttribute("data-state", "pending_review");
  await page.goto("/#/applications");
  await page.getByTestId("withdraw").click();
  await page.getByTestId("withdraw-yes").click();
  await expect(page.getByTestId("application")).toHaveAttribute("data-state", "withdrawn");
  await expect(page.getByTestId("sync-status")).toHaveAttribute("data-state", "online");
  await expect(page.getByTestId("sync-progress")).toContainText("Everything sent");
});

test("a modification refused as stale offers a rebase, which lists what both sides changed", async ({ page }) => {
  const mod = modificationOf(releaseDraft({ name: "Ledger Cloud", specs: [oneTimeSpec] }), "PROD-1");
  await installIpcMock(page, { drafts: { "d-1": mod } });
  await page.goto("/#/products/d-1");
  await expect(page.getByTestId("submit")).toBeEnabled();
  const message = "The modification was made from version 1 of PROD-1, but the product is now at version 2.";
  await page.evaluate(
    (m) => (window as unknown as { __refuse: (id: string, m: string) => void }).__refuse("d-1", m),
    message,
  );
  await expect(page.getByTestId("submission-state")).toHaveAttribute("data-state", "needs_attention");
  await expect(page.getByTestId("submission-message")).toHaveText(message);
  const loads = async () => (await ipcCalls(page)).filter((c) => c.cmd === "get_draft").length;
  const before = await loads();
  await page.getByTestId("rebase").click();
  await expect(page.getByTestId("rebased")).toContainText("live version 2");
  await expect(page.getByTestId("rebased")).toContainText("product.basic.name");
  await expect.poll(loads).toBeGreaterThan(before);
});
