import { describe, expect, it } from "vitest";
import { isPlainActionBody, isTextActionRequest } from "@/lib/http/action-body";

describe("server action bodies (refused before Next's decoder answers them 500)", () => {
  it("passes what React's client encodes from plain values", () => {
    expect(isPlainActionBody("[]")).toBe(true);
    expect(isPlainActionBody('["conv_1","msg_2"]')).toBe(true);
    expect(isPlainActionBody('["$$dollars at the start", 3, null, true, "$undefined", "$Infinity", "$-0"]')).toBe(true);
    expect(isPlainActionBody('[{"title":"a","nested":[1,[2]]}]')).toBe(true);
    expect(isPlainActionBody('["$D2026-12-07T12:00:00.000Z"]')).toBe(true);
  });

  it("refuses what is not a JSON array, references to other parts, and deep nesting", () => {
    for (const body of ["", "[", '["a",', "nul", "['a']", "[]]", "{}", '"text"', "42", "null"]) expect(isPlainActionBody(body), body).toBe(false);
    for (const ref of ["$1", "$@1", "$K1", "$F1", "$D2024-99-99", `$n${"9".repeat(1000)}`, "$Q0", "$T"]) {
      expect(isPlainActionBody(JSON.stringify(["conv_1", ref])), ref).toBe(false);
    }
    expect(isPlainActionBody(JSON.stringify([{ $gt: "" }])), "a key is no reference").toBe(true);
    expect(isPlainActionBody(JSON.stringify([{ nested: "$1" }]))).toBe(false);
    expect(isPlainActionBody(`[${"[".repeat(10_000)}${"]".repeat(10_000)}]`)).toBe(false);
  });

  it("looks only at text POSTs that carry an action id", () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(isTextActionRequest("POST", headers({ "next-action": "abc", "content-type": "text/plain;charset=UTF-8" }))).toBe(true);
    expect(isTextActionRequest("POST", headers({ "next-action": "abc", "content-type": "multipart/form-data; boundary=x" }))).toBe(false);
    expect(isTextActionRequest("POST", headers({ "content-type": "text/plain" }))).toBe(false);
    expect(isTextActionRequest("GET", headers({ "next-action": "abc" }))).toBe(false);
  });
});
