/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let several builds (helpers, benchmarks) coexist in one checkout.
  distDir: process.env.SB_DIST_DIR || ".next",
  // SB_STANDALONE=1 (the Dockerfile, and the build stage of `npm test`, whose instance tests start
  // that server): also write the self-contained server Docker runs, `<distDir>/standalone/server.js`.
  // Left out otherwise, so `npm start` (`next start`) does not warn about it.
  ...(process.env.SB_STANDALONE === "1"
    ? {
        output: "standalone",
        // Paths built from process.cwd() make the tracer take whole folders; these are never read.
        outputFileTracingExcludes: { "*": ["bench/**", "data/**", "test-results/**", "playwright-report/**", "e2e/**"] },
      }
    : {}),
  poweredByHeader: false,
  reactStrictMode: true,
  // PGlite ships WASM and data files it loads from its own folder at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg"],
  typedRoutes: false,
  experimental: {
    // Next buffers request bodies that pass through the proxy and silently truncates them at this
    // size (10 MiB by default). It must be lib/http MAX_REQUEST_BYTES (51 MiB: the account import's
    // 50 MiB plus its envelope); the proxy refuses larger declared bodies and each route its own limit.
    proxyClientMaxBodySize: 51 * 1024 * 1024,
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      {
        // Every page but the preview frame, which the chat page frames (it sets its own headers).
        source: "/:path((?!preview-frame$).*)",
        headers: [{ key: "X-Frame-Options", value: "DENY" }],
      },
    ];
  },
};

export default nextConfig;
