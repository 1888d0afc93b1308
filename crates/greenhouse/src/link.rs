//! RFC 5988 `Link` header parsing for Harvest paging.

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LinkHeader {
    pub next: Option<String>,
    pub prev: Option<String>,
    pub last: Option<String>,
}

/// Parses `<url>; rel="next", <url>; rel="last"`. Unknown relations and
/// malformed parts are ignored: a missing `next` simply ends paging.
pub fn parse_link_header(value: &str) -> LinkHeader {
    let mut out = LinkHeader::default();
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let Some(target) = pieces.next().map(str::trim) else {
            continue;
        };
        let Some(url) = target.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
            continue;
        };
        for param in pieces {
            let Some((key, val)) = param.trim().split_once('=') else {
                continue;
            };
            if !key.trim().eq_ignore_ascii_case("rel") {
                continue;
            }
            for rel in val.trim().trim_matches('"').split_whitespace() {
                let slot = match rel {
                    "next" => &mut out.next,
                    "prev" => &mut out.prev,
                    "last" => &mut out.last,
                    _ => continue,
                };
                *slot = Some(url.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_next_prev_last() {
        let h = parse_link_header(
            "<https://harvest.greenhouse.io/v1/candidates?page=3&per_page=2>; rel=\"next\",\
             <https://harvest.greenhouse.io/v1/candidates?page=1&per_page=2>; rel=\"prev\",\
             <https://harvest.greenhouse.io/v1/candidates?page=9&per_page=2>; rel=\"last\"",
        );
        assert_eq!(
            h.next.as_deref(),
            Some("https://harvest.greenhouse.io/v1/candidates?page=3&per_page=2")
        );
        assert_eq!(
            h.prev.as_deref(),
            Some("https://harvest.greenhouse.io/v1/candidates?page=1&per_page=2")
        );
        assert_eq!(
            h.last.as_deref(),
            Some("https://harvest.greenhouse.io/v1/candidates?page=9&per_page=2")
        );
    }

    #[test]
    fn next_only_and_garbage() {
        let h =
            parse_link_header("<https://x/v3/jobs?cursor=abc>; rel=\"next\", garbage; rel=last");
        assert_eq!(h.next.as_deref(), Some("https://x/v3/jobs?cursor=abc"));
        assert_eq!(h.last, None);
        assert_eq!(parse_link_header(""), LinkHeader::default());
    }
}
