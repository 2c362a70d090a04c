// What the chat page and the preview frame say to each other. The frame (app/preview-frame) runs
// in an opaque origin, so the page knows it only as its iframe's window: it answers the frame's
// "ready" with the code to show, and nothing else the frame sends means anything to it.
import { z } from "zod";

/** The document previews run in; the only page of the app that the app itself may frame. */
export const PREVIEW_FRAME_PATH = "/preview-frame";

export const FRAME_READY = "switchboard:preview-ready";
export const FRAME_RENDER = "switchboard:preview-render";

export type PreviewKind = "html" | "svg";

/** Sent by the frame once it listens; validated because the previewed code runs in that window too. */
export const frameReadySchema = z.object({ type: z.literal(FRAME_READY) });

export type FrameRenderMessage = { type: typeof FRAME_RENDER; kind: PreviewKind; code: string };
