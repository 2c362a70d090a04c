// Code blocks in answers: language label, copy, download under a name with the language's
// extension, line wrap, and collapse of long blocks — in a streamed answer, and again after a
// reload, where the answer comes rendered from the server and its controls hydrate.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { lastAssistant, openNewChat, reloadChat, send, sendAndWait, waitIdle } from "./fixtures/chat";
import { allowClipboard, clipboardText, downloadFrom, watchHydration } from "./fixtures/code-blocks";
import { signUp } from "./fixtures/users";

const LONG_LINE = `print("${"wide ".repeat(60).trim()}")`;
const PYTHON = `def greet(name):\n    return f"Hello, {name}!"\n\n${LONG_LINE}`;
const TS_LINES = Array.from({ length: 40 }, (_, i) => `const value${i + 1}: number = ${i + 1};`);
const TYPESCRIPT = TS_LINES.join("\n");
const ANSWER = [
  "A short one:",
  "```python\n" + PYTHON + "\n```",
  "A long one:",
  "```ts\n" + TYPESCRIPT + "\n```",
  "And one without a language:",
  "```\nplain words\n```",
].join("\n\n");

test.beforeEach(async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  await allowClipboard(page);
});

function blockOf(answer: Locator, language: string): Locator {
  return answer.locator(`[data-testid="code-block"][data-language="${language}"]`);
}

async function checkControls(page: Page, answer: Locator): Promise<void> {
  const python = blockOf(answer, "python");
  const ts = blockOf(answer, "ts");
  const plain = blockOf(answer, "text");
  await expect(python.getByTestId("code-language")).toHaveText("python");
  await expect(ts.getByTestId("code-language")).toHaveText("ts");
  await expect(plain.getByTestId("code-language")).toHaveText("text");

  // Copy: the block's code exactly (its last line break aside).
  await python.getByTestId("copy-code").click();
  await expect(python.getByTestId("copy-code")).toHaveAttribute("aria-label", "Copied");
  expect((await clipboardText(page)).replace(/\n$/, "")).toBe(PYTHON);

  // Download: named after the language, holding the code.
  const pyFile = await downloadFrom(page, python.getByTestId("download-code"));
  expect(pyFile.name).toBe("snippet.py");
  expect(pyFile.bytes.toString("utf8").replace(/\n$/, "")).toBe(PYTHON);
  const tsFile = await downloadFrom(page, ts.getByTestId("download-code"));
  expect(tsFile.name).toBe("snippet.ts");
  expect(tsFile.bytes.toString("utf8").replace(/\n$/, "")).toBe(TYPESCRIPT);
  expect((await downloadFrom(page, plain.getByTestId("download-code"))).name).toBe("snippet.txt");
  await expect(python.getByTestId("download-code")).toHaveAccessibleName("Download as snippet.py");

  // Wrap: off at first (the long line scrolls sideways), on at a click, off again.
  const wrap = python.getByTestId("code-wrap");
  const pre = python.locator("pre");
  const overflows = () => pre.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  await expect(wrap).toHaveAccessibleName("Wrap long lines");
  await expect(wrap).toHaveAttribute("aria-pressed", "false");
  expect(await overflows()).toBe(true);
  await wrap.click();
  await expect(wrap).toHaveAttribute("aria-pressed", "true");
  await expect(python).toHaveAttribute("data-wrapped", "true");
  await expect(pre.locator("code")).toHaveCSS("white-space", "pre-wrap");
  expect(await overflows()).toBe(false);
  await wrap.click();
  await expect(wrap).toHaveAttribute("aria-pressed", "false");
  expect(await overflows()).toBe(true);

  // Collapse: the 40-line block shows its first lines; the 4-line one has nothing to collapse.
  await expect(python.getByTestId("code-expand")).toHaveCount(0);
  const expand = ts.getByTestId("code-expand");
  const body = ts.getByTestId("code-body");
  await expect(ts).toHaveAttribute("data-collapsed", "true");
  await expect(expand).toHaveText("Show all 40 lines");
  await expect(expand).toHaveAttribute("aria-expanded", "false");
  const collapsedHeight = (await body.boundingBox())!.height;
  const lineHeight = await pre.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
  expect(collapsedHeight).toBeGreaterThan(10 * lineHeight);
  expect(collapsedHeight).toBeLessThan(20 * lineHeight);
  await expect(ts.getByText(TS_LINES[0])).toBeInViewport();
  await expand.click();
  await expect(expand).toHaveText("Show less");
  await expect(expand).toHaveAttribute("aria-expanded", "true");
  await expect(ts).toHaveAttribute("data-collapsed", "false");
  expect((await body.boundingBox())!.height).toBeGreaterThan(38 * lineHeight);
  await expand.click();
  await expect(expand).toHaveText("Show all 40 lines");
  expect((await body.boundingBox())!.height).toBeCloseTo(collapsedHeight, 0);
  // Collapsed or not, copy takes the whole block.
  await ts.getByTestId("copy-code").click();
  expect((await clipboardText(page)).replace(/\n$/, "")).toBe(TYPESCRIPT);
}

test("code blocks: label, copy, download as snippet.<ext>, wrap and collapse — streamed, then server-rendered after a reload", async ({ page }) => {
  const hydration = watchHydration(page);
  await openNewChat(page);
  const answer = await sendAndWait(page, `[[sb:say text=${JSON.stringify(ANSWER)}]]`);
  await checkControls(page, answer);

  // The saved answer comes rendered from the server, controls and all.
  const html = await (await page.request.get(page.url())).text();
  expect(html).toContain('data-testid="code-block"');
  expect(html).toMatch(/data-language="ts"[^>]*data-collapsed="true"/);
  expect(html).toContain("Show all 40 lines");

  await reloadChat(page);
  await checkControls(page, lastAssistant(page));
  expect(hydration, "the server's markup hydrates as is").toEqual([]);
});

test("a long block still streaming stays open; it collapses once its closing fence arrives", async ({ page }) => {
  await openNewChat(page);
  // Every state the block goes through, recorded in the page as it changes.
  await page.evaluate(() => {
    const states: { lines: number; complete: string | null; collapsed: string | null }[] = [];
    (window as unknown as { __sbBlockStates: typeof states }).__sbBlockStates = states;
    new MutationObserver(() => {
      const answers = document.querySelectorAll('[data-testid="message-assistant"]');
      const block = answers[answers.length - 1]?.querySelector('[data-testid="code-block"]');
      if (!block) return;
      const state = {
        lines: (block.querySelector("pre")?.textContent ?? "").replace(/\n$/, "").split("\n").length,
        complete: block.getAttribute("data-complete"),
        collapsed: block.getAttribute("data-collapsed"),
      };
      const last = states[states.length - 1];
      if (!last || last.lines !== state.lines || last.complete !== state.complete || last.collapsed !== state.collapsed) states.push(state);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  // About 5 tokens a line: some seconds of a growing, open block, then a closing fence and a word.
  await send(page, `[[sb:say text=${JSON.stringify("```ts\n" + TYPESCRIPT + "\n```\n\nDone.")} rate=40]]`);
  await waitIdle(page, 60_000);
  const states = await page.evaluate(
    () => (window as unknown as { __sbBlockStates: { lines: number; complete: string | null; collapsed: string | null }[] }).__sbBlockStates,
  );
  const open = states.filter((s) => s.complete === "false");
  expect(
    open.some((s) => s.lines > 25),
    JSON.stringify(states),
  ).toBe(true);
  // Past 25 lines while the fence was still open, nothing collapsed under the reader.
  expect(
    open.filter((s) => s.collapsed !== "false"),
    JSON.stringify(states),
  ).toEqual([]);
  const block = lastAssistant(page).locator('[data-testid="code-block"][data-language="ts"]');
  await expect(block).toHaveAttribute("data-complete", "true");
  await expect(block).toHaveAttribute("data-collapsed", "true");
  await expect(block.getByTestId("code-expand")).toHaveText("Show all 40 lines");
});
