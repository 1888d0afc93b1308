// The PDF the mock's `report_pdf` serves: one US-Letter page of Helvetica text
// laid out like the sandbox platform's report PDFs (crates/sandbox/src/pdf.rs),
// with a correct cross-reference table, so pdf.js (and pdfinfo) read it
// without repairing it. Helvetica is not embedded, which exercises the
// viewer's bundled standard-font data.
import type { ReportDetail } from "../bindings";

const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN = 56;

/** One block of the page, laid out top to bottom. */
export type PdfBlock =
  | { kind: "title" | "heading" | "text" | "bullet" | "small"; text: string }
  /** A labelled horizontal bar for a 0-100 score. */
  | { kind: "score"; label: string; value: number }
  | { kind: "gap" };

/**
 * A PDF literal string in WinAnsiEncoding, as a byte string (char codes
 * 0-255): Latin-1 maps to itself, a few typographic characters to their
 * Windows-1252 slots, anything else becomes "?".
 */
export function pdfString(s: string): string {
  const CP1252: Record<string, number> = { "€": 0x80, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95, "–": 0x96, "—": 0x97 };
  let out = "(";
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0x3f;
    if (ch === "(" || ch === ")" || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n" || ch === "\r" || ch === "\t") out += " ";
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) out += String.fromCharCode(code);
    else out += String.fromCharCode(CP1252[ch] ?? 0x3f);
  }
  return `${out})`;
}

/** Greedy word wrap at `max` characters; longer words are split. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (let word of para.split(/\s+/).filter(Boolean)) {
      while (word.length > max) {
        if (line) lines.push(line);
        line = "";
        lines.push(word.slice(0, max));
        word = word.slice(max);
      }
      if (line && line.length + 1 + word.length > max) {
        lines.push(line);
        line = "";
      }
      line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines;
}

const n1 = (v: number) => v.toFixed(1);

function layout(blocks: PdfBlock[]): string {
  let c = "";
  let y = PAGE_H - MARGIN - 8;
  const bottom = MARGIN;
  const width = PAGE_W - 2 * MARGIN;
  const textLine = (font: string, size: number, x: number, at: number, s: string) => {
    c += `BT /${font} ${size} Tf ${n1(x)} ${n1(at)} Td ${pdfString(s)} Tj ET\n`;
  };
  for (const block of blocks) {
    if (block.kind === "gap") {
      y -= 8;
      continue;
    }
    if (block.kind === "score") {
      const size = 11;
      if (y - size * 1.6 < bottom) break;
      y -= size;
      textLine("F2", size, MARGIN, y, block.label);
      const value = Math.max(0, Math.min(100, Math.round(block.value)));
      const barX = MARGIN + 150;
      const barW = width - 150 - 60;
      const filled = (barW * value) / 100;
      const rgb = value >= 70 ? "0.18 0.62 0.35" : value >= 45 ? "0.93 0.62 0.13" : "0.82 0.26 0.22";
      c += `0.9 g ${n1(barX)} ${n1(y - 1)} ${n1(barW)} 10 re f\n${rgb} rg ${n1(barX)} ${n1(y - 1)} ${n1(filled)} 10 re f\n0 g\n`;
      textLine("F2", size, barX + barW + 10, y, `${value} / 100`);
      y -= size * 0.6;
      continue;
    }
    if (block.kind === "heading") y -= 6;
    const [font, size, indent] =
      block.kind === "title" ? ["F2", 20, 0] : block.kind === "heading" ? ["F2", 13, 0] : block.kind === "small" ? ["F1", 8.5, 0] : block.kind === "bullet" ? ["F1", 11, 14] : ["F1", 11, 0];
    const leading = size * 1.35;
    // Helvetica averages about half an em per character.
    const maxChars = Math.max(10, Math.floor((width - indent) / (size * 0.5)));
    const lines = wrap(block.text, maxChars);
    for (const [i, line] of lines.entries()) {
      if (y - leading < bottom) return c;
      y -= leading;
      if (block.kind === "bullet" && i === 0) textLine(font, size, MARGIN + 2, y, "-");
      textLine(font, size, MARGIN + indent, y, line);
    }
    if (block.kind === "title") y -= 4;
  }
  return c;
}

/**
 * A complete single-page PDF 1.4 file as a byte string (one char per byte,
 * char codes 0-255; `btoa` takes it as is). Whatever does not fit on the page
 * is dropped.
 */
export function writePdf(docTitle: string, blocks: PdfBlock[]): string {
  const content = layout(blocks);
  // The second line marks the file as binary for transfer tools.
  let out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  const offsets: number[] = [];
  const object = (body: string) => {
    offsets.push(out.length);
    out += `${offsets.length} 0 obj\n${body}\nendobj\n`;
  };
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  object(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>`);
  object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
  object(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  object(`<< /Title ${pdfString(docTitle)} /Producer (Reqlink mock backend) >>`);
  const xrefAt = out.length;
  out += `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R /Info 7 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return out;
}

function bullets(items: string[]): PdfBlock[] {
  return items.length ? items.map((text) => ({ kind: "bullet", text })) : [{ kind: "text", text: "None." }];
}

/** The cached report PDF of a demo interview, as the platform would have rendered it. */
export function reportPdfFile(report: ReportDetail): string {
  const { row } = report;
  const name = row.candidate_name ?? "Unnamed candidate";
  const when = row.interviewed_at ? ` - interviewed ${row.interviewed_at.slice(0, 16).replace("T", " ")} UTC` : "";
  const blocks: PdfBlock[] = [
    { kind: "title", text: "Interview Report" },
    { kind: "text", text: `Candidate: ${name} <${row.candidate_email ?? "no email"}>` },
    { kind: "text", text: `Posting: ${row.posting_title ?? row.posting_id}` },
    { kind: "small", text: `Interview ${row.interview_id}${when}` },
    { kind: "gap" },
    { kind: "score", label: "Match score", value: row.match_score ?? 0 },
    { kind: "heading", text: "Highlights" },
    ...bullets(report.highlights),
    { kind: "heading", text: "Areas to probe" },
    ...bullets(report.lowlights),
    { kind: "heading", text: "Scorecard" },
    ...report.scorecard.map(
      (q, i): PdfBlock => ({ kind: "bullet", text: `Q${q.rank ?? i + 1} (${q.not_scored ? "not scored" : `${q.evaluation_score ?? 0}/10`}): ${q.question}` }),
    ),
    { kind: "gap" },
    { kind: "small", text: "Generated by the Reqlink mock backend for the browser preview. All people and companies are fictional." },
  ];
  return writePdf(`Interview report - ${name}`, blocks);
}
