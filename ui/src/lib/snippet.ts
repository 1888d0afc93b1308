import { SNIPPET_CLOSE, SNIPPET_OPEN } from "../bindings";

export interface Segment {
  text: string;
  hit: boolean;
}

/**
 * A search snippet from `list_reports`, as plain-text segments: hits are
 * delimited by SNIPPET_OPEN / SNIPPET_CLOSE (U+E000 / U+E001). An unclosed
 * hit runs to the end; stray closers are dropped. Nothing is parsed as HTML.
 */
export function splitSnippet(snippet: string): Segment[] {
  const out: Segment[] = [];
  const push = (text: string, hit: boolean) => {
    if (text === "") return;
    const last = out[out.length - 1];
    if (last && last.hit === hit) last.text += text;
    else out.push({ text, hit });
  };
  const [lead = "", ...rest] = snippet.split(SNIPPET_OPEN);
  push(lead.split(SNIPPET_CLOSE).join(""), false);
  for (const part of rest) {
    const close = part.indexOf(SNIPPET_CLOSE);
    if (close < 0) {
      push(part, true);
      continue;
    }
    push(part.slice(0, close), true);
    push(part.slice(close + 1).split(SNIPPET_CLOSE).join(""), false);
  }
  return out;
}

/** `text` split around case-insensitive occurrences of `term` (for filter boxes). */
export function splitMatches(text: string, term: string): Segment[] {
  const needle = term.trim().toLowerCase();
  if (needle === "") return [{ text, hit: false }];
  const hay = text.toLowerCase();
  const out: Segment[] = [];
  let pos = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) {
    if (i > pos) out.push({ text: text.slice(pos, i), hit: false });
    out.push({ text: text.slice(i, i + needle.length), hit: true });
    pos = i + needle.length;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), hit: false });
  return out;
}
