import { expect, test } from "@playwright/test";
import { installIpcMock } from "./ipc-mock";
import { ORDERS } from "./orders";

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
