// Keyboard shortcuts, as a person uses them: the sheet that lists them (`?`, the sidebar's button),
// new chat, search, the model picker, focusing the message box, Stop from the message box, and
// copying the last answer — each doing what its control does.
import { expect, test } from "@playwright/test";
import { composerInput, lastAssistant, openNewChat, send, sendAndWait, waitIdle } from "./fixtures/chat";
import { signUp } from "./fixtures/users";

const MOD = process.platform === "darwin" ? "Meta" : "Control";

test.beforeEach(async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
});

test("the shortcuts: help sheet, new chat, search, model picker, message box, stop and copy", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openNewChat(page);

  // `?` outside a text field opens the sheet; in the message box it is just a character.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press("?");
  const help = page.getByTestId("shortcuts-help");
  await expect(help).toBeVisible();
  await expect(help.getByTestId("shortcut")).toHaveCount(7);
  await expect(help.locator('[data-shortcut="new-chat"]')).toContainText("New chat");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
  await composerInput(page).fill("Is 2 > 1?");
  await expect(help).toBeHidden();
  await composerInput(page).fill("");
  await page.getByTestId("shortcuts-button").click();
  await expect(help).toBeVisible();
  await page.keyboard.press("Escape");

  // Mod+K: the search box; Shift+Esc: back to the message box.
  await page.keyboard.press(`${MOD}+K`);
  await expect(page.getByTestId("history-search")).toBeFocused();
  await page.keyboard.press("Shift+Escape");
  await expect(composerInput(page)).toBeFocused();

  // Mod+Shift+M: the model picker opens.
  await page.keyboard.press(`${MOD}+Shift+M`);
  await expect(page.getByTestId("model-picker-popover")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("model-picker-popover")).toBeHidden();

  // Mod+Shift+; copies the last answer.
  await sendAndWait(page, 'Say it [[sb:say text="copied by a shortcut"]]');
  await page.keyboard.press(`${MOD}+Shift+Semicolon`);
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain("copied by a shortcut");

  // Esc in the message box stops an answer that is streaming.
  await send(page, "Long one [[sb:text tokens=600 rate=20]]");
  await expect(page.getByTestId("stop")).toBeVisible();
  await expect(lastAssistant(page)).toHaveAttribute("data-streaming", "true");
  await composerInput(page).focus();
  await page.keyboard.press("Escape");
  await waitIdle(page);
  await expect(lastAssistant(page).getByTestId("stopped-badge")).toBeVisible();

  // Mod+Shift+O: a new chat.
  const before = page.url();
  await page.keyboard.press(`${MOD}+Shift+O`);
  await expect(page).not.toHaveURL(before);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("message-assistant")).toHaveCount(0);
});
