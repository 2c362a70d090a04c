// Mermaid diagrams in answers: drawn as SVG once the block is complete (Mermaid fetched only then),
// viewable as code, copyable, downloadable as SVG and PNG; a block that does not parse stays code
// with an error; a block still streaming stays code; and nothing in a diagram can run script.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { lastAssistant, openNewChat, reloadChat, send, sendAndWait, waitIdle, recordDialogs } from "./fixtures/chat";
import { allowClipboard, clipboardText, downloadFrom, watchHydration } from "./fixtures/code-blocks";
import { DIAGRAM_PAYLOADS } from "./fixtures/diagram-payloads";
import { signUp } from "./fixtures/users";

const FLOWCHART = ["flowchart TD", "  A[Start] --> B{Is it working?}", "  B -->|Yes| C[Ship it]", "  B -->|No| D[Fix it]", "  D --> B"].join("\n");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A message only Mermaid's own code carries: its chunk has been fetched when a script has it. */
const MERMAID_MARKER = "No diagram type detected matching given configuration";

test.beforeEach(async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  await allowClipboard(page);
});

function fenced(source: string): string {
  return "```mermaid\n" + source + "\n```";
}

/** Whether any script the page has loaded so far holds Mermaid. */
async function mermaidLoaded(page: Page): Promise<boolean> {
  const urls = await page.evaluate(() => [
    ...new Set([
      ...performance
        .getEntriesByType("resource")
        .filter((entry) => (entry as PerformanceResourceTiming).initiatorType === "script")
        .map((entry) => entry.name),
      ...Array.from(document.scripts, (script) => script.src).filter(Boolean),
    ]),
  ]);
  for (const url of urls) {
    if (!url.includes("/_next/")) continue;
    const body = await (await page.request.get(url)).text();
    if (body.includes(MERMAID_MARKER)) return true;
  }
  return false;
}

async function checkDiagram(page: Page, answer: Locator): Promise<void> {
  const block = answer.getByTestId("diagram-block");
  await expect(block).toHaveAttribute("data-state", "drawn", { timeout: 30_000 });
  await expect(block).toHaveAttribute("data-view", "diagram");
  const drawing = block.getByTestId("diagram-svg");
  await expect(drawing.locator("svg")).toHaveCount(1);
  for (const label of ["Start", "Is it working?", "Ship it", "Fix it"]) await expect(drawing).toContainText(label);
  await expect(drawing.locator("svg g.node")).toHaveCount(4);
  // Labels are SVG text: no HTML inside the drawing.
  await expect(drawing.locator("foreignObject, div, span, script, img, iframe")).toHaveCount(0);

  // Copy: the diagram's source.
  await block.getByTestId("copy-diagram").click();
  await expect(block.getByTestId("copy-diagram")).toHaveAttribute("aria-label", "Copied");
  expect(await clipboardText(page)).toBe(FLOWCHART);

  // SVG: a standalone SVG document of the drawing.
  await expect(block.getByTestId("download-svg")).toHaveAccessibleName("Download as SVG");
  const svg = await downloadFrom(page, block.getByTestId("download-svg"));
  expect(svg.name).toBe("diagram.svg");
  const svgText = svg.bytes.toString("utf8");
  expect(svgText.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
  expect(svgText).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svgText).toMatch(/<svg[^>]* width="\d+"[^>]* height="\d+"/);
  for (const word of ["Start", "Ship", "Fix", "Is"]) expect(svgText).toContain(`>${word}</tspan>`);
  expect(svgText).not.toMatch(/<script|onerror|onload|javascript:/i);

  // PNG: drawn from the SVG on a canvas.
  await expect(block.getByTestId("download-png")).toHaveAccessibleName("Download as PNG");
  const png = await downloadFrom(page, block.getByTestId("download-png"));
  expect(png.name).toBe("diagram.png");
  expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE), "a PNG signature").toBe(true);
  expect(png.bytes.subarray(12, 16).toString("latin1")).toBe("IHDR");
  expect(png.bytes.readUInt32BE(16), "PNG width").toBeGreaterThan(50);
  expect(png.bytes.readUInt32BE(20), "PNG height").toBeGreaterThan(50);

  // View as code and back.
  const toggle = block.getByTestId("diagram-view-code");
  await expect(toggle).toHaveAccessibleName("View diagram as code");
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(block).toHaveAttribute("data-view", "code");
  await expect(block.getByTestId("diagram-svg")).toHaveCount(0);
  await expect(block.locator("pre code")).toHaveText(FLOWCHART + "\n");
  await expect(block.getByTestId("code-language")).toHaveText("mermaid");
  const mmd = await downloadFrom(page, block.getByTestId("download-code"));
  expect(mmd.name).toBe("snippet.mmd");
  expect(mmd.bytes.toString("utf8").replace(/\n$/, "")).toBe(FLOWCHART);
  await expect(block.getByTestId("diagram-view-code")).toHaveAttribute("aria-pressed", "true");
  await block.getByTestId("diagram-view-code").click();
  await expect(block).toHaveAttribute("data-view", "diagram");
  await expect(block.getByTestId("diagram-svg").locator("svg")).toHaveCount(1);
}

test("a Mermaid flowchart is drawn as SVG (Mermaid fetched only then), viewed as code, copied, downloaded as SVG and PNG — also after a reload", async ({
  page,
}) => {
  const hydration = watchHydration(page);
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await openNewChat(page);
  await sendAndWait(page, '[[sb:say text="No diagram here."]]');
  expect(await mermaidLoaded(page), "Mermaid is not part of the chat page").toBe(false);

  const answer = await sendAndWait(page, `[[sb:say text=${JSON.stringify(`Here it is:\n\n${fenced(FLOWCHART)}\n\nThat's all.`)}]]`);
  await checkDiagram(page, answer);
  expect(await mermaidLoaded(page), "Mermaid was fetched for the diagram").toBe(true);

  // Saved answers come from the server as the diagram's code, drawn once the page has hydrated.
  const html = await (await page.request.get(page.url())).text();
  expect(html).toMatch(/data-testid="diagram-block" data-state="pending"/);
  expect(html).toContain("A[Start] --&gt; B{Is it working?}");
  await reloadChat(page);
  await checkDiagram(page, lastAssistant(page));

  // The drawing follows the colour theme: Mermaid's light node fill, then its dark theme's.
  const style = lastAssistant(page).getByTestId("diagram-svg").locator("svg > style");
  await expect(style).toContainText("#ECECFF");
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await expect(style).not.toContainText("#ECECFF");
  await expect(lastAssistant(page).getByTestId("diagram-svg")).toContainText("Ship");
  expect(hydration, "the server's markup hydrates as is").toEqual([]);
  expect(violations, "drawing and exporting need nothing the page's CSP refuses").toEqual([]);
});

test("a diagram that does not parse shows its code and a short error", async ({ page }) => {
  await openNewChat(page);
  const broken = "flowchart TD\n  A[Start --> B{oops\n  B -->|Yes C";
  const answer = await sendAndWait(page, `[[sb:say text=${JSON.stringify(fenced(broken))}]]`);
  const block = answer.getByTestId("diagram-block");
  await expect(block).toHaveAttribute("data-state", "error", { timeout: 30_000 });
  const error = block.getByTestId("diagram-error");
  await expect(error).toHaveAttribute("role", "alert");
  await expect(error).toContainText("This diagram could not be drawn:");
  expect(((await error.textContent()) ?? "").length).toBeLessThan(300);
  await expect(block.locator("pre code")).toHaveText(broken + "\n");
  await expect(block.getByTestId("diagram-svg")).toHaveCount(0);
  // The code's own controls still work.
  await block.getByTestId("copy-code").click();
  expect((await clipboardText(page)).replace(/\n$/, "")).toBe(broken);
  // Mermaid drew nothing into the page on its way out (its error picture, scratch elements).
  await expect(page.locator('body > [id^="dsb-diagram-"], body > svg[id^="sb-diagram-"]')).toHaveCount(0);

  await reloadChat(page);
  const saved = lastAssistant(page).getByTestId("diagram-block");
  await expect(saved).toHaveAttribute("data-state", "error", { timeout: 30_000 });
  await expect(saved.getByTestId("diagram-error")).toBeVisible();
});

test("a diagram still streaming shows as code, never an error, and is drawn once its fence closes", async ({ page }) => {
  await openNewChat(page);
  await page.evaluate(() => {
    const states: string[] = [];
    (window as unknown as { __sbDiagramStates: string[] }).__sbDiagramStates = states;
    new MutationObserver(() => {
      const answers = document.querySelectorAll('[data-testid="message-assistant"]');
      const answer = answers[answers.length - 1];
      if (!answer) return;
      const code = answer.querySelector('[data-testid="code-block"][data-language="mermaid"]');
      const diagram = answer.querySelector('[data-testid="diagram-block"]');
      const state = [
        `streaming=${answer.getAttribute("data-streaming")}`,
        `code=${code ? code.getAttribute("data-complete") : "none"}`,
        `diagram=${diagram ? diagram.getAttribute("data-state") : "none"}`,
        `error=${answer.querySelector('[data-testid="diagram-error"]') ? "yes" : "no"}`,
      ].join(" ");
      if (states[states.length - 1] !== state) states.push(state);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  // Slowly: a few seconds of an open fence whose text is not yet a valid diagram.
  await send(page, `[[sb:say text=${JSON.stringify(`${fenced(FLOWCHART)}\n\nDrawn above.`)} rate=8]]`);
  await waitIdle(page, 60_000);
  const states = await page.evaluate(() => (window as unknown as { __sbDiagramStates: string[] }).__sbDiagramStates);
  expect(
    states.some((s) => s.startsWith("streaming=true code=false diagram=none")),
    `the open block showed as code: ${states.join(" | ")}`,
  ).toBe(true);
  expect(
    states.filter((s) => s.includes("error=yes") || s.includes("diagram=error")),
    states.join(" | "),
  ).toEqual([]);
  await expect(lastAssistant(page).getByTestId("diagram-block")).toHaveAttribute("data-state", "drawn", { timeout: 30_000 });
  await expect(lastAssistant(page).getByTestId("diagram-svg")).toContainText("Ship it");
});

test("XSS corpus: click callbacks, javascript: links, HTML labels and loosening directives in diagrams stay inert", async ({ page }) => {
  const dialogs = recordDialogs(page);
  await openNewChat(page);
  // A global a diagram's `click` could name: it must never be called.
  await page.evaluate(() => {
    (window as unknown as { sbPwn: () => void }).sbPwn = () => {
      (window as unknown as { __sbPwned: string }).__sbPwned = "callback";
    };
  });
  const text = DIAGRAM_PAYLOADS.map((payload) => `${payload.name}:\n\n${fenced(payload.source)}`).join("\n\n");
  const answer = await sendAndWait(page, `[[sb:say text=${JSON.stringify(text)}]]`);
  const blocks = answer.getByTestId("diagram-block");
  await expect(blocks).toHaveCount(DIAGRAM_PAYLOADS.length);

  const checkInert = async (where: string) => {
    // Every payload has been drawn (or refused): none is still waiting for Mermaid.
    for (let i = 0; i < DIAGRAM_PAYLOADS.length; i++) {
      await expect(blocks.nth(i), `${DIAGRAM_PAYLOADS[i].name} (${where})`).toHaveAttribute("data-state", /^(drawn|error)$/, { timeout: 30_000 });
    }
    expect(await answer.locator('[data-state="drawn"]').count(), `most payloads still draw (${where})`).toBeGreaterThanOrEqual(4);
    // Click every node, label and link of every drawing.
    const targets = answer.locator('[data-testid="diagram-svg"] :is(g.node, a, text, .actor)');
    const count = await targets.count();
    for (let i = 0; i < count; i++)
      await targets
        .nth(i)
        .click({ force: true, timeout: 2_000 })
        .catch(() => undefined);
    await page.waitForTimeout(500);
    const drawings = answer.getByTestId("diagram-svg");
    await expect(drawings.locator("foreignObject, script, iframe, img, image, object, embed")).toHaveCount(0);
    const handlers = await drawings.evaluateAll((els) =>
      els.flatMap((el) => Array.from(el.querySelectorAll("*")).flatMap((node) => node.getAttributeNames().filter((name) => /^on/i.test(name)))),
    );
    expect(handlers, `event handler attributes (${where})`).toEqual([]);
    const links = await page.evaluate(() =>
      Array.from(document.querySelectorAll("a, [href], [*|href]")).flatMap((el) =>
        [el.getAttribute("href"), el.getAttributeNS("http://www.w3.org/1999/xlink", "href")].filter((v): v is string => v !== null),
      ),
    );
    expect(
      links.filter((href) => /^\s*(javascript|data|vbscript):/i.test(href)),
      `script links in the page (${where})`,
    ).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __sbPwned?: string }).__sbPwned), `nothing ran (${where})`).toBeUndefined();
    expect(dialogs).toEqual([]);
    // Mermaid's "loose" level would have left a tooltip container and callbacks bound.
    await expect(page.locator(".mermaidTooltip")).toHaveCount(0);
  };

  await checkInert("streamed");
  await reloadChat(page);
  await page.evaluate(() => {
    (window as unknown as { sbPwn: () => void }).sbPwn = () => {
      (window as unknown as { __sbPwned: string }).__sbPwned = "callback";
    };
  });
  await checkInert("after a reload");
});
