//! Contract tests for Harvest v3 on the emulator: OAuth tokens from the
//! mounted authorization server, bearer auth, cursor paging whose follow-up
//! requests carry `cursor` only, and writes acting as the token's `sub`.

mod gh_support;

use std::collections::HashSet;

use gh_support::*;
use reqlink_sandbox::{GhWriteKind, Sandbox};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

async fn client_credentials(sb: &Sandbox, sub: Option<&str>) -> String {
    let (id, secret) = sb.greenhouse_oauth_client();
    let mut form = vec![("grant_type", "client_credentials".to_owned())];
    if let Some(sub) = sub {
        form.push(("sub", sub.to_owned()));
    }
    let resp = Client::new()
        .post(sb.greenhouse_token_url())
        .basic_auth(id, Some(secret))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["expires_in"], 3600, "access tokens live an hour");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn v3(
    sb: &Sandbox,
    token: &str,
    method: Method,
    path_or_url: &str,
    body: Option<Value>,
) -> Response {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_owned()
    } else {
        format!("{}{path_or_url}", sb.greenhouse_v3_base_url())
    };
    let mut req = Client::new().request(method, url).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

fn next_link(resp: &Response) -> Option<String> {
    let h = resp.headers().get("link")?.to_str().unwrap().to_owned();
    assert!(
        !h.contains("rel=\"last\"") && !h.contains("rel=\"prev\""),
        "v3 links only next: {h}"
    );
    let (url, rel) = h.split_once(';').unwrap();
    assert_eq!(rel.trim(), "rel=\"next\"");
    Some(
        url.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned(),
    )
}

#[tokio::test]
async fn cursor_paging_walks_every_record_once_and_refuses_extra_parameters() {
    let sb = sandbox().await;
    let token = client_credentials(&sb, None).await;
    let mut url = Some("/candidates?per_page=15".to_owned());
    let mut seen = HashSet::new();
    let mut pages = 0;
    let mut last_follow_up = None;
    while let Some(u) = url.take() {
        let resp = v3(&sb, &token, Method::GET, &u, None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        url = next_link(&resp);
        if let Some(next) = &url {
            let query = next.split_once('?').unwrap().1;
            assert!(
                query.starts_with("cursor=") && !query.contains('&'),
                "{next}"
            );
            last_follow_up = Some(next.clone());
        }
        let page: Value = resp.json().await.unwrap();
        for c in page.as_array().unwrap() {
            assert!(seen.insert(c["id"].as_u64().unwrap()));
        }
        pages += 1;
    }
    assert_eq!((seen.len(), pages), (40, 3));

    let follow_up = last_follow_up.unwrap();
    let resp = v3(
        &sb,
        &token,
        Method::GET,
        &format!("{follow_up}&per_page=15"),
        None,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "cursor");
    let resp = v3(
        &sb,
        &token,
        Method::GET,
        "/candidates?per_page=15&page=2",
        None,
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "v3 has no page numbers"
    );

    // Filters ride along inside the cursor.
    let resp = v3(
        &sb,
        &token,
        Method::GET,
        "/applications?per_page=5&status=active",
        None,
    )
    .await;
    let next = next_link(&resp).unwrap();
    let page: Value = v3(&sb, &token, Method::GET, &next, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(page
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["status"] == "active"));
    sb.shutdown().await;
}

#[tokio::test]
async fn bearer_tokens_expire_and_revoke() {
    let sb = sandbox().await;
    let resp = Client::new()
        .get(format!("{}/jobs", sb.greenhouse_v3_base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = Client::new()
        .get(format!("{}/jobs", sb.greenhouse_v3_base_url()))
        .basic_auth(sb.greenhouse_api_key(), Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "v3 takes no Harvest key"
    );

    let token = client_credentials(&sb, None).await;
    assert_eq!(
        v3(&sb, &token, Method::GET, "/jobs", None).await.status(),
        StatusCode::OK
    );
    sb.greenhouse_oauth().expire_access_tokens();
    let resp = v3(&sb, &token, Method::GET, "/jobs", None).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));

    let token = client_credentials(&sb, None).await;
    let (status, _) = control(&sb, Method::POST, "/oauth/revoke_all", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        v3(&sb, &token, Method::GET, "/jobs", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn writes_act_as_the_tokens_subject() {
    let sb = sandbox().await;
    let me = sb.greenhouse_user_id();
    let (_, list) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    let cid = list[0]["id"].as_u64().unwrap();
    let note = json!({"user_id": me, "body": "from v3", "visibility": "admin_only"});

    let anonymous = client_credentials(&sb, None).await;
    let resp = v3(
        &sb,
        &anonymous,
        Method::POST,
        &format!("/candidates/{cid}/activity_feed/notes"),
        Some(note.clone()),
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "a token without sub cannot write"
    );

    let token = client_credentials(&sb, Some(&me)).await;
    let resp = v3(
        &sb,
        &token,
        Method::POST,
        &format!("/candidates/{cid}/activity_feed/notes"),
        Some(note),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["visiblity"], "admin_only");
    let writes = sb.control().greenhouse_writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        (writes[0].api.as_str(), writes[0].actor_user_id.to_string()),
        ("v3", me.clone())
    );
    assert!(matches!(writes[0].kind, GhWriteKind::Note { .. }));

    let resp = v3(
        &sb,
        &token,
        Method::GET,
        &format!("/candidates/{cid}/activity_feed"),
        None,
    )
    .await;
    let feed: Value = resp.json().await.unwrap();
    assert_eq!(feed["notes"][0]["body"], "from v3");
    sb.shutdown().await;
}

#[tokio::test]
async fn partner_apps_sign_in_with_an_authorization_code() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    let sb = sandbox().await;
    let (client_id, secret) = sb.greenhouse_oauth_client();
    let redirect = "http://127.0.0.1:49152/callback";
    let verifier = "a-sufficiently-long-pkce-verifier-of-more-than-43-chars";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let no_redirects = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = no_redirects
        .get(sb.greenhouse_authorize_url())
        .query(&[
            ("client_id", client_id.as_str()),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("state", "xyz"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Greenhouse"));
    let rid = html
        .split("name=\"request_id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let approved = no_redirects
        .post(sb.greenhouse_authorize_url())
        .form(&[("request_id", rid.as_str()), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::FOUND);
    let location = url::Url::parse(approved.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens: Value = Client::new()
        .post(sb.greenhouse_token_url())
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert!(tokens["refresh_token"].is_string());
    assert_eq!(tokens["expires_in"], 3600);

    // The signed-in user (the preselected admin) is the actor of writes.
    let (_, list) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    let cid = list[0]["id"].as_u64().unwrap();
    let resp = v3(
        &sb,
        access,
        Method::POST,
        &format!("/candidates/{cid}/activity_feed/notes"),
        Some(
            json!({"user_id": sb.greenhouse_user_id(), "body": "partner", "visibility": "public"}),
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(
        sb.control().greenhouse_writes()[0]
            .actor_user_id
            .to_string(),
        sb.greenhouse_user_id()
    );

    // Refresh tokens live 24 hours.
    sb.greenhouse_oauth()
        .advance_clock(std::time::Duration::from_secs(25 * 3600));
    let refreshed = Client::new()
        .post(sb.greenhouse_token_url())
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::BAD_REQUEST);
    sb.shutdown().await;
}
