// Sanitized Markdown for answers, shared by the server (saved answers, markdown-server.tsx) and
// the browser (streamed answers, markdown-renderer.tsx): GFM (tables, task lists), highlight.js
// code, math (remark-math, typeset after the sanitizer by math-core.ts), no raw HTML, links only http(s)/mailto (plus in-page #anchors for footnotes), opened in
// a new tab. No hooks and no "use client": it renders in a server component as well.
import type { ComponentProps } from "react";
import Markdown, { type Components, type ExtraProps, type UrlTransform } from "react-markdown";
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { CodeBlock } from "./code-block";
import type { rehypeHighlightWith } from "./highlight-core";
import { rehypeMathWith, type MathRenderer } from "./math-core";
import { normalizeMath } from "./math-delimiters";
import { remarkCodeComplete } from "./remark-code-complete";

/**
 * GitHub's schema, plus the class names highlight.js puts on <code> and its token <span>s, and
 * remark-math's on the <code> of a formula (typeset after the sanitizer, by math-core.ts).
 */
const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    code: [["className", "hljs", /^language-[\w+#.-]+$/, "math-inline", "math-display"], "dataComplete"],
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
  // Single dollars are paired by math-delimiters.ts (currency stays text); remark-math sees only `$$`.
  [remarkMath, { singleDollarTextMath: false }],
];
const mathSourcePlugin = rehypeMathWith(null);
const mathPlugins = new WeakMap<MathRenderer, ReturnType<typeof rehypeMathWith>>();
const pluginCache = new Map<HighlightPlugin | null, WeakMap<ReturnType<typeof rehypeMathWith>, Plugins>>();

function mathPluginFor(math: MathRenderer | null): ReturnType<typeof rehypeMathWith> {
  if (!math) return mathSourcePlugin;
  let plugin = mathPlugins.get(math);
  if (!plugin) {
    plugin = rehypeMathWith(math);
    mathPlugins.set(math, plugin);
  }
  return plugin;
}

/**
 * Highlight first, then sanitize: whatever the Markdown made has passed the schema. Math is typeset
 * last, from the sanitized formula's text, into KaTeX's own markup (math-katex.ts). Highlighting
 * leaves formulas alone: their `language-math` is no highlight.js language.
 */
function rehypePluginsFor(highlight: HighlightPlugin | null, math: MathRenderer | null): Plugins {
  const mathPlugin = mathPluginFor(math);
  let byMath = pluginCache.get(highlight);
  if (!byMath) {
    byMath = new WeakMap();
    pluginCache.set(highlight, byMath);
  }
  let plugins = byMath.get(mathPlugin);
  if (!plugins) {
    plugins = [rehypeRawToText, ...(highlight ? [highlight] : []), [rehypeSanitize, sanitizeSchema], mathPlugin];
    byMath.set(mathPlugin, plugins);
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
 * footnotes, escapes, math). Such a text parses to exactly one paragraph holding that text.
 */
const MARKDOWN_SYNTAX = /[\\`*_[\]<>!&#|~:@$\n\r]|www\./i;
const STARTS_WITH_LETTER = /^\p{L}/u;

export function isPlainProse(text: string): boolean {
  return STARTS_WITH_LETTER.test(text) && !MARKDOWN_SYNTAX.test(text.trimEnd());
}

type MarkdownViewProps = {
  text: string;
  highlight: HighlightPlugin | null;
  /** KaTeX (math-katex.ts); null shows formulas as their LaTeX source. */
  math: MathRenderer | null;
  /** The text already went through `normalizeMath` (the browser does it once for the whole answer, before splitting it). */
  mathNormalized?: boolean;
};

/**
 * Markdown text through react-markdown: GFM and math, optional highlighting, rehype-sanitize, then
 * typeset formulas. Plain prose (the common case while an answer streams) skips the parse: it
 * renders the same paragraph as a React text node, which is escaped like any other.
 */
export function MarkdownView({ text, highlight, math, mathNormalized = false }: MarkdownViewProps) {
  if (isPlainProse(text)) return <p>{text.trimEnd()}</p>;
  return (
    <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePluginsFor(highlight, math)} components={components} urlTransform={safeUrlTransform}>
      {mathNormalized ? text : normalizeMath(text).text}
    </Markdown>
  );
}

/** A fenced code block somewhere in the text. */
export const FENCE = /(?:^|\n) {0,3}(?:```|~~~)/;
