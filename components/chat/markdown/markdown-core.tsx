// Sanitized Markdown for answers, shared by the server (saved answers, markdown-server.tsx) and
// the browser (streamed answers, markdown-renderer.tsx): GFM (tables, task lists), highlight.js
// code, no raw HTML, links only http(s)/mailto (plus in-page #anchors for footnotes), opened in
// a new tab. No hooks and no "use client": it renders in a server component as well.
import type { ComponentProps } from "react";
import Markdown, { type Components, type ExtraProps, type UrlTransform } from "react-markdown";
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block";
import type { rehypeHighlightWith } from "./highlight-core";
import { remarkCodeComplete } from "./remark-code-complete";

/** GitHub's schema, plus the class names highlight.js puts on <code> and its token <span>s. */
const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    code: [["className", "hljs", /^language-[\w+#.-]+$/], "dataComplete"],
    span: [...(defaultSchema.attributes?.span ?? []), ["className", /^hljs-[\w-]+$/, /^[a-z][a-z0-9]*_+$/]],
  },
};

type Element = NonNullable<ExtraProps["node"]>;

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

type Plugins = NonNullable<ComponentProps<typeof Markdown>["rehypePlugins"]>;
export type HighlightPlugin = ReturnType<typeof rehypeHighlightWith>;

const remarkPlugins: ComponentProps<typeof Markdown>["remarkPlugins"] = [
  // First: it reads each fence's source (is the closing fence there?) before anything else runs.
  remarkCodeComplete,
  remarkGfm,
];
const plainPlugins: Plugins = [rehypeRawToText, [rehypeSanitize, sanitizeSchema]];
const pluginCache = new WeakMap<HighlightPlugin, Plugins>();

/** Highlight first, sanitize last: whatever reaches the DOM has passed the schema. */
function rehypePluginsFor(highlight: HighlightPlugin | null): Plugins {
  if (!highlight) return plainPlugins;
  let plugins = pluginCache.get(highlight);
  if (!plugins) {
    plugins = [rehypeRawToText, highlight, [rehypeSanitize, sanitizeSchema]];
    pluginCache.set(highlight, plugins);
  }
  return plugins;
}

const SAFE_URL = /^(?:https?:|mailto:)/i;

/** Keep http(s), mailto and same-page anchors; drop everything else (javascript:, data:, relative paths). */
export const safeUrlTransform: UrlTransform = (url, key) => {
  const value = url.trim();
  if (SAFE_URL.test(value)) return value;
  if (key === "href" && value.startsWith("#")) return value;
  return undefined;
};

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
    <a href={href} {...(external ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {})} {...props}>
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

/**
 * Plain prose: one line that starts with a letter and has no character Markdown or GFM gives a
 * meaning to (emphasis, code, links and autolinks, HTML, entities, tables, strikethrough,
 * footnotes, escapes). Such a text parses to exactly one paragraph holding that text.
 */
const MARKDOWN_SYNTAX = /[\\`*_[\]<>!&#|~:@\n\r]|www\./i;
const STARTS_WITH_LETTER = /^\p{L}/u;

export function isPlainProse(text: string): boolean {
  return STARTS_WITH_LETTER.test(text) && !MARKDOWN_SYNTAX.test(text.trimEnd());
}

/**
 * Markdown text through react-markdown: GFM, optional highlighting, then rehype-sanitize.
 * Plain prose (the common case while an answer streams) skips the parse: it renders the same
 * paragraph as a React text node, which is escaped like any other.
 */
export function MarkdownView({ text, highlight }: { text: string; highlight: HighlightPlugin | null }) {
  if (isPlainProse(text)) return <p>{text.trimEnd()}</p>;
  return (
    <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePluginsFor(highlight)} components={components} urlTransform={safeUrlTransform}>
      {text}
    </Markdown>
  );
}

/** A fenced code block somewhere in the text. */
export const FENCE = /(?:^|\n) {0,3}(?:```|~~~)/;
