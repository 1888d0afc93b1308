// pdf.js (pdfjs-dist), loaded only through the dynamic import in ./pdf.ts.
// Everything it needs ships with the app, so reports render offline and under
// the window's strict Content-Security-Policy:
// - the worker is a bundled asset of this origin, started here as a module
//   worker (allowed by script-src 'self'). Left to itself, pdf.js wraps the
//   script in a blob: module, which the CSP would then have to allow, whenever
//   `new URL(location.href).origin` does not match the script's: and for a
//   custom scheme such as tauri://localhost the URL standard says "null";
// - `isEvalSupported: false`: no `new Function` for PostScript functions;
// - the 14 standard PDF fonts (Helvetica, Times, Courier, Symbol, ...) come
//   from pdf.js's own standard_fonts/ folder, emitted as assets and read with
//   fetch(), so a report that does not embed Helvetica looks the same on every
//   machine instead of falling back to whatever the system has;
// - no WebAssembly (`useWasm: false`): the only decoders that need it are for
//   JPEG 2000 / JBIG2 images and ICC colour profiles, which report PDFs do not
//   rely on, and wasm would need 'wasm-unsafe-eval' in script-src.
import { GlobalWorkerOptions, PDFWorker, getDocument, type PDFDocumentProxy, type RenderTask } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import type { RenderPdfOptions } from "./pdf";

// Also where pdf.js looks if it ever has to fall back to its own worker setup.
GlobalWorkerOptions.workerSrc = workerUrl;

/** How long the worker may take to load before we give up on it. */
const WORKER_START_MS = 20_000;

/** Starts pdf.js's worker; resolves once it has loaded (its first message is "ready"). */
async function startWorker(): Promise<Worker> {
  const worker = new Worker(workerUrl, { type: "module", name: "pdf.js" });
  const started = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const { signal } = started;
      worker.addEventListener("message", () => resolve(), { signal });
      worker.addEventListener("error", (e) => reject(new Error(`pdf.js's worker did not start${e.message ? `: ${e.message}` : ""}`)), { signal });
      timer = setTimeout(() => reject(new Error("pdf.js's worker did not start in time")), WORKER_START_MS);
    });
  } catch (e) {
    worker.terminate();
    throw e;
  } finally {
    started.abort();
    clearTimeout(timer);
  }
  return worker;
}

/** File name (as pdf.js asks for it, e.g. "LiberationSans-Regular.ttf") -> bundled asset URL. */
const STANDARD_FONTS = new Map(
  Object.entries(
    import.meta.glob<string>("/node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}", { query: "?url", import: "default", eager: true }),
  ).map(([path, url]) => [path.slice(path.lastIndexOf("/") + 1), url]),
);

/**
 * pdf.js's StandardFontDataFactory contract: `new Factory({baseUrl})`, then
 * `fetch({filename})` resolving to the font file's bytes. Vite gives every
 * file its own hashed URL, so this maps names to URLs instead of joining a
 * `standardFontDataUrl` prefix with the file name.
 */
class BundledStandardFontDataFactory {
  async fetch({ filename }: { filename: string }): Promise<Uint8Array> {
    const url = STANDARD_FONTS.get(filename);
    if (!url) throw new Error(`pdf.js asked for an unknown standard font: ${filename}`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Cannot load the bundled font ${filename} (HTTP ${response.status})`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

/** Widest page, in CSS pixels: past this, lines get too long to read comfortably. */
const MAX_PAGE_WIDTH = 980;
/** Used when the container has no layout width yet. */
const FALLBACK_WIDTH = 800;
/** Canvas backing-store cap (WebKit refuses canvases much larger than 16.7 Mpx). */
const MAX_CANVAS_PIXELS = 16_000_000;

function contentWidth(el: HTMLElement): number {
  const style = getComputedStyle(el);
  const width = el.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0);
  return Math.min(MAX_PAGE_WIDTH, width > 0 ? width : FALLBACK_WIDTH);
}

function aborted(): Error {
  return new DOMException("PDF rendering was stopped.", "AbortError");
}

/** pdf.js's exceptions (rebuilt from the worker's; matched by name), in words for the recruiter. */
function explain(e: unknown): unknown {
  const name = e instanceof Error ? e.name : "";
  if (name === "PasswordException") return new Error("This PDF is password-protected, so Reqlink cannot show it.");
  if (name === "InvalidPDFException") return new Error("The cached file is not a readable PDF.");
  return e;
}

export async function renderWithPdfjs(bytes: Uint8Array, container: HTMLElement, { signal }: RenderPdfOptions): Promise<{ pages: number }> {
  if (signal?.aborted) throw aborted();
  let port: Worker | null = null;
  try {
    port = await startWorker();
  } catch (e) {
    // Still readable: pdf.js then tries its own worker setup, and failing
    // that parses on the main thread (slower, but the recruiter sees the PDF).
    console.warn("reqlink: falling back to pdf.js's own worker setup", e);
  }
  if (signal?.aborted) {
    port?.terminate();
    throw aborted();
  }
  const worker = port ? PDFWorker.create({ port }) : undefined;
  const task = getDocument({
    data: bytes,
    worker,
    isEvalSupported: false,
    useSystemFonts: false,
    StandardFontDataFactory: BundledStandardFontDataFactory,
    useWasm: false,
    enableXfa: false,
  });
  let renderTask: RenderTask | null = null;
  const stop = () => {
    renderTask?.cancel();
    void task.destroy();
  };
  signal?.addEventListener("abort", stop, { once: true });
  try {
    let doc: PDFDocumentProxy;
    try {
      doc = await task.promise;
    } catch (e) {
      throw signal?.aborted ? aborted() : explain(e);
    }
    if (signal?.aborted) throw aborted();
    const cssWidth = contentWidth(container);
    const dpr = Math.max(1, window.devicePixelRatio || 1);
    container.replaceChildren();
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      if (signal?.aborted) throw aborted();
      const natural = page.getViewport({ scale: 1 });
      const scale = cssWidth / natural.width;
      const cssHeight = natural.height * scale;
      // Backing store at device pixels, capped for very large pages.
      const density = Math.min(dpr, Math.sqrt(MAX_CANVAS_PIXELS / (cssWidth * cssHeight)));
      const viewport = page.getViewport({ scale: scale * density });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(cssWidth)}px`;
      canvas.style.aspectRatio = `${canvas.width} / ${canvas.height}`;
      canvas.className = "pdf-page";
      canvas.dataset.testid = "pdf-page";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `Page ${n} of ${doc.numPages}`);
      container.append(canvas);
      renderTask = page.render({ canvas, viewport });
      try {
        await renderTask.promise;
      } catch (e) {
        throw signal?.aborted ? aborted() : e;
      }
      renderTask = null;
      page.cleanup();
    }
    return { pages: doc.numPages };
  } finally {
    signal?.removeEventListener("abort", stop);
    // The pixels stay on the canvases; the document, its worker and caches go.
    await task.destroy();
    worker?.destroy();
    port?.terminate();
  }
}
