import { describe, expect, it } from "vitest";
import { parseExportText } from "./export-text";

// Parsed conversation by conversation, an export's text must give exactly what JSON.parse gives,
// and fail where it fails.
let turns = 0;
const pace = async () => {
  turns++;
};

const tricky = {
  format: "switchboard-export",
  version: 1,
  exportedAt: "2025-01-01T00:00:00.000Z",
  conversations: [
    {
      title: 'Brackets ] } [ { and "quotes", a \\ backslash, \\" and ":"',
      model: "m/x",
      messages: [{ role: "user", parts: [{ type: "text", text: '"conversations": [1, 2]' }] }],
    },
    { title: "日本語 ✓ \u2028", model: "m/y", messages: [], attachments: [{ id: "a", dataBase64: "QUJD".repeat(200_000) }] },
    { title: "empty nested", model: "m/z", messages: [[], {}, [[{}]]] },
  ],
  after: { conversations: "not this one" },
};

describe("parseExportText", () => {
  it("gives what JSON.parse gives, item by item, for exports and anything else", async () => {
    const texts = [
      JSON.stringify(tricky),
      JSON.stringify(tricky, null, 2),
      JSON.stringify({ conversations: [], format: "x" }),
      JSON.stringify({ format: "x" }),
      JSON.stringify([1, 2, 3]),
      JSON.stringify({ conversations: [1, "two", null] }),
      JSON.stringify({ conversations: "none" }),
      '{"conversations":[{"a":1}],"conversations":[{"b":2}]}',
      '{"conversation\\u0073":[{"a":1}],"conversations":[{"b":2}]}',
      '  \n\t{ "conversations" :\n [ { } , { "x" : [ ] } ] }  ',
    ];
    for (const text of texts) expect(await parseExportText(text, pace), text.slice(0, 80)).toEqual(JSON.parse(text));
    turns = 0;
    const parsed = await parseExportText(JSON.stringify(tricky), pace);
    expect(Object.keys(parsed as object)).toEqual(Object.keys(tricky));
    // A turn of the event loop after the frame and after each conversation, and while scanning.
    expect(turns).toBeGreaterThanOrEqual(1 + tricky.conversations.length);
  });

  it("fails where JSON.parse fails", async () => {
    for (const text of [
      '{"conversations":[{"a":1}',
      '{"conversations":[{"a":}]}',
      '{"conversations":[]} x',
      '{"a":"\\q"}',
      "",
      "{",
      '{"conversations":[{"a":1}]]}',
    ]) {
      await expect(parseExportText(text, pace), text).rejects.toThrow(SyntaxError);
    }
  });
});
