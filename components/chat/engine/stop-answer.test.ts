import { describe, expect, it } from "vitest";
import type { ChatTransport, UIMessageChunk } from "ai";
import { Chat } from "@ai-sdk/react";
import type { ChatUIMessage } from "@/lib/chat/types";
import { endAfterServerStop } from "./stop-answer";

/**
 * A Chat whose answer stream the test writes by hand, tied to the request's abort signal as the
 * browser's fetch body is: ending the local stream cuts off whatever has not been read yet.
 */
function chatWithHandWrittenStream() {
  let writer!: ReadableStreamDefaultController<UIMessageChunk>;
  const transport: ChatTransport<ChatUIMessage> = {
    sendMessages: async ({ abortSignal }) =>
      new ReadableStream<UIMessageChunk>({
        start(controller) {
          writer = controller;
          abortSignal?.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
        },
      }),
    reconnectToStream: async () => null,
  };
  const chat = new Chat<ChatUIMessage>({ transport });
  return { chat, write: (chunk: UIMessageChunk) => writer.enqueue(chunk), close: () => writer.close() };
}

const answerText = (chat: Chat<ChatUIMessage>) =>
  chat.messages
    .at(-1)
    ?.parts.flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("");

async function streamingWith(firstWords: string) {
  const stream = chatWithHandWrittenStream();
  void stream.chat.sendMessage({ text: "question" });
  await expect.poll(() => stream.chat.status).toBe("submitted");
  await new Promise((resolve) => setTimeout(resolve, 0));
  stream.write({ type: "start" });
  stream.write({ type: "text-start", id: "t" });
  stream.write({ type: "text-delta", id: "t", delta: firstWords });
  await expect.poll(() => answerText(stream.chat)).toBe(firstWords);
  return stream;
}

/** The rest of an answer the server wrote before its stop, reaching the page a little later. */
function deliverRestInTransit(write: (chunk: UIMessageChunk) => void, close: () => void) {
  setTimeout(() => {
    write({ type: "text-delta", id: "t", delta: "three four" });
    write({ type: "text-end", id: "t" });
    write({ type: "abort" });
    close();
  }, 50);
}

describe("endAfterServerStop", () => {
  it("keeps what the server sent before it stopped, though it had not reached the page yet", async () => {
    const { chat, write, close } = await streamingWith("one two ");
    deliverRestInTransit(write, close);
    await endAfterServerStop(chat);
    expect(answerText(chat)).toBe("one two three four");
    expect(chat.status).toBe("ready");
  });

  it("ending the local stream at once would lose it (what the function exists to prevent)", async () => {
    const { chat, write, close } = await streamingWith("one two ");
    deliverRestInTransit(
      (chunk) => {
        try {
          write(chunk);
        } catch {
          // the aborted stream takes nothing more
        }
      },
      () => {
        try {
          close();
        } catch {
          // already errored by the abort
        }
      },
    );
    await chat.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answerText(chat)).toBe("one two ");
  });

  it("returns at once when the stream has already ended", async () => {
    const { chat, write, close } = await streamingWith("done");
    write({ type: "text-end", id: "t" });
    write({ type: "finish" });
    close();
    await expect.poll(() => chat.status).toBe("ready");
    // A wait for its limit (longer than the test's 30 s timeout) would fail the test.
    await endAfterServerStop(chat, 60_000);
    expect(answerText(chat)).toBe("done");
  });

  it("stops waiting at its limit when the server's stream never ends", async () => {
    const { chat } = await streamingWith("one ");
    await endAfterServerStop(chat, 100);
    expect(chat.status).not.toBe("streaming");
    expect(answerText(chat)).toBe("one ");
  });
});
