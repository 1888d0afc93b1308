//! Harvest v1 paging: `page`/`per_page` in, RFC 5988 `Link` header out.
//!
//! The Link URLs are absolute and carry every other query parameter of the
//! request, because Greenhouse tells clients to follow them verbatim rather
//! than build page URLs themselves.

use url::form_urlencoded;

use super::GhError;

pub(crate) const DEFAULT_PER_PAGE: usize = 100;
pub(crate) const MAX_PER_PAGE: usize = 500;

/// The request's query string, decoded, in order. Repeated keys keep their
/// last value, like the Rails apps these APIs are.
pub(crate) struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        Self { pairs }
    }

    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self { pairs }
    }

    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: usize,
    pub per_page: usize,
    pub skip_count: bool,
}

impl Paging {
    pub(crate) fn from_query(q: &QueryParams) -> Result<Self, GhError> {
        let per_page = match q.get("per_page") {
            None => DEFAULT_PER_PAGE,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => n,
                _ => {
                    return Err(GhError::validation(
                        "per_page",
                        format!("per_page must be an integer between 1 and {MAX_PER_PAGE}"),
                    ))
                }
            },
        };
        let page = match q.get("page") {
            None => 1,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(GhError::validation(
                        "page",
                        "page must be a positive integer",
                    ))
                }
            },
        };
        let skip_count = q.get("skip_count") == Some("true");
        Ok(Self {
            page,
            per_page,
            skip_count,
        })
    }

    fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    fn last_page(&self, total: usize) -> usize {
        total.div_ceil(self.per_page).max(1)
    }
}

/// One page of matches: positions into the record `Vec`, plus the number of
/// matches overall (needed for rel="last").
pub(crate) struct Selection {
    pub indices: Vec<usize>,
    pub total: usize,
}

/// Picks the requested page out of `len` records. Without a filter this is
/// pure arithmetic; with one it is a single pass that only clones nothing and
/// keeps just the page's positions, so large datasets stay cheap to page.
pub(crate) fn select(
    len: usize,
    paging: &Paging,
    filter: Option<&dyn Fn(usize) -> bool>,
) -> Selection {
    let start = paging.offset();
    let end = start.saturating_add(paging.per_page);
    match filter {
        None => Selection {
            indices: (start.min(len)..end.min(len)).collect(),
            total: len,
        },
        Some(keep) => {
            let mut indices = Vec::with_capacity(paging.per_page.min(len));
            let mut total = 0;
            for i in 0..len {
                if keep(i) {
                    if total >= start && total < end {
                        indices.push(i);
                    }
                    total += 1;
                }
            }
            Selection { indices, total }
        }
    }
}

/// Builds the `Link` header, or `None` when the whole result fits on the
/// first page (Greenhouse sends no header then).
pub(crate) fn link_header(
    origin: &str,
    path: &str,
    q: &QueryParams,
    paging: &Paging,
    total: usize,
) -> Option<String> {
    let last = paging.last_page(total);
    if last <= 1 && paging.page <= 1 {
        return None;
    }
    let url_for = |page: usize| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        ser.append_pair("page", &page.to_string());
        ser.append_pair("per_page", &paging.per_page.to_string());
        for (k, v) in &q.pairs {
            if k != "page" && k != "per_page" {
                ser.append_pair(k, v);
            }
        }
        format!("<{origin}{path}?{}>", ser.finish())
    };
    let mut rels = Vec::with_capacity(3);
    if paging.page < last {
        rels.push(format!("{}; rel=\"next\"", url_for(paging.page + 1)));
    }
    if paging.page > 1 {
        rels.push(format!("{}; rel=\"prev\"", url_for(paging.page - 1)));
    }
    if !paging.skip_count {
        rels.push(format!("{}; rel=\"last\"", url_for(last)));
    }
    (!rels.is_empty()).then(|| rels.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(page: usize, per_page: usize, skip_count: bool) -> Paging {
        Paging {
            page,
            per_page,
            skip_count,
        }
    }

    #[test]
    fn link_keeps_other_params_and_orders_page_first() {
        let q = QueryParams::parse(Some(
            "updated_after=2026-01-01T00%3A00%3A00Z&per_page=10&page=2",
        ));
        let link = link_header(
            "http://h:1",
            "/v1/candidates",
            &q,
            &paging(2, 10, false),
            35,
        )
        .expect("multi-page");
        assert_eq!(
            link,
            "<http://h:1/v1/candidates?page=3&per_page=10&updated_after=2026-01-01T00%3A00%3A00Z>; rel=\"next\",\
             <http://h:1/v1/candidates?page=1&per_page=10&updated_after=2026-01-01T00%3A00%3A00Z>; rel=\"prev\",\
             <http://h:1/v1/candidates?page=4&per_page=10&updated_after=2026-01-01T00%3A00%3A00Z>; rel=\"last\""
        );
    }

    #[test]
    fn single_page_has_no_header_and_skip_count_drops_last() {
        let q = QueryParams::parse(None);
        assert!(link_header("o", "/p", &q, &paging(1, 100, false), 100).is_none());
        assert!(link_header("o", "/p", &q, &paging(1, 100, false), 0).is_none());
        let l = link_header("o", "/p", &q, &paging(1, 100, true), 101).expect("two pages");
        assert!(l.contains("rel=\"next\"") && !l.contains("rel=\"last\""));
    }

    #[test]
    fn select_pages_through_filtered_records() {
        let evens = |i: usize| i.is_multiple_of(2);
        let s = select(10, &paging(2, 2, false), Some(&evens));
        assert_eq!((s.indices, s.total), (vec![4, 6], 5));
        let s = select(10, &paging(4, 3, false), None);
        assert_eq!((s.indices, s.total), (vec![9], 10));
        let s = select(10, &paging(9, 3, false), None);
        assert!(s.indices.is_empty());
    }

    #[test]
    fn per_page_bounds_are_validated() {
        for bad in ["0", "501", "abc", "-1"] {
            let q = QueryParams::parse(Some(&format!("per_page={bad}")));
            assert!(Paging::from_query(&q).is_err(), "{bad}");
        }
        let q = QueryParams::parse(Some("per_page=500&page=3&skip_count=true"));
        let p = Paging::from_query(&q).expect("valid");
        assert_eq!((p.page, p.per_page, p.skip_count), (3, 500, true));
    }
}
