//! A person at the browser, for tests: loads an emulator's consent page,
//! presses Approve or Deny exactly as the form would submit it, and follows
//! the redirect to the app's loopback listener.

/// What the person pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Deny,
}

/// Completes the consent page at `authorize_url`; returns the loopback
/// page's text (what the person would read in the browser).
pub async fn answer_consent(authorize_url: &str, decision: Decision) -> Result<String, String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let page_url = url::Url::parse(authorize_url).map_err(|e| e.to_string())?;
    let page = http
        .get(page_url.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !page.status().is_success() {
        return Err(format!("the consent page answered {}", page.status()));
    }
    let html = page.text().await.map_err(|e| e.to_string())?;
    let button = match decision {
        Decision::Approve => "approve",
        Decision::Deny => "deny",
    };
    let at = html
        .find(&format!("id=\"{button}\""))
        .ok_or("no such button on the consent page")?;
    let start = html[..at].rfind("<form").ok_or("button outside a form")?;
    let form = &html[start..];
    let form = &form[..form.find("</form>").ok_or("unterminated form")?];
    let action = attribute(form, "action").ok_or("form without action")?;
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find("<input") {
        let end = rest[i..].find('>').ok_or("unterminated input")? + i;
        let tag = &rest[i..end];
        if let (Some(name), Some(value)) = (attribute(tag, "name"), attribute(tag, "value")) {
            fields.push((name, value));
        }
        rest = &rest[end..];
    }
    let submitted = http
        .post(page_url.join(&action).map_err(|e| e.to_string())?)
        .form(&fields)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = submitted
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| {
            format!(
                "the consent form answered {} without a redirect",
                submitted.status()
            )
        })?
        .to_string();
    let landing = http.get(location).send().await.map_err(|e| e.to_string())?;
    landing.text().await.map_err(|e| e.to_string())
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!("{name}=\"");
    let at = tag.find(&marker)? + marker.len();
    let value = &tag[at..at + tag[at..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}
