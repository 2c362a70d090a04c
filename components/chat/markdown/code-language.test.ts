// The file a downloaded code block becomes: its fence's language names the extension.
import { describe, expect, it } from "vitest";
import { fileExtensionFor, snippetFileName } from "./code-language";

describe("a code block's download name", () => {
  it("maps the languages models write, with their aliases", () => {
    const cases: [string, string][] = [
      ["ts", "ts"],
      ["typescript", "ts"],
      ["tsx", "tsx"],
      ["js", "js"],
      ["javascript", "js"],
      ["python", "py"],
      ["py", "py"],
      ["html", "html"],
      ["css", "css"],
      ["json", "json"],
      ["yml", "yaml"],
      ["bash", "sh"],
      ["shell", "sh"],
      ["c++", "cpp"],
      ["c#", "cs"],
      ["rust", "rs"],
      ["go", "go"],
      ["sql", "sql"],
      ["svg", "svg"],
      ["mermaid", "mmd"],
      ["markdown", "md"],
    ];
    for (const [language, extension] of cases) expect(fileExtensionFor(language), language).toBe(extension);
  });

  it("ignores case", () => {
    expect(fileExtensionFor("Python")).toBe("py");
    expect(fileExtensionFor("HTML")).toBe("html");
  });

  it("is a text file for an unknown, missing or hostile language", () => {
    expect(fileExtensionFor("brainfuck-9000")).toBe("txt");
    expect(fileExtensionFor(null)).toBe("txt");
    expect(fileExtensionFor(undefined)).toBe("txt");
    expect(fileExtensionFor("")).toBe("txt");
    // Names of Object.prototype are not languages.
    expect(fileExtensionFor("constructor")).toBe("txt");
    expect(fileExtensionFor("__proto__")).toBe("txt");
    expect(fileExtensionFor("../../etc/passwd")).toBe("txt");
  });

  it("names the file snippet.<extension>", () => {
    expect(snippetFileName("python")).toBe("snippet.py");
    expect(snippetFileName("ts")).toBe("snippet.ts");
    expect(snippetFileName("mermaid")).toBe("snippet.mmd");
    expect(snippetFileName(null)).toBe("snippet.txt");
  });
});
