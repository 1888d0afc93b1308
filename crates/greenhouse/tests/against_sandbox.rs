//! The client against the emulated Greenhouse: auth failure, Link paging,
//! 422 field errors, rate limits (proactive and Retry-After), and retries
//! after 5xx and lost answers.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqlink_domain::{ApiError, ErrorCode};
use reqlink_greenhouse::{GhCandidate, GhJob, GreenhouseClient, GreenhouseError, Visibility};
use reqlink_sandbox::{RateLimit, ReadFault, Sandbox, SandboxConfig, WriteFault};

async fn sandbox(rate_limit: Option<RateLimit>) -> Sandbox {
    Sandbox::start(SandboxConfig {
        jobs: 8,
        candidates: 230,
        applications: 300,
        rate_limit,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn wrong_key_is_unauthorized_with_a_helpful_message() {
    let sb = sandbox(None).await;
    let client = GreenhouseClient::new(&sb.greenhouse_base_url(), "not-the-key").unwrap();
    let err = client.verify().await.unwrap_err();
    assert!(
        matches!(err, GreenhouseError::Unauthorized { .. }),
        "{err:?}"
    );
    let api: ApiError = err.into();
    assert_eq!(api.code, ErrorCode::Unauthorized);
    assert!(api.message.contains("GET /v1/users"), "{}", api.message);
    assert!(
        !api.message.contains("not-the-key"),
        "secrets never reach messages"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn following_link_headers_yields_every_record_once() {
    let sb = sandbox(None).await;
    let client =
        GreenhouseClient::new(&sb.greenhouse_base_url(), &sb.greenhouse_api_key()).unwrap();
    let mut next = Some(client.url("/candidates", &[("per_page", "50".into())]));
    let mut ids = HashSet::new();
    let mut pages = 0;
    let mut last_page = None;
    while let Some(url) = next {
        let page = client.get_page::<GhCandidate>(&url).await.unwrap();
        pages += 1;
        last_page = last_page.or(page.last_page);
        for c in page.items {
            assert!(ids.insert(c.id), "candidate {} served twice", c.id);
        }
        next = page.next;
    }
    assert_eq!(ids.len(), 230);
    assert_eq!(pages, 5);
    assert_eq!(last_page, Some(5));
    sb.shutdown().await;
}

#[tokio::test]
async fn invalid_per_page_reports_the_field() {
    let sb = sandbox(None).await;
    let client =
        GreenhouseClient::new(&sb.greenhouse_base_url(), &sb.greenhouse_api_key()).unwrap();
    let url = client.url("/jobs", &[("per_page", "501".into())]);
    let err = client.get_page::<GhJob>(&url).await.unwrap_err();
    match &err {
        GreenhouseError::Validation { fields, .. } => {
            assert!(
                fields
                    .iter()
                    .any(|f| f.field.as_deref() == Some("per_page")),
                "{fields:?}"
            );
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(ApiError::from(err).code, ErrorCode::InvalidInput);
    sb.shutdown().await;
}

#[tokio::test]
async fn proactive_limiter_avoids_429_entirely() {
    let window = Duration::from_secs(2);
    let sb = sandbox(Some(RateLimit { limit: 5, window })).await;
    let client = GreenhouseClient::new(&sb.greenhouse_base_url(), &sb.greenhouse_api_key())
        .unwrap()
        .with_rate_window(window);
    // The first response teaches the client the advertised limit of 5.
    client.verify().await.unwrap();
    assert_eq!(client.limiter().limit(), 5);
    let started = Instant::now();
    for _ in 0..11 {
        client
            .get_page::<GhJob>(&client.url("/jobs", &[]))
            .await
            .unwrap();
    }
    // 12 requests at 5 per 2 s need at least two full windows of waiting.
    assert!(
        started.elapsed() >= Duration::from_millis(3900),
        "{:?}",
        started.elapsed()
    );
    // Exactly 12 requests reached the server: none was a rejected 429 retry.
    assert_eq!(sb.control().request_count(), 12);
    sb.shutdown().await;
}

#[tokio::test]
async fn retry_after_is_obeyed_when_the_server_says_so() {
    let window = Duration::from_secs(2);
    let sb = sandbox(Some(RateLimit { limit: 3, window })).await;
    let client =
        GreenhouseClient::new(&sb.greenhouse_base_url(), &sb.greenhouse_api_key()).unwrap();
    // Without a limiter the client will overrun the server's window and
    // must recover through 429 + Retry-After.
    client.limiter().set_enabled(false);
    for _ in 0..5 {
        client
            .get_page::<GhJob>(&client.url("/jobs", &[]))
            .await
            .unwrap();
    }
    // 3 served, at least one 429, then the rest after the reset.
    assert!(
        sb.control().request_count() > 5,
        "a 429 was answered and retried"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let sb = sandbox(None).await;
    let client = GreenhouseClient::new(&sb.greenhouse_base_url(), &sb.greenhouse_api_key())
        .unwrap()
        .with_retry_base(Duration::from_millis(20));
    sb.control().fail_next(2, 503);
    let jobs = client
        .get_page::<GhJob>(&client.url("/jobs", &[]))
        .await
        .unwrap();
    assert_eq!(jobs.items.len(), 8, "recovered after two 503s");

    sb.control().fail_next(10, 500);
    let err = client
        .get_page::<GhJob>(&client.url("/jobs", &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, GreenhouseError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(ApiError::from(err).code, ErrorCode::Upstream);
    sb.shutdown().await;
}

#[tokio::test]
async fn reads_are_asked_again_after_a_lost_answer_but_writes_are_not() {
    let sb = sandbox(None).await;
    let client = GreenhouseClient::new(&sb.greenhouse_base_url(), &sb.greenhouse_api_key())
        .unwrap()
        .with_retry_base(Duration::from_millis(10))
        .with_timeout(Duration::from_millis(300))
        .unwrap();
    let ctl = sb.control();
    let url = client.url("/candidates", &[]);
    let first_page = || client.get_page::<GhCandidate>(&url);

    ctl.greenhouse_fail_reads(1, ReadFault::Hang(Duration::from_secs(3)));
    let before = ctl.request_count();
    let page = first_page().await.unwrap();
    assert_eq!(page.items.len(), 100);
    assert_eq!(
        ctl.request_count() - before,
        2,
        "timed out once, then asked again"
    );

    ctl.greenhouse_fail_reads(1, ReadFault::Drop);
    let before = ctl.request_count();
    assert_eq!(first_page().await.unwrap().items.len(), 100);
    assert_eq!(
        ctl.request_count() - before,
        2,
        "cut off once, then asked again"
    );

    // A network that stays down is reported, after the same five tries as
    // a 5xx.
    ctl.greenhouse_fail_reads(10, ReadFault::Drop);
    let before = ctl.request_count();
    let err = first_page().await.unwrap_err();
    assert!(matches!(err, GreenhouseError::Network { .. }), "{err:?}");
    assert_eq!(ctl.request_count() - before, 5);
    ctl.greenhouse_fail_reads(0, ReadFault::Drop);

    // A write that was applied but whose answer was lost goes out once.
    let actor: u64 = sb.greenhouse_user_id().parse().unwrap();
    let candidate = page.items[0].id;
    ctl.greenhouse_fail_writes(
        1,
        WriteFault::Hang {
            duration: Duration::from_secs(3),
            applied: true,
        },
    );
    let before = ctl.request_count();
    let err = client
        .add_note(actor, candidate, "once", Visibility::Private)
        .await
        .unwrap_err();
    assert!(matches!(err, GreenhouseError::Timeout { .. }), "{err:?}");
    assert_eq!(ctl.request_count() - before, 1, "not repeated");
    assert_eq!(ctl.greenhouse_writes().len(), 1, "and it did happen");
    sb.shutdown().await;
}

#[tokio::test]
async fn unreachable_server_is_a_network_error() {
    let sb = sandbox(None).await;
    let url = sb.greenhouse_base_url();
    sb.shutdown().await;
    let client = GreenhouseClient::new(&url, "k")
        .unwrap()
        .with_retry_base(Duration::from_millis(10));
    let err = client.verify().await.unwrap_err();
    assert_eq!(ApiError::from(err).code, ErrorCode::Network);
}
