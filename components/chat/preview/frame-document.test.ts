import { describe, expect, it } from "vitest";
import { GET } from "@/app/preview-frame/route";
import { FRAME_READY, FRAME_RENDER } from "./frame-protocol";

describe("the preview frame document", () => {
  it("is served sandboxed, without network access, frameable by the app only", async () => {
    const response = GET();
    const csp = (response.headers.get("content-security-policy") ?? "").split("; ");
    expect(csp).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'unsafe-inline'",
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "connect-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
        "sandbox allow-scripts",
      ]),
    );
    // Nothing that would hand the frame an origin, a network source or a way out.
    expect(csp.join("; ")).not.toMatch(/allow-same-origin|allow-top-navigation|allow-popups|allow-forms|'self' |https?:|\*/);
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.has("set-cookie")).toBe(false);

    const html = await response.text();
    // It takes code from its parent only, on the app's origin, and tells the parent it is ready.
    expect(html).toContain("event.source !== window.parent || event.origin !== appOrigin");
    expect(html).toContain(FRAME_READY);
    expect(html).toContain(FRAME_RENDER);
  });
});
