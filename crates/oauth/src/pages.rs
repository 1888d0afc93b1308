//! The pages the browser shows after the redirect: self-contained (no
//! external resource, so nothing leaks the callback URL via Referer) and
//! written for the person at the keyboard.

pub(crate) struct Page {
    pub status: u16,
    pub title: String,
    pub message: String,
    pub ok: bool,
}

impl Page {
    pub(crate) fn connected(vendor: &str) -> Self {
        Self {
            status: 200,
            title: format!("Connected to {vendor}"),
            message: "You can close this tab and return to Reqlink.".into(),
            ok: true,
        }
    }

    pub(crate) fn denied(vendor: &str) -> Self {
        Self {
            status: 200,
            title: format!("Reqlink was not connected to {vendor}"),
            message: format!(
                "You chose Deny on the {vendor} page. Return to Reqlink and choose Connect again if that was a mistake."
            ),
            ok: false,
        }
    }

    pub(crate) fn state_mismatch() -> Self {
        Self {
            status: 400,
            title: "Sign-in response refused".into(),
            message: "This response does not belong to the sign-in Reqlink started, so it was ignored (it may have come from another site). Return to Reqlink and start the connection again.".into(),
            ok: false,
        }
    }

    pub(crate) fn failed(vendor: &str, error: &str) -> Self {
        Self {
            status: 200,
            title: format!("{vendor} did not connect"),
            message: format!(
                "{vendor} reported \u{201c}{error}\u{201d}. Return to Reqlink and try again; if it keeps failing, check the {vendor} connection settings."
            ),
            ok: false,
        }
    }

    /// The code was redeemed or checked and that failed; `problem` comes
    /// from the app and already says what to do.
    pub(crate) fn not_connected(vendor: &str, problem: &str) -> Self {
        // Long server descriptions would bury the advice at their end.
        let mut problem: String = problem.trim().chars().take(600).collect();
        if !problem.ends_with(['.', '!', '?']) {
            problem.push('.');
        }
        Self {
            status: 200,
            title: format!("Reqlink could not connect to {vendor}"),
            message: format!(
                "You signed in, but the connection did not work: {problem} Return to Reqlink to try again."
            ),
            ok: false,
        }
    }

    pub(crate) fn cancelled(vendor: &str) -> Self {
        Self {
            status: 200,
            title: format!("The {vendor} sign-in was cancelled"),
            message: "It was cancelled in Reqlink, so nothing was saved. You can close this tab; choose Connect in Reqlink to start again.".into(),
            ok: false,
        }
    }

    /// The app did not say how the sign-in ended in time (or at all).
    pub(crate) fn see_app(vendor: &str) -> Self {
        Self {
            status: 200,
            title: "Return to Reqlink to see the result".into(),
            message: format!("You signed in to {vendor}; Reqlink shows whether the connection works. You can close this tab."),
            ok: false,
        }
    }

    pub(crate) fn incomplete() -> Self {
        Self {
            status: 400,
            title: "Nothing to do here".into(),
            message: "This address only receives the answer of a sign-in started from Reqlink."
                .into(),
            ok: false,
        }
    }

    pub(crate) fn already_finished() -> Self {
        Self {
            status: 200,
            title: "This sign-in has already finished".into(),
            message: "You can close this tab and return to Reqlink.".into(),
            ok: false,
        }
    }

    pub(crate) fn not_found() -> Self {
        Self {
            status: 404,
            title: "Not found".into(),
            message: "You can close this tab and return to Reqlink.".into(),
            ok: false,
        }
    }

    pub(crate) fn html(&self) -> String {
        let accent = if self.ok { "#1f8a4c" } else { "#b3261e" };
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title} - Reqlink</title>\
<style>body{{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}}\
main{{max-width:30rem;margin:5rem auto;background:#fff;border-radius:12px;padding:2rem;\
box-shadow:0 2px 12px rgba(0,0,0,.08);border-top:4px solid {accent}}}h1{{font-size:1.3rem;margin:0 0 .75rem}}</style>\
</head><body><main><h1>{title}</h1><p>{message}</p></main></body></html>",
            title = escape(&self.title),
            message = escape(&self.message),
        )
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_supplied_text_is_escaped() {
        let html = Page::failed("Lever", "<script>x</script>").html();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn app_supplied_problems_are_escaped() {
        let html = Page::not_connected("Lever", "Lever said <b>403</b> & \"no\"").html();
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;b&gt;403&lt;/b&gt; &amp; &quot;no&quot;"));
    }
}
