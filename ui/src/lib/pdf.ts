// The in-app PDF viewer's only entry point. pdf.js itself (~400 kB, plus its
// worker and font data) is loaded on the first call, from its own chunk, so
// the main bundle stays the same for people who never open a PDF. Tests mock
// this module: jsdom has no canvas to render into.

export interface RenderPdfOptions {
  /** Stops rendering (and frees pdf.js's worker); the promise then rejects. */
  signal?: AbortSignal;
}

/**
 * Renders every page of `bytes` (a PDF file) as a `<canvas data-testid="pdf-page">`
 * into `container`, replacing what it held: as wide as the container (up to
 * a comfortable reading width), sharp on high-DPI screens. Nothing is fetched
 * from the network; pdf.js's worker and standard fonts ship with the app.
 *
 * `bytes` is handed over to pdf.js's worker (its buffer is detached); pass a
 * fresh copy per call. Rejects with an `Error` when the file cannot be read.
 */
export async function renderPdf(bytes: Uint8Array, container: HTMLElement, options: RenderPdfOptions = {}): Promise<{ pages: number }> {
  const { renderWithPdfjs } = await import("./pdfjs");
  return renderWithPdfjs(bytes, container, options);
}
