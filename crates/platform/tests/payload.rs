//! Webhook payload parsing against the examples in
//! `shared/seeds/heymilo-webhooks-api.txt` (copied verbatim into
//! `tests/fixtures/`).

use reqlink_platform::payload::{
    parse_event, InterviewCompleted, InterviewStarted, PayloadError, PlatformEvent,
    ReportAvailable, MAX_ID_CHARS,
};
use reqlink_platform::EventType;
use serde_json::{json, Value};

const STARTED: &str = include_str!("fixtures/interview_started.json");
const COMPLETED: &str = include_str!("fixtures/interview_completed.json");
const REPORT: &str = include_str!("fixtures/report_available.json");

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn set(value: &mut Value, pointer: &str, new: Value) {
    *value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} exists in the fixture")) = new;
}

fn started(body: &[u8]) -> InterviewStarted {
    match parse_event("interview_started", body).unwrap() {
        PlatformEvent::InterviewStarted(e) => e,
        other => panic!("wrong variant: {other:?}"),
    }
}

fn completed(body: &[u8]) -> InterviewCompleted {
    match parse_event("interview_completed", body).unwrap() {
        PlatformEvent::InterviewCompleted(e) => e,
        other => panic!("wrong variant: {other:?}"),
    }
}

fn report(body: &[u8]) -> ReportAvailable {
    match parse_event("report_available", body).unwrap() {
        PlatformEvent::ReportAvailable(e) => *e,
        other => panic!("wrong variant: {other:?}"),
    }
}

fn schema_error(event_type: &str, body: &[u8]) -> (String, String) {
    match parse_event(event_type, body) {
        Err(PayloadError::Schema { path, message }) => (path, message),
        other => panic!("expected a schema error, got {other:?}"),
    }
}

#[test]
fn interview_started_example_parses() {
    let event = parse_event("interview_started", STARTED.as_bytes()).unwrap();
    assert_eq!(event.event_type(), EventType::InterviewStarted);
    assert_eq!(event.interview_id(), "A1B2C3D4E5F60718");
    assert_eq!(event.posting_id(), "F9E8D7C6");

    let e = started(STARTED.as_bytes());
    assert_eq!(e.timestamp, 1770816760.310334);
    assert_eq!(e.metadata.candidate_name, "Jane Doe");
    assert_eq!(e.metadata.candidate_email, "jane.doe@example.com");
    assert_eq!(e.metadata.candidate_id, "B4C5D6E7");
    let inner = e.metadata.metadata.as_ref().unwrap();
    assert_eq!(inner.source.as_deref(), Some("user_ingestion"));
    assert_eq!(inner.job_id.as_deref(), Some("F9E8D7C6"));
    assert_eq!(inner.candidate_metadata_id, None);
    assert_eq!(inner.resume_url, None);
    assert!(inner.extra.is_empty());
}

#[test]
fn interview_completed_example_parses() {
    let e = completed(COMPLETED.as_bytes());
    assert_eq!(e.interview_id, "A1B2C3D4E5F60718");
    assert_eq!(e.agent_conversation_id, "");
    assert_eq!(e.parent_conversation_id, "7A8B9C0D1E2F3A4B");
    assert_eq!(e.engagement_id, "");
    assert_eq!(e.posting_id, "F9E8D7C6");
    assert_eq!(e.timestamp, 1770810397.0832531);
    assert!(e.workflow_completed);
    assert_eq!(e.completion_timestamp, 1770810397.0827055);
}

#[test]
fn report_available_example_parses() {
    let r = report(REPORT.as_bytes());
    assert_eq!(r.interview_id, "A1B2C3D4E5F60718");
    assert_eq!(r.posting_id, "F9E8D7C6");
    assert_eq!(r.interview_type, "web_interview");
    assert_eq!(r.timestamp, 1770817943.3959253);
    assert_eq!(
        r.report_url(),
        Some("https://cdn.heymilo.ai/reports/MOCK_REPORT_HASH/jane-doe-2026-02-11.pdf")
    );
    let inner = r.metadata.metadata.as_ref().unwrap();
    assert_eq!(
        inner.candidate_metadata_id.as_deref(),
        Some("550e8400-e29b-41d4-a716-446655440000")
    );
    assert!(inner
        .resume_url
        .as_deref()
        .unwrap()
        .ends_with("Jane_Doe_12345678.pdf"));
    assert_eq!(inner.source, None);

    // Accessors.
    assert_eq!(r.match_score(), Some(78.0));
    assert_eq!(r.highlights().len(), 3);
    assert_eq!(
        r.highlights()[0],
        "Demonstrated strong understanding of core technical concepts."
    );
    assert_eq!(r.lowlights().len(), 2);
    assert_eq!(r.candidate_name(), Some("Jane Doe"));
    assert_eq!(r.candidate_email(), Some("jane.doe@example.com"));
    assert_eq!(r.posting_title(), Some("Senior Software Engineer"));
    assert!(r
        .posting_description_html()
        .unwrap()
        .starts_with("<p><strong>About the Role</strong></p>"));
    assert_eq!(r.interviewed_on(), Some(1770817918.4658782));
    assert!(r.audio_recording_link().unwrap().ends_with("tmp_audio.wav"));
    assert!(r.video_recording_link().unwrap().ends_with("tmp_video.mp4"));

    // Scorecard.
    let questions = r.questions();
    assert_eq!(questions.len(), 2);
    let q1 = &questions[0];
    assert_eq!(q1.question_id, "Q1A2B3C4");
    assert_eq!(q1.preview_timestamp, 28.0);
    assert_eq!(q1.evaluation_score, 7.0);
    assert_eq!(q1.rank, 1.0);
    assert_eq!(q1.score_weight, 5.0);
    assert!(!q1.not_scored);
    assert!(q1.score_of_1.starts_with("Very vague"));
    assert!(q1.score_of_5.starts_with("Gives a clear"));
    assert!(q1.evaluation_summary.contains('\n'));
    assert!(q1.evaluation_criteria.starts_with("A good answer"));
    let q2 = &questions[1];
    assert_eq!(q2.question_id, "Q5D6E7F8");
    assert_eq!(q2.rank, 2.0);
    let stamps: Vec<&str> = q2
        .chat_transcript
        .iter()
        .map(|t| t.timestamp_str.as_str())
        .collect();
    assert_eq!(stamps, ["04:34", "06:58"]);
    assert_eq!(q2.chat_transcript[1].timestamp, 418.0);
    assert_eq!(q2.chat_transcript[0].speaker, "Candidate");

    let info = r.agentic_data.web_interview_info.as_ref().unwrap();
    assert_eq!(info.scorecard.tags.len(), 3);
    assert_eq!(info.scorecard.match_details.len(), 5);
    assert_eq!(info.communication.speech_score, -1.0);
    assert!(info.communication.evaluations.is_empty());
    assert_eq!(info.communication.template_id, None);

    // Transcript.
    let transcript = r.transcript();
    assert_eq!(transcript.len(), 3);
    assert_eq!(transcript[0].speaker, "bot");
    assert_eq!(transcript[2].timestamp_str, "13:50");

    // Interview data model.
    let model = &r.interview_data_model;
    assert_eq!(model.resume_interview_info, None);
    assert_eq!(model.sms_interview_info, None);
    assert_eq!(model.form_interview_info, None);
    let copy = model.web_interview_info.as_ref().unwrap();
    assert_eq!(copy.scorecard.questions.len(), 1);
    assert_eq!(copy.scorecard.questions[0].extracted_text, None);
    assert_eq!(copy.transcript.transcript.len(), 2);

    let details = &model.details;
    assert_eq!(details.candidate_id, "B4C5D6E7F8091A2B");
    assert_eq!(details.score, 0.0);
    assert_eq!(details.actions, None);
    assert_eq!(details.status, None);
    assert_eq!(details.candidate_feedback, None);
    assert_eq!(details.candidate_next_steps, None);
    assert_eq!(
        details.candidate_interview_url,
        "https://gointerview.co/example-company/i/A1B2C3D4E5F60718"
    );
    let workflow = &details.workflow_status;
    assert!(workflow.all_complete);
    assert_eq!(workflow.last_engagement, 1770817918.4658782);
    assert_eq!(workflow.metadata, None);
    assert_eq!(workflow.step_by_step.len(), 1);
    let step = &workflow.step_by_step[0];
    assert!(step.complete && step.started && !step.required && !step.knocked_out);
    assert_eq!(step.order, 1.0);
    assert_eq!(step.id, "web_interview");
    assert_eq!(step.raw_status, "INTERVIEW_PROCESSED_RAW_FILES");
    assert_eq!(step.completion_percentage, 1.0);
    assert_eq!(step.total_duration, None);
    assert_eq!(
        step.details.as_ref().unwrap().title,
        "Interview Processed Successfully"
    );
    assert!(step.state_flags.is_completed);
    assert!(!step.state_flags.is_incomplete);
    assert!(!step.state_flags.is_analyzing_call);
    assert!(!step.state_flags.is_in_progress);
    let web = details.metadata.web_interview.as_ref().unwrap();
    assert_eq!(web.final_score, Some(78.0));
    assert_eq!(web.skill_highlights.len(), 3);
    assert!(web.audio_recording_link.is_some() && web.video_recording_link.is_some());
    assert_eq!(details.metadata.resume, None);
    assert_eq!(details.metadata.sms, None);
    assert_eq!(details.metadata.form, None);

    let company = &model.company_info;
    assert_eq!(company.company_id, "COMP1234");
    assert_eq!(company.workspace_id, "WS5678");
    assert_eq!(company.name, "Example Corp");
    assert_eq!(company.updated_at, None);
    assert_eq!(company.interview_completion_confidence_threshold, 0.7);
    assert_eq!(company.pbac_enabled, None);
    assert_eq!(
        company.base_web_interview_config.as_ref().unwrap()["avatar_image_url"],
        Value::Null
    );

    let posting = &model.posting_info;
    assert_eq!(posting.posting_id, "F9E8D7C6");
    assert_eq!(posting.name, "abc-def-123-456-789");
    assert_eq!(posting.internal_name, None);
    assert_eq!(posting.deadline, 1833235200.0);
    assert!(posting.finalized && !posting.archived && !posting.test_posting);
    assert_eq!(posting.mascot_id, "MASCOT123456");
    assert!(posting.sourcing_config_ids.is_empty());
    assert_eq!(posting.days_to_complete, None);
    assert_eq!(
        posting.root_level_configs.as_ref().unwrap()["interviewer_name"],
        "Sarah"
    );
    assert_eq!(posting.agentic_workflow.len(), 1);
    assert_eq!(posting.agentic_workflow[0].step_type, "web_interview");
    assert_eq!(
        posting.agentic_workflow[0].config.as_ref().unwrap()["num_questions"],
        5
    );
    let step_workflow = posting.step_workflow.as_ref().unwrap();
    assert_eq!(
        step_workflow.workflow.as_ref().unwrap().workflow_id,
        "wf_F9E8D7C6"
    );
    assert_eq!(step_workflow.steps.len(), 1);
    assert_eq!(step_workflow.steps[0].step_type, "web_interview");
    assert_eq!(step_workflow.steps[0].rank, 1.0);
}

/// Drops `null`-valued keys and reads every number as `f64`, so a typed
/// round trip can be compared with the raw example.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Number(n) => json!(n.as_f64().unwrap()),
        other => other.clone(),
    }
}

/// Every field in the seed's examples is modelled: serialising the typed
/// structs reproduces the example (modulo `null` vs absent and `78` vs
/// `78.0`), and the typed output adds no field the example lacks.
#[test]
fn the_typed_structs_cover_every_field_of_the_examples() {
    let cases: [(&str, &str); 3] = [
        ("interview_started", STARTED),
        ("interview_completed", COMPLETED),
        ("report_available", REPORT),
    ];
    for (event_type, text) in cases {
        let typed = match parse_event(event_type, text.as_bytes()).unwrap() {
            PlatformEvent::InterviewStarted(e) => serde_json::to_value(e),
            PlatformEvent::InterviewCompleted(e) => serde_json::to_value(e),
            PlatformEvent::ReportAvailable(e) => serde_json::to_value(e),
        }
        .unwrap();
        assert_eq!(
            normalize(&typed),
            normalize(&fixture(text)),
            "{event_type} did not survive a typed round trip"
        );
    }
}

#[test]
fn serialised_events_parse_back_equal() {
    let s = started(STARTED.as_bytes());
    assert_eq!(started(&serde_json::to_vec(&s).unwrap()), s);
    let c = completed(COMPLETED.as_bytes());
    assert_eq!(completed(&serde_json::to_vec(&c).unwrap()), c);
    let r = report(REPORT.as_bytes());
    assert_eq!(report(&serde_json::to_vec(&r).unwrap()), r);

    // A sparse report round-trips too (defaults, the -1 speech score, and
    // extra inner-metadata keys).
    let sparse = report(
        br#"{"interview_id":"i","posting_id":"p","metadata":{"metadata":{"x":1}},
             "agentic_data":{"web_interview_info":{"summary":{}}}}"#,
    );
    assert_eq!(report(&serde_json::to_vec(&sparse).unwrap()), sparse);
}

#[test]
fn a_null_inner_metadata_is_accepted() {
    let mut body = fixture(STARTED);
    set(&mut body, "/metadata/metadata", Value::Null);
    assert_eq!(started(&bytes(&body)).metadata.metadata, None);

    let mut body = fixture(REPORT);
    set(&mut body, "/metadata/metadata", Value::Null);
    let r = report(&bytes(&body));
    assert_eq!(r.metadata.metadata, None);
    assert_eq!(r.candidate_name(), Some("Jane Doe"));
}

#[test]
fn a_report_without_web_interview_info_has_empty_accessors() {
    // Only the agentic copy missing: the interview data model's duplicate
    // is used.
    let mut body = fixture(REPORT);
    set(&mut body, "/agentic_data/web_interview_info", Value::Null);
    let r = report(&bytes(&body));
    assert!(r.agentic_data.web_interview_info.is_none());
    assert_eq!(r.match_score(), Some(78.0));
    assert_eq!(r.questions().len(), 1);

    // Both missing: every analysis accessor is empty.
    set(
        &mut body,
        "/interview_data_model/web_interview_info",
        Value::Null,
    );
    let r = report(&bytes(&body));
    assert!(r.web_interview_info().is_none());
    assert_eq!(r.match_score(), None);
    assert!(r.highlights().is_empty());
    assert!(r.lowlights().is_empty());
    assert!(r.questions().is_empty());
    assert!(r.transcript().is_empty());
    assert_eq!(r.audio_recording_link(), None);
    assert_eq!(r.video_recording_link(), None);
    // The rest of the report is still there.
    assert_eq!(r.candidate_name(), Some("Jane Doe"));
    assert_eq!(r.posting_title(), Some("Senior Software Engineer"));
}

#[test]
fn a_minimal_report_parses_with_defaults() {
    let r = report(br#"{"interview_id":"i","posting_id":"p"}"#);
    assert_eq!(r.match_score(), None);
    assert!(r.questions().is_empty());
    assert_eq!(r.candidate_name(), None);
    assert_eq!(r.candidate_email(), None);
    assert_eq!(r.posting_title(), None);
    assert_eq!(r.posting_description_html(), None);
    assert_eq!(r.interviewed_on(), None);
    assert_eq!(r.report_url(), None);

    // Candidate identity falls back to the interview details.
    let r = report(
        br#"{"interview_id":"i","posting_id":"p",
             "interview_data_model":{"details":{"name":"Jo","email":"jo@example.com"}},
             "agentic_data":{"web_interview_info":{"communication":{"interview_id":"i"}}}}"#,
    );
    assert_eq!(r.candidate_name(), Some("Jo"));
    assert_eq!(r.candidate_email(), Some("jo@example.com"));
    let info = r.web_interview_info().unwrap();
    assert_eq!(
        info.communication.speech_score, -1.0,
        "missing = not scored"
    );
    assert_eq!(info.summary.match_score, None);
}

#[test]
fn null_in_non_nullable_fields_reads_as_absent() {
    let mut body = fixture(REPORT);
    for pointer in [
        "/agentic_data/web_interview_info/summary/highlights",
        "/agentic_data/web_interview_info/scorecard/questions/1/chat_transcript",
        "/agentic_data/web_interview_info/scorecard/questions/0/rank",
        "/agentic_data/web_interview_info/communication/speech_score",
        "/interview_data_model/posting_info/title",
        "/interview_data_model/details/workflow_status",
        "/metadata",
        "/report_url",
    ] {
        set(&mut body, pointer, Value::Null);
    }
    let r = report(&bytes(&body));
    assert!(r.highlights().is_empty());
    assert!(r.questions()[1].chat_transcript.is_empty());
    assert_eq!(r.questions()[0].rank, 0.0);
    assert_eq!(
        r.web_interview_info().unwrap().communication.speech_score,
        -1.0
    );
    assert_eq!(r.posting_title(), None);
    assert!(r
        .interview_data_model
        .details
        .workflow_status
        .step_by_step
        .is_empty());
    // The candidate metadata is gone; the details still name the candidate.
    assert_eq!(r.candidate_name(), Some("Jane Doe"));
    assert_eq!(r.report_url(), None);
}

#[test]
fn unknown_extra_fields_are_tolerated() {
    let mut body = fixture(REPORT);
    body["new_top_level"] = json!({"anything": [1, 2, 3]});
    body["agentic_data"]["new_analysis"] = json!(true);
    body["agentic_data"]["web_interview_info"]["scorecard"]["questions"][0]["difficulty"] =
        json!("hard");
    body["interview_data_model"]["company_info"]["brand_new_flag"] = json!(null);
    body["metadata"]["metadata"]["utm_campaign"] = json!("spring");
    let r = report(&bytes(&body));
    assert_eq!(r.match_score(), Some(78.0));
    assert_eq!(
        r.metadata.metadata.as_ref().unwrap().extra["utm_campaign"],
        "spring"
    );

    let mut body = fixture(STARTED);
    body["attempt"] = json!(2);
    assert_eq!(started(&bytes(&body)).interview_id, "A1B2C3D4E5F60718");
    let mut body = fixture(COMPLETED);
    body["attempt"] = json!(2);
    assert!(completed(&bytes(&body)).workflow_completed);
}

#[test]
fn integers_may_arrive_as_floats_and_floats_as_integers() {
    let mut body = fixture(REPORT);
    set(
        &mut body,
        "/agentic_data/web_interview_info/summary/match_score",
        json!(78.0),
    );
    let q = "/agentic_data/web_interview_info/scorecard/questions/0";
    set(&mut body, &format!("{q}/preview_timestamp"), json!(28.5));
    set(&mut body, &format!("{q}/evaluation_score"), json!(7.0));
    set(&mut body, &format!("{q}/rank"), json!(1.0));
    set(&mut body, &format!("{q}/score_weight"), json!(2.5));
    set(
        &mut body,
        &format!("{q}/chat_transcript/0/timestamp"),
        json!(28.5),
    );
    set(&mut body, "/timestamp", json!(1770817943));
    set(
        &mut body,
        "/interview_data_model/posting_info/deadline",
        json!(1833235200.0),
    );
    set(
        &mut body,
        "/interview_data_model/details/workflow_status/step_by_step/0/order",
        json!(1.0),
    );
    let r = report(&bytes(&body));
    assert_eq!(r.match_score(), Some(78.0));
    assert_eq!(r.questions()[0].preview_timestamp, 28.5);
    assert_eq!(r.questions()[0].evaluation_score, 7.0);
    assert_eq!(r.questions()[0].rank, 1.0);
    assert_eq!(r.questions()[0].chat_transcript[0].timestamp, 28.5);
    assert_eq!(r.timestamp, 1770817943.0);

    let mut body = fixture(STARTED);
    set(&mut body, "/timestamp", json!(1770816760));
    assert_eq!(started(&bytes(&body)).timestamp, 1770816760.0);
}

#[test]
fn a_string_match_score_is_a_schema_error_naming_the_path() {
    let mut body = fixture(REPORT);
    set(
        &mut body,
        "/agentic_data/web_interview_info/summary/match_score",
        json!("78"),
    );
    let (path, message) = schema_error("report_available", &bytes(&body));
    assert_eq!(path, "agentic_data.web_interview_info.summary.match_score");
    assert!(message.contains("invalid type: string"), "{message}");
    assert!(message.contains("expected f64"), "{message}");

    let err = parse_event("report_available", &bytes(&body)).unwrap_err();
    assert!(err
        .to_string()
        .contains("agentic_data.web_interview_info.summary.match_score"));
}

#[test]
fn schema_errors_name_array_indexes() {
    let mut body = fixture(REPORT);
    set(
        &mut body,
        "/agentic_data/web_interview_info/scorecard/questions/1/chat_transcript/0/timestamp",
        json!("04:34"),
    );
    let (path, _) = schema_error("report_available", &bytes(&body));
    assert_eq!(
        path,
        "agentic_data.web_interview_info.scorecard.questions[1].chat_transcript[0].timestamp"
    );

    let mut body = fixture(REPORT);
    set(&mut body, "/interview_data_model/details", json!("done"));
    let (path, message) = schema_error("report_available", &bytes(&body));
    assert_eq!(path, "interview_data_model.details");
    assert!(message.contains("invalid type: string"), "{message}");
}

#[test]
fn a_match_score_outside_0_to_100_is_a_schema_error() {
    for (pointer, score) in [
        (
            "/agentic_data/web_interview_info/summary/match_score",
            101.0,
        ),
        ("/agentic_data/web_interview_info/summary/match_score", -1.0),
        (
            "/interview_data_model/web_interview_info/summary/match_score",
            100.5,
        ),
    ] {
        let mut body = fixture(REPORT);
        set(&mut body, pointer, json!(score));
        let (path, message) = schema_error("report_available", &bytes(&body));
        assert_eq!(path, pointer.trim_start_matches('/').replace('/', "."));
        assert!(message.contains("0..=100"), "{message}");
    }
    // The bounds themselves are fine.
    for score in [0, 100] {
        let mut body = fixture(REPORT);
        set(
            &mut body,
            "/agentic_data/web_interview_info/summary/match_score",
            json!(score),
        );
        assert_eq!(report(&bytes(&body)).match_score(), Some(score as f64));
    }
}

#[test]
fn a_body_that_is_not_json_is_invalid_json() {
    for body in [&b"not json"[..], b"", b"{\"interview_id\": ", b"\xff\xfe"] {
        for event_type in [
            "interview_started",
            "interview_completed",
            "report_available",
        ] {
            assert!(
                matches!(
                    parse_event(event_type, body),
                    Err(PayloadError::InvalidJson { .. })
                ),
                "{event_type} {body:?}"
            );
        }
    }
}

#[test]
fn json_that_is_not_an_object_is_a_schema_error_at_the_root() {
    for body in [&b"[1, 2]"[..], b"\"x\"", b"null", b"42"] {
        let (path, message) = schema_error("interview_started", body);
        assert_eq!(path, "(root)");
        assert!(message.starts_with("expected a JSON object"), "{message}");
    }
}

#[test]
fn a_missing_identity_field_is_a_schema_error() {
    let cases: [(&str, &str); 3] = [
        ("interview_started", STARTED),
        ("interview_completed", COMPLETED),
        ("report_available", REPORT),
    ];
    for (event_type, text) in cases {
        for field in ["interview_id", "posting_id"] {
            let mut body = fixture(text);
            body.as_object_mut().unwrap().remove(field);
            let (path, message) = schema_error(event_type, &bytes(&body));
            assert_eq!(path, field, "{event_type}");
            assert!(message.contains("missing field"), "{message}");

            let mut body = fixture(text);
            body[field] = Value::Null;
            let (path, _) = schema_error(event_type, &bytes(&body));
            assert_eq!(path, field, "{event_type}: null {field}");
        }
    }
}

#[test]
fn identity_fields_must_be_non_empty_and_at_most_200_characters() {
    for bad in [
        String::new(),
        "   ".to_string(),
        "x".repeat(MAX_ID_CHARS + 1),
    ] {
        for field in ["interview_id", "posting_id"] {
            let mut body = fixture(COMPLETED);
            body[field] = json!(bad);
            let (path, _) = schema_error("interview_completed", &bytes(&body));
            assert_eq!(path, field);
        }
    }
    // Exactly 200 characters (multi-byte ones included) is fine.
    let mut body = fixture(REPORT);
    body["interview_id"] = json!("é".repeat(MAX_ID_CHARS));
    assert_eq!(
        report(&bytes(&body)).interview_id.chars().count(),
        MAX_ID_CHARS
    );
}

#[test]
fn an_unknown_event_type_is_rejected_before_the_body_is_read() {
    for event_type in [
        "interview_cancelled",
        "",
        "Report_Available",
        " report_available",
    ] {
        match parse_event(event_type, REPORT.as_bytes()) {
            Err(PayloadError::UnknownEventType(got)) => assert_eq!(got, event_type),
            other => panic!("{event_type:?}: {other:?}"),
        }
    }
    assert!(matches!(
        parse_event("nope", b"not json"),
        Err(PayloadError::UnknownEventType(_))
    ));
}

#[test]
fn a_body_of_another_event_type_is_still_checked_for_identity() {
    // A started payload delivered on a report subscription parses (every
    // report section is optional) but keeps its identity.
    let r = report(STARTED.as_bytes());
    assert_eq!(r.candidate_name(), Some("Jane Doe"));
    assert_eq!(r.match_score(), None);
    // A report on a completed subscription carries both ids, so it parses.
    let c = completed(REPORT.as_bytes());
    assert_eq!(c.posting_id, "F9E8D7C6");
}

#[test]
fn payload_errors_become_invalid_input_api_errors() {
    let err = parse_event("report_available", b"{}").unwrap_err();
    let api: reqlink_domain::ApiError = err.into();
    assert_eq!(api.code, reqlink_domain::ErrorCode::InvalidInput);
    assert!(api.message.contains("interview_id"), "{}", api.message);
}
