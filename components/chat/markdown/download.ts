// Saving something the page made (a code block, a drawn diagram) as a file: a blob: URL on a
// link with a `download` name, clicked and let go.

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Some browsers read the URL after the click's task: let it go a little later.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type = "text/plain;charset=utf-8"): void {
  downloadBlob(new Blob([text], { type }), fileName);
}
