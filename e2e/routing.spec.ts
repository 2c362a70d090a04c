// Routing journeys: fallback models, provider preferences (per conversation and as the user's
// default), the picker's endpoint view and the auto router — set through the UI, checked in the
// answer's footer and, from the local OpenRouter's request log, in what went upstream.
import { expect, test, type Locator, type Page } from "@playwright/test";
import {
  completionsMentioning,
  composerInput,
  marker,
  openNewChat,
  send,
  sendAndWait,
  upstreamGeneration,
  userMessages,
  waitIdle,
} from "./fixtures/chat";
import { signUp } from "./fixtures/users";

const DEFAULT_MODEL = "openai/gpt-4o-mini";
const PRICED_MODEL = "deepseek/deepseek-chat-v3.1";

test.beforeEach(async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
});

async function openSettings(page: Page): Promise<Locator> {
  await page.getByTestId("chat-settings-button").click();
  const dialog = page.getByTestId("chat-settings");
  await expect(dialog).toBeVisible();
  return dialog;
}

async function saveSettings(dialog: Locator): Promise<void> {
  await dialog.getByTestId("settings-save").click();
  await expect(dialog).toBeHidden();
}

/** The one chat request of this journey (found by its marker). */
async function sentUpstream(mark: string): Promise<{ body: Record<string, unknown>; generationId?: string; status?: number }> {
  // The title request mentions the marker too; the chat's own request is the streamed one.
  const requests = (await completionsMentioning(mark)).filter((r) => r.body.stream === true);
  expect(requests).toHaveLength(1);
  return { body: requests[0].body, generationId: requests[0].entry.generationId, status: requests[0].entry.status };
}

type UpstreamEndpoint = { provider_name: string; pricing: { prompt: string; completion: string } };

async function upstreamEndpoints(modelId: string): Promise<UpstreamEndpoint[]> {
  const response = await fetch(`${process.env.SB_E2E_UPSTREAM_URL}/api/v1/models/${modelId}/endpoints`);
  expect(response.ok).toBe(true);
  return ((await response.json()) as { data: { endpoints: UpstreamEndpoint[] } }).data.endpoints;
}

test("fallback models set in the settings go upstream as `models`; the footer names the model that served and the one that failed; they survive a reload", async ({
  page,
}) => {
  await openNewChat(page);
  const dialog = await openSettings(page);
  const add = dialog.getByTestId("routing-fallback-add");
  await add.selectOption("google/gemini-2.5-flash");
  await add.selectOption("anthropic/claude-haiku-4.5");
  await add.selectOption("mistralai/mistral-nemo");
  await expect(add).toBeDisabled();
  // Reorder and remove: haiku first, nemo gone.
  const items = dialog.getByTestId("routing-fallback-item");
  await items.nth(1).getByTestId("routing-fallback-up").click();
  await dialog.locator('[data-testid="routing-fallback-item"][data-value="mistralai/mistral-nemo"]').getByTestId("routing-fallback-remove").click();
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAttribute("data-value", "anthropic/claude-haiku-4.5");
  await saveSettings(dialog);
  await expect(page.getByTestId("chat-settings-button")).toHaveAttribute("data-custom", "true");

  const mark = marker("fb");
  const answer = await sendAndWait(page, `Hello ${mark} [[sb:fallback]]`);
  const sent = await sentUpstream(mark);
  expect(sent.body.model).toBe(DEFAULT_MODEL);
  // The fallbacks only: the model itself is `model` (OpenRouter takes at most 3 entries in `models`).
  expect(sent.body.models).toEqual(["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"]);
  expect(sent.body.provider).toBeUndefined();
  const served = await upstreamGeneration(sent.generationId!);
  expect(served.data.model).toBe("anthropic/claude-haiku-4.5");

  const footer = answer.getByTestId("message-footer");
  await expect(footer.getByTestId("footer-model")).toHaveText("anthropic/claude-haiku-4.5");
  await expect(footer.getByTestId("footer-provider")).toHaveText(served.data.provider_name!);
  await expect(footer.getByTestId("footer-fallback")).toContainText(`${DEFAULT_MODEL} failed`);
  await expect(footer.getByTestId("footer-auto-routed")).toHaveCount(0);

  await page.reload();
  const saved = page.getByTestId("message-assistant").last().getByTestId("message-footer");
  await expect(saved.getByTestId("footer-fallback")).toContainText(`${DEFAULT_MODEL} failed`);
  await expect(saved.getByTestId("footer-model")).toHaveText("anthropic/claude-haiku-4.5");
  const reopened = await openSettings(page);
  await expect(reopened.getByTestId("routing-fallback-item")).toHaveCount(2);
  await expect(reopened.getByTestId("routing-fallback-item").nth(0)).toHaveAttribute("data-value", "anthropic/claude-haiku-4.5");
  await expect(reopened.getByTestId("routing-fallback-item").nth(1)).toHaveAttribute("data-value", "google/gemini-2.5-flash");
});

test("the picker's detail view lists a model's endpoints; sort by price is served by the cheapest and becomes the default of a new conversation", async ({
  page,
}) => {
  const endpoints = await upstreamEndpoints(PRICED_MODEL);
  const price = (e: UpstreamEndpoint) => Number(e.pricing.prompt) + Number(e.pricing.completion);
  const cheapest = [...endpoints].sort((a, b) => price(a) - price(b))[0];
  // Otherwise the default order would pass this test without sorting.
  expect(cheapest.provider_name).not.toBe(endpoints[0].provider_name);

  await openNewChat(page);
  await page.getByTestId("model-picker").click();
  await page.getByTestId("model-search").fill("deepseek v3.1");
  await page.locator(`[data-testid="model-option"][data-model-id="${PRICED_MODEL}"]`).getByTestId("model-details-button").click();
  const details = page.getByTestId("model-details");
  await expect(details).toHaveAttribute("data-model-id", PRICED_MODEL);
  const rows = details.getByTestId("model-endpoint");
  await expect(rows).toHaveCount(endpoints.length);
  for (const [i, endpoint] of endpoints.entries()) {
    const row = rows.nth(i);
    await expect(row.getByTestId("endpoint-provider")).toHaveText(endpoint.provider_name);
    const shown = Number((await row.getByTestId("endpoint-price-prompt").innerText()).replace(/[$,]/g, ""));
    expect(shown).toBeCloseTo(Number(endpoint.pricing.prompt) * 1e6, 4);
    for (const cell of ["endpoint-context", "endpoint-quantization", "endpoint-uptime", "endpoint-latency", "endpoint-throughput"]) {
      await expect(row.getByTestId(cell)).not.toBeEmpty();
    }
  }
  await details.getByTestId("model-details-back").click();
  await page.locator(`[data-testid="model-option"][data-model-id="${PRICED_MODEL}"]`).click();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-model-id", PRICED_MODEL);

  const dialog = await openSettings(page);
  await dialog.getByTestId("routing-sort").selectOption("price");
  await dialog.getByTestId("routing-save-default").click();
  await expect(dialog.getByTestId("routing-default-note")).toContainText("default");
  await saveSettings(dialog);

  const mark = marker("price");
  const answer = await sendAndWait(page, `Hello ${mark} [[sb:text tokens=5]]`);
  const sent = await sentUpstream(mark);
  expect(sent.body.provider).toEqual({ sort: "price" });
  expect(sent.body.models).toBeUndefined();
  await expect(answer.getByTestId("footer-provider")).toHaveText(cheapest.provider_name);
  expect((await upstreamGeneration(sent.generationId!)).data.provider_name).toBe(cheapest.provider_name);

  // A new conversation starts from the default routing.
  await openNewChat(page);
  const fresh = await openSettings(page);
  await expect(fresh.getByTestId("routing-inherits-default")).toBeVisible();
  await expect(fresh.getByTestId("routing-sort")).toHaveValue("price");
  await fresh.getByTestId("settings-cancel").click();
  const next = marker("dflt");
  await sendAndWait(page, `Hello ${next} [[sb:text tokens=3]]`);
  expect((await sentUpstream(next)).body.provider).toEqual({ sort: "price" });
});

test("the auto router is in the picker at a varying price; the footer shows the model it chose", async ({ page }) => {
  await openNewChat(page);
  await page.getByTestId("model-picker").click();
  await page.getByTestId("model-search").fill("auto router");
  const option = page.locator('[data-testid="model-option"][data-model-id="openrouter/auto"]');
  await expect(option.getByTestId("model-price")).toContainText("varies");
  await expect(option.getByTestId("model-price")).not.toContainText("-");
  // Alt+Enter opens the active model's details from the keyboard; a router has no endpoints of its own.
  await expect(option).toHaveAttribute("data-active", "true");
  await page.getByTestId("model-search").press("Alt+Enter");
  await expect(page.getByTestId("model-details")).toHaveAttribute("data-model-id", "openrouter/auto");
  await expect(page.getByTestId("model-endpoints-router")).toBeVisible();
  await page.getByTestId("model-search").press("Escape");
  await expect(page.getByTestId("model-details")).toBeHidden();
  await option.click();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-model-id", "openrouter/auto");

  const mark = marker("auto");
  // The composer's cost preview prices the router at the dearest model it could pick, never below zero.
  await composerInput(page).fill(`Hello ${mark}`);
  const preview = page.getByTestId("cost-preview");
  await expect(preview).toHaveText(/\$\d/);
  await expect(preview).not.toHaveText(/-/);
  const answer = await sendAndWait(page, `Hello ${mark} [[sb:text tokens=5]]`);
  const sent = await sentUpstream(mark);
  expect(sent.body.model).toBe("openrouter/auto");
  const chosen = (await upstreamGeneration(sent.generationId!)).data.model!;
  expect(chosen).not.toBe("openrouter/auto");
  await expect(answer.getByTestId("footer-auto-routed")).toBeVisible();
  await expect(answer.getByTestId("footer-model")).toHaveText(chosen);
  await expect(answer.getByTestId("footer-fallback")).toHaveCount(0);
});

test("a preference no endpoint meets gets a clear message naming it, and the question is kept", async ({ page }) => {
  await openNewChat(page);
  const dialog = await openSettings(page);
  const input = dialog.getByTestId("routing-ignore-input");
  await input.fill("not a provider!");
  await dialog.getByTestId("routing-ignore-add").click();
  await expect(dialog.getByTestId("routing-ignore-error")).toHaveText("Not a provider name.");
  for (const provider of ["OpenAI", "Azure"]) {
    await input.fill(provider);
    await input.press("Enter");
  }
  await expect(dialog.getByTestId("routing-ignore-item")).toHaveCount(2);
  await dialog.getByTestId("routing-deny-data-collection").click();
  await expect(dialog.getByTestId("routing-deny-data-collection")).toHaveAttribute("aria-checked", "true");
  await saveSettings(dialog);

  const mark = marker("none");
  await send(page, `Hello ${mark}`);
  await waitIdle(page);
  const error = page.locator('[data-testid="chat-error"][data-live="true"]');
  await expect(error).toHaveAttribute("data-code", "unavailable:routing_preference");
  await expect(error.getByTestId("chat-error-message")).toContainText("ignored providers");
  await expect(error).toContainText("routing settings");
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText(mark);
  const sent = await sentUpstream(mark);
  expect(sent.body.provider).toEqual({ ignore: ["OpenAI", "Azure"], data_collection: "deny" });
  expect(sent.status).toBe(404);

  await page.reload();
  await expect(userMessages(page).first()).toContainText(mark);
  await expect(page.locator('[data-testid="chat-error"][data-code="unavailable:routing_preference"]')).toContainText("ignored providers");
  const reopened = await openSettings(page);
  await expect(reopened.getByTestId("routing-ignore-item")).toHaveCount(2);
  await expect(reopened.getByTestId("routing-deny-data-collection")).toHaveAttribute("aria-checked", "true");
});
