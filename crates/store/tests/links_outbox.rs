//! Links, invites and the outbox in SQLite: one invite per link and
//! application whatever repeats, one write per interview and kind, crash
//! recovery of sends in flight, the Reports requisition filter, and the
//! notes of exports whose create went unanswered.

use reqlink_domain::{
    ApplicationRecord, CandidateRecord, ExportKind, InterviewEvent, InterviewStage, InviteState,
    LinkQuery, LinkSettings, OutboxQuery, OutboxState, Provider, ReportQuery, ReportRecord,
    StageRecord, UserRecord, WriteKind,
};
use reqlink_store::{
    ExportedRow, NewConnection, NewLink, ResumePoint, Store, SyncPage, UnconfirmedExport,
    SANDBOX_WORKSPACE_ID,
};

const GH: &str = "gh";

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    store.ensure_sandbox_workspace().unwrap();
    store
        .upsert_connection(&NewConnection {
            id: GH,
            workspace_id: SANDBOX_WORKSPACE_ID,
            provider: Provider::Greenhouse,
            label: "Greenhouse (sandbox)",
            auth_style: "Harvest API key",
            base_url: "http://127.0.0.1:1/v1",
            sandbox: true,
        })
        .unwrap();
    store
        .replace_job_stages(
            GH,
            "j1",
            &["Applied", "Screen", "Interview", "Offer"]
                .iter()
                .enumerate()
                .map(|(i, name)| StageRecord {
                    id: format!("s{i}"),
                    job_id: "j1".into(),
                    name: name.to_string(),
                    priority: i as u32,
                    active: true,
                })
                .collect::<Vec<_>>(),
        )
        .unwrap();
    (dir, store)
}

fn put_application(store: &Store, id: &str, stage: &str, at: &str) {
    store
        .put_application_event(
            GH,
            &ApplicationRecord {
                id: id.into(),
                candidate_id: format!("c-{id}"),
                job_id: Some("j1".into()),
                status: "active".into(),
                prospect: false,
                stage_id: Some(stage.into()),
                stage_name: None,
                applied_at: None,
                last_activity_at: Some(at.into()),
            },
            Some(&CandidateRecord {
                id: format!("c-{id}"),
                first_name: "Ada".into(),
                last_name: id.into(),
                email: Some(format!("{id}@example.com")),
                company: None,
                title: None,
                updated_at: Some(at.into()),
            }),
        )
        .unwrap();
}

fn link(store: &Store, posting: &str) -> i64 {
    store
        .save_links(
            &[NewLink {
                connection_id: GH.into(),
                job_id: "j1".into(),
                posting_id: posting.into(),
                posting_title: Some("Agent".into()),
                settings: LinkSettings {
                    trigger_stage_ids: vec!["s1".into()],
                    pass_threshold: Some(70.0),
                    pass_stage_id: Some("s2".into()),
                    fail_stage_id: Some("s3".into()),
                    write_note: true,
                    write_pdf: true,
                    write_move: true,
                    ..LinkSettings::default()
                },
            }],
            true,
        )
        .unwrap()
        .unwrap()[0]
}

fn report(id: &str, posting: &str) -> ReportRecord {
    ReportRecord {
        interview_id: id.into(),
        posting_id: posting.into(),
        posting_title: None,
        candidate_id: None,
        candidate_name: Some("Ada".into()),
        candidate_email: None,
        match_score: Some(80.0),
        status: Some("completed".into()),
        interviewed_at: None,
        report_at: 1_770_000_000.0,
        report_url: None,
        raw_json: "{}".into(),
        search_highlights: String::new(),
        search_lowlights: String::new(),
        search_evaluations: String::new(),
        search_transcript: String::new(),
    }
}

#[test]
fn an_application_is_invited_once_per_link_whatever_repeats() {
    let (_d, store) = fresh();
    put_application(&store, "a0", "s1", "2026-01-01T00:00:00Z");
    let link_id = link(&store, "P1");
    // Already in the trigger stage when linked: skipped, not queued.
    assert_eq!(store.plan_invites(0.0).unwrap(), 0);
    put_application(&store, "a1", "s0", "2026-01-01T00:00:00Z");
    assert_eq!(store.plan_invites(0.0).unwrap(), 0);
    put_application(&store, "a1", "s1", "2026-01-02T00:00:00Z");
    assert_eq!(store.plan_invites(0.0).unwrap(), 1);
    // Out and back in, and the same event again: nothing new.
    put_application(&store, "a1", "s0", "2026-01-03T00:00:00Z");
    put_application(&store, "a1", "s1", "2026-01-04T00:00:00Z");
    assert_eq!(store.plan_invites(0.0).unwrap(), 0);
    assert_eq!(store.plan_invites(0.0).unwrap(), 0);

    let due = store.due_invites(1.0, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].email.as_deref(), Some("a1@example.com"));
    let candidates = store.pipeline_candidates(link_id).unwrap();
    let states: Vec<_> = candidates
        .iter()
        .map(|c| (c.application_id.as_str(), c.invite_state))
        .collect();
    assert!(states.contains(&("a0", Some(InviteState::Skipped))));
    assert!(states.contains(&("a1", Some(InviteState::Queued))));
}

#[test]
fn a_send_in_flight_at_a_crash_is_unconfirmed_until_its_events_arrive() {
    let (_d, store) = fresh();
    link(&store, "P1");
    put_application(&store, "a1", "s1", "2026-01-02T00:00:00Z");
    store.plan_invites(0.0).unwrap();
    let invite = store.due_invites(1.0, 10).unwrap().remove(0);
    store.invite_sending(invite.id, "A1@Example.com").unwrap();
    assert_eq!(store.recover_sending_invites().unwrap(), 1);
    assert!(
        store.due_invites(1e12, 10).unwrap().is_empty(),
        "not resent by itself"
    );
    // Another agent's interview for the same address is not ours.
    assert!(!store
        .confirm_invite_by_email("P2", "a1@example.com", "iv-x")
        .unwrap());
    assert!(store
        .confirm_invite_by_email("P1", "a1@example.com", "iv-1")
        .unwrap());
    assert_eq!(store.invite_of_interview("iv-1").unwrap(), Some(invite.id));
}

#[test]
fn a_report_queues_each_write_once_and_failures_park_with_their_reason() {
    let (_d, store) = fresh();
    link(&store, "P1");
    put_application(&store, "a1", "s1", "2026-01-02T00:00:00Z");
    store.plan_invites(0.0).unwrap();
    let invite = store.due_invites(1.0, 10).unwrap().remove(0);
    store.invite_sending(invite.id, "a1@example.com").unwrap();
    store.invite_sent(invite.id, "iv-1", None).unwrap();
    store.upsert_report(&report("iv-1", "P1")).unwrap();

    let plan = store
        .writeback_plan("iv-1")
        .unwrap()
        .expect("our interview");
    assert_eq!(plan.match_score, Some(80.0));
    let writes = [
        (WriteKind::Note, serde_json::json!({})),
        (WriteKind::Attachment, serde_json::json!({})),
        (
            WriteKind::StageMove,
            serde_json::json!({"to_stage_id": "s2"}),
        ),
    ];
    assert_eq!(
        store.enqueue_writes(plan.invite_id, &writes, 0.0).unwrap(),
        3
    );
    assert_eq!(
        store.enqueue_writes(plan.invite_id, &writes, 0.0).unwrap(),
        0,
        "a report delivered twice writes once"
    );
    let due = store.due_writes(1.0, 10).unwrap();
    assert_eq!(due.len(), 3);
    let note = &due[0];
    store.write_attempt(note.id).unwrap();
    store
        .write_failed(note.id, "Greenhouse did not answer", Some(5.0), true)
        .unwrap();
    let again = store.due_writes(6.0, 10).unwrap();
    let retried = again.iter().find(|w| w.id == note.id).unwrap();
    assert!(retried.uncertain, "the next attempt checks the ATS first");
    assert_eq!(retried.attempts, 1);
    store
        .write_failed(note.id, "still failing", None, false)
        .unwrap();
    let dead = store
        .outbox_rows(&OutboxQuery {
            state: Some(OutboxState::Dead),
            link_id: None,
        })
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("still failing"));
    assert!(store.retry_write(note.id, 7.0).unwrap());
    store.write_done(note.id, Some("n1"), false).unwrap();
    assert!(store.discard_write(due[1].id).unwrap());
    assert!(!store.discard_write(due[1].id).unwrap());
}

#[test]
fn writes_and_invites_waiting_out_an_outage_are_due_when_the_network_is_back() {
    let (_d, store) = fresh();
    link(&store, "P1");
    put_application(&store, "a1", "s1", "2026-01-02T00:00:00Z");
    put_application(&store, "a2", "s1", "2026-01-02T00:00:00Z");
    store.plan_invites(0.0).unwrap();
    let mut due = store.due_invites(1.0, 10).unwrap();
    let (first, second) = (due.remove(0), due.remove(0));
    store.invite_sending(first.id, "a1@example.com").unwrap();
    store.invite_sent(first.id, "iv-1", None).unwrap();
    store.upsert_report(&report("iv-1", "P1")).unwrap();
    let plan = store.writeback_plan("iv-1").unwrap().unwrap();
    let writes = [
        (WriteKind::Note, serde_json::json!({})),
        (WriteKind::Attachment, serde_json::json!({})),
    ];
    store.enqueue_writes(plan.invite_id, &writes, 0.0).unwrap();
    let queued = store.due_writes(1.0, 10).unwrap();
    // The note never reached the ATS; the attachment was rate limited.
    store
        .write_failed(
            queued[0].id,
            "could not reach Greenhouse (POST /notes): could not connect",
            Some(500.0),
            false,
        )
        .unwrap();
    store
        .write_failed(
            queued[1].id,
            "Greenhouse is rate limiting",
            Some(500.0),
            false,
        )
        .unwrap();
    store.invite_sending(second.id, "a2@example.com").unwrap();
    store
        .invite_failed(
            second.id,
            "could not reach the interview platform (POST /c): could not connect",
            Some(500.0),
            false,
        )
        .unwrap();
    assert!(store.due_writes(10.0, 10).unwrap().is_empty());
    assert!(store.due_invites(10.0, 10).unwrap().is_empty());

    assert_eq!(
        store.retry_unreached_now("could not reach ", 10.0).unwrap(),
        2
    );
    let writes: Vec<_> = store.due_writes(10.0, 10).unwrap();
    assert_eq!(writes.len(), 1, "a rate-limited write still waits as told");
    assert_eq!(writes[0].id, queued[0].id);
    assert_eq!(store.due_invites(10.0, 10).unwrap().len(), 1);
}

#[test]
fn the_timeline_shows_each_interview_step_once_at_the_platforms_time() {
    let (_d, store) = fresh();
    let link_id = link(&store, "P1");
    put_application(&store, "a1", "s1", "2026-01-02T00:00:00Z");
    store.plan_invites(0.0).unwrap();
    let invite = store.due_invites(1.0, 10).unwrap().remove(0);
    store.invite_sending(invite.id, "a1@example.com").unwrap();
    store.invite_sent(invite.id, "iv-1", None).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let step = |stage, at| InterviewEvent {
        interview_id: "iv-1".into(),
        posting_id: "P1".into(),
        candidate_id: None,
        candidate_name: None,
        candidate_email: None,
        stage,
        at,
    };
    // Completed arrives first, and started is delivered twice.
    store
        .record_interview_event(&step(InterviewStage::Completed, now + 600.0))
        .unwrap();
    store
        .record_interview_event(&step(InterviewStage::Started, now + 60.0))
        .unwrap();
    store
        .record_interview_event(&step(InterviewStage::Started, now + 60.0))
        .unwrap();
    let mut report = report("iv-1", "P1");
    report.report_at = now + 700.0;
    store.upsert_report(&report).unwrap();

    let candidate = store
        .pipeline_candidates(link_id)
        .unwrap()
        .into_iter()
        .find(|c| c.application_id == "a1")
        .unwrap();
    let kinds: Vec<_> = candidate
        .timeline
        .iter()
        .map(|e| e.kind.as_str())
        .filter(|k| k.starts_with("interview_") || *k == "report_received")
        .collect();
    assert_eq!(
        kinds,
        [
            "interview_started",
            "interview_completed",
            "report_received"
        ],
        "{:?}",
        candidate.timeline
    );
    let sent = candidate
        .timeline
        .iter()
        .position(|e| e.kind == "invite_sent");
    let started = candidate
        .timeline
        .iter()
        .position(|e| e.kind == "interview_started");
    assert!(sent < started, "{:?}", candidate.timeline);
}

#[test]
fn reports_filter_by_requisition_through_links_and_invites() {
    let (_d, store) = fresh();
    let first = link(&store, "P1");
    put_application(&store, "a1", "s1", "2026-01-02T00:00:00Z");
    store.plan_invites(0.0).unwrap();
    let invite = store.due_invites(1.0, 10).unwrap().remove(0);
    store.invite_sent(invite.id, "iv-invited", None).unwrap();
    // The job later moved to another agent: its earlier invites still count.
    link(&store, "P2");
    store
        .upsert_reports(&[
            report("iv-invited", "P1"),
            report("iv-p2", "P2"),
            report("iv-elsewhere", "P3"),
        ])
        .unwrap();
    let page = store
        .list_reports(&ReportQuery {
            connection_id: Some(GH.into()),
            job_id: Some("j1".into()),
            ..Default::default()
        })
        .unwrap();
    let mut ids: Vec<_> = page.items.iter().map(|r| r.interview_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, vec!["iv-invited", "iv-p2"]);
    let links = store
        .links(&LinkQuery {
            include_inactive: true,
            ..LinkQuery::default()
        })
        .unwrap();
    assert_eq!(links.len(), 2);
    assert!(!links.iter().find(|l| l.id == first).unwrap().active);
}

#[test]
fn only_active_mapped_users_act() {
    let (_d, store) = fresh();
    let users = [
        UserRecord {
            id: "u1".into(),
            name: "Off".into(),
            email: None,
            disabled: true,
        },
        UserRecord {
            id: "u2".into(),
            name: "On".into(),
            email: Some("on@example.com".into()),
            disabled: false,
        },
    ];
    store
        .apply_sync_page(
            GH,
            "users",
            SyncPage {
                users: &users,
                jobs: &[],
                candidates: &[],
                applications: &[],
            },
            &ResumePoint {
                since: None,
                next: None,
                newest: None,
                done: 2,
            },
        )
        .unwrap();
    let me = store.console_users().unwrap()[0].id.clone();
    store.set_user_mapping(GH, &me, Some("u1")).unwrap();
    assert_eq!(store.acting_ats_user(GH).unwrap(), None);
    store.set_user_mapping(GH, &me, Some("u2")).unwrap();
    assert_eq!(store.acting_ats_user(GH).unwrap().as_deref(), Some("u2"));
}

#[test]
fn an_invite_read_before_unlink_is_not_sent_after_it() {
    let (_d, store) = fresh();
    let link_id = link(&store, "P1");
    put_application(&store, "a1", "s1", "2026-01-02T00:00:00Z");
    store.plan_invites(0.0).unwrap();
    let invite = store.due_invites(1.0, 10).unwrap().remove(0);
    assert!(store.unlink(link_id).unwrap());
    assert!(
        !store.invite_sending(invite.id, "a1@example.com").unwrap(),
        "the worker's copy is stale: nothing goes out"
    );
    assert!(!store.requeue_invite(invite.id, 2.0).unwrap());
    assert!(store.due_invites(1e12, 10).unwrap().is_empty());
}

#[test]
fn adding_a_trigger_stage_later_does_not_invite_everyone_in_it() {
    let (_d, store) = fresh();
    link(&store, "P1");
    put_application(&store, "a1", "s2", "2026-01-02T00:00:00Z");
    // Same agent, trigger stages now s1 and s2: a1 sits in s2 already.
    store
        .save_links(
            &[NewLink {
                connection_id: GH.into(),
                job_id: "j1".into(),
                posting_id: "P1".into(),
                posting_title: None,
                settings: LinkSettings {
                    trigger_stage_ids: vec!["s1".into(), "s2".into()],
                    write_note: true,
                    ..LinkSettings::default()
                },
            }],
            false,
        )
        .unwrap()
        .unwrap();
    assert_eq!(store.plan_invites(0.0).unwrap(), 0);
}

fn unconfirmed(interview: &str, email: Option<&str>, at: &str) -> UnconfirmedExport {
    UnconfirmedExport {
        interview_id: interview.into(),
        kind: ExportKind::Candidate,
        email: email.map(Into::into),
        attempted_at: at.into(),
        detail: "HTTP 504 on POST /v1/candidates".into(),
    }
}

#[test]
fn an_unconfirmed_export_is_kept_per_connection_until_recorded_or_cleared() {
    let (_dir, store) = fresh();
    let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(store
        .unconfirmed_exports(GH, &ids(&["iv-1"]))
        .unwrap()
        .is_empty());

    let first = unconfirmed("iv-1", Some("ada@example.com"), "2026-03-01T10:00:00.000Z");
    store.record_unconfirmed_export(GH, &first).unwrap();
    store
        .record_unconfirmed_export(GH, &unconfirmed("iv-2", None, "2026-03-01T10:00:01.000Z"))
        .unwrap();
    let found = store
        .unconfirmed_exports(GH, &ids(&["iv-1", "iv-2", "iv-3"]))
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found["iv-1"], first);
    assert_eq!(found["iv-2"].email, None);
    assert!(
        store
            .unconfirmed_exports("other", &ids(&["iv-1"]))
            .unwrap()
            .is_empty(),
        "per connection"
    );

    // A second lost answer replaces the first note.
    let second = UnconfirmedExport {
        kind: ExportKind::Prospect,
        attempted_at: "2026-03-01T11:00:00.000Z".into(),
        detail: "no answer in time to POST /v1/prospects".into(),
        ..first.clone()
    };
    store.record_unconfirmed_export(GH, &second).unwrap();
    assert_eq!(
        store.unconfirmed_exports(GH, &ids(&["iv-1"])).unwrap()["iv-1"],
        second
    );

    // Recording the export forgets the note; clearing forgets it too.
    let row = ExportedRow {
        interview_id: "iv-1".into(),
        ats_candidate_id: "4711".into(),
        kind: ExportKind::Prospect,
        exported_at: "2026-03-01T11:05:00.000Z".into(),
    };
    assert!(store.record_export(&row, GH).unwrap());
    assert!(store
        .unconfirmed_exports(GH, &ids(&["iv-1"]))
        .unwrap()
        .is_empty());
    assert!(store.clear_unconfirmed_export(GH, "iv-2").unwrap());
    assert!(!store.clear_unconfirmed_export(GH, "iv-2").unwrap());
    assert!(store
        .unconfirmed_exports(GH, &ids(&["iv-1", "iv-2"]))
        .unwrap()
        .is_empty());
}

#[test]
fn an_export_recorded_twice_keeps_a_newer_unconfirmed_note() {
    let (_dir, store) = fresh();
    let row = ExportedRow {
        interview_id: "iv-1".into(),
        ats_candidate_id: "4711".into(),
        kind: ExportKind::Candidate,
        exported_at: "2026-03-01T11:05:00.000Z".into(),
    };
    assert!(store.record_export(&row, GH).unwrap());
    // Only a new mark clears a note; a refused duplicate changes nothing.
    store
        .record_unconfirmed_export(GH, &unconfirmed("iv-1", None, "2026-03-02T00:00:00.000Z"))
        .unwrap();
    assert!(!store.record_export(&row, GH).unwrap());
    assert_eq!(
        store
            .unconfirmed_exports(GH, &["iv-1".to_string()])
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn deleting_a_connection_drops_its_unconfirmed_exports() {
    let (_dir, store) = fresh();
    store
        .record_unconfirmed_export(GH, &unconfirmed("iv-1", None, "2026-03-02T00:00:00.000Z"))
        .unwrap();
    store.delete_connection(GH).unwrap();
    assert!(store
        .unconfirmed_exports(GH, &["iv-1".to_string()])
        .unwrap()
        .is_empty());
}
