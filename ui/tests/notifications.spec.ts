import { expect, test } from "@playwright/test";
import { ALERTS } from "./alerts";
import { installIpcMock } from "./ipc-mock";
import { DETAILS, ORDERS } from "./orders";

test("alerts are listed unread first with a count beside Notifications; opening one shows its order", async ({
  page,
}) => {
  await installIpcMock(page, { alerts: ALERTS, orders: ORDERS, orderDetails: DETAILS });
  await page.goto("/#/notifications");
  await expect(page.getByTestId("nav-unread")).toHaveText("2");
  const rows = page.getByTestId("alert");
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText("Act today");
  await expect(rows.first()).toContainText("the customer may appeal tomorrow");
  await expect(page.getByTestId("alerts-unread")).toHaveText("2 unread");
  // The read one offers no "Mark read".
  await expect(rows.nth(2).getByTestId("alert-read")).toHaveCount(0);
  await page.locator("[data-key='event:EV1']").getByTestId("alert-read").click();
  await expect(page.getByTestId("nav-unread")).toHaveText("1");
  await rows.first().getByTestId("alert-open").click();
  await expect(page).toHaveURL(/#\/orders\/CS-URGENT$/);
  await expect(page.getByTestId("nav-unread")).toHaveCount(0);
});

test("mark all read, snooze, and a test notification", async ({ page }) => {
  await installIpcMock(page, { alerts: ALERTS });
  await page.goto("/#/notifications");
  await page.locator("[data-key='event:EV1']").getByTestId("alert-snooze-day").click();
  await expect(page.locator("[data-key='event:EV1']")).toContainText("snoozed until");
  await page.getByTestId("alerts-read-all").click();
  await expect(page.getByTestId("alerts-unread")).toHaveText("0 unread");
  await expect(page.getByTestId("alerts-read-all")).toBeDisabled();
  await page.getByTestId("alerts-test").click();
  await expect(page.getByTestId("alerts-notice")).toContainText("Koodesk test notification");
  await expect(page.getByTestId("alert").first()).toHaveAttribute("data-kind", "test");
  await expect(page.getByTestId("nav-unread")).toHaveText("1");
});

test("kinds can be turned off and quiet hours set; the choice is sent with the local time zone", async ({ page }) => {
  await installIpcMock(page, { alerts: ALERTS });
  await page.goto("/#/notifications");
  await page.getByTestId("alert-kind-customer_reminder").uncheck();
  await expect(page.getByTestId("alerts-notice")).toHaveText("Saved");
  await page.getByTestId("alerts-quiet").check();
  await page.getByTestId("alerts-quiet-start").fill("21:30");
  await page.getByTestId("alerts-quiet-start").dispatchEvent("change");
  const calls = await page.evaluate(() => (window as unknown as { __calls: { cmd: string; args: unknown }[] }).__calls);
  const saves = calls.filter((c) => c.cmd === "set_alert_settings").map((c) => c.args as { settings: unknown });
  expect(saves[0]?.settings).toMatchObject({ off: ["customer_reminder"] });
  expect(saves.at(-1)?.settings).toMatchObject({
    off: ["customer_reminder"],
    quiet_start: "21:30",
    quiet_end: "07:00",
    urgent_breaks_through: true,
  });
  expect(typeof (saves.at(-1)?.settings as { utc_offset_minutes: number }).utc_offset_minutes).toBe("number");
});

test("an empty centre says what will appear, in 简体中文 too", async ({ page }) => {
  await installIpcMock(page, { language: "zh-CN" });
  await page.goto("/#/notifications");
  await expect(page.getByText("暂无新消息")).toBeVisible();
  await expect(page.getByTestId("alerts-test")).toHaveText("发送测试通知");
  await expect(page.getByTestId("nav-unread")).toHaveCount(0);
});

test("start at login is offered in the tray where the desktop has one, and remembered", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/settings");
  const box = page.getByTestId("start-at-login");
  await expect(box).not.toBeChecked();
  await expect(page.getByText("Start Koodesk at login (in the tray)")).toBeVisible();
  await box.check();
  await expect(box).toBeChecked();
  await page.goto("/#/products");
  await page.goto("/#/settings");
  await expect(page.getByTestId("start-at-login")).toBeChecked();
  const calls = await page.evaluate(() => (window as unknown as { __calls: { cmd: string; args: unknown }[] }).__calls);
  expect(calls.filter((c) => c.cmd === "set_autostart").map((c) => c.args)).toEqual([{ enabled: true }]);
});

test("start at login without a tray host starts minimised; the system's refusal is shown", async ({ page }) => {
  // No tray host: the same choice, said as what it does there.
  await installIpcMock(page, {
    trayHost: false,
    autostartFails: "The system's login items could not be changed: denied",
  });
  await page.goto("/#/settings");
  await expect(page.getByText("Start Koodesk at login (minimised)")).toBeVisible();
  await expect(page.getByText("no tray icons")).toBeVisible();
  await page.getByTestId("start-at-login").click();
  await expect(page.getByTestId("login-error")).toHaveText("The system's login items could not be changed: denied");
  await expect(page.getByTestId("start-at-login")).not.toBeChecked();
});

test("start at login in 简体中文", async ({ page }) => {
  await installIpcMock(page, { language: "zh-CN" });
  await page.goto("/#/settings");
  await expect(page.getByText("登录时启动 Koodesk（在托盘中）")).toBeVisible();
});

const UPDATE = {
  version: "9.9.9",
  current_version: "0.1.0",
  notes: "Faster start.\nThe inbox groups orders by customer.",
  date: "2026-12-01T00:00:00Z",
};

test("updates: checked on request, shown with their notes, installed only after asking", async ({ page }) => {
  await installIpcMock(page, { update: { info: UPDATE } });
  await page.goto("/#/settings");
  await expect(page.getByTestId("update-available")).toHaveCount(0);
  await page.getByTestId("update-check").click();
  await expect(page.getByTestId("update-available")).toHaveText("Koodesk 9.9.9 is available (you have 0.1.0).");
  await expect(page.getByTestId("update-notes")).toContainText("The inbox groups orders by customer.");
  await expect(page.getByTestId("update-last")).toContainText("Last checked");
  await page.getByTestId("update-install").click();
  // Nothing is installed before the seller confirms.
  let calls = await page.evaluate(() => (window as unknown as { __calls: { cmd: string }[] }).__calls);
  expect(calls.filter((c) => c.cmd === "install_update")).toHaveLength(0);
  await expect(page.getByText("its signature checked first")).toBeVisible();
  await page.getByTestId("update-confirm").click();
  await expect(page.getByTestId("update-installed")).toContainText("Koodesk 9.9.9 is installed");
  calls = await page.evaluate(() => (window as unknown as { __calls: { cmd: string }[] }).__calls);
  expect(calls.filter((c) => c.cmd === "install_update")).toHaveLength(1);

  // The daily check is opt-in and remembered.
  const daily = page.getByTestId("update-daily");
  await expect(daily).not.toBeChecked();
  await daily.check();
  await page.goto("/#/products");
  await page.goto("/#/settings");
  await expect(page.getByTestId("update-daily")).toBeChecked();
});

test("updates: a refused artifact is said plainly and can be tried again", async ({ page }) => {
  await installIpcMock(page, {
    update: {
      info: UPDATE,
      installFails: "The update is signed with another key than Koodesk's; nothing was installed.",
    },
  });
  await page.goto("/#/settings");
  await page.getByTestId("update-check").click();
  await page.getByTestId("update-install").click();
  await page.getByTestId("update-confirm").click();
  await expect(page.getByTestId("update-error")).toHaveText(
    "The update is signed with another key than Koodesk's; nothing was installed.",
  );
  await expect(page.getByTestId("update-installed")).toHaveCount(0);
  await expect(page.getByTestId("update-install")).toBeVisible();

  // Looking again: what the first check found is not offered while the new answer is awaited
  // (installing it then could install what that answer replaces), and comes back with it.
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__checkGate = new Promise<void>((open) => (w.__openGate = open));
  });
  await page.getByTestId("update-check").click();
  await expect(page.getByTestId("update-check")).toBeDisabled();
  await expect(page.getByTestId("update-install")).toHaveCount(0);
  await expect(page.getByTestId("update-error")).toHaveCount(0);
  await page.evaluate(() => (window as unknown as { __openGate: () => void }).__openGate());
  await expect(page.getByTestId("update-install")).toBeVisible();
  await expect(page.getByTestId("update-check")).toBeEnabled();
});

test("updates: up to date", async ({ page }) => {
  await installIpcMock(page, { update: { info: null } });
  await page.goto("/#/settings");
  await page.getByTestId("update-check").click();
  await expect(page.getByTestId("update-none")).toContainText("is the newest version");
});
