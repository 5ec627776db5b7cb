import { expect, test } from "@playwright/test";
import { installIpcMock } from "./ipc-mock";
import { DETAILS, ORDERS, READINGS } from "./orders";

test("the inbox puts the pressing first and says when the customer may appeal", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS });
  await page.goto("/#/orders");
  const rows = page.getByTestId("order");
  await expect(rows).toHaveCount(6);
  await expect(rows.first()).toHaveAttribute("data-id", "CS-APPEALABLE");
  await expect(rows.first()).toContainText("Customer may appeal");
  await expect(rows.first().getByTestId("order-when")).toHaveText("the customer may appeal now");
  const urgent = page.locator("[data-testid=order][data-id=CS-URGENT]");
  await expect(urgent.getByTestId("order-when")).toHaveText("the customer may appeal in 4 h 0 min");
  await expect(urgent.getByTestId("order-queued")).toHaveText("Deliver waiting to send");
  await expect(urgent.getByRole("img")).toHaveAccessibleName("5-day line: 97% of it used");
  await expect(page.locator("[data-id=CS-THEIRS]").getByTestId("order-refused")).toContainText("moved on");
  await expect(page.locator("[data-id=CS-FROZEN]")).toContainText("Frozen by appeal");
});

test("filters and search narrow the inbox", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS });
  await page.goto("/#/orders");
  const ids = () => page.getByTestId("order").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  await page.getByTestId("orders-filter-needs_me").click();
  await expect(page.getByTestId("orders-filter-needs_me")).toHaveAttribute("aria-pressed", "true");
  await expect.poll(ids).toEqual(["CS-APPEALABLE", "CS-URGENT", "CS-CALM"]);
  await page.getByTestId("orders-filter-in_appeal").click();
  await expect.poll(ids).toEqual(["CS-FROZEN"]);
  await page.getByTestId("orders-filter-all").click();
  await page.getByTestId("orders-search").fill("bolt");
  await expect.poll(ids).toEqual(["CS-URGENT"]);
  await page.getByTestId("orders-search").fill("nobody here");
  await expect(page.getByTestId("orders-none")).toBeVisible();
  // The page itself stays (no empty state for a search without matches).
  await expect(page.getByTestId("orders-search")).toBeVisible();
});

test("arrows and j/k move through the inbox from one Tab stop", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS });
  await page.goto("/#/orders");
  const list = page.getByTestId("orders");
  await list.focus();
  const selected = () => page.locator("[data-testid=order][aria-selected=true]");
  await expect(selected()).toHaveAttribute("data-id", "CS-APPEALABLE");
  await page.keyboard.press("j");
  await expect(selected()).toHaveAttribute("data-id", "CS-URGENT");
  await page.keyboard.press("ArrowDown");
  await expect(selected()).toHaveAttribute("data-id", "CS-CALM");
  await page.keyboard.press("k");
  await expect(selected()).toHaveAttribute("data-id", "CS-URGENT");
  await page.keyboard.press("End");
  await expect(selected()).toHaveAttribute("data-id", "CS-DONE");
  await expect(list).toHaveAttribute("aria-activedescendant", "order-CS-DONE");
  await page.keyboard.press("Home");
  await expect(selected()).toHaveAttribute("data-id", "CS-APPEALABLE");
});

test("the inbox in 简体中文", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS, language: "zh-CN" });
  await page.goto("/#/orders");
  await expect(page.getByTestId("order").first()).toContainText("客户可申诉");
  await expect(page.getByTestId("orders-filter-needs_me")).toHaveText("待我处理");
  await expect(page.locator("[data-id=CS-URGENT]").getByTestId("order-when")).toHaveText("4小时0分钟后客户可申诉");
});

test("an account without orders says how they arrive", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/orders");
  await expect(page.getByText("No service orders yet")).toBeVisible();
  await expect(page.getByTestId("orders-search")).toHaveCount(0);
});

test("Enter opens an order: its request read as the form, problems with their cell, the records", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS, orderDetails: DETAILS, readings: { "CS-APPEALABLE": READINGS } });
  await page.goto("/#/orders");
  await page.getByTestId("orders").focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#\/orders\/CS-APPEALABLE$/);
  await expect(page.getByTestId("order-title")).toBeFocused();
  await expect(page.getByTestId("order-state")).toHaveText("Request to confirm");
  await expect(page.getByTestId("order-customer-may-appeal")).toContainText("more than 5 days");
  await expect(page.getByTestId("order-request-text")).toHaveText("Please migrate our 12 servers before the 15th.");
  await expect(page.getByTestId("order-usage")).toHaveText("when the customer accepts the delivery");
  const good = page.locator("[data-testid=order-reading][data-file='Data migration request (filled).xlsx']");
  await expect(good.getByRole("heading")).toContainText("Data migration request");
  await expect(good.locator("[data-key=company_name]")).toContainText("Acme Ltd");
  const missing = good.locator("[data-key=contact_email]");
  await expect(missing).toContainText("no answer");
  await expect(missing).toContainText("An answer is required. (Request!C8)");
  await expect(good.getByTestId("order-reading-problems")).toHaveText("1 answer(s) need attention.");
  await expect(good.locator("caption").nth(1)).toHaveText("Servers to migrate · 1");
  const broken = page.locator("[data-testid=order-reading][data-file='broken.xlsx']");
  await expect(broken.getByTestId("order-reading-error")).toContainText("broken.xlsx cannot be read");
  await expect(page.getByTestId("order-records").locator("li")).toHaveCount(2);
  await page.getByTestId("order-save-file").first().click();
  await expect(page.getByTestId("order-notice")).toContainText("/home/seller/Downloads/");
  // Escape goes back to the inbox.
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/#\/orders$/);
});

test("an action is explained before it is queued; a rejection needs a reason; A opens accept", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS, orderDetails: DETAILS });
  await page.goto("/#/orders/CS-APPEALABLE");
  await expect(page.getByTestId("order-action-DELIVER_SERVICE")).toBeDisabled();
  await page.getByTestId("order-action-REJECT_REQUEST").click();
  const dialog = page.getByTestId("order-dialog");
  await expect(dialog.getByTestId("order-explain")).toContainText("after 3 rejections the customer may appeal");
  await dialog.getByTestId("order-confirm").click();
  await expect(dialog.getByTestId("order-form-error")).toContainText("Reason is required");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  // The single key A opens Accept; confirming queues it and the page says it waits to send.
  await page.getByTestId("order-title").focus();
  await page.keyboard.press("a");
  await expect(dialog.getByTestId("order-explain")).toContainText("deliver within 5 days of accepting");
  await dialog.getByTestId("order-confirm").click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("order-notice")).toContainText("Accept is queued");
  await expect(page.getByTestId("order-queued")).toContainText("Accept waiting to send");
  await expect(page.getByTestId("order-action-ACCEPT_REQUEST")).toBeDisabled();
  // Deliver is decided on the order as the accept will leave it: possible now, offline too.
  await expect(page.getByTestId("order-action-DELIVER_SERVICE")).toBeEnabled();
  const calls = await page.evaluate(() => (window as unknown as { __calls: { cmd: string; args: unknown }[] }).__calls);
  const acts = calls.filter((c) => c.cmd === "act_on_order");
  expect(acts).toHaveLength(2);
  expect(acts[1]?.args).toMatchObject({ id: "CS-APPEALABLE", input: { action: "ACCEPT_REQUEST" } });
});

test("a frozen order refuses every action with the reason", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS, orderDetails: DETAILS });
  await page.goto("/#/orders/CS-FROZEN");
  for (const a of ["ACCEPT_REQUEST", "REJECT_REQUEST", "DELIVER_SERVICE", "INITIATE_APPEAL"])
    await expect(page.getByTestId(`order-action-${a}`)).toBeDisabled();
  await expect(page.getByTestId("order-no-action")).toContainText("frozen by an appeal");
  await expect(page.getByTestId("order-appeal")).toContainText("flow is frozen");
  await page.getByTestId("order-title").focus();
  await page.keyboard.press("p");
  await expect(page.getByTestId("order-dialog")).toHaveCount(0);
});

test("single-key shortcuts can be turned off in Settings; arrows and Enter still work", async ({ page }) => {
  await installIpcMock(page, { orders: ORDERS, orderDetails: DETAILS });
  await page.goto("/#/settings");
  const box = page.getByTestId("single-keys");
  await expect(box).toBeChecked();
  await box.uncheck();
  await page.goto("/#/orders");
  await page.getByTestId("orders").focus();
  const selected = () => page.locator("[data-testid=order][aria-selected=true]");
  await page.keyboard.press("j");
  await expect(selected()).toHaveAttribute("data-id", "CS-APPEALABLE");
  await page.keyboard.press("ArrowDown");
  await expect(selected()).toHaveAttribute("data-id", "CS-URGENT");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("order-title")).toBeVisible();
  await page.keyboard.press("a");
  await expect(page.getByTestId("order-dialog")).toHaveCount(0);
  await page.reload();
  await page.goto("/#/settings");
  await expect(page.getByTestId("single-keys")).not.toBeChecked();
});

test("an order page in 简体中文", async ({ page }) => {
  await installIpcMock(page, {
    orders: ORDERS,
    orderDetails: DETAILS,
    readings: { "CS-APPEALABLE": READINGS },
    language: "zh-CN",
  });
  await page.goto("/#/orders/CS-APPEALABLE");
  await expect(page.getByTestId("order-state")).toHaveText("待确认需求");
  await expect(page.getByRole("heading", { name: "客户的需求" })).toBeVisible();
  await page.getByTestId("order-action-ACCEPT_REQUEST").click();
  await expect(page.getByTestId("order-explain")).toContainText("天内请交付");
});
