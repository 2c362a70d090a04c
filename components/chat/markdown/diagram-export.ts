// A drawn diagram as files: its SVG as a standalone document, and a PNG drawn from that SVG on
// a canvas (an <img> of a blob: URL, which the page's CSP allows as an image source).

/** Browsers refuse larger canvases; a huge diagram is scaled down to fit. */
const MAX_CANVAS_SIDE = 8192;
const PNG_SCALE = 2;

function sizeOf(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.viewBox.baseVal;
  if (box && box.width > 0 && box.height > 0) return { width: box.width, height: box.height };
  const rect = svg.getBoundingClientRect();
  return { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
}

/** The diagram as an SVG file: its own size instead of the page's fluid width. */
export function svgDocument(svg: SVGSVGElement): string {
  const { width, height } = sizeOf(svg);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("width", String(Math.ceil(width)));
  copy.setAttribute("height", String(Math.ceil(height)));
  copy.style.removeProperty("max-width");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** The diagram as a PNG, at twice its size, on `background` (a CSS color; white if the canvas cannot use it). */
export async function pngOf(svg: SVGSVGElement, background: string): Promise<Blob> {
  const { width, height } = sizeOf(svg);
  const scale = Math.min(PNG_SCALE, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height);
  const url = URL.createObjectURL(new Blob([svgDocument(svg)], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext("2d");
    if (!context) throw new Error("No 2D canvas in this browser.");
    context.fillStyle = "#ffffff";
    context.fillStyle = background; // ignored (stays white) when the canvas cannot parse it
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("The PNG could not be made."))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
