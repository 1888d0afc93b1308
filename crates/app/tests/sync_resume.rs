//! A sync cancelled (or killed) mid-listing resumes at the last completed
//! page: real emulator, real HTTP, real SQLite.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

mod common;

use reqlink_app::Core;
use reqlink_domain::{AppEvent, ConnectionRequest, ErrorCode, Provider, SyncState};

/// Starts a core whose first stored candidate page cancels the sync (once), the
/// way a user pressing Cancel (or quitting) mid-listing would.
async fn start(dir: &std::path::Path) -> Core {
    let mut options = common::options(dir, common::sandbox(10, 3_000, 3_000));
    let me: Arc<OnceLock<Core>> = Arc::default();
    let fired = Arc::new(AtomicBool::new(false));
    let sink = {
        let me = me.clone();
        Arc::new(move |e: AppEvent| {
            if let AppEvent::SyncProgress {
                connection_id,
                phase,
                ..
            } = e
            {
                if phase == "candidates" && !fired.swap(true, Ordering::SeqCst) {
                    if let Some(core) = me.get().cloned() {
                        tokio::spawn(async move {
                            let _ = core.cancel_sync(ConnectionRequest { connection_id }).await;
                        });
                    }
                }
            }
        }) as reqlink_app::EventSink
    };
    options.events = Some(sink);
    let core = Core::start(options).await.expect("core starts");
    let _ = me.set(core.clone());
    core
}

async fn settled_request_count(core: &Core) -> u64 {
    let count = || core.with_sandbox(|s| s.unwrap().control().request_count());
    let mut last = count();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let now = count();
        if now == last {
            return now;
        }
        last = now;
    }
}

async fn greenhouse_id(core: &Core) -> String {
    core.list_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.provider == Provider::Greenhouse)
        .unwrap()
        .id
}

#[tokio::test]
async fn cancelled_sync_resumes_at_the_last_completed_page() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let id = greenhouse_id(&core).await;

    let err = core.run_sync_of(&id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    let conn = core
        .list_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap();
    assert_eq!(conn.sync.state, SyncState::Idle);
    let stored_before = conn.counts.candidates;
    assert!(
        (500..3_000).contains(&stored_before),
        "{stored_before} candidates stored"
    );
    let resume = core
        .store()
        .resume_point(&id, "candidates")
        .unwrap()
        .expect("a resume point is kept");
    assert_eq!(resume.done, stored_before);

    // The next run continues from that page: it asks only for the pages
    // not stored yet and ends with everything.
    // The request the cancel cut off may still be reaching the emulator;
    // count from once its counter has settled.
    let before = settled_request_count(&core).await;
    let summary = core.run_sync_of(&id).await.unwrap();
    let requests = core.with_sandbox(|s| s.unwrap().control().request_count()) - before;
    assert_eq!(summary.counts.candidates, 3_000);
    assert_eq!(summary.counts.applications, 3_000);
    let candidate_pages_left = (3_000 - stored_before as u64).div_ceil(500);
    // users + jobs are complete (1 request each: nothing changed, but they
    // are listed incrementally), candidate pages left, 6 application pages,
    // and stages of the 10 jobs (fetched after the listings). One more is
    // allowed: the page request the cancel abandoned may reach the emulator
    // after the counter was read.
    assert!(
        requests <= 2 + candidate_pages_left + 6 + 10 + 1,
        "{requests} requests on resume"
    );
    assert!(core
        .store()
        .resume_point(&id, "candidates")
        .unwrap()
        .is_none());
    core.shutdown().await;
}
