import { expect, test } from "@playwright/test";
import { installIpcMock, ipcCalls } from "./ipc-mock";

test("a new request form is built, previewed, autosaved and exported through a save dialog", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/templates");
  await page.getByTestId("new-form").click();
  await expect(page).toHaveURL(/#\/templates\/request-form-1$/);
  await page.getByTestId("add-field-0").click();
  await page.getByTestId("field-0-1-label").fill("Earliest start");
  await page.getByTestId("field-0-1-type").selectOption("date");
  await expect(page.getByTestId("form-preview")).toContainText("Earliest start");
  await page.getByTestId("field-0-1-up").click();
  await expect(page.getByTestId("form-status")).toHaveAttribute("data-state", "saved");
  const saves = (await ipcCalls(page)).filter((c) => c.cmd === "save_form");
  const last = saves.at(-1)!.args.form as { sections: { fields: { key: string; type: string; label: string }[] }[] };
  expect(last.sections[0]!.fields.map((f) => f.type)).toEqual(["date", "text"]);
  expect(last.sections[0]!.fields[0]!.label).toBe("Earliest start");

  await page.getByTestId("export-xlsx").click();
  await expect(page.getByTestId("form-notice")).toContainText("/home/seller/request-form-1.xlsx");
  const exp = (await ipcCalls(page)).find((c) => c.cmd === "export_template");
  expect(exp?.args).toMatchObject({ id: "request-form-1", format: "xlsx" });
  expect(exp?.args, "the page never names a path: the shell asks the seller").not.toHaveProperty("path");
  expect((await ipcCalls(page)).some((c) => c.cmd.startsWith("plugin:dialog"))).toBe(false);
});

test("a filled template is checked and its problems are listed by field and place", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/templates");
  await page.getByTestId("check-template").click();
  const report = page.getByTestId("check-report");
  await expect(report).toContainText("Service request");
  await expect(page.getByTestId("check-errors")).toContainText("Start date");
  await expect(page.getByTestId("check-errors")).toContainText("Request!B6");
  await expect(report).toContainText("Acme Ltd");
});

test("a form just created is listed as soon as the seller goes back to Templates", async ({ page }) => {
  await installIpcMock(page);
  await page.goto("/#/templates");
  await expect(page.getByTestId("form-row")).toHaveCount(0);
  await page.getByTestId("new-form").click();
  await expect(page).toHaveURL(/#\/templates\/request-form-1$/);
  await page.getByRole("button", { name: "← Templates" }).click();
  await expect(page.getByTestId("form-row")).toHaveCount(1);
  await expect(page.getByTestId("form-row")).toContainText("request-form-1");
});
