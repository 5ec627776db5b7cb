import { expect, test } from "@playwright/test";
import { installIpcMock, ipcCalls } from "./ipc-mock";

test("the app starts on the Demo marketplace, clearly labelled", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/settings");
  await expect(page.getByTestId("profile")).toHaveAttribute("data-kind", "demo");
  await expect(page.getByTestId("profile")).toContainText("Demo marketplace");
  const demo = page.getByTestId("account-demo");
  await expect(demo).toContainText("Demo");
  await expect(demo.getByTestId("account-current")).toHaveText("In use");
  await expect(demo.getByTestId("account-edit")).toHaveCount(0);
  await expect(demo.getByTestId("account-remove")).toHaveCount(0);
});

test("an account is added with its keys, tested, used and removed", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/settings");
  await page.getByTestId("account-add").click();
  await expect(page.getByTestId("account-sk")).toHaveAttribute("type", "password");

  // A missing name is pointed at, and nothing is lost.
  await page.getByTestId("account-ak").fill("AKEXAMPLE");
  await page.getByTestId("account-sk").fill("SKEXAMPLE");
  await page.getByTestId("account-save").click();
  await expect(page.getByTestId("account-error")).toContainText("Give the account a name");
  await expect(page.getByTestId("account-name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("account-ak")).toHaveValue("AKEXAMPLE");

  await page.getByTestId("account-name").fill("Acme Europe");
  await page.getByTestId("account-site").selectOption("eu");
  await page.getByTestId("account-save").click();
  const acme = page.getByTestId("account-Acme Europe");
  await expect(acme).toContainText("Europe (mkt.myhuaweicloud.eu)");
  await expect(page.getByTestId("account-form")).toHaveCount(0);
  const added = (await ipcCalls(page)).filter((c) => c.cmd === "add_account");
  expect(added.at(-1)?.args).toEqual({ input: { name: "Acme Europe", site: "eu", ak: "AKEXAMPLE", sk: "SKEXAMPLE" } });

  await acme.getByTestId("account-test").click();
  await expect(acme.getByTestId("account-test-result")).toHaveText(
    "Connected in 42 ms: the gateway accepted your key. Test order MOCKPERIODYEARNEW found.",
  );

  await acme.getByTestId("account-use").click();
  await expect(acme.getByTestId("account-current")).toBeVisible();
  await expect(page.getByTestId("profile")).toHaveAttribute("data-kind", "account");
  await expect(page.getByTestId("profile")).toContainText("Acme Europe");

  await acme.getByTestId("account-remove").click();
  await expect(page.getByRole("alertdialog")).toContainText("Remove Acme Europe?");
  await page.getByTestId("account-remove-yes").click();
  await expect(page.getByTestId("account-Acme Europe")).toHaveCount(0);
  await expect(page.getByTestId("account-demo").getByTestId("account-current")).toBeVisible();
  await expect(page.getByTestId("profile")).toHaveAttribute("data-kind", "demo");
});

test("a refused key is reported in the marketplace's own words", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/settings");
  await page.getByTestId("account-add").click();
  await page.getByTestId("account-name").fill("Typo account");
  await page.getByTestId("account-site").selectOption("custom");
  await page.getByTestId("account-url").fill("https://gateway.example.com");
  await page.getByTestId("account-ak").fill("AK");
  await page.getByTestId("account-sk").fill("wrong");
  await page.getByTestId("account-save").click();
  const row = page.getByTestId("account-Typo account");
  await expect(row).toContainText("https://gateway.example.com");
  await row.getByTestId("account-test").click();
  await expect(row.getByTestId("account-test-result")).toHaveText(
    "Incorrect app authentication information: the signature does not match",
  );
});

test("the accounts section is translated", async ({ page }) => {
  await installIpcMock(page, { language: "zh-CN" });
  await page.goto("/#/settings");
  await expect(page.locator("#acc-h")).toHaveText("云商店账号");
  await expect(page.getByTestId("account-demo")).toContainText("演示云商店");
});

test("the Demo marketplace coming up does not disturb what the seller is typing", async ({ page }) => {
  await installIpcMock(page, { demoLater: true });
  await page.goto("/#/templates");
  await expect(page.getByTestId("profile")).toHaveAttribute("data-kind", "local_only");
  await page.getByTestId("new-form").click();
  const title = page.getByTestId("form-title-en");
  await title.fill("Half a ti");
  await title.evaluate((el) => el.setAttribute("data-seen", "before"));

  await page.evaluate(() => (window as unknown as { __demoUp: () => void }).__demoUp());
  await expect(page.getByTestId("profile")).toHaveAttribute("data-kind", "demo");
  // The same field, still focused, still holding the text: the editor was not started over.
  await expect(title).toHaveAttribute("data-seen", "before");
  await expect(title).toBeFocused();
  await title.pressSequentially("tle");
  await expect(title).toHaveValue("Half a title");
});
