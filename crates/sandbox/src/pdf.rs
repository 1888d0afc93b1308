//! A minimal PDF 1.4 writer: one US-Letter page of Helvetica text with
//! headings, wrapped paragraphs, bullets and a score bar. Enough for the
//! interview reports (and sample resumes) the platform emulator serves, with
//! a correct cross-reference table so `pdfinfo`/`pdftotext` and viewers
//! accept the files without repairing them.

use std::fmt::Write as _;

const PAGE_W: f64 = 612.0;
const PAGE_H: f64 = 792.0;
const MARGIN: f64 = 56.0;

/// One block of the page, laid out top to bottom.
pub(crate) enum Block<'a> {
    Title(&'a str),
    Heading(&'a str),
    Text(&'a str),
    Bullet(&'a str),
    Small(&'a str),
    /// A labelled horizontal bar for a 0-100 score.
    Score(&'a str, u32),
    Gap,
}

/// Renders `blocks` on a single page; whatever does not fit is dropped.
/// `doc_title` goes into the document information dictionary.
pub(crate) fn render(doc_title: &str, blocks: &[Block<'_>]) -> Vec<u8> {
    let content = layout(blocks);

    let mut out: Vec<u8> = Vec::with_capacity(content.len() + 1024);
    let mut offsets: Vec<usize> = Vec::new();
    // The second line marks the file as binary for transfer tools.
    out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");

    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        let n = offsets.len();
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut out, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
        &mut out,
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        )
        .as_bytes(),
    );
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    );
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"\nendstream");
    object(&mut out, &stream);
    let mut info = b"<< /Title ".to_vec();
    info.extend_from_slice(&pdf_string(doc_title));
    info.extend_from_slice(
        b" /Producer (Reqlink sandbox) /Creator (Reqlink sandbox interview platform) >>",
    );
    object(&mut out, &info);

    let xref_at = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for off in &offsets {
        let _ = writeln!(xref, "{off:010} 00000 n ");
    }
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref_at}\n%%EOF",
        offsets.len() + 1
    );
    out.extend_from_slice(xref.as_bytes());
    out
}

fn layout(blocks: &[Block<'_>]) -> Vec<u8> {
    let mut c: Vec<u8> = Vec::with_capacity(4096);
    let mut y = PAGE_H - MARGIN - 8.0;
    let bottom = MARGIN;
    let width = PAGE_W - 2.0 * MARGIN;

    let text_line = |c: &mut Vec<u8>, font: &str, size: f64, x: f64, y: f64, s: &str| {
        c.extend_from_slice(format!("BT /{font} {size} Tf {x:.1} {y:.1} Td ").as_bytes());
        c.extend_from_slice(&pdf_string(s));
        c.extend_from_slice(b" Tj ET\n");
    };

    'blocks: for block in blocks {
        let (font, size, indent, text, bullet) = match *block {
            Block::Title(t) => ("F2", 20.0, 0.0, t, false),
            Block::Heading(t) => {
                y -= 6.0;
                ("F2", 13.0, 0.0, t, false)
            }
            Block::Text(t) => ("F1", 11.0, 0.0, t, false),
            Block::Bullet(t) => ("F1", 11.0, 14.0, t, true),
            Block::Small(t) => ("F1", 8.5, 0.0, t, false),
            Block::Gap => {
                y -= 8.0;
                continue;
            }
            Block::Score(label, value) => {
                let size = 11.0;
                if y - size * 1.6 < bottom {
                    break;
                }
                y -= size;
                text_line(&mut c, "F2", size, MARGIN, y, label);
                let bar_x = MARGIN + 150.0;
                let bar_w = width - 150.0 - 60.0;
                let filled = bar_w * f64::from(value.min(100)) / 100.0;
                let (r, g, b) = match value {
                    70.. => (0.18, 0.62, 0.35),
                    45..=69 => (0.93, 0.62, 0.13),
                    _ => (0.82, 0.26, 0.22),
                };
                c.extend_from_slice(
                    format!(
                        "0.9 g {bar_x:.1} {:.1} {bar_w:.1} 10 re f\n{r} {g} {b} rg {bar_x:.1} {:.1} {filled:.1} 10 re f\n0 g\n",
                        y - 1.0,
                        y - 1.0
                    )
                    .as_bytes(),
                );
                text_line(
                    &mut c,
                    "F2",
                    size,
                    bar_x + bar_w + 10.0,
                    y,
                    &format!("{value} / 100"),
                );
                y -= size * 0.6;
                continue;
            }
        };
        let leading = size * 1.35;
        // Helvetica averages about half an em per character.
        let max_chars = (((width - indent) / (size * 0.5)) as usize).max(10);
        for (i, line) in wrap(text, max_chars).iter().enumerate() {
            if y - leading < bottom {
                break 'blocks;
            }
            y -= leading;
            if bullet && i == 0 {
                text_line(&mut c, font, size, MARGIN + 2.0, y, "-");
            }
            text_line(&mut c, font, size, MARGIN + indent, y, line);
        }
        if matches!(block, Block::Title(_)) {
            y -= 4.0;
        }
    }
    c
}

/// Greedy word wrap at `max` characters; longer words are split.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > max {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(word.drain(..max).collect());
            }
            let word: String = word.into_iter().collect();
            let len = line.chars().count();
            if len > 0 && len + 1 + word.chars().count() > max {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// A PDF literal string in WinAnsiEncoding: Latin-1 characters map to
/// themselves, a few typographic ones to their Windows-1252 slots, anything
/// else becomes `?`.
fn pdf_string(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'(');
    for ch in s.chars() {
        let b = match ch {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                ch as u8
            }
            '\n' | '\r' | '\t' => b' ',
            ' '..='~' => ch as u8,
            '\u{A0}'..='\u{FF}' => ch as u32 as u8,
            '\u{20AC}' => 0x80,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201C}' => 0x93,
            '\u{201D}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            _ => b'?',
        };
        out.push(b);
    }
    out.push(b')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        render(
            "Interview report - José (Test)",
            &[
                Block::Title("Interview Report"),
                Block::Text("Candidate: José Núñez (jose@example.com)"),
                Block::Score("Match score", 78),
                Block::Heading("Highlights"),
                Block::Bullet("A long highlight that should wrap onto a second line because it keeps going and going well past the right margin of the page."),
                Block::Gap,
                Block::Small("Backslash \\ and (parens) are escaped."),
            ],
        )
    }

    #[test]
    fn xref_offsets_point_at_the_objects() {
        let pdf = sample();
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF"));
        let text = String::from_utf8_lossy(&pdf).into_owned();
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(pdf[startxref..].starts_with(b"xref\n0 8\n"));
        let table = std::str::from_utf8(&pdf[startxref..]).expect("ASCII xref");
        for (i, line) in table.lines().skip(3).take(7).enumerate() {
            assert_eq!(line.len(), 19, "entries are 20 bytes with the EOL");
            let off: usize = line[..10].parse().expect("offset");
            let expect = format!("{} 0 obj", i + 1);
            assert!(
                pdf[off..].starts_with(expect.as_bytes()),
                "object {}",
                i + 1
            );
        }
        // The stream length matches the bytes between the keywords.
        let find = |needle: &[u8]| pdf.windows(needle.len()).position(|w| w == needle);
        let s = find(b"stream\n").expect("stream") + "stream\n".len();
        let e = find(b"\nendstream").expect("endstream");
        assert!(text.contains(&format!("/Length {}", e - s)));
    }

    #[test]
    fn strings_are_escaped_and_winansi_encoded() {
        assert_eq!(pdf_string("a(b)c\\"), b"(a\\(b\\)c\\\\)".to_vec());
        assert_eq!(
            pdf_string("é—€漢"),
            vec![b'(', 0xE9, 0x97, 0x80, b'?', b')']
        );
    }

    #[test]
    fn wrapping_respects_the_width() {
        let lines = wrap("one two three four five six seven", 10);
        assert!(lines.iter().all(|l| l.chars().count() <= 10), "{lines:?}");
        assert_eq!(lines.join(" "), "one two three four five six seven");
        assert_eq!(wrap("abcdefghijkl", 5), vec!["abcde", "fghij", "kl"]);
    }

    #[test]
    fn overflowing_content_is_dropped_not_drawn_off_page() {
        let long = "word ".repeat(4000);
        let pdf = render("x", &[Block::Text(&long)]);
        assert!(pdf.ends_with(b"%%EOF"));
        assert!(pdf.len() < 20_000);
    }
}
