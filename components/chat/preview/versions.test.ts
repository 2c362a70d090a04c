import { describe, expect, it } from "vitest";
import type { ChatUIMessage } from "@/lib/chat/types";
import { previewVersions } from "./versions";

const message = (role: "user" | "assistant", text: string, id = Math.random().toString(36)): ChatUIMessage =>
  ({ id, role, parts: [{ type: "text", text }] }) as ChatUIMessage;

describe("previewVersions", () => {
  it("lists the previewable blocks of one kind across the answers, in order", () => {
    const messages = [
      message("user", "```html\n<p>from the user</p>\n```"),
      message("assistant", "First:\n\n```html\n<p>v1</p>\n```\n\nand a logo\n\n```svg\n<svg>1</svg>\n```"),
      message("assistant", "- a list\n\n  ```html\n  <p>v2</p>\n  ```\n\n> ```xml\n> <svg>2</svg>\n> ```\n\n```js\nalert(1)\n```"),
      message("assistant", "Still arriving:\n\n```html\n<p>v3"),
    ];
    expect(previewVersions(messages, "html")).toEqual(["<p>v1</p>", "<p>v2</p>", "<p>v3"]);
    expect(previewVersions(messages, "svg")).toEqual(["<svg>1</svg>", "<svg>2</svg>"]);
  });
});
