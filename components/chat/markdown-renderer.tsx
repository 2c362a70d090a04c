"use client";

// Sanitized Markdown for answers: GFM (tables, task lists), highlight.js code, no raw HTML,
// links only http(s)/mailto (plus in-page #anchors for footnotes), opened in a new tab.
// Loaded lazily by message-markdown.tsx: a new chat's first load carries none of this.
import { memo, useEffect, useRef, type ComponentProps } from "react";
import Markdown, { type Components, type ExtraProps, type UrlTransform } from "react-markdown";
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { cn } from "@/lib/utils";
import { CopyButton } from "./copy-button";
import { loadHighlighter, rehypeHighlightCode, useHighlighterReady } from "./highlight";
import { splitMarkdownBlocks } from "./markdown-blocks";

/** GitHub's schema, plus the class names highlight.js puts on <code> and its token <span>s. */
const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    code: [["className", "hljs", /^language-[\w+#.-]+$/]],
    span: [...(defaultSchema.attributes?.span ?? []), ["className", /^hljs-[\w-]+$/, /^[a-z][a-z0-9]*_+$/]],
  },
};

type Element = NonNullable<ExtraProps["node"]>;
type ElementContent = Element["children"][number];

/** Minimal hast shape for the raw-HTML pass below. */
type HastNode = { type: string; value?: string; children?: HastNode[] };

/**
 * Raw HTML in the Markdown (`<script>`, `<img onerror>`) becomes visible text, never markup:
 * without this the sanitizer would silently drop it, hiding what the model wrote.
 */
function rehypeRawToText() {
  const visit = (node: HastNode) => {
    if (!node.children) return;
    for (let i = 0; i < node.children.length; i++) {
      const child = node.children[i];
      if (child.type === "raw") node.children[i] = { type: "text", value: child.value ?? "" };
      else visit(child);
    }
  };
  return (tree: HastNode) => visit(tree);
}

const remarkPlugins: ComponentProps<typeof Markdown>["remarkPlugins"] = [remarkGfm];
// Highlight first, sanitize last: whatever reaches the DOM has passed the schema.
const plainPlugins: ComponentProps<typeof Markdown>["rehypePlugins"] = [rehypeRawToText, [rehypeSanitize, sanitizeSchema]];
const highlightedPlugins: ComponentProps<typeof Markdown>["rehypePlugins"] = [
  rehypeRawToText,
  rehypeHighlightCode,
  [rehypeSanitize, sanitizeSchema],
];

const SAFE_URL = /^(?:https?:|mailto:)/i;

/** Keep http(s), mailto and same-page anchors; drop everything else (javascript:, data:, relative paths). */
export const safeUrlTransform: UrlTransform = (url, key) => {
  const value = url.trim();
  if (SAFE_URL.test(value)) return value;
  if (key === "href" && value.startsWith("#")) return value;
  return undefined;
};

function textOf(node: ElementContent | Element): string {
  if (node.type === "text") return node.value;
  if (node.type === "element") return node.children.map(textOf).join("");
  return "";
}

function languageOf(pre: Element | undefined): string | null {
  const code = pre?.children.find((child): child is Element => child.type === "element" && child.tagName === "code");
  const classes = code?.properties?.className;
  if (!Array.isArray(classes)) return null;
  for (const c of classes) {
    if (typeof c === "string" && c.startsWith("language-")) return c.slice("language-".length);
  }
  return null;
}

function CodeBlock({ node, children, className, ...props }: ComponentProps<"pre"> & { node?: Element }) {
  const preRef = useRef<HTMLPreElement>(null);
  const language = languageOf(node);
  return (
    <div className="group/code relative my-3" data-testid="code-block">
      <div className="flex items-center justify-between rounded-t-md border border-b-0 border-border bg-muted/60 px-3 py-1 text-xs text-muted-foreground">
        <span data-testid="code-language" className="font-mono">
          {language ?? "text"}
        </span>
        <CopyButton
          data-testid="copy-code"
          label="Copy code"
          className="size-6"
          getText={() => preRef.current?.textContent ?? (node ? textOf(node) : "")}
        />
      </div>
      <pre ref={preRef} className={cn("mt-0! rounded-t-none!", className)} {...props}>
        {children}
      </pre>
    </div>
  );
}

function MarkdownLink({ node: _node, href, children, ...props }: ComponentProps<"a"> & { node?: Element }) {
  if (!href) {
    // The URL was not allowed (javascript:, data:, ...): keep the words, not the link.
    return (
      <span data-testid="blocked-link" className="underline decoration-dotted" title="Link removed for safety">
        {children}
      </span>
    );
  }
  const external = !href.startsWith("#");
  return (
    <a
      href={href}
      {...(external ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {})}
      {...props}
    >
      {children}
    </a>
  );
}

function MarkdownImage({ node: _node, src, alt, ...props }: ComponentProps<"img"> & { node?: Element }) {
  if (!src || typeof src !== "string") return alt ? <span>{alt}</span> : null;
  // eslint-disable-next-line @next/next/no-img-element -- arbitrary remote images from an answer
  return <img src={src} alt={alt ?? ""} loading="lazy" referrerPolicy="no-referrer" {...props} />;
}

const components: Components = {
  pre: CodeBlock,
  a: MarkdownLink,
  img: MarkdownImage,
};

function MarkdownView({ text, highlighted }: { text: string; highlighted: boolean }) {
  return (
    <Markdown
      remarkPlugins={remarkPlugins}
      rehypePlugins={highlighted ? highlightedPlugins : plainPlugins}
      components={components}
      urlTransform={safeUrlTransform}
    >
      {text}
    </Markdown>
  );
}

const FENCE = /(?:^|\n) {0,3}(?:```|~~~)/;

/** A block with a fenced code block: plain at first (and while hydrating), highlighted once highlight.js is loaded. */
function CodeMarkdown({ text }: { text: string }) {
  const ready = useHighlighterReady();
  useEffect(() => loadHighlighter(), []);
  return <MarkdownView text={text} highlighted={ready} />;
}

/** One top-level block; re-renders only when its own text changes. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  return FENCE.test(text) ? <CodeMarkdown text={text} /> : <MarkdownView text={text} highlighted={false} />;
});

/** An answer's text as Markdown, split into memoized top-level blocks. */
export default function MarkdownBlocks({ text }: { text: string }) {
  return splitMarkdownBlocks(text).map((block, index) => <MarkdownBlock key={index} text={block} />);
}
