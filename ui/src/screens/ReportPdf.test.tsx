import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMockBackend } from "../backend/mock";
import { renderPdf } from "../lib/pdf";
import { agent, report } from "../test/fixtures";
import { renderApp } from "../test/render";
import { formatBytes } from "./ReportPdf";

// jsdom has no canvas, so pdf.js cannot run here: the one module that wraps
// it is replaced by a fake that "renders" a canvas per page.
vi.mock("../lib/pdf", () => ({ renderPdf: vi.fn() }));
const render = vi.mocked(renderPdf);

function fakePages(pages: number) {
  return (_bytes: Uint8Array, container: HTMLElement) => {
    container.replaceChildren(
      ...Array.from({ length: pages }, () => {
        const canvas = document.createElement("canvas");
        canvas.dataset.testid = "pdf-page";
        return canvas;
      }),
    );
    return Promise.resolve({ pages });
  };
}

const agents = [agent({ posting_id: "p1", title: "Backend screen" })];

function backend(hasPdf: boolean, pdfProblem: string | null = null) {
  return createMockBackend({
    reports: [report({ row: { interview_id: "iv1", candidate_name: "Jane Doe", has_pdf: hasPdf, pdf_problem: pdfProblem } })],
    agents,
  });
}

async function openPdfTab(mock: ReturnType<typeof backend>) {
  const app = renderApp({ backend: mock, screen: "reports" });
  await app.user.click(await screen.findByTestId("report-row"));
  const view = screen.getByTestId("report-view");
  await within(view).findAllByTestId("scorecard-item");
  await app.user.click(within(view).getByRole("button", { name: "PDF" }));
  return { ...app, view, panel: within(view).getByTestId("report-pdf") };
}

beforeEach(() => {
  render.mockImplementation(fakePages(3));
});

afterEach(() => {
  render.mockReset();
});

describe("Report PDF", () => {
  it("loads nothing until the PDF tab is opened", async () => {
    const mock = backend(true);
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await user.click(await screen.findByTestId("report-row"));
    await within(screen.getByTestId("report-view")).findAllByTestId("scorecard-item");
    expect(screen.queryByTestId("report-pdf")).not.toBeInTheDocument();
    expect(mock.callsOf("report_pdf")).toEqual([]);
    expect(render).not.toHaveBeenCalled();
  });

  it("loads the cached PDF when the report has one, and shows its pages and page count", async () => {
    const mock = backend(true);
    const { panel } = await openPdfTab(mock);
    expect(await within(panel).findByTestId("pdf-page-count")).toHaveTextContent("3 pages");
    expect(mock.callsOf("report_pdf")).toEqual([{ interview_id: "iv1" }]);
    expect(within(panel).getAllByTestId("pdf-page")).toHaveLength(3);
    expect(within(panel).queryByTestId("loading")).not.toBeInTheDocument();
    expect(within(panel).getByTestId("pdf-meta")).toHaveTextContent(`${formatBytes((await mock.report_pdf({ interview_id: "iv1" })).size)} · cached for offline reading`);

    // The renderer got the decoded file and the panel's page container.
    expect(render).toHaveBeenCalledTimes(1);
    const [bytes, container, options] = render.mock.calls[0]!;
    expect(new TextDecoder("latin1").decode(bytes.subarray(0, 8))).toBe("%PDF-1.4");
    expect(container).toBe(within(panel).getByTestId("pdf-pages"));
    expect(options?.signal).toBeInstanceOf(AbortSignal);
  });

  it("shows a loading state while the PDF renders", async () => {
    let finish: (v: { pages: number }) => void = () => {};
    render.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const { panel } = await openPdfTab(backend(true));
    expect(await within(panel).findByText("Rendering PDF…")).toBeInTheDocument();
    expect(within(panel).queryByTestId("pdf-page-count")).not.toBeInTheDocument();
    finish({ pages: 1 });
    expect(await within(panel).findByTestId("pdf-page-count")).toHaveTextContent("1 page");
    expect(within(panel).queryByText("Rendering PDF…")).not.toBeInTheDocument();
  });

  it("says the PDF is not downloaded yet, and never asks for it, when the report has none", async () => {
    const mock = backend(false);
    const { view, panel } = await openPdfTab(mock);
    expect(within(panel).getByTestId("pdf-missing")).toHaveTextContent("PDF not downloaded yet — Reqlink fetches it automatically while online.");
    expect(within(view).getByTestId("pdf-state")).toHaveTextContent("PDF not downloaded yet");
    expect(within(panel).queryByTestId("pdf-page")).not.toBeInTheDocument();
    expect(mock.callsOf("report_pdf")).toEqual([]);
    expect(render).not.toHaveBeenCalled();
  });

  it("says why when the download failed, and never asks for the file", async () => {
    const why = "The last download failed (the PDF download answered HTTP 503); Reqlink tries again automatically.";
    const mock = backend(false, why);
    const { view, panel } = await openPdfTab(mock);
    expect(within(panel).getByTestId("pdf-missing")).toHaveTextContent(why);
    expect(within(view).getByTestId("pdf-state")).toHaveTextContent(why);
    expect(mock.callsOf("report_pdf")).toEqual([]);
  });

  it("shows the backend's message when the cached file is missing (not_found)", async () => {
    const mock = backend(true);
    mock.setError("report_pdf", { code: "not_found", message: "This report's PDF is not downloaded yet. It is fetched automatically while online." });
    const { panel } = await openPdfTab(mock);
    const banner = await within(panel).findByTestId("error-banner");
    expect(banner).toHaveTextContent("Could not load the PDF.");
    expect(banner).toHaveTextContent("This report's PDF is not downloaded yet. It is fetched automatically while online.");
    expect(render).not.toHaveBeenCalled();
  });

  it("shows an error banner when the PDF cannot be rendered, and renders again on Retry", async () => {
    render.mockRejectedValueOnce(new Error("The cached file is not a readable PDF."));
    const mock = backend(true);
    const { panel, user } = await openPdfTab(mock);
    const banner = await within(panel).findByTestId("error-banner");
    expect(banner).toHaveTextContent("Could not display this PDF.");
    expect(banner).toHaveTextContent("The cached file is not a readable PDF.");
    expect(within(panel).queryByTestId("pdf-page-count")).not.toBeInTheDocument();

    await user.click(within(banner).getByRole("button", { name: "Retry" }));
    expect(await within(panel).findByTestId("pdf-page-count")).toHaveTextContent("3 pages");
    expect(within(panel).queryByTestId("error-banner")).not.toBeInTheDocument();
    expect(render).toHaveBeenCalledTimes(2);
    // The file was loaded once; only the drawing was retried.
    expect(mock.callsOf("report_pdf")).toHaveLength(1);
  });

  it("loads the PDF once it has been downloaded while the report is open", async () => {
    const mock = backend(false);
    const { panel } = await openPdfTab(mock);
    expect(within(panel).getByTestId("pdf-missing")).toBeInTheDocument();
    mock.data.reports[0]!.row.has_pdf = true;
    mock.emit({ type: "data_changed", entities: ["reports"] });
    const fresh = () => within(screen.getByTestId("report-pdf"));
    expect(await fresh().findByTestId("pdf-page-count")).toHaveTextContent("3 pages");
    expect(mock.callsOf("report_pdf")).toEqual([{ interview_id: "iv1" }]);
    await waitFor(() => expect(screen.getByTestId("pdf-state")).toHaveTextContent("PDF cached for offline reading"));
  });

  it("stops rendering when the report is closed", async () => {
    let signal: AbortSignal | undefined;
    render.mockImplementation((_b, _c, options) => {
      signal = options?.signal;
      return new Promise(() => {});
    });
    const { user, view } = await openPdfTab(backend(true));
    await waitFor(() => expect(signal).toBeDefined());
    expect(signal?.aborted).toBe(false);
    await user.click(within(view).getByRole("button", { name: /Back to reports/ }));
    expect(signal?.aborted).toBe(true);
  });
});

describe("formatBytes", () => {
  it("uses B, KB and MB", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(48_213)).toBe("47 KB");
    expect(formatBytes(3_400_000)).toBe("3.2 MB");
  });
});
