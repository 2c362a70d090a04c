import { expect, test } from "@playwright/test";
import { startApp } from "@/tests/helpers/app";
import { createE2eDatabase } from "./fixtures/database";
import { newUser } from "./fixtures/users";

test("with no key, the app runs its local OpenRouter, says so on every page, and chats", async ({ browser }) => {
  test.setTimeout(180_000);
  const database = await createE2eDatabase();
  const app = await startApp({ env: { OPENROUTER_API_KEY: "", OPENROUTER_BASE_URL: "", DATABASE_URL: database.url } });
  try {
    const context = await browser.newContext({ baseURL: app.url });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await expect(page.getByTestId("demo-banner")).toContainText("Demo mode");
    const user = newUser("demo");
    await page.goto("/register");
    await expect(page.getByTestId("demo-banner")).toBeVisible();
    await page.getByTestId("register-name").fill(user.name);
    await page.getByTestId("register-email").fill(user.email);
    await page.getByTestId("register-password").fill(user.password);
    await page.getByTestId("register-submit").click();
    await expect(page.getByTestId("demo-banner")).toBeVisible();
    await page.getByTestId("composer-input").fill("Hello, who are you?");
    await page.getByTestId("send").click();
    await expect(page.getByTestId("message-footer").first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("message-assistant").first().getByTestId("message-content")).not.toBeEmpty();
    expect(app.output()).toContain("demo mode");
    await context.close();
  } finally {
    await app.stop();
    await database.drop().catch(() => undefined);
  }
});
