// The accessibility gate: axe-core (WCAG 2.0/2.1 A and AA plus best practices) over every page and
// every state the mock can produce, in both languages and both themes; any serious or critical
// violation fails.
// Pages added later are listed in STATES as they are built.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { modificationOf, oneTimeSpec, releaseDraft } from "./drafts";
import { installIpcMock } from "./ipc-mock";
import { ALERTS } from "./alerts";
import { DETAILS, ORDERS, READINGS } from "./orders";

const draft = releaseDraft({ specs: [oneTimeSpec] });
const named = releaseDraft({ name: "Database Migration", specs: [oneTimeSpec] });
const saas = modificationOf(
  releaseDraft({
    name: "Database Migration",
    delivery: { method: "saas", associated_asset: "a-1", involves_service_supervision: true },
    specs: [oneTimeSpec],
  }),
  "PROD-SAAS-0001",
);

/** (name, where to go, what to do there before checking) */
const STATES: [string, string, (page: Page) => Promise<void>][] = [
  ["products list", "/#/products", async (p) => void (await expect(p.getByTestId("draft-row")).toHaveCount(3))],
  ["new product chooser", "/#/products", async (p) => p.getByTestId("new-product").click()],
  ["modify chooser", "/#/products", async (p) => p.getByTestId("modify-live").click()],
  [
    "editor with errors",
    "/#/products/d-1",
    async (p) => void (await expect(p.getByTestId("finding").first()).toBeVisible()),
  ],
  ["editor without errors", "/#/products/d-2", async (p) => void (await expect(p.getByTestId("f-name")).toBeVisible())],
  ["modification editor", "/#/products/d-3", async (p) => void (await expect(p.getByTestId("f-method")).toBeVisible())],
  ["services and support", "/#/products/support", async (p) => p.getByTestId("add-group").click()],
  ["templates list", "/#/templates", async () => {}],
  [
    "form editor",
    "/#/templates",
    async (p) => {
      await p.getByTestId("new-form").click();
      await expect(p.getByTestId("form-title-en")).toBeVisible();
    },
  ],
  ["settings", "/#/settings", async () => {}],
  [
    "remove-account confirmation",
    "/#/settings",
    async (p) => {
      await p.getByTestId("account-add").click();
      await p.getByTestId("account-name").fill("Acme");
      await p.getByTestId("account-ak").fill("AK");
      await p.getByTestId("account-sk").fill("SK");
      await p.getByTestId("account-save").click();
      await p.getByTestId("account-Acme").getByTestId("account-remove").click();
      await expect(p.getByRole("alertdialog")).toBeVisible();
    },
  ],
  ["applications", "/#/applications", async () => {}],
  [
    "submitted draft and its application",
    "/#/products/d-2",
    async (p) => {
      await p.getByTestId("submit").click();
      await expect(p.getByTestId("submission-state")).toBeVisible();
      await p.evaluate(() =>
        (window as unknown as { __review: (id: string, s: string, c: unknown[]) => void }).__review(
          "APP1",
          "rejected",
          [{ field: "product.details.description", message: "Describe the deliverables." }],
        ),
      );
      await expect(p.getByTestId("review-comments")).toBeVisible();
      await p.getByTestId("compare").click();
      await expect(p.getByTestId("three-way")).toBeVisible();
    },
  ],
  [
    "applications with a pending one and its withdraw confirmation",
    "/#/products/d-2",
    async (p) => {
      await p.getByTestId("submit").click();
      await expect(p.getByTestId("submission-state")).toBeVisible();
      await p.getByRole("link", { name: /Applications|申请/ }).click();
      await p.getByTestId("withdraw").click();
      await expect(p.getByRole("alertdialog")).toBeVisible();
    },
  ],
  ["service orders", "/#/orders", async () => {}],
  ["service orders inbox", "/#/orders?inbox", async () => {}],
  [
    "an order with its request read as the form",
    "/#/orders/CS-APPEALABLE",
    async (p) => void (await expect(p.getByTestId("order-reading")).toHaveCount(2)),
  ],
  [
    "an order's action explained",
    "/#/orders/CS-APPEALABLE",
    async (p) => {
      await p.getByTestId("order-action-REJECT_REQUEST").click();
      await expect(p.getByTestId("order-explain")).toBeVisible();
    },
  ],
  [
    "a frozen order",
    "/#/orders/CS-FROZEN",
    async (p) => void (await expect(p.getByTestId("order-appeal")).toBeVisible()),
  ],
  ["notifications", "/#/notifications", async () => {}],
  [
    "notifications with alerts",
    "/#/notifications?alerts",
    async (p) => void (await expect(p.getByTestId("alert")).toHaveCount(3)),
  ],
];

for (const colorScheme of ["light", "dark"] as const) {
  for (const language of ["en", "zh-CN"] as const) {
    for (const [name, url, arrange] of STATES) {
      test(`axe: ${name} (${language}, ${colorScheme}) has no serious or critical violation`, async ({ page }) => {
        await page.emulateMedia({ colorScheme });
        await installIpcMock(page, {
          language,
          drafts: { "d-1": draft, "d-2": named, "d-3": saas },
          orders: url.endsWith("?inbox") || url.includes("/orders/") ? ORDERS : undefined,
          orderDetails: DETAILS,
          readings: { "CS-APPEALABLE": READINGS },
          alerts: url.endsWith("?alerts") ? ALERTS : undefined,
        });
        await page.goto(url);
        await expect(page.locator("html")).toHaveAttribute("data-theme", colorScheme);
        await expect(page.getByTestId("page")).toBeVisible();
        await arrange(page);
        const result = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
          .analyze();
        const bad = result.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
        expect(bad, bad.join("\n")).toEqual([]);
      });
    }
  }
}
