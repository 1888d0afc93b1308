//! Harvest v3 cursor paging.
//!
//! The first request carries the filters and `per_page`; every answer with
//! more records has `Link: <...?cursor=...>; rel="next"` (no prev, no
//! last), and the follow-up must carry `cursor` as its only query
//! parameter. The cursor is opaque to clients: it encodes the resource,
//! the original filters and the position, so nothing else may be sent
//! along, and a client that builds its own page URLs is caught (`page` is
//! refused on v3).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::paging::{Paging, QueryParams};
use super::GhError;

#[derive(Serialize, Deserialize)]
struct Encoded {
    /// Resource path, e.g. `/v3/candidates`.
    r: String,
    /// The first request's query (filters and per_page).
    q: Vec<(String, String)>,
    /// 1-based page the cursor points at.
    p: usize,
}

/// One v3 page: where it is and how to link to the next.
pub(crate) struct CursorPage<'a> {
    path: &'a str,
    filters: Vec<(String, String)>,
    paging: Paging,
}

impl CursorPage<'_> {
    pub(crate) fn paging(&self) -> Paging {
        self.paging
    }

    /// `<...?cursor=...>; rel="next"` while records remain.
    pub(crate) fn link(&self, origin: &str, total: usize) -> Option<String> {
        let shown = self.paging.page.saturating_mul(self.paging.per_page);
        if shown >= total {
            return None;
        }
        let cursor = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Encoded {
                r: self.path.to_owned(),
                q: self.filters.clone(),
                p: self.paging.page + 1,
            })
            .expect("cursor serialises"),
        );
        Some(format!(
            "<{origin}{}?cursor={cursor}>; rel=\"next\"",
            self.path
        ))
    }
}

/// The effective filters and page of a v3 list request on `path`.
pub(crate) fn resolve<'a>(
    path: &'a str,
    raw: Option<&str>,
) -> Result<(QueryParams, CursorPage<'a>), GhError> {
    let q = QueryParams::parse(raw);
    match q.get("cursor") {
        Some(cursor) => {
            if q.pairs().len() != 1 {
                return Err(GhError::validation(
                    "cursor",
                    "cursor must be the only query parameter: follow the Link header's next URL exactly as given",
                ));
            }
            let invalid = || {
                GhError::validation(
                    "cursor",
                    "cursor is invalid or expired; start the listing again",
                )
            };
            let decoded: Encoded = URL_SAFE_NO_PAD
                .decode(cursor)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or_else(invalid)?;
            if decoded.r != path || decoded.p < 2 {
                return Err(invalid());
            }
            let filters = QueryParams::from_pairs(decoded.q.clone());
            let mut paging = Paging::from_query(&filters)?;
            paging.page = decoded.p;
            Ok((
                filters,
                CursorPage {
                    path,
                    filters: decoded.q,
                    paging,
                },
            ))
        }
        None => {
            if q.get("page").is_some() {
                return Err(GhError::validation(
                    "page",
                    "v3 lists page with cursors: follow the Link header instead of sending page",
                ));
            }
            let mut paging = Paging::from_query(&q)?;
            paging.skip_count = true;
            let filters = q.pairs().to_vec();
            Ok((
                q,
                CursorPage {
                    path,
                    filters,
                    paging,
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next_query(link: &str) -> String {
        let url = link.trim_start_matches('<').split('>').next().unwrap();
        url.split_once('?').unwrap().1.to_owned()
    }

    #[test]
    fn cursor_round_trips_filters_and_refuses_extras() {
        let (q, page) = resolve(
            "/v3/candidates",
            Some("per_page=2&updated_after=2026-01-01"),
        )
        .unwrap();
        assert_eq!(q.get("updated_after"), Some("2026-01-01"));
        let link = page.link("http://h", 5).expect("more to come");
        assert!(link.ends_with("; rel=\"next\"") && !link.contains("last"));
        let next = next_query(&link);
        let (q2, page2) = resolve("/v3/candidates", Some(&next)).unwrap();
        assert_eq!(q2.get("updated_after"), Some("2026-01-01"));
        assert_eq!((page2.paging().page, page2.paging().per_page), (2, 2));
        assert!(resolve("/v3/candidates", Some(&format!("{next}&per_page=2"))).is_err());
        assert!(
            resolve("/v3/jobs", Some(&next)).is_err(),
            "bound to its resource"
        );
        assert!(resolve("/v3/candidates", Some("cursor=garbage")).is_err());
        assert!(resolve("/v3/candidates", Some("page=2")).is_err());
        let (_, last) = resolve(
            "/v3/candidates",
            Some(&next_query(&page2.link("http://h", 5).unwrap())),
        )
        .unwrap();
        assert!(
            last.link("http://h", 5).is_none(),
            "third page of 2 is the last"
        );
    }
}
