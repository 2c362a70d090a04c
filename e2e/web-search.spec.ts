// Web search through the composer's per-message toggle: the request carries OpenRouter's web
// plugin, the answer's url_citation annotations show as numbered, safe, clickable sources, and
// they are still there after a reload.
import { expect, test, type Locator } from "@playwright/test";
import { completionsMentioning, marker, openNewChat, sendAndWait } from "./fixtures/chat";
import { signUp } from "./fixtures/users";

/** The local OpenRouter's search results link to www.example.{com,org,net}. */
const RESULT_HOSTS = /^https:\/\/www\.example\.(com|org|net)\//;

async function expectSafeSources(links: Locator): Promise<void> {
  const count = await links.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const link = links.nth(i);
    await expect(link).toHaveAttribute("href", RESULT_HOSTS);
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", "noopener noreferrer nofollow");
    await expect(link).toHaveText(new RegExp(`^\\[${i + 1}\\] .+ — example\\.(com|org|net)$`));
  }
}

test.beforeEach(async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
});

test("a web-search answer shows clickable, numbered citations, also after a reload; the toggle is for one message", async ({ page }) => {
  // The result pages are not on this machine's network: answer them here so a click can be followed.
  await page.context().route(RESULT_HOSTS, (route) => route.fulfill({ contentType: "text/html", body: "<title>result</title>" }));
  await openNewChat(page);
  const m = marker("web");
  const toggle = page.getByTestId("web-search-toggle");
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");

  const answer = await sendAndWait(page, `Latest lighthouse news ${m}`);
  // Per message: the toggle is off again for the next one.
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  const [request] = await completionsMentioning(m);
  expect(request.body.plugins).toEqual([expect.objectContaining({ id: "web" })]);

  const links = answer.getByTestId("message-source-link");
  await expectSafeSources(links);
  const liveHrefs = await links.evaluateAll((els) => els.map((el) => el.getAttribute("href")));

  await page.reload();
  const saved = page.getByTestId("message-assistant").last().getByTestId("message-source-link");
  await expectSafeSources(saved);
  expect(await saved.evaluateAll((els) => els.map((el) => el.getAttribute("href")))).toEqual(liveHrefs);
  const popupOpened = page.waitForEvent("popup");
  await saved.first().click();
  const popup = await popupOpened;
  await expect.poll(() => popup.url()).toBe(liveHrefs[0]);
  await popup.close();

  // The next message goes without the plugin.
  const next = marker("noweb");
  await sendAndWait(page, `And without searching ${next}`);
  const [plain] = await completionsMentioning(next);
  expect(plain.body.plugins).toBeUndefined();
});

test("regenerating an answer that searched the web searches again; regenerating one that did not, does not", async ({ page }) => {
  await openNewChat(page);
  const m = marker("reweb");
  await page.getByTestId("web-search-toggle").click();
  await sendAndWait(page, `Search this ${m}`);
  await page.getByTestId("message-assistant").last().getByTestId("regenerate").click();
  await expect(page.getByTestId("alternative-index")).toHaveText("2 / 2");
  await expect(page.getByTestId("message-assistant").last().getByTestId("message-source-link").first()).toBeVisible();
  const searched = (await completionsMentioning(m)).filter((r) => r.body.stream === true);
  expect(searched).toHaveLength(2);
  for (const request of searched) expect(request.body.plugins).toEqual([expect.objectContaining({ id: "web" })]);

  const plain = marker("replain");
  await sendAndWait(page, `No search here ${plain}`);
  await page.getByTestId("message-assistant").last().getByTestId("regenerate").click();
  // The first turn's switcher says "2 / 2" already: wait for the second turn's own.
  await expect(page.getByTestId("alternative-index")).toHaveCount(2);
  await expect(page.getByTestId("alternative-index").last()).toHaveText("2 / 2");
  const unsearchedRequests = async () => (await completionsMentioning(plain)).filter((r) => r.body.stream === true);
  await expect.poll(async () => (await unsearchedRequests()).length).toBe(2);
  const unsearched = await unsearchedRequests();
  for (const request of unsearched) expect(request.body.plugins).toBeUndefined();
});
