// Keyboard use as a new seller would try it: a visible focus ring at every Tab stop of the editor,
// one Tab stop per radio group with arrow keys inside, a skip link, focus on the new page's heading,
// and Escape plus focus return for every pop-up.
import { expect, test, type Page } from "@playwright/test";
import { oneTimeSpec, releaseDraft } from "./drafts";
import { installIpcMock } from "./ipc-mock";

const draft = releaseDraft({
  delivery: {
    method: "professional_service",
    service_flow: "standard",
    avg_delivery_days: null,
    request_templates: [],
  },
  specs: [oneTimeSpec],
});

/** The focused element's focus ring: its outline width in px (0 when there is none). */
async function ring(page: Page): Promise<{ tag: string; width: number; label: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", width: 0, label: "" };
    const s = getComputedStyle(el);
    const width = s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth);
    return {
      tag: el.tagName.toLowerCase(),
      width,
      label: el.getAttribute("data-testid") ?? el.textContent?.trim().slice(0, 30) ?? "",
    };
  });
}

test("every Tab stop in the editor shows a focus ring, invalid and checked controls too", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  await expect(page.locator("#f-product_basic_name [data-rule='name.required']")).toBeVisible();
  await page.getByTestId("back").focus();
  const seen = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const r = await ring(page);
    if (r.tag === "body") break; // past the last control

    expect(r.width, `Tab stop ${i} (${r.tag} ${r.label}) has no focus ring`).toBeGreaterThanOrEqual(2);
    seen.add(r.label);
  }
  // The walk went through the invalid name field and the checked radio of the service flow.
  expect(seen.size).toBeGreaterThan(15);
  expect(seen.has("f-name")).toBe(true);
  expect(seen.has("f-flow-standard")).toBe(true);
  await expect(page.getByTestId("f-name")).toHaveAttribute("aria-invalid", "true");
});

test("fields are named by their labels and described by their hints and messages", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  const name = page.getByRole("textbox", { name: "Product name" });
  await expect(name).toHaveAttribute("data-testid", "f-name");
  await expect(name).toHaveAccessibleDescription(/No price, version or phone number.*Enter the product name/);
  await expect(page.getByRole("group", { name: "Service-flow template" })).toBeVisible();
});

test("a radio group is one Tab stop and arrow keys move inside it", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products/d-1");
  await page.getByTestId("f-flow-standard").focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("radio", { name: "Website building" })).toBeChecked();
  await expect(page.getByRole("radio", { name: "Website building" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("radio")).not.toHaveCount(0);
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).not.toBe("radio");
});

test("the skip link and page switches put focus on the page heading", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/products");
  await expect(page.getByTestId("draft-search")).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the page content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeFocused();

  await page.keyboard.press("Control+6");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeFocused();
  await page.getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeFocused();
});

test("the New product and Modify choosers take focus, close on Escape and give focus back", async ({ page }) => {
  await installIpcMock(page, { drafts: { "d-1": draft } });
  await page.goto("/#/products");
  for (const [opener, name] of [
    ["new-product", "What are you releasing?"],
    ["modify-live", "Which live product?"],
  ] as const) {
    await page.getByTestId(opener).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId(opener)).toHaveAttribute("aria-expanded", "true");
    if (opener === "new-product") {
      await expect(dialog.getByRole("button").first()).toBeFocused();
      // Tab stays inside.
      const n = await dialog.getByRole("button").count();
      for (let i = 0; i < n; i++) await page.keyboard.press("Tab");
      await expect(dialog.getByRole("button").first()).toBeFocused();
    }
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId(opener)).toBeFocused();
    void name;
  }
});

test("the remove-account confirmation takes focus on Cancel, closes on Escape and gives focus back", async ({
  page,
}) => {
  await installIpcMock(page);
  await page.goto("/#/settings");
  await page.getByTestId("account-add").click();
  await page.getByTestId("account-name").fill("Acme");
  await page.getByTestId("account-ak").fill("AK");
  await page.getByTestId("account-sk").fill("SK");
  await page.getByTestId("account-save").click();
  const remove = page.getByTestId("account-Acme").getByTestId("account-remove");
  await remove.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog", { name: "Remove" });
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId("account-remove-cancel")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(remove).toBeFocused();
  await expect(page.getByTestId("account-Acme")).toBeVisible();
});

test("the theme follows the system until the seller picks one in Settings, and the pick sticks", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await installIpcMock(page);
  await page.goto("/#/settings");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.emulateMedia({ colorScheme: "light" });
  await expect(html).toHaveAttribute("data-theme", "light");
  await page.getByTestId("theme-dark").check();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByTestId("theme-dark")).toBeChecked();
  await page.getByTestId("theme-system").check();
  await expect(html).toHaveAttribute("data-theme", "light");
});
