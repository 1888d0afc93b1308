//! Contract tests of the Workday Recruiting emulator over real HTTP: the ISU
//! refresh-token grant, bearer auth and its 401, tenant 404, `{data, total}`
//! paging with the 100 cap, updated-since, stages with Assessment, writes
//! carrying the acting worker (write log, attachment bytes), rate limit,
//! injected faults, and the `/_sandbox/workday` control surface.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use base64::Engine;
use reqlink_sandbox::{
    RateLimit, Sandbox, SandboxConfig, WorkdayConfig, WorkdayFault, WorkdayWriteKind,
    WORKDAY_ROUTES,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        jobs: 10,
        candidates: 130,
        applications: 190,
        users: 8,
        rate_limit: None,
        workday: WorkdayConfig {
            rate_limit: None,
            ..WorkdayConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn token_url(sb: &Sandbox) -> String {
    format!(
        "{}/ccx/oauth2/{}/token",
        sb.workday_host(),
        sb.workday_tenant()
    )
}

fn api(sb: &Sandbox, path: &str) -> String {
    format!(
        "{}/ccx/api/recruiting/v4/{}{path}",
        sb.workday_host(),
        sb.workday_tenant()
    )
}

async fn refresh(client: &Client, sb: &Sandbox, refresh_token: &str) -> (StatusCode, Value) {
    let resp = client
        .post(token_url(sb))
        .basic_auth(sb.workday_client_id(), Some(sb.workday_client_secret()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .expect("token endpoint answers");
    (resp.status(), resp.json().await.expect("JSON"))
}

async fn access_token(client: &Client, sb: &Sandbox) -> String {
    let (status, body) = refresh(client, sb, &sb.workday_refresh_token()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().expect("token").to_owned()
}

async fn get(client: &Client, token: &str, url: &str) -> (StatusCode, Value) {
    let resp = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("emulator answers");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn post(client: &Client, token: &str, url: &str, body: Value) -> (StatusCode, Value) {
    let resp = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("emulator answers");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn is_wid(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Every record of a list endpoint, following limit/offset.
async fn all(client: &Client, token: &str, url: &str) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let sep = if url.contains('?') { '&' } else { '?' };
        let (status, page) = get(
            client,
            token,
            &format!("{url}{sep}limit=100&offset={}", out.len()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let data = page["data"].as_array().expect("data array").clone();
        let total = page["total"].as_u64().expect("total") as usize;
        let done = data.is_empty();
        out.extend(data);
        if out.len() >= total || done {
            assert_eq!(out.len(), total);
            return out;
        }
    }
}

#[tokio::test]
async fn token_endpoint_checks_client_and_refresh_token() {
    let sb = sandbox().await;
    let client = Client::new();

    let wrong_secret = client
        .post(token_url(&sb))
        .basic_auth(sb.workday_client_id(), Some("nope"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", sb.workday_refresh_token().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong_secret.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    let (status, body) = refresh(&client, &sb, "not-the-isu-token").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    let (status, body) = refresh(&client, &sb, &sb.workday_refresh_token()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(
        body.get("refresh_token").is_none(),
        "the ISU refresh token does not rotate: {body}"
    );
    let (status, _) = refresh(&client, &sb, &sb.workday_refresh_token()).await;
    assert_eq!(status, StatusCode::OK, "and can be used again");
    sb.shutdown().await;
}

#[tokio::test]
async fn rest_needs_a_valid_bearer_and_the_right_tenant() {
    let sb = sandbox().await;
    let client = Client::new();
    let url = api(&sb, "/jobRequisitions");

    let none = client.get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none
        .headers()
        .get("www-authenticate")
        .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")));
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
    assert!(body["errors"][0]["error"].is_string());

    let (status, _) = get(&client, "made-up", &url).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let token = access_token(&client, &sb).await;
    let (status, body) = get(&client, &token, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["total"].as_u64().unwrap() > 0);

    let wrong = url.replace(&sb.workday_tenant(), "someone_else1");
    let (status, _) = get(&client, &token, &wrong).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let wrong_token_url = token_url(&sb).replace(&sb.workday_tenant(), "someone_else1");
    let resp = client
        .post(wrong_token_url)
        .basic_auth(sb.workday_client_id(), Some(sb.workday_client_secret()))
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    sb.shutdown().await;
}

#[tokio::test]
async fn expired_tokens_get_401_and_a_revoked_refresh_token_invalid_grant() {
    let sb = sandbox().await;
    let client = Client::new();
    let url = api(&sb, "/jobPostings");
    let token = access_token(&client, &sb).await;
    assert_eq!(get(&client, &token, &url).await.0, StatusCode::OK);

    sb.control().workday_expire_access_tokens();
    assert_eq!(get(&client, &token, &url).await.0, StatusCode::UNAUTHORIZED);
    let fresh = access_token(&client, &sb).await;
    assert_ne!(fresh, token);
    assert_eq!(get(&client, &fresh, &url).await.0, StatusCode::OK);

    // Tokens also lapse on their own after an hour; the ISU token never.
    sb.control()
        .workday_oauth()
        .advance_clock(Duration::from_secs(3601));
    assert_eq!(get(&client, &fresh, &url).await.0, StatusCode::UNAUTHORIZED);
    let fresh = access_token(&client, &sb).await;
    sb.control()
        .workday_oauth()
        .advance_clock(Duration::from_secs(3 * 365 * 86_400));
    let fresh2 = access_token(&client, &sb).await;
    assert_eq!(get(&client, &fresh2, &url).await.0, StatusCode::OK);

    sb.control().workday_revoke_refresh_token();
    assert_eq!(get(&client, &fresh, &url).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = refresh(&client, &sb, &sb.workday_refresh_token()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    sb.shutdown().await;
}

#[tokio::test]
async fn requisitions_page_with_limit_offset_and_filter_by_status() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;

    let (_, first) = get(&client, &token, &api(&sb, "/jobRequisitions")).await;
    assert_eq!(first["total"], 10);
    assert_eq!(
        first["data"].as_array().unwrap().len(),
        10,
        "default limit 20"
    );
    let (_, p1) = get(&client, &token, &api(&sb, "/jobRequisitions?limit=4")).await;
    let (_, p3) = get(
        &client,
        &token,
        &api(&sb, "/jobRequisitions?limit=4&offset=8"),
    )
    .await;
    assert_eq!(p1["data"].as_array().unwrap().len(), 4);
    assert_eq!(p3["data"].as_array().unwrap().len(), 2);
    assert_eq!(p1["data"][0]["id"], first["data"][0]["id"]);
    assert_eq!(p3["data"][1]["id"], first["data"][9]["id"]);

    let r = &first["data"][0];
    assert!(is_wid(&r["id"]));
    assert!(r["jobRequisitionId"].as_str().unwrap().starts_with("R-"));
    for key in [
        "descriptor",
        "href",
        "jobPostingTitle",
        "createdOn",
        "updatedOn",
    ] {
        assert!(r[key].is_string(), "{key} in {r}");
    }
    assert!(is_wid(&r["jobRequisitionStatus"]["id"]));
    assert!(is_wid(&r["hiringManager"]["id"]));
    let (status, one) = get(&client, &token, r["href"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["id"], r["id"]);

    let (_, open) = get(&client, &token, &api(&sb, "/jobRequisitions?status=Open")).await;
    let open = open["data"].as_array().unwrap();
    assert!(!open.is_empty());
    assert!(open
        .iter()
        .all(|r| r["jobRequisitionStatus"]["descriptor"] == "Open"));
    let (_, postings) = get(&client, &token, &api(&sb, "/jobPostings?limit=100")).await;
    assert_eq!(postings["total"].as_u64(), Some(open.len() as u64));

    let (status, body) = get(&client, &token, &api(&sb, "/jobRequisitions?limit=101")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "limit");
    let (status, body) = get(&client, &token, &api(&sb, "/jobRequisitions?status=Draft")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "status");
    sb.shutdown().await;
}

#[tokio::test]
async fn candidates_and_applications_page_fully_and_filter_by_updated_from() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;

    let candidates = all(&client, &token, &api(&sb, "/candidates")).await;
    assert_eq!(candidates.len(), 130);
    let ids: HashSet<&str> = candidates
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 130, "no duplicates across pages");
    let apps = all(&client, &token, &api(&sb, "/jobApplications")).await;
    assert_eq!(apps.len(), sb.control().workday_applications().len());
    for a in &apps {
        assert!(ids.contains(a["candidate"]["id"].as_str().unwrap()));
        assert!(is_wid(&a["recruitingStage"]["id"]));
    }

    let newest = candidates
        .iter()
        .map(|c| c["updatedOn"].as_str().unwrap().to_owned())
        .max()
        .unwrap();
    let since = all(
        &client,
        &token,
        &api(&sb, &format!("/candidates?updatedFrom={newest}")),
    )
    .await;
    assert!(
        !since.is_empty() && since.len() < 5,
        "inclusive, only the newest"
    );

    let touched = candidates[7]["id"].as_str().unwrap();
    sb.control().workday_touch_candidates(&[touched]);
    let since = all(
        &client,
        &token,
        &api(&sb, &format!("/candidates?updatedFrom={newest}")),
    )
    .await;
    assert!(since.iter().any(|c| c["id"] == touched));
    assert!(since
        .iter()
        .all(|c| c["updatedOn"].as_str().unwrap() >= newest.as_str()));

    let (status, body) = get(
        &client,
        &token,
        &api(&sb, "/candidates?updatedFrom=yesterday"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "updatedFrom");
    sb.shutdown().await;
}

#[tokio::test]
async fn stages_include_assessment_and_a_control_move_shows_in_the_api() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;
    let app = sb
        .control()
        .workday_applications()
        .into_iter()
        .find(|a| a.active && a.stage == "Review")
        .expect("an active application in Review");

    let (status, stages) = get(
        &client,
        &token,
        &api(
            &sb,
            &format!("/jobRequisitions/{}/recruitingStages", app.requisition_id),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = stages["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["descriptor"].as_str().unwrap())
        .collect();
    assert_eq!(&names[..4], ["Review", "Screen", "Assessment", "Interview"]);

    sb.control()
        .workday_move_application(&app.id, "Assessment")
        .unwrap();
    let (_, one) = get(
        &client,
        &token,
        &api(&sb, &format!("/jobApplications/{}", app.id)),
    )
    .await;
    assert_eq!(one["recruitingStage"]["descriptor"], "Assessment");
    let assessment = stages["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["descriptor"] == "Assessment")
        .unwrap();
    assert_eq!(one["recruitingStage"]["id"], assessment["id"]);
    assert!(
        sb.control().workday_writes().is_empty(),
        "a recruiter's move is not an integration write"
    );
    assert!(sb
        .control()
        .workday_move_application(&app.id, "Nowhere")
        .is_err());
    sb.shutdown().await;
}

#[tokio::test]
async fn writes_name_the_worker_and_land_in_the_write_log() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;
    let worker = sb.workday_worker_id();
    let app = sb
        .control()
        .workday_applications()
        .into_iter()
        .find(|a| a.active && a.stage == "Assessment")
        .expect("an application in Assessment");
    let cand = app.candidate_id.clone();

    let (status, body) = post(
        &client,
        &token,
        &api(&sb, &format!("/candidates/{cand}/notes")),
        json!({ "comment": "Screened by AI: 87/100" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "worker");

    let (status, note) = post(
        &client,
        &token,
        &api(&sb, &format!("/candidates/{cand}/notes")),
        json!({
            "comment": "Screened by AI: 87/100",
            "jobApplication": {"id": app.id},
            "worker": {"id": worker},
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    assert!(is_wid(&note["id"]));
    assert_eq!(note["worker"]["id"], worker.as_str());

    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    pdf.extend((0..=255u8).cycle().take(3000));
    pdf.extend_from_slice(b"\n%%EOF\n");
    let (status, att) = post(
        &client,
        &token,
        &api(&sb, &format!("/candidates/{cand}/attachments")),
        json!({
            "fileName": "AI screening report.pdf",
            "contentType": "application/pdf",
            "fileContent": base64::engine::general_purpose::STANDARD.encode(&pdf),
            "category": {"descriptor": "Assessment Report"},
            "worker": {"id": worker},
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{att}");
    assert_eq!(att["fileLength"], pdf.len());
    let content = client
        .get(att["href"].as_str().unwrap())
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(content.headers()["content-type"], "application/pdf");
    assert_eq!(content.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let stored = sb
        .control()
        .workday_attachment(att["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(stored.bytes, pdf);
    assert_eq!(stored.candidate_id, cand);

    let (_, stages) = get(
        &client,
        &token,
        &api(
            &sb,
            &format!("/jobRequisitions/{}/recruitingStages", app.requisition_id),
        ),
    )
    .await;
    let interview = stages["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["descriptor"] == "Interview")
        .unwrap()["id"]
        .clone();
    let (status, moved) = post(
        &client,
        &token,
        &api(&sb, &format!("/jobApplications/{}/move", app.id)),
        json!({ "recruitingStage": {"id": interview}, "worker": {"id": worker} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["recruitingStage"]["descriptor"], "Interview");

    // A stage of another requisition is refused.
    let other = sb
        .control()
        .workday_applications()
        .into_iter()
        .find(|a| a.requisition_id != app.requisition_id)
        .unwrap();
    let (status, body) = post(
        &client,
        &token,
        &api(&sb, &format!("/jobApplications/{}/move", app.id)),
        json!({ "recruitingStage": {"id": other.stage_id}, "worker": {"id": worker} }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "recruitingStage");

    let log = sb.control().workday_writes();
    let kinds: Vec<WorkdayWriteKind> = log.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [
            WorkdayWriteKind::Note,
            WorkdayWriteKind::Attachment,
            WorkdayWriteKind::StageMove
        ]
    );
    assert!(log
        .iter()
        .all(|w| w.worker_id == worker && w.candidate_id == cand));
    assert_eq!(log[0].detail, "Screened by AI: 87/100");
    assert_eq!(log[0].application_id.as_deref(), Some(app.id.as_str()));
    assert_eq!(log[1].detail, "AI screening report.pdf");
    assert_eq!(log[2].detail, "Interview");

    let (_, notes) = get(
        &client,
        &token,
        &api(&sb, &format!("/candidates/{cand}/notes")),
    )
    .await;
    assert_eq!(notes["total"], 1);
    let (_, atts) = get(
        &client,
        &token,
        &api(&sb, &format!("/candidates/{cand}/attachments")),
    )
    .await;
    assert_eq!(atts["data"][0]["fileName"], "AI screening report.pdf");
    sb.shutdown().await;
}

#[tokio::test]
async fn every_route_in_the_table_is_served() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;
    let app = sb.control().workday_applications().remove(0);
    let worker = sb.workday_worker_id();
    let (_, postings) = get(&client, &token, &api(&sb, "/jobPostings?limit=1")).await;
    let posting = postings["data"][0]["id"].as_str().unwrap().to_owned();
    for r in WORKDAY_ROUTES {
        let path = r
            .path
            .replace("{tenant}", &sb.workday_tenant())
            .replace(
                "{id}",
                if r.path.contains("jobRequisitions") {
                    &app.requisition_id
                } else if r.path.contains("jobApplications") {
                    &app.id
                } else if r.path.contains("jobPostings") {
                    &posting
                } else if r.path.contains("workers") {
                    &worker
                } else {
                    &app.candidate_id
                },
            )
            .replace("{attachmentId}", "0123456789abcdef0123456789abcdef");
        let url = format!("{}{path}", sb.workday_host());
        let resp = match r.method {
            "GET" => client.get(&url).bearer_auth(&token).send().await.unwrap(),
            _ => client
                .post(&url)
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        };
        let ok = if path.ends_with("/content") {
            // No such attachment, but the route exists and said so as JSON.
            resp.status() == StatusCode::NOT_FOUND
        } else if r.method == "POST" {
            resp.status() == StatusCode::BAD_REQUEST
        } else {
            resp.status() == StatusCode::OK
        };
        assert!(ok, "{} {} -> {}", r.method, r.path, resp.status());
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;
    sb.control().workday_set_rate_limit(Some(RateLimit {
        limit: 3,
        window: Duration::from_secs(2),
    }));
    let url = api(&sb, "/jobPostings");
    for _ in 0..3 {
        assert_eq!(get(&client, &token, &url).await.0, StatusCode::OK);
    }
    let resp = client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry));
    sb.shutdown().await;
}

#[tokio::test]
async fn injected_faults_hit_the_next_requests_only() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;
    let url = api(&sb, "/workers");
    let ctl = sb.control();

    ctl.workday_fail_next(2, WorkdayFault::ServerError(503));
    assert_eq!(
        get(&client, &token, &url).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        get(&client, &token, &url).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(get(&client, &token, &url).await.0, StatusCode::OK);

    ctl.workday_fail_next(
        1,
        WorkdayFault::RateLimited {
            retry_after_secs: 7,
        },
    );
    let resp = client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "7");

    ctl.workday_fail_next(1, WorkdayFault::MalformedJson);
    let body = client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&body).is_err());

    // A hang still performs the write: the ambiguous case clients must handle.
    let app = ctl.workday_applications().remove(0);
    ctl.workday_fail_next(1, WorkdayFault::Hang(Duration::from_millis(600)));
    let started = Instant::now();
    let err = client
        .post(api(&sb, &format!("/candidates/{}/notes", app.candidate_id)))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(150))
        .json(&json!({"comment": "hello", "worker": {"id": sb.workday_worker_id()}}))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(ctl.workday_writes().len(), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn http_control_surface_mirrors_the_rust_api() {
    let sb = sandbox().await;
    let client = Client::new();
    let token = access_token(&client, &sb).await;
    let ctl = format!("{}/_sandbox/workday", sb.workday_host());

    let apps: Value = client
        .get(format!("{ctl}/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app = apps
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["stage"] == "Review")
        .unwrap();
    let id = app["id"].as_str().unwrap();
    let resp = client
        .post(format!("{ctl}/applications/{id}/stage"))
        .json(&json!({"stage": "Assessment"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, one) = get(
        &client,
        &token,
        &api(&sb, &format!("/jobApplications/{id}")),
    )
    .await;
    assert_eq!(one["recruitingStage"]["descriptor"], "Assessment");

    let resp = client
        .post(format!("{ctl}/faults"))
        .json(&json!({"count": 1, "kind": "server_error", "status": 502}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get(&client, &token, &api(&sb, "/workers")).await.0,
        StatusCode::BAD_GATEWAY
    );

    let (status, _) = post(
        &client,
        &token,
        &api(
            &sb,
            &format!(
                "/candidates/{}/notes",
                app["candidate_id"].as_str().unwrap()
            ),
        ),
        json!({"comment": "via HTTP", "worker": {"id": sb.workday_worker_id()}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let writes: Value = client
        .get(format!("{ctl}/writes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(writes[0]["kind"], "note");
    assert_eq!(writes[0]["detail"], "via HTTP");

    client
        .post(format!("{ctl}/tokens/expire"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(&client, &token, &api(&sb, "/workers")).await.0,
        StatusCode::UNAUTHORIZED
    );
    client
        .post(format!("{ctl}/tokens/revoke"))
        .send()
        .await
        .unwrap();
    let (status, _) = refresh(&client, &sb, &sb.workday_refresh_token()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    sb.shutdown().await;
}

#[tokio::test]
async fn authorization_code_flow_signs_in_as_a_worker() {
    use sha2::Digest;
    let sb = sandbox().await;
    let browser = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let verifier = "v".repeat(43) + "-verifier-for-workday";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:53682/callback";
    let page = browser
        .get(sb.workday_authorize_url())
        .query(&[
            ("client_id", sb.workday_client_id().as_str()),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("state", "s1"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Workday"));
    let at = html.find("name=\"request_id\" value=\"").unwrap() + 25;
    let request_id = html[at..].split('"').next().unwrap().to_owned();
    let back = browser
        .post(sb.workday_authorize_url())
        .form(&[
            ("request_id", request_id.as_str()),
            ("decision", "approve"),
            ("subject", sb.workday_worker_id().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(back.status().is_redirection());
    let location = url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let resp = Client::new()
        .post(sb.workday_token_url())
        .basic_auth(sb.workday_client_id(), Some(sb.workday_client_secret()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    let grant = sb
        .control()
        .workday_oauth()
        .check_bearer(Some(&format!("Bearer {token}")))
        .unwrap();
    assert_eq!(
        grant.subject.as_deref(),
        Some(sb.workday_worker_id().as_str())
    );
    let (status, _) = get(&Client::new(), token, &api(&sb, "/workers")).await;
    assert_eq!(status, StatusCode::OK);

    // The authorize page of another tenant does not exist.
    let other = browser
        .get(
            sb.workday_authorize_url()
                .replace(&sb.workday_tenant(), "other1"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    sb.shutdown().await;
}
