// Math in answers: KaTeX typesets `$…$`, `$$…$$`, `\(…\)` and `\[…\]` while an answer streams
// (KaTeX loaded on demand) and in saved answers rendered by the server; a formula still arriving
// reads as text, never as KaTeX's error box; hostile LaTeX stays inert; copying a formula copies
// its LaTeX. Answers are scripted through the local OpenRouter's `[[sb:say …]]` directive.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { assistantMessages, lastAssistant, openNewChat, reloadChat, send, sendAndWait, waitIdle, recordDialogs } from "./fixtures/chat";
import { signUp } from "./fixtures/users";

const MATH_ANSWER = [
  "Euler's identity $e^{i\\pi}+1=0$ and Pythagoras \\(a^2+b^2=c^2\\). It costs $5 and $10 later.",
  "",
  "$$",
  "\\int_0^1 x^2\\,dx = \\frac{1}{3}",
  "$$",
  "",
  "and the Basel sum",
  "\\[",
  "\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}",
  "\\]",
].join("\n");

function say(text: string, rate?: number): string {
  return `[[sb:say text=${JSON.stringify(text)}${rate ? ` rate=${rate}` : ""}]]`;
}

/** An answer's visible text, without KaTeX's MathML copy (visually hidden, for screen readers and copy-tex). */
async function visibleText(answer: Locator): Promise<string> {
  return answer.getByTestId("message-text").evaluateAll((parts) =>
    parts
      .map((part) => {
        const clone = part.cloneNode(true) as HTMLElement;
        for (const mathml of clone.querySelectorAll(".katex-mathml")) mathml.remove();
        return clone.textContent ?? "";
      })
      .join("\n"),
  );
}

async function expectTypeset(answer: Locator): Promise<void> {
  await expect(answer.locator('[data-testid="math-inline"] .katex')).toHaveCount(2);
  await expect(answer.locator('[data-testid="math-display"] .katex-display')).toHaveCount(2);
  await expect(answer.locator(".katex-error, [data-testid='math-source']")).toHaveCount(0);
  const text = await visibleText(answer);
  for (const raw of ["\\(", "\\[", "$$", "$e^", "\\frac", "\\int", "\\sum"]) expect(text, `raw "${raw}" visible`).not.toContain(raw);
  expect(text).toContain("It costs $5 and $10 later.");
  // KaTeX's stylesheet (and so its fonts, shipped from npm) is on the page.
  const font = await answer
    .locator(".katex")
    .first()
    .evaluate((el) => getComputedStyle(el).fontFamily);
  expect(font).toContain("KaTeX_Main");
}

/** Selects a formula as a reader would and copies it with the keyboard; returns the clipboard's text. */
async function copyFormula(page: Page, formula: Locator): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await formula.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
  });
  await page.keyboard.press("ControlOrMeta+c");
  return page.evaluate(() => navigator.clipboard.readText());
}

test.beforeEach(async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
});

test("inline and display math are typeset when streamed, after a reload, and in the server's HTML", async ({ page }) => {
  await openNewChat(page);
  const answer = await sendAndWait(page, say(MATH_ANSWER));
  await expectTypeset(answer);

  await reloadChat(page);
  const saved = lastAssistant(page);
  await expectTypeset(saved);

  // The server rendered the saved answer typeset: KaTeX's markup is in the page's HTML itself.
  const html = await (await page.request.get(page.url())).text();
  expect(html).toContain('<span class="katex">');
  expect(html).toContain('<span class="katex-display">');
  expect(html).toContain('<annotation encoding="application/x-tex">e^{i\\pi}+1=0</annotation>');
  expect(html).not.toContain("katex-error");
});

test("copying a formula copies its LaTeX, streamed and server-rendered", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openNewChat(page);
  const answer = await sendAndWait(page, say(MATH_ANSWER));
  await expect(answer.locator('[data-testid="math-inline"] .katex').first()).toBeVisible();
  expect(await copyFormula(page, answer.locator('[data-testid="math-inline"]').first())).toBe("$e^{i\\pi}+1=0$");

  await reloadChat(page);
  const saved = lastAssistant(page);
  await expect(saved.locator('[data-testid="math-display"] .katex').first()).toBeVisible();
  expect(await copyFormula(page, saved.locator('[data-testid="math-display"]').first())).toBe("$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$");
});

test("a formula streaming in is text until complete, never a KaTeX error box", async ({ page }) => {
  await openNewChat(page);
  // A first answer with math loads KaTeX, so the streamed one below is typeset as each formula completes.
  await expect((await sendAndWait(page, say("Warm-up: $x$."))).locator(".katex")).toHaveCount(1);
  // Everything KaTeX could show as an error, recorded the moment it enters the page.
  await page.evaluate(() => {
    const w = window as unknown as { __sbMath: { errors: string[]; failed: number; typesetWhileStreaming: number } };
    w.__sbMath = { errors: [], failed: 0, typesetWhileStreaming: 0 };
    const check = (root: ParentNode) => {
      for (const el of root.querySelectorAll('.katex-error, [style*="cc0000" i]')) w.__sbMath.errors.push(el.outerHTML.slice(0, 200));
      w.__sbMath.failed += root.querySelectorAll('[data-testid="math-source"][title]').length;
      if (document.querySelector('[data-testid="message-assistant"][data-streaming="true"] .katex')) w.__sbMath.typesetWhileStreaming++;
    };
    new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) check(node.parentElement ?? node);
    }).observe(document.body, { childList: true, subtree: true });
  });
  const streamed = `${MATH_ANSWER}\n\nFinally \\(\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}\\) and $\\sqrt[3]{x_1 + x_2}$.`;
  // Counted from here: the warm-up answer's own typesetting does not count.
  await page.evaluate(() => {
    (window as unknown as { __sbMath: { typesetWhileStreaming: number } }).__sbMath.typesetWhileStreaming = 0;
  });
  await send(page, say(streamed, 10));
  const answer = lastAssistant(page);
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(answer).toHaveAttribute("data-streaming", "true");
  // Also poll the page while it streams, beside the observer.
  let polls = 0;
  while ((await answer.getAttribute("data-streaming")) === "true" && polls < 600) {
    expect(await page.locator(".katex-error").count()).toBe(0);
    polls++;
    await page.waitForTimeout(50);
  }
  await waitIdle(page);
  // The stream was seen in progress (the observer above is the real check; a loaded machine polls slowly).
  expect(polls).toBeGreaterThan(1);
  const seen = await page.evaluate(
    () => (window as unknown as { __sbMath: { errors: string[]; failed: number; typesetWhileStreaming: number } }).__sbMath,
  );
  expect(seen.errors).toEqual([]);
  expect(seen.failed).toBe(0);
  expect(seen.typesetWhileStreaming).toBeGreaterThan(0); // formulas were typeset as they completed, not only at the end
  await expect(answer.locator('[data-testid="math-inline"] .katex')).toHaveCount(4);
  await expect(answer.locator(".katex-error, [data-testid='math-source']")).toHaveCount(0);
});

test("hostile LaTeX stays inert: no javascript: link, no markup of its own, streamed and saved", async ({ page }) => {
  const dialogs = recordDialogs(page);
  await openNewChat(page);
  const hostile = [
    "Click $\\href{javascript:alert(1)}{here}$ or \\(\\url{javascript:alert(2)}\\).",
    "",
    "$$\\htmlClass{fixed inset-0}{\\htmlStyle{background:red}{x}}$$",
    "",
    "\\[\\includegraphics{javascript:alert(3)}\\]",
    "",
    "And $\\text{<img src=x onerror=alert(4)>}$ is text.",
  ].join("\n");
  for (const step of ["streamed", "saved"]) {
    const answer = step === "streamed" ? await sendAndWait(page, say(hostile)) : lastAssistant(page);
    await expect(answer.getByTestId("math-source"), step).toHaveCount(4);
    await expect(answer.getByTestId("math-inline"), step).toHaveCount(1);
    expect(await page.locator('a[href^="javascript:" i], [href*="javascript:" i], [src*="javascript:" i]').count(), step).toBe(0);
    expect(await answer.locator("a, img, script, [onerror], .fixed, [style*='red']").count(), step).toBe(0);
    if (step === "streamed") await reloadChat(page);
  }
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
});
