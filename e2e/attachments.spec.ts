// Attachments and image output through the real UI: files come into the composer by paste,
// the attach button and drag and drop, upload at once, and reach the model as content parts
// (asserted from the local OpenRouter's log); refusals show in the UI with nothing sent
// upstream; generated images render, persist and download.
import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { assistantMessages, completionsMentioning, composerInput, marker, openNewChat, sendAndWait, userMessages, waitIdle } from "./fixtures/chat";
import {
  attachFiles,
  composerAttachments,
  dropFiles,
  lastUserContent,
  pasteFiles,
  pdfBytes,
  pickModel,
  PNG_1X1,
  waitUploaded,
} from "./fixtures/attachments";
import { E2E_ATTACHMENT_MAX_BYTES } from "./fixtures/constants";
import { signUp } from "./fixtures/users";

const VISION_MODEL = "openai/gpt-4o-mini"; // the default; reads images and files
const PNG_DATA_URL = `data:image/png;base64,${PNG_1X1.toString("base64")}`;
const MAX_BYTES = E2E_ATTACHMENT_MAX_BYTES;

function liveError(page: Page): Locator {
  return page.locator('[data-testid="chat-error"][data-live="true"]');
}

/** Resolves once the image has been decoded (it really loaded, not just an <img> tag). */
async function expectLoaded(image: Locator): Promise<void> {
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 15_000 }).toBe(true);
}

test.beforeEach(async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
});

test("an image pasted into the composer reaches a vision model as an image_url part and still renders after a reload", async ({ page }) => {
  await openNewChat(page);
  const m = marker("paste");
  await pasteFiles(page, [{ name: "screenshot.png", mimeType: "image/png", buffer: PNG_1X1 }]);
  await waitUploaded(page, 1);
  await expectLoaded(composerAttachments(page).first().locator("img"));

  const answer = await sendAndWait(page, `What is in this picture? ${m}`);
  await expect(answer).toHaveAttribute("data-status", "complete");
  await expect(composerAttachments(page)).toHaveCount(0);

  const [request] = await lastUserContent(m);
  expect(request.model).toBe(VISION_MODEL);
  expect(request.parts.map((p) => p.type)).toEqual(["text", "image_url"]);
  expect(request.parts[1].image_url?.url).toBe(PNG_DATA_URL);

  const question = userMessages(page).last();
  await expectLoaded(question.getByTestId("message-attachment-image").locator("img"));

  await page.reload();
  const saved = userMessages(page).last();
  await expect(saved.getByTestId("message-text")).toContainText(m);
  const link = saved.getByTestId("message-attachment-image");
  await expect(link).toHaveAttribute("href", /^\/api\/attachments\/[A-Za-z0-9_-]+$/);
  await expect(link).toHaveAttribute("target", "_blank");
  await expectLoaded(link.locator("img"));
});

test("a PDF chosen with the attach button reaches a file-capable model as a file part", async ({ page }) => {
  await openNewChat(page);
  const m = marker("pdf");
  const pdf = pdfBytes(m);
  const chooser = page.waitForEvent("filechooser");
  await page.getByTestId("attach-button").click();
  await (await chooser).setFiles({ name: "report.pdf", mimeType: "application/pdf", buffer: pdf });
  await waitUploaded(page, 1);
  const chip = composerAttachments(page).first();
  await expect(chip.getByTestId("composer-attachment-name")).toHaveText("report.pdf");
  await expect(chip).toContainText(`${pdf.byteLength} bytes`);

  await sendAndWait(page, `Summarise the attached report ${m}`);
  const [request] = await lastUserContent(m);
  expect(request.model).toBe(VISION_MODEL);
  expect(request.parts.map((p) => p.type)).toEqual(["text", "file"]);
  expect(request.parts[1].file?.file_data).toBe(`data:application/pdf;base64,${pdf.toString("base64")}`);
  // gpt-4o-mini reads files itself: no file-parser plugin.
  expect(request.body.plugins).toBeUndefined();

  const file = userMessages(page).last().getByTestId("message-attachment-file");
  await expect(file).toContainText("report.pdf");
  await expect(file).toHaveAttribute("href", /^\/api\/attachments\/[A-Za-z0-9_-]+$/);

  // Editing the question keeps its attachment.
  const edited = marker("edited");
  const question = userMessages(page).last();
  await question.hover();
  await question.getByTestId("edit-message").click();
  await page.getByTestId("edit-input").fill(`Summarise it again ${edited}`);
  await page.getByTestId("edit-save").click();
  await expect(userMessages(page).last().getByTestId("message-text")).toContainText(edited);
  await expect.poll(async () => (await lastUserContent(edited)).length, { timeout: 30_000 }).toBe(1);
  await waitIdle(page);
  const [again] = await lastUserContent(edited);
  expect(again.parts.map((p) => p.type)).toEqual(["text", "file"]);
  expect(again.parts[1].file?.file_data).toBe(`data:application/pdf;base64,${pdf.toString("base64")}`);
  await expect(userMessages(page).last().getByTestId("message-attachment-file")).toContainText("report.pdf");
});

test("a file dropped on the composer is attached; a removed one is not sent", async ({ page }) => {
  await openNewChat(page);
  const m = marker("drop");
  await dropFiles(page, [
    { name: "keep.png", mimeType: "image/png", buffer: PNG_1X1 },
    { name: `drop-${m}.pdf`, mimeType: "application/pdf", buffer: pdfBytes(m) },
  ]);
  await waitUploaded(page, 2);
  await composerAttachments(page)
    .filter({ hasText: `drop-${m}.pdf` })
    .getByTestId("composer-attachment-remove")
    .click();
  await expect(composerAttachments(page)).toHaveCount(1);

  await sendAndWait(page, `Describe it ${m}`);
  const [request] = await lastUserContent(m);
  expect(request.parts.map((p) => p.type)).toEqual(["text", "image_url"]);
  expect(request.parts[1].image_url?.url).toBe(PNG_DATA_URL);
  await expect(userMessages(page).last().getByTestId("message-attachment-file")).toHaveCount(0);
});

test("an oversize file and a file that is not what its name says are refused at upload, with nothing sent upstream", async ({ page }) => {
  await openNewChat(page);
  const m = marker("refuse");
  // Just over the limit, with a real PNG signature: only the size is wrong.
  const oversize = Buffer.alloc(MAX_BYTES + 1);
  PNG_1X1.copy(oversize);
  await attachFiles(page, [{ name: `big-${m}.png`, mimeType: "image/png", buffer: oversize }]);
  const big = composerAttachments(page).first();
  await expect(big).toHaveAttribute("data-status", "failed", { timeout: 20_000 });
  await expect(big.getByTestId("composer-attachment-error")).toContainText(/larger than the 2 MB limit/);
  // Nothing to send: the only attachment was refused.
  await expect(page.getByTestId("send")).toBeDisabled();
  await big.getByTestId("composer-attachment-remove").click();
  await expect(composerAttachments(page)).toHaveCount(0);

  await attachFiles(page, [{ name: `notes-${m}.png`, mimeType: "image/png", buffer: Buffer.from(`just some text ${m}\n`) }]);
  const fake = composerAttachments(page).first();
  await expect(fake).toHaveAttribute("data-status", "failed");
  await expect(fake.getByTestId("composer-attachment-error")).toContainText(/is not a PNG, JPEG, WebP or GIF image or a PDF/);
  await expect(page.getByTestId("send")).toBeDisabled();

  expect(await completionsMentioning(m)).toHaveLength(0);
  await expect(userMessages(page)).toHaveCount(0);
});

test("an image sent to a text-only model is refused before any upstream call; one click sends it to a suggested model", async ({ page }) => {
  await openNewChat(page);
  const m = marker("textonly");
  await pickModel(page, "llama 3.1 8b", "meta-llama/llama-3.1-8b-instruct");
  await pasteFiles(page, [{ name: "chart.png", mimeType: "image/png", buffer: PNG_1X1 }]);
  await waitUploaded(page, 1);
  await composerInput(page).fill(`Read this chart ${m}`);
  await composerInput(page).press("Enter");

  const error = liveError(page);
  await expect(error).toBeVisible({ timeout: 20_000 });
  await expect(error).toHaveAttribute("data-code", "bad_request:attachment_unsupported");
  await expect(error.getByTestId("chat-error-message")).toContainText(/cannot read images/);
  await expect(error.getByTestId("chat-error-message")).toContainText(/Pick a model that can/);
  await waitIdle(page);
  expect(await completionsMentioning(m)).toHaveLength(0);
  await expect(assistantMessages(page)).toHaveCount(0);
  // The question is still on screen with its image, ready to be sent again.
  const question = userMessages(page).last();
  await expect(question.getByTestId("message-text")).toContainText(m);
  await expectLoaded(question.getByTestId("message-attachment-image").locator("img"));

  // The refusal names models that can read images; choosing one switches to it and asks again.
  const suggestion = error.getByTestId("chat-error-use-model").first();
  const suggested = await suggestion.getAttribute("data-model-id");
  expect(suggested).toBeTruthy();
  await suggestion.click();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-model-id", suggested!);
  await expect(assistantMessages(page)).toHaveCount(1, { timeout: 30_000 });
  await waitIdle(page);
  await expect(liveError(page)).toHaveCount(0);
  await expect(userMessages(page)).toHaveCount(1);
  const [request] = await lastUserContent(m);
  expect(request.model).toBe(suggested);
  expect(request.parts.map((p) => p.type)).toEqual(["text", "image_url"]);
});

test("a generated image renders in the answer, survives a reload and downloads", async ({ page }) => {
  await openNewChat(page);
  const m = marker("draw");
  await pickModel(page, "flash image", "google/gemini-2.5-flash-image");
  const answer = await sendAndWait(page, `Draw a lighthouse ${m}`);
  await expectLoaded(answer.getByTestId("message-image").locator("img"));
  const [request] = await completionsMentioning(m);
  expect(request.model).toBe("google/gemini-2.5-flash-image");

  await page.reload();
  const saved = assistantMessages(page).last().getByTestId("message-image");
  await expectLoaded(saved.locator("img"));
  await expect(saved.locator("img")).toHaveAttribute("src", /^\/api\/attachments\/[A-Za-z0-9_-]+$/);
  const link = saved.getByTestId("message-image-download");
  await expect(link).toHaveAttribute("download", /\.png$/);
  await expect(link).toHaveAttribute("href", /^\/api\/attachments\/[A-Za-z0-9_-]+\?download=1$/);
  const downloading = page.waitForEvent("download");
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.png$/);
  const path = await download.path();
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
});
