//! Contract tests: a real HTTP client against a started sandbox, checking the
//! behaviour other crates rely on (auth, paging, rate limits, filters,
//! webhook API) as documented in `shared/contracts.md` and the HeyMilo seed.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqlink_sandbox::{RateLimit, Sandbox, SandboxConfig};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

fn config(candidates: usize) -> SandboxConfig {
    SandboxConfig {
        candidates,
        applications: candidates * 3 / 2,
        rate_limit: None,
        ..SandboxConfig::default()
    }
}

async fn gh_get(client: &Client, sb: &Sandbox, url: &str) -> Response {
    client
        .get(url)
        .basic_auth(sb.greenhouse_api_key(), Some(""))
        .send()
        .await
        .expect("request reaches the emulator")
}

async fn gh_json(client: &Client, sb: &Sandbox, path_and_query: &str) -> (StatusCode, Value) {
    let resp = gh_get(
        client,
        sb,
        &format!("{}{path_and_query}", sb.greenhouse_base_url()),
    )
    .await;
    let status = resp.status();
    (status, resp.json().await.expect("JSON body"))
}

/// Parses an RFC 5988 Link header into (rel, url) pairs.
fn links(resp: &Response) -> Vec<(String, String)> {
    let Some(h) = resp.headers().get("link") else {
        return Vec::new();
    };
    h.to_str()
        .expect("ASCII header")
        .split(',')
        .filter_map(|part| {
            let (url, params) = part.trim().split_once(';')?;
            let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
            let rel = params.trim().strip_prefix("rel=\"")?.strip_suffix('"')?;
            Some((rel.to_owned(), url.to_owned()))
        })
        .collect()
}

fn link(resp: &Response, rel: &str) -> Option<String> {
    links(resp)
        .into_iter()
        .find(|(r, _)| r == rel)
        .map(|(_, u)| u)
}

fn header_u64(resp: &Response, name: &str) -> u64 {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing {name}"))
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("integer header")
}

fn ids(page: &Value) -> Vec<u64> {
    page.as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_u64().expect("numeric id"))
        .collect()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

#[tokio::test]
async fn greenhouse_rejects_missing_and_wrong_credentials() {
    let sb = Sandbox::start(config(20)).await.expect("start");
    let client = Client::new();
    let url = format!("{}/candidates", sb.greenhouse_base_url());

    let none = client.get(&url).send().await.expect("send");
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key("x-ratelimit-limit"));
    assert!(none.headers().contains_key("x-ratelimit-remaining"));
    let body: Value = none.json().await.expect("json");
    assert_eq!(body, json!({"message": "Invalid Basic Auth credentials"}));

    let wrong = client
        .get(&url)
        .basic_auth("not-the-key", Some(""))
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong.json().await.expect("json");
    assert!(body.get("message").is_some() && body.as_object().map(|o| o.len()) == Some(1));

    let ok = gh_get(&client, &sb, &url).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.expect("json");
    assert_eq!(body.as_array().map(Vec::len), Some(20));
    sb.shutdown().await;
}

#[tokio::test]
async fn platform_rejects_missing_and_wrong_api_key() {
    let sb = Sandbox::start(config(10)).await.expect("start");
    let client = Client::new();
    for path in [
        "/api/webhook/all",
        "/api/v2/postings",
        "/api/webhook/fetch/webhook_x",
    ] {
        let url = format!("{}{path}", sb.platform_base_url());
        let none = client.get(&url).send().await.expect("send");
        assert_eq!(none.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            none.json::<Value>().await.expect("json"),
            json!({"detail": "Invalid API key"})
        );
        let wrong = client
            .get(&url)
            .header("X-API-KEY", "hm_wrong")
            .send()
            .await
            .expect("send");
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let ok = client
        .get(format!("{}/api/v2/postings", sb.platform_base_url()))
        .header("X-API-KEY", sb.platform_api_key())
        .send()
        .await
        .expect("send");
    assert_eq!(ok.status(), StatusCode::OK);
    sb.shutdown().await;
}

#[tokio::test]
async fn following_link_next_yields_every_candidate_exactly_once() {
    let total = 437; // not a multiple of the page size: last page is partial
    let sb = Sandbox::start(config(total)).await.expect("start");
    let client = Client::new();

    let mut url = Some(format!(
        "{}/candidates?per_page=50",
        sb.greenhouse_base_url()
    ));
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut last_rel_on_first = None;
    while let Some(u) = url.take() {
        let resp = gh_get(&client, &sb, &u).await;
        assert_eq!(resp.status(), StatusCode::OK);
        pages += 1;
        if pages == 1 {
            last_rel_on_first = link(&resp, "last");
            assert!(link(&resp, "prev").is_none(), "first page has no prev");
        } else {
            assert!(link(&resp, "prev").is_some(), "page {pages} has prev");
        }
        url = link(&resp, "next");
        if url.is_none() {
            assert_eq!(pages, 9, "the page without next is the 9th");
        }
        let page: Value = resp.json().await.expect("json");
        let page_ids = ids(&page);
        assert!(page_ids.len() <= 50);
        seen.extend(page_ids);
        assert!(pages <= 9, "Link next must stop after the last page");
    }
    assert_eq!(pages, 9);
    assert_eq!(seen.len(), total);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        total,
        "no duplicates"
    );
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "sorted by id across pages"
    );
    let last = last_rel_on_first.expect("rel last on first page");
    assert!(
        last.starts_with(&sb.greenhouse_base_url()),
        "absolute URL: {last}"
    );
    assert!(
        last.contains("page=9") && last.contains("per_page=50"),
        "{last}"
    );

    // skip_count drops rel="last" but keeps paging, and other params survive.
    let resp = gh_get(
        &client,
        &sb,
        &format!(
            "{}/candidates?per_page=50&skip_count=true&created_after=2000-01-01T00:00:00Z",
            sb.greenhouse_base_url()
        ),
    )
    .await;
    assert!(link(&resp, "last").is_none());
    let next = link(&resp, "next").expect("rel next");
    assert!(
        next.contains("skip_count=true") && next.contains("created_after="),
        "{next}"
    );

    // Everything on one page: no Link header at all.
    let resp = gh_get(
        &client,
        &sb,
        &format!("{}/candidates?per_page=500", sb.greenhouse_base_url()),
    )
    .await;
    assert!(resp.headers().get("link").is_none());
    sb.shutdown().await;
}

#[tokio::test]
async fn per_page_out_of_range_is_a_validation_error() {
    let sb = Sandbox::start(config(10)).await.expect("start");
    let client = Client::new();
    for bad in ["501", "0", "many"] {
        let (status, body) = gh_json(&client, &sb, &format!("/candidates?per_page={bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "per_page={bad}");
        assert_eq!(body["message"], "Validation error");
        assert_eq!(body["errors"][0]["field"], "per_page");
        assert!(body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let (status, _) = gh_json(&client, &sb, "/candidates?per_page=500").await;
    assert_eq!(status, StatusCode::OK, "500 is the inclusive maximum");
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limit_headers_count_down_and_429_past_the_limit() {
    let sb = Sandbox::start(SandboxConfig {
        rate_limit: Some(RateLimit {
            limit: 5,
            window: Duration::from_secs(2),
        }),
        ..config(10)
    })
    .await
    .expect("start");
    let client = Client::new();
    let url = format!("{}/jobs", sb.greenhouse_base_url());

    for expected_remaining in (0..5).rev() {
        let resp = gh_get(&client, &sb, &url).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(header_u64(&resp, "x-ratelimit-limit"), 5);
        assert_eq!(
            header_u64(&resp, "x-ratelimit-remaining"),
            expected_remaining
        );
    }
    let before = unix_now();
    let limited = gh_get(&client, &sb, &url).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = header_u64(&limited, "retry-after");
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    let reset = header_u64(&limited, "x-ratelimit-reset");
    assert!(
        reset >= before && reset <= before + 3,
        "reset {reset} vs now {before}"
    );
    assert_eq!(header_u64(&limited, "x-ratelimit-remaining"), 0);
    let body: Value = limited.json().await.expect("JSON error body");
    assert!(body["message"].as_str().is_some());

    // After waiting as told, the next window admits requests again.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    let resp = gh_get(&client, &sb, &url).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header_u64(&resp, "x-ratelimit-remaining"), 4);

    // Switching limiting off keeps the headers but never answers 429.
    sb.control().set_rate_limit(None);
    for _ in 0..12 {
        let resp = gh_get(&client, &sb, &url).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(header_u64(&resp, "x-ratelimit-limit"), 50);
        assert_eq!(header_u64(&resp, "x-ratelimit-remaining"), 50);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn same_seed_serves_identical_data() {
    let cfg = SandboxConfig {
        seed: 7,
        ..config(120)
    };
    let a = Sandbox::start(cfg.clone()).await.expect("start a");
    let b = Sandbox::start(cfg.clone()).await.expect("start b");
    let c = Sandbox::start(SandboxConfig { seed: 8, ..cfg })
        .await
        .expect("start c");
    let client = Client::new();
    let body = |sb: &Sandbox, path: &str| {
        let url = format!("{}{path}", sb.greenhouse_base_url());
        let client = client.clone();
        let key = sb.greenhouse_api_key();
        async move {
            let resp = client
                .get(url)
                .basic_auth(key, Some(""))
                .send()
                .await
                .expect("send");
            assert_eq!(resp.status(), StatusCode::OK);
            resp.bytes().await.expect("body")
        }
    };
    for path in ["/jobs?per_page=500", "/candidates?per_page=500", "/users"] {
        let (ja, jb, jc) = (
            body(&a, path).await,
            body(&b, path).await,
            body(&c, path).await,
        );
        assert!(ja.len() > 100, "{path} is not trivially empty");
        assert_eq!(ja, jb, "{path}: same seed, same bytes");
        assert_ne!(ja, jc, "{path}: another seed, other data");
    }
    assert_eq!(a.greenhouse_api_key(), b.greenhouse_api_key());
    assert_eq!(a.greenhouse_user_id(), b.greenhouse_user_id());
    for sb in [a, b, c] {
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn demo_data_is_shaped_like_harvest() {
    let sb = Sandbox::start(config(200)).await.expect("start");
    let client = Client::new();

    let (_, jobs) = gh_json(&client, &sb, "/jobs?per_page=500").await;
    let jobs = jobs.as_array().expect("array").clone();
    assert_eq!(jobs.len(), 24);
    let open = jobs.iter().filter(|j| j["status"] == "open").count();
    assert!(open * 2 > jobs.len(), "mostly open: {open}/24");
    for j in &jobs {
        let req = j["requisition_id"].as_str().expect("requisition_id");
        assert!(
            req.starts_with("REQ-") && req[4..].parse::<u32>().is_ok(),
            "{req}"
        );
        assert!(
            j["id"].as_u64().expect("id") > i32::MAX as u64,
            "ids overflow 32-bit signed integers, as real ones do"
        );
        let updated = j["updated_at"].as_str().expect("updated_at");
        assert_eq!(updated.len(), 24, "ISO-8601 with millis: {updated}");
        assert!(updated.ends_with('Z') && updated.as_bytes()[10] == b'T');
        assert!(j["departments"][0]["name"].is_string() && j["offices"][0]["name"].is_string());
    }

    let job_id = jobs[0]["id"].as_u64().expect("id");
    let (status, stages) = gh_json(&client, &sb, &format!("/jobs/{job_id}/stages")).await;
    assert_eq!(status, StatusCode::OK);
    let stages = stages.as_array().expect("array");
    assert!((5..=8).contains(&stages.len()));
    assert!(stages
        .iter()
        .all(|s| s["job_id"] == job_id && s["interviews"].is_array()));
    assert_eq!(stages[0]["name"], "Application Review");
    assert_eq!(stages.last().expect("stage")["name"], "Offer");

    let (_, cands) = gh_json(&client, &sb, "/candidates?per_page=5").await;
    let cand = &cands[0];
    let email = cand["email_addresses"][0]["value"].as_str().expect("email");
    assert!(email.contains('@'));
    assert_eq!(cand["email_addresses"][0]["type"], "personal");
    assert_eq!(cand["is_private"], false);
    assert!(cand["id"].as_u64().expect("id") > u64::from(u32::MAX));
    let app_id = cand["application_ids"][0].as_u64().expect("application id");

    let (status, app) = gh_json(&client, &sb, &format!("/applications/{app_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app["candidate_id"], cand["id"]);
    assert_eq!(app["prospect"], false);
    assert!(["active", "rejected", "hired"].contains(&app["status"].as_str().expect("status")));
    let app_job = app["jobs"][0]["id"].as_u64().expect("job id");
    let (_, app_stages) = gh_json(&client, &sb, &format!("/jobs/{app_job}/stages")).await;
    assert!(
        app_stages
            .as_array()
            .expect("array")
            .iter()
            .any(|s| s["id"] == app["current_stage"]["id"]),
        "current_stage is a stage of the application's job"
    );

    let (status, body) = gh_json(&client, &sb, "/candidates/1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"message": "Resource not found"}));
    let (status, _) = gh_json(&client, &sb, "/applications/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, users) = gh_json(&client, &sb, "/users").await;
    let obo = sb.greenhouse_user_id();
    let user = users
        .as_array()
        .expect("array")
        .iter()
        .find(|u| u["id"].as_u64().map(|id| id.to_string()).as_deref() == Some(obo.as_str()))
        .expect("On-Behalf-Of user is listed");
    assert_eq!(user["disabled"], false);
    sb.shutdown().await;
}

#[tokio::test]
async fn candidate_filters_ids_email_and_job() {
    let sb = Sandbox::start(config(150)).await.expect("start");
    let client = Client::new();
    let (_, all) = gh_json(&client, &sb, "/candidates?per_page=500").await;
    let all = all.as_array().expect("array");

    let picked: Vec<u64> = [3, 40, 99]
        .iter()
        .map(|&i| all[i]["id"].as_u64().expect("id"))
        .collect();
    let list = picked
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (_, some) = gh_json(&client, &sb, &format!("/candidates?candidate_ids={list}")).await;
    assert_eq!(ids(&some), picked);

    let too_many = (1..=51)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let (status, body) = gh_json(
        &client,
        &sb,
        &format!("/candidates?candidate_ids={too_many}"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "candidate_ids");

    let email = all[10]["email_addresses"][0]["value"]
        .as_str()
        .expect("email");
    let (_, by_email) = gh_json(&client, &sb, &format!("/candidates?email={email}")).await;
    assert_eq!(ids(&by_email), vec![all[10]["id"].as_u64().expect("id")]);

    let job_id = all[0]["applications"][0]["jobs"][0]["id"]
        .as_u64()
        .expect("job");
    let (_, by_job) = gh_json(
        &client,
        &sb,
        &format!("/candidates?job_id={job_id}&per_page=500"),
    )
    .await;
    let by_job = by_job.as_array().expect("array");
    assert!(!by_job.is_empty());
    assert!(by_job.iter().all(|c| c["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .any(|a| a["jobs"][0]["id"] == job_id)));
    let (_, apps) = gh_json(
        &client,
        &sb,
        &format!("/applications?job_id={job_id}&per_page=500"),
    )
    .await;
    let apps = apps.as_array().expect("array");
    assert!(apps.iter().all(|a| a["jobs"][0]["id"] == job_id));
    let app_candidates: HashSet<u64> = apps
        .iter()
        .map(|a| a["candidate_id"].as_u64().expect("id"))
        .collect();
    let job_candidates: HashSet<u64> = by_job
        .iter()
        .map(|c| c["id"].as_u64().expect("id"))
        .collect();
    assert_eq!(
        app_candidates, job_candidates,
        "both views of the job agree"
    );

    let (_, rejected) = gh_json(&client, &sb, "/applications?status=rejected&per_page=500").await;
    let rejected = rejected.as_array().expect("array");
    assert!(!rejected.is_empty());
    assert!(rejected
        .iter()
        .all(|a| a["status"] == "rejected" && a["rejected_at"].is_string()));
    sb.shutdown().await;
}

#[tokio::test]
async fn updated_after_sees_touched_candidates_and_renamed_jobs() {
    let sb = Sandbox::start(config(300)).await.expect("start");
    let client = Client::new();
    let control = sb.control();

    let (_, all) = gh_json(&client, &sb, "/candidates?per_page=500").await;
    let all = all.as_array().expect("array");
    let newest = all
        .iter()
        .map(|c| c["updated_at"].as_str().expect("updated_at").to_owned())
        .max()
        .expect("some candidates");
    // Inclusive bound: the newest record itself comes back.
    let (_, at_newest) =
        gh_json(&client, &sb, &format!("/candidates?updated_after={newest}")).await;
    let baseline = ids(&at_newest);
    assert!(!baseline.is_empty());
    assert!(baseline.len() < all.len());

    let touched: Vec<u64> = [5, 150, 299]
        .iter()
        .map(|&i| all[i]["id"].as_u64().expect("id"))
        .collect();
    control.touch_candidates(&touched);
    let (_, after) = gh_json(&client, &sb, &format!("/candidates?updated_after={newest}")).await;
    let after_ids: HashSet<u64> = ids(&after).into_iter().collect();
    assert_eq!(after_ids.len(), baseline.len() + touched.len());
    assert!(touched.iter().all(|id| after_ids.contains(id)));
    for c in after.as_array().expect("array") {
        if touched.contains(&c["id"].as_u64().expect("id")) {
            assert!(c["updated_at"].as_str().expect("ts") > newest.as_str());
        }
    }
    // Strictly after the touch: nothing.
    let latest = after
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["updated_at"].as_str().expect("ts").to_owned())
        .max()
        .expect("some");
    let (_, later) = gh_json(
        &client,
        &sb,
        "/candidates?updated_after=2999-01-01T00:00:00Z",
    )
    .await;
    assert!(ids(&later).is_empty());
    let (status, _) = gh_json(&client, &sb, "/candidates?updated_after=last-tuesday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Renaming a job bumps it into the next incremental job sync and shows
    // in embedded references.
    let (_, jobs) = gh_json(&client, &sb, "/jobs?per_page=500").await;
    let job_id = all[5]["applications"][0]["jobs"][0]["id"]
        .as_u64()
        .expect("job");
    assert!(ids(&jobs).contains(&job_id));
    control.rename_job(job_id, "Principal Wizard");
    let (_, changed) = gh_json(&client, &sb, &format!("/jobs?updated_after={latest}")).await;
    let changed = changed.as_array().expect("array");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["id"], job_id);
    assert_eq!(changed[0]["name"], "Principal Wizard");
    let (_, cand) = gh_json(&client, &sb, &format!("/candidates/{}", touched[0])).await;
    assert_eq!(
        cand["applications"][0]["jobs"][0]["name"],
        "Principal Wizard"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn injected_failures_and_request_count() {
    let sb = Sandbox::start(config(10)).await.expect("start");
    let client = Client::new();
    let control = sb.control();
    let url = format!("{}/users", sb.greenhouse_base_url());
    let before = control.request_count();

    control.fail_next(2, 503);
    for _ in 0..2 {
        let resp = gh_get(&client, &sb, &url).await;
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(resp.headers().contains_key("x-ratelimit-remaining"));
        let body: Value = resp.json().await.expect("JSON error body");
        assert!(body["message"].is_string());
    }
    assert_eq!(gh_get(&client, &sb, &url).await.status(), StatusCode::OK);
    control.fail_next(1, 500);
    assert_eq!(
        gh_get(&client, &sb, &url).await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(control.request_count() - before, 4);
    sb.shutdown().await;
}

async fn platform_call(
    client: &Client,
    sb: &Sandbox,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client
        .request(method, format!("{}{path}", sb.platform_base_url()))
        .header("X-API-KEY", sb.platform_api_key());
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status();
    (status, resp.json().await.expect("JSON body"))
}

#[tokio::test]
async fn webhook_create_fetch_filter_deactivate_round_trip() {
    use reqwest::Method;
    let sb = Sandbox::start(config(10)).await.expect("start");
    let client = Client::new();
    let (_, postings) = platform_call(&client, &sb, Method::GET, "/api/v2/postings", None).await;
    let p1 = postings["data"][0]["posting_id"]
        .as_str()
        .expect("posting")
        .to_owned();
    let p2 = postings["data"][1]["posting_id"]
        .as_str()
        .expect("posting")
        .to_owned();

    let create = |posting: &str, event: &str, method: Option<&str>| {
        let mut body = json!({"posting_id": posting, "url": "https://hooks.example.com/milo", "event_type": event});
        if let Some(m) = method {
            body["http_method"] = json!(m);
        }
        body
    };
    let (status, w1) = platform_call(
        &client,
        &sb,
        Method::POST,
        "/api/webhook/create",
        Some(create(&p1, "interview_completed", None)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(w1["webhook_id"]
        .as_str()
        .expect("id")
        .starts_with("webhook_"));
    assert_eq!(w1["posting_id"], p1.as_str());
    assert_eq!(w1["url"], "https://hooks.example.com/milo");
    assert_eq!(w1["event_type"], "interview_completed");
    assert_eq!(w1["http_method"], "post", "defaults to post");
    assert_eq!(w1["is_active"], true);
    assert!(w1["created_at"].as_f64().expect("float") > 1.6e9);
    assert_eq!(w1["created_at"], w1["updated_at"]);

    let (_, w2) = platform_call(
        &client,
        &sb,
        Method::POST,
        "/api/webhook/create",
        Some(create(&p1, "report_available", Some("get"))),
    )
    .await;
    let (_, w3) = platform_call(
        &client,
        &sb,
        Method::POST,
        "/api/webhook/create",
        Some(create(&p2, "interview_completed", None)),
    )
    .await;
    assert_eq!(w2["http_method"], "get");
    let all_ids: HashSet<&str> = [&w1, &w2, &w3]
        .iter()
        .map(|w| w["webhook_id"].as_str().expect("id"))
        .collect();
    assert_eq!(all_ids.len(), 3, "ids are unique");

    let id1 = w1["webhook_id"].as_str().expect("id");
    let (status, fetched) = platform_call(
        &client,
        &sb,
        Method::GET,
        &format!("/api/webhook/fetch/{id1}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, w1);

    let hook_ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|w| w["webhook_id"].as_str().expect("id").to_owned())
            .collect()
    };
    let (_, all) = platform_call(&client, &sb, Method::GET, "/api/webhook/all", None).await;
    assert_eq!(hook_ids(&all).len(), 3);
    let (_, by_posting) = platform_call(
        &client,
        &sb,
        Method::GET,
        &format!("/api/webhook/all?posting_id={p1}"),
        None,
    )
    .await;
    assert_eq!(
        hook_ids(&by_posting),
        vec![hook_ids(&all)[0].clone(), hook_ids(&all)[1].clone()]
    );
    let (_, by_event) = platform_call(
        &client,
        &sb,
        Method::GET,
        "/api/webhook/all?event_type=interview_completed",
        None,
    )
    .await;
    assert_eq!(hook_ids(&by_event).len(), 2);
    let (_, both) = platform_call(
        &client,
        &sb,
        Method::GET,
        &format!("/api/webhook/all?posting_id={p2}&event_type=interview_completed"),
        None,
    )
    .await;
    assert_eq!(
        hook_ids(&both),
        vec![w3["webhook_id"].as_str().expect("id").to_owned()]
    );

    let (status, off) = platform_call(
        &client,
        &sb,
        Method::POST,
        &format!("/api/webhook/deactivate/{id1}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(off["is_active"], false);
    assert!(off["updated_at"].as_f64().expect("f") > off["created_at"].as_f64().expect("f"));
    let (_, fetched) = platform_call(
        &client,
        &sb,
        Method::GET,
        &format!("/api/webhook/fetch/{id1}"),
        None,
    )
    .await;
    assert_eq!(fetched["is_active"], false);

    let recorded = sb.control().platform_webhooks();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0].webhook_id, id1);
    assert!(!recorded[0].is_active && recorded[1].is_active);

    let (status, body) = platform_call(
        &client,
        &sb,
        Method::GET,
        "/api/webhook/fetch/webhook_nope",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Webhook not found"}));
    let (status, _) = platform_call(
        &client,
        &sb,
        Method::POST,
        "/api/webhook/deactivate/webhook_nope",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sb.shutdown().await;
}

#[tokio::test]
async fn webhook_create_validates_its_body() {
    use reqwest::Method;
    let sb = Sandbox::start(config(10)).await.expect("start");
    let client = Client::new();
    let (_, postings) = platform_call(&client, &sb, Method::GET, "/api/v2/postings", None).await;
    let p = postings["data"][0]["posting_id"]
        .as_str()
        .expect("posting")
        .to_owned();
    let cases = [
        (
            json!({"posting_id": p, "url": "https://x.example/h", "event_type": "interview_scheduled"}),
            "event_type",
        ),
        (
            json!({"posting_id": p, "url": "https://x.example/h", "event_type": "report_available", "http_method": "put"}),
            "http_method",
        ),
        (
            json!({"posting_id": p, "url": "ftp://x.example/h", "event_type": "report_available"}),
            "url",
        ),
        (
            json!({"posting_id": "NOPE1234", "url": "https://x.example/h", "event_type": "report_available"}),
            "posting_id",
        ),
    ];
    for (body, field) in cases {
        let (status, err) = platform_call(
            &client,
            &sb,
            Method::POST,
            "/api/webhook/create",
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(err["detail"][0]["loc"], json!(["body", field]));
        assert_eq!(err["detail"][0]["type"], "value_error");
        assert!(err["detail"][0]["msg"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let (status, err) = platform_call(
        &client,
        &sb,
        Method::POST,
        "/api/webhook/create",
        Some(json!({"url": "https://x.example/h"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let locs: Vec<&Value> = err["detail"]
        .as_array()
        .expect("array")
        .iter()
        .map(|e| &e["loc"])
        .collect();
    assert!(
        locs.contains(&&json!(["body", "posting_id"]))
            && locs.contains(&&json!(["body", "event_type"]))
    );
    assert!(
        sb.control().platform_webhooks().is_empty(),
        "nothing created by invalid requests"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn v2_postings_page_with_starting_after() {
    use reqwest::Method;
    let sb = Sandbox::start(config(10)).await.expect("start");
    let client = Client::new();
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v2/postings?limit=4&starting_after={c}"),
            None => "/api/v2/postings?limit=4".to_owned(),
        };
        let (status, page) = platform_call(&client, &sb, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["pagination"]["total_count"], 6);
        assert_eq!(page["pagination"]["url"], "/api/v2/postings");
        let data = page["data"].as_array().expect("array");
        seen.extend(data.iter().cloned());
        if page["pagination"]["has_more"] == false {
            break;
        }
        cursor = data
            .last()
            .map(|p| p["posting_id"].as_str().expect("id").to_owned());
    }
    assert_eq!(seen.len(), 6);
    let unique: HashSet<&str> = seen
        .iter()
        .map(|p| p["posting_id"].as_str().expect("id"))
        .collect();
    assert_eq!(unique.len(), 6);
    assert!(unique
        .iter()
        .all(|id| id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit())));
    assert_eq!(seen.iter().filter(|p| p["archived"] == true).count(), 1);
    assert!(seen.iter().all(|p| p["test_posting"] == false
        && p["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("<p>"))));

    let id = seen[2]["posting_id"].as_str().expect("id");
    let (status, one) = platform_call(
        &client,
        &sb,
        Method::GET,
        &format!("/api/v2/postings/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["data"], seen[2]);
    assert_eq!(one["meta"], json!({}));
    let (status, missing) =
        platform_call(&client, &sb, Method::GET, "/api/v2/postings/00000000", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["error"]["code"], "resource_missing");
    let (status, bad) = platform_call(
        &client,
        &sb,
        Method::GET,
        "/api/v2/postings?limit=101",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["detail"][0]["loc"], json!(["query", "limit"]));
    sb.shutdown().await;
}

#[tokio::test]
async fn large_dataset_generates_and_pages() {
    let sb = Sandbox::start(SandboxConfig {
        jobs: 1000,
        candidates: 100_000,
        applications: 150_000,
        rate_limit: None,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let client = Client::new();
    let base = sb.greenhouse_base_url();

    let first = gh_get(&client, &sb, &format!("{base}/candidates?per_page=500")).await;
    let last = link(&first, "last").expect("rel last");
    assert!(last.contains("page=200&"), "100k / 500 = 200 pages: {last}");
    let last_page: Value = gh_get(&client, &sb, &last)
        .await
        .json()
        .await
        .expect("json");
    let last_page = last_page.as_array().expect("array");
    assert_eq!(last_page.len(), 500);
    assert!(last_page
        .iter()
        .all(|c| !c["application_ids"].as_array().expect("ids").is_empty()));

    let apps = gh_get(&client, &sb, &format!("{base}/applications?per_page=500")).await;
    let last = link(&apps, "last").expect("rel last");
    assert!(last.contains("page=300&"), "150k / 500 = 300 pages: {last}");

    let jobs = gh_get(&client, &sb, &format!("{base}/jobs?per_page=500")).await;
    let last = link(&jobs, "last").expect("rel last");
    assert!(last.contains("page=2&"), "1000 / 500 = 2 pages: {last}");
    sb.shutdown().await;
}

#[tokio::test]
async fn shutdown_releases_both_ports() {
    let sb = Sandbox::start(config(10)).await.expect("start");
    let addr = |base: String| -> std::net::SocketAddr {
        let rest = base.strip_prefix("http://").expect("http URL");
        rest.split('/')
            .next()
            .expect("host:port")
            .parse()
            .expect("socket addr")
    };
    let gh = addr(sb.greenhouse_base_url());
    let platform = addr(sb.platform_base_url());
    assert_ne!(gh.port(), platform.port());
    // An idle keep-alive connection from a live client must not hold the
    // shutdown up.
    let client = Client::new();
    let resp = gh_get(&client, &sb, &format!("{}/users", sb.greenhouse_base_url())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let started = std::time::Instant::now();
    sb.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "graceful, not the 5 s abort"
    );
    std::net::TcpListener::bind(gh).expect("greenhouse port free again");
    std::net::TcpListener::bind(platform).expect("platform port free again");
}
