import { expect, test } from "@playwright/test";
import { startApp } from "@/tests/helpers/app";
import { createE2eDatabase } from "./fixtures/database";
import { newUser, register, signIn, signOut } from "./fixtures/users";

test("register lands in the shell; sign out; sign in again", async ({ page }) => {
  const user = await register(page);
  await expect(page.getByTestId("user-name")).toHaveText(user.name);
  await signOut(page);
  await signIn(page, user);
  await expect(page.getByTestId("user-name")).toHaveText(user.name);
});

test("a wrong password shows an error and does not sign in", async ({ page }) => {
  const user = await register(page);
  await signOut(page);
  await page.goto("/sign-in");
  await page.getByTestId("sign-in-email").fill(user.email);
  await page.getByTestId("sign-in-password").fill("not-the-password");
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("sign-in-error")).toContainText("Wrong email or password");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a registered email cannot register twice", async ({ page }) => {
  const user = await register(page);
  await signOut(page);
  await page.goto("/register");
  await page.getByTestId("register-name").fill("Someone");
  await page.getByTestId("register-email").fill(user.email);
  await page.getByTestId("register-password").fill("another-password");
  await page.getByTestId("register-submit").click();
  await expect(page.getByTestId("register-error")).toContainText("already exists");
});

test("a protected page redirects a signed-out visitor to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
});

test("signing out revokes the session on the server, not only in the browser", async ({ page, context }) => {
  await register(page);
  const cookies = await context.cookies();
  await signOut(page);
  // Replay the old session cookie: the server must refuse it.
  await context.addCookies(cookies);
  const response = await page.request.get("/api/health");
  expect(response.ok()).toBe(true);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the session and the data survive a server restart", async ({ browser }) => {
  test.setTimeout(180_000);
  const database = await createE2eDatabase();
  const app = await startApp({ env: { SWITCHBOARD_DEMO: "", DATABASE_URL: database.url } });
  try {
    const context = await browser.newContext({ baseURL: app.url });
    const page = await context.newPage();
    const user = await register(page, newUser("restart"));
    await app.stop();
    const again = await startApp({ dataDir: app.dataDir, port: app.port, env: { SWITCHBOARD_DEMO: "", DATABASE_URL: database.url } });
    try {
      await page.goto("/");
      await expect(page.getByTestId("user-name")).toHaveText(user.name);
    } finally {
      await again.stop();
    }
    await context.close();
  } finally {
    await app.stop();
    await database.drop().catch(() => undefined);
  }
});
