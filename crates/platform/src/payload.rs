//! Typed webhook payloads for the three event types the interview platform
//! delivers (`interview_started`, `interview_completed`, `report_available`),
//! field for field as `shared/seeds/heymilo-webhooks-api.txt` documents them.
//!
//! Deliveries are untrusted input, so parsing is deliberately tolerant of
//! harmless variation and strict about identity:
//!
//! * `interview_id` and `posting_id` at the top level are required,
//!   non-empty and at most [`MAX_ID_CHARS`] characters.
//! * Every other field may be missing, and an explicit `null` is treated as
//!   missing: fields the contract marks nullable are `Option<T>`, the rest
//!   fall back to their default (empty string, empty list, `false`, `0`).
//! * Every number is an `f64`, so a sender writing `78` or `78.0`, `28` or
//!   `28.5` parses the same.
//! * Unknown fields are ignored (the candidate's inner metadata keeps them in
//!   [`InnerMetadata::extra`]).
//! * A summary's `match_score`, when present, must lie in `0..=100`.
//! * The body must be a JSON object. (Nested objects follow serde's usual
//!   rule and would also accept a positional array; no sender does that.)
//!
//! Wrong shapes are reported as [`PayloadError::Schema`] with the JSON path
//! of the offending field, e.g.
//! `agentic_data.web_interview_info.summary.match_score: invalid type: string "78", expected f64`.

use reqlink_domain::{ApiError, ErrorCode};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::EventType;

/// Longest accepted `interview_id` / `posting_id`, in characters.
pub const MAX_ID_CHARS: usize = 200;

/// Error messages quote pieces of the untrusted body; keep them short.
const MAX_MESSAGE_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The event type is not one of the three the platform documents.
    #[error("unknown webhook event type \"{0}\"")]
    UnknownEventType(String),
    /// The body is not JSON at all.
    #[error("the webhook body is not valid JSON: {message}")]
    InvalidJson { message: String },
    /// The body is JSON but not the documented shape. `path` is the dotted
    /// JSON path of the offending field (`(root)` for the body itself).
    #[error("the webhook payload is invalid at {path}: {message}")]
    Schema { path: String, message: String },
}

impl From<PayloadError> for ApiError {
    fn from(err: PayloadError) -> Self {
        ApiError::new(ErrorCode::InvalidInput, err.to_string())
    }
}

/// One parsed delivery.
#[derive(Debug, Clone, PartialEq)]
pub enum PlatformEvent {
    InterviewStarted(InterviewStarted),
    InterviewCompleted(InterviewCompleted),
    /// Boxed: a report is far larger than the other two events.
    ReportAvailable(Box<ReportAvailable>),
}

impl PlatformEvent {
    pub fn event_type(&self) -> EventType {
        match self {
            PlatformEvent::InterviewStarted(_) => EventType::InterviewStarted,
            PlatformEvent::InterviewCompleted(_) => EventType::InterviewCompleted,
            PlatformEvent::ReportAvailable(_) => EventType::ReportAvailable,
        }
    }

    pub fn interview_id(&self) -> &str {
        match self {
            PlatformEvent::InterviewStarted(e) => &e.interview_id,
            PlatformEvent::InterviewCompleted(e) => &e.interview_id,
            PlatformEvent::ReportAvailable(e) => &e.interview_id,
        }
    }

    pub fn posting_id(&self) -> &str {
        match self {
            PlatformEvent::InterviewStarted(e) => &e.posting_id,
            PlatformEvent::InterviewCompleted(e) => &e.posting_id,
            PlatformEvent::ReportAvailable(e) => &e.posting_id,
        }
    }
}

/// Parses and validates one webhook delivery. `event_type` is the
/// subscription's event type (`interview_started`, `interview_completed` or
/// `report_available`), matched exactly.
pub fn parse_event(event_type: &str, body: &[u8]) -> Result<PlatformEvent, PayloadError> {
    let kind = EventType::ALL
        .into_iter()
        .find(|t| t.as_str() == event_type)
        .ok_or_else(|| PayloadError::UnknownEventType(truncate(event_type, 100)))?;
    // Parse to a tree first so "not JSON" and "JSON of the wrong shape" are
    // told apart, and so schema messages carry no line/column noise.
    let value: Value = serde_json::from_slice(body).map_err(|e| PayloadError::InvalidJson {
        message: truncate(&e.to_string(), MAX_MESSAGE_CHARS),
    })?;
    if !value.is_object() {
        return Err(schema_error(
            String::new(),
            format!("expected a JSON object, found {}", json_kind(&value)),
        ));
    }
    let event = match kind {
        EventType::InterviewStarted => PlatformEvent::InterviewStarted(from_value(value)?),
        EventType::InterviewCompleted => PlatformEvent::InterviewCompleted(from_value(value)?),
        EventType::ReportAvailable => PlatformEvent::ReportAvailable(Box::new(from_value(value)?)),
    };
    validate(&event)?;
    Ok(event)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, PayloadError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let mut path = err.path().to_string();
        let message = err.into_inner().to_string();
        // serde reports a missing field at its parent; point at the field.
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            path = if path == "." {
                field.to_string()
            } else {
                format!("{path}.{field}")
            };
        }
        schema_error(path, message)
    })
}

fn schema_error(path: String, message: String) -> PayloadError {
    let path = if path.is_empty() || path == "." {
        "(root)".to_string()
    } else {
        truncate(&path, MAX_MESSAGE_CHARS)
    };
    PayloadError::Schema {
        path,
        message: truncate(&message, MAX_MESSAGE_CHARS),
    }
}

fn validate(event: &PlatformEvent) -> Result<(), PayloadError> {
    validate_id("interview_id", event.interview_id())?;
    validate_id("posting_id", event.posting_id())?;
    if let PlatformEvent::ReportAvailable(report) = event {
        let copies = [
            (
                "agentic_data.web_interview_info.summary.match_score",
                report.agentic_data.web_interview_info.as_ref(),
            ),
            (
                "interview_data_model.web_interview_info.summary.match_score",
                report.interview_data_model.web_interview_info.as_ref(),
            ),
        ];
        for (path, info) in copies {
            if let Some(score) = info.and_then(|i| i.summary.match_score) {
                if !(0.0..=100.0).contains(&score) {
                    return Err(schema_error(
                        path.to_string(),
                        format!("match score {score} is outside 0..=100"),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn validate_id(field: &str, id: &str) -> Result<(), PayloadError> {
    if id.trim().is_empty() {
        return Err(schema_error(
            field.to_string(),
            "must not be empty".to_string(),
        ));
    }
    let len = id.chars().count();
    if len > MAX_ID_CHARS {
        return Err(schema_error(
            field.to_string(),
            format!("is {len} characters long; at most {MAX_ID_CHARS} are allowed"),
        ));
    }
    Ok(())
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// `null` is read as "absent": the field's default.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn non_empty(text: &str) -> Option<&str> {
    (!text.trim().is_empty()).then_some(text)
}

// ---------------------------------------------------------------------------
// interview_started
// ---------------------------------------------------------------------------

/// `interview_started`: a candidate began an interview session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewStarted {
    pub interview_id: String,
    pub posting_id: String,
    /// Unix seconds when the interview started.
    #[serde(default, deserialize_with = "null_as_default")]
    pub timestamp: f64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Metadata,
}

/// The candidate metadata object shared by `interview_started` and
/// `report_available`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    #[serde(deserialize_with = "null_as_default")]
    pub candidate_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub candidate_email: String,
    #[serde(deserialize_with = "null_as_default")]
    pub candidate_id: String,
    /// Ingestion context; `null` when none is available.
    pub metadata: Option<InnerMetadata>,
}

/// Ingestion context. Its keys differ per event (`source`/`job_id` on
/// `interview_started`, `candidate_metadata_id`/`resume_url` on
/// `report_available`), so every known key is optional and anything else is
/// kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InnerMetadata {
    /// How the candidate was ingested, e.g. `user_ingestion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_metadata_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resume_url: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

// ---------------------------------------------------------------------------
// interview_completed
// ---------------------------------------------------------------------------

/// `interview_completed`: a candidate finished all steps of an interview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewCompleted {
    pub interview_id: String,
    /// Empty when not applicable.
    #[serde(default, deserialize_with = "null_as_default")]
    pub agent_conversation_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub parent_conversation_id: String,
    /// Empty when not applicable.
    #[serde(default, deserialize_with = "null_as_default")]
    pub engagement_id: String,
    pub posting_id: String,
    /// Unix seconds when the event was emitted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub timestamp: f64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub workflow_completed: bool,
    /// Unix seconds when the interview was actually completed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub completion_timestamp: f64,
}

// ---------------------------------------------------------------------------
// report_available
// ---------------------------------------------------------------------------

/// `report_available`: the AI-generated interview report is ready.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportAvailable {
    pub interview_id: String,
    pub posting_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Metadata,
    /// Direct URL of the generated PDF report.
    #[serde(default, deserialize_with = "null_as_default")]
    pub report_url: String,
    /// Unix seconds when the report became available.
    #[serde(default, deserialize_with = "null_as_default")]
    pub timestamp: f64,
    /// e.g. `web_interview`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub interview_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub agentic_data: AgenticData,
    #[serde(default, deserialize_with = "null_as_default")]
    pub interview_data_model: InterviewDataModel,
}

impl ReportAvailable {
    /// The web interview analysis: `agentic_data.web_interview_info`, or,
    /// when that is absent, its duplicate in `interview_data_model`.
    pub fn web_interview_info(&self) -> Option<&WebInterviewInfo> {
        self.agentic_data
            .web_interview_info
            .as_ref()
            .or(self.interview_data_model.web_interview_info.as_ref())
    }

    /// Overall match score, 0–100.
    pub fn match_score(&self) -> Option<f64> {
        self.web_interview_info()?.summary.match_score
    }

    pub fn highlights(&self) -> &[String] {
        self.web_interview_info()
            .map_or(&[], |i| i.summary.highlights.as_slice())
    }

    pub fn lowlights(&self) -> &[String] {
        self.web_interview_info()
            .map_or(&[], |i| i.summary.lowlights.as_slice())
    }

    pub fn questions(&self) -> &[ScorecardQuestion] {
        self.web_interview_info()
            .map_or(&[], |i| i.scorecard.questions.as_slice())
    }

    /// The full interview transcript.
    pub fn transcript(&self) -> &[TranscriptEntry] {
        self.web_interview_info()
            .map_or(&[], |i| i.transcript.transcript.as_slice())
    }

    pub fn audio_recording_link(&self) -> Option<&str> {
        self.web_interview_info()?
            .audio_recording_link
            .as_deref()
            .and_then(non_empty)
    }

    pub fn video_recording_link(&self) -> Option<&str> {
        self.web_interview_info()?
            .video_recording_link
            .as_deref()
            .and_then(non_empty)
    }

    pub fn report_url(&self) -> Option<&str> {
        non_empty(&self.report_url)
    }

    /// `metadata.candidate_name`, else `interview_data_model.details.name`.
    pub fn candidate_name(&self) -> Option<&str> {
        non_empty(&self.metadata.candidate_name)
            .or_else(|| non_empty(&self.interview_data_model.details.name))
    }

    /// `metadata.candidate_email`, else `interview_data_model.details.email`.
    pub fn candidate_email(&self) -> Option<&str> {
        non_empty(&self.metadata.candidate_email)
            .or_else(|| non_empty(&self.interview_data_model.details.email))
    }

    pub fn posting_title(&self) -> Option<&str> {
        non_empty(&self.interview_data_model.posting_info.title)
    }

    /// The posting description as the platform sent it: untrusted HTML that
    /// must be sanitised before it is rendered.
    pub fn posting_description_html(&self) -> Option<&str> {
        non_empty(&self.interview_data_model.posting_info.description)
    }

    /// Unix seconds when the interview was conducted.
    pub fn interviewed_on(&self) -> Option<f64> {
        self.interview_data_model.details.interviewed_on
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgenticData {
    /// Present when the interview type is web/voice.
    pub web_interview_info: Option<WebInterviewInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebInterviewInfo {
    #[serde(deserialize_with = "null_as_default")]
    pub summary: Summary,
    #[serde(deserialize_with = "null_as_default")]
    pub scorecard: Scorecard,
    #[serde(deserialize_with = "null_as_default")]
    pub communication: Communication,
    #[serde(deserialize_with = "null_as_default")]
    pub transcript: Transcript,
    pub audio_recording_link: Option<String>,
    /// Only when video was enabled for the interview.
    pub video_recording_link: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    #[serde(deserialize_with = "null_as_default")]
    pub interview_id: String,
    /// Candidate strengths.
    #[serde(deserialize_with = "null_as_default")]
    pub highlights: Vec<String>,
    /// Candidate weaknesses or gaps.
    #[serde(deserialize_with = "null_as_default")]
    pub lowlights: Vec<String>,
    /// Overall match score, 0–100 (validated). `None` when not sent: a
    /// missing score must not read as a score of zero.
    pub match_score: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scorecard {
    #[serde(deserialize_with = "null_as_default")]
    pub interview_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub match_details: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub questions: Vec<ScorecardQuestion>,
    /// Skill tags identified during the interview.
    #[serde(deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScorecardQuestion {
    #[serde(deserialize_with = "null_as_default")]
    pub question_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub question: String,
    /// AI-generated summary of the answer (newline-separated points).
    #[serde(deserialize_with = "null_as_default")]
    pub evaluation_summary: String,
    #[serde(deserialize_with = "null_as_default")]
    pub evaluation_criteria: String,
    /// Offset in seconds of the answer preview.
    #[serde(deserialize_with = "null_as_default")]
    pub preview_timestamp: f64,
    /// Score for this question (1–10).
    #[serde(deserialize_with = "null_as_default")]
    pub evaluation_score: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub rank: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub chat_transcript: Vec<TranscriptEntry>,
    /// What the lowest score looks like.
    #[serde(deserialize_with = "null_as_default")]
    pub score_of_1: String,
    /// What the highest score looks like.
    #[serde(deserialize_with = "null_as_default")]
    pub score_of_5: String,
    #[serde(deserialize_with = "null_as_default")]
    pub score_weight: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub not_scored: bool,
    /// Not in the field table, but present (as `null`) in the seed's
    /// `interview_data_model` copy of the scorecard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extracted_text: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TranscriptEntry {
    /// `Candidate`, `bot`, `user`, …
    #[serde(deserialize_with = "null_as_default")]
    pub speaker: String,
    #[serde(deserialize_with = "null_as_default")]
    pub text: String,
    /// Offset in seconds from the interview start.
    #[serde(deserialize_with = "null_as_default")]
    pub timestamp: f64,
    /// e.g. `04:34`.
    #[serde(deserialize_with = "null_as_default")]
    pub timestamp_str: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Communication {
    #[serde(deserialize_with = "null_as_default")]
    pub interview_id: String,
    /// Overall speech score; `-1` when not scored (also the value when the
    /// field is missing).
    #[serde(deserialize_with = "speech_score")]
    pub speech_score: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub evaluations: Vec<Value>,
    pub template_id: Option<String>,
}

impl Communication {
    pub const NOT_SCORED: f64 = -1.0;
}

impl Default for Communication {
    fn default() -> Self {
        Self {
            interview_id: String::new(),
            speech_score: Self::NOT_SCORED,
            evaluations: Vec::new(),
            template_id: None,
        }
    }
}

fn speech_score<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(Communication::NOT_SCORED))
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Transcript {
    #[serde(deserialize_with = "null_as_default")]
    pub interview_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub transcript: Vec<TranscriptEntry>,
}

// ---------------------------------------------------------------------------
// interview_data_model
// ---------------------------------------------------------------------------

/// The full interview record: candidate details, company and posting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InterviewDataModel {
    #[serde(deserialize_with = "null_as_default")]
    pub interview_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub details: Details,
    #[serde(deserialize_with = "null_as_default")]
    pub company_info: CompanyInfo,
    #[serde(deserialize_with = "null_as_default")]
    pub posting_info: PostingInfo,
    /// Duplicate of `agentic_data.web_interview_info`.
    pub web_interview_info: Option<WebInterviewInfo>,
    /// `null` when the posting has no resume step.
    pub resume_interview_info: Option<Value>,
    /// `null` when the posting has no SMS step.
    pub sms_interview_info: Option<Value>,
    /// `null` when the posting has no form step.
    pub form_interview_info: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Details {
    #[serde(deserialize_with = "null_as_default")]
    pub interview_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub candidate_id: String,
    /// Unix seconds when the interview was conducted. `None` when not sent
    /// rather than the epoch.
    pub interviewed_on: Option<f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub score: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub email: String,
    pub actions: Option<Value>,
    pub status: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub workflow_status: WorkflowStatus,
    #[serde(deserialize_with = "null_as_default")]
    pub metadata: DetailsMetadata,
    pub candidate_feedback: Option<Value>,
    pub candidate_next_steps: Option<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub candidate_interview_url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowStatus {
    #[serde(deserialize_with = "null_as_default")]
    pub interview_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub step_by_step: Vec<WorkflowStep>,
    #[serde(deserialize_with = "null_as_default")]
    pub all_complete: bool,
    /// Unix seconds of the last candidate interaction.
    #[serde(deserialize_with = "null_as_default")]
    pub last_engagement: f64,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowStep {
    #[serde(deserialize_with = "null_as_default")]
    pub complete: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub required: bool,
    /// 1-based position in the workflow.
    #[serde(deserialize_with = "null_as_default")]
    pub order: f64,
    /// e.g. `web_interview`, `resume_upload`.
    #[serde(deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub started: bool,
    pub details: Option<StepDetails>,
    /// e.g. `INTERVIEW_PROCESSED_RAW_FILES`.
    #[serde(deserialize_with = "null_as_default")]
    pub raw_status: String,
    #[serde(deserialize_with = "null_as_default")]
    pub last_updated_timestamp: f64,
    /// The candidate was disqualified at this step.
    #[serde(deserialize_with = "null_as_default")]
    pub knocked_out: bool,
    /// 0 to 1.
    #[serde(deserialize_with = "null_as_default")]
    pub completion_percentage: f64,
    pub completion_metadata: Option<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub is_analyzing_call: bool,
    /// Seconds.
    pub total_duration: Option<f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub state_flags: StateFlags,
}

/// Human-readable status of a workflow step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepDetails {
    #[serde(deserialize_with = "null_as_default")]
    pub details: String,
    #[serde(deserialize_with = "null_as_default")]
    pub title: String,
    #[serde(deserialize_with = "null_as_default")]
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StateFlags {
    #[serde(deserialize_with = "null_as_default")]
    pub is_completed: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub is_incomplete: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub is_analyzing_call: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub is_in_progress: bool,
}

/// Per-stage metadata (`details.metadata`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetailsMetadata {
    pub resume: Option<Value>,
    pub web_interview: Option<WebInterviewMetadata>,
    pub sms: Option<Value>,
    pub form: Option<Value>,
}

/// `details.metadata.web_interview`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebInterviewMetadata {
    /// `None` when not sent: a missing score must not read as zero.
    pub final_score: Option<f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub skill_highlights: Vec<String>,
    pub audio_recording_link: Option<String>,
    pub video_recording_link: Option<String>,
}

/// The company/workspace configuration (`interview_data_model.company_info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompanyInfo {
    #[serde(deserialize_with = "null_as_default")]
    pub company_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub workspace_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub created_at: f64,
    pub updated_at: Option<f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub created_by: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    /// Company logo URL.
    #[serde(deserialize_with = "null_as_default")]
    pub image_url: String,
    pub intro_message: Option<String>,
    pub company_background: Option<String>,
    pub voice_id: Option<String>,
    pub knowledge_base: Option<Value>,
    pub interview_domain: Option<String>,
    pub interview_domain_id: Option<String>,
    pub sender_email_id: Option<String>,
    pub address: Option<String>,
    pub address_data: Option<Value>,
    pub timezone: Option<String>,
    /// Default web interview config (backdrop, avatar, branding, messages).
    pub base_web_interview_config: Option<Value>,
    pub message_settings: Option<Value>,
    pub sms_agent_config: Option<Value>,
    pub pdf_generation_config: Option<Value>,
    pub cheat_detection: Option<Value>,
    pub allow_white_labeling: Option<bool>,
    pub disable_all_candidate_communications: Option<bool>,
    /// 0 to 1.
    #[serde(deserialize_with = "null_as_default")]
    pub interview_completion_confidence_threshold: f64,
    pub retention_policy_days: Option<f64>,
    pub video_cheat_detection_enabled: Option<bool>,
    pub form_agent_enabled: Option<bool>,
    pub calendar_management_enabled: Option<bool>,
    pub email_templates_enabled: Option<bool>,
    pub phone_calls_enabled: Option<bool>,
    pub profile_picture_processing: Option<bool>,
    pub chat_agent_enabled: Option<bool>,
    pub copilot_enabled: Option<bool>,
    pub design_templates_enabled: Option<bool>,
    pub interview_templates_enabled: Option<bool>,
    pub sourcing_configs_enabled: Option<bool>,
    pub pbac_enabled: Option<bool>,
    pub email_report_to_candidate_enabled: Option<bool>,
}

/// The job posting configuration (`interview_data_model.posting_info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostingInfo {
    #[serde(deserialize_with = "null_as_default")]
    pub posting_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub title: String,
    /// URL-friendly posting name.
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    pub internal_name: Option<String>,
    /// Job description as untrusted HTML; sanitise before rendering.
    #[serde(deserialize_with = "null_as_default")]
    pub description: String,
    /// Top-level agent configuration.
    pub root_level_configs: Option<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub company_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub created_at: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub last_updated: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub archived: bool,
    /// Unix seconds.
    #[serde(deserialize_with = "null_as_default")]
    pub deadline: f64,
    #[serde(deserialize_with = "null_as_default")]
    pub finalized: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub test_posting: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub agentic_workflow: Vec<AgenticWorkflowStep>,
    pub step_workflow: Option<StepWorkflow>,
    pub phone_number_id: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub sender_email_id: String,
    pub email_template_group_id: Option<String>,
    pub design_template_group_id: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub sourcing_config_ids: Vec<String>,
    pub redirect_url: Option<String>,
    pub scheduling_url: Option<String>,
    pub event_slug: Option<String>,
    pub cal_team_id: Option<String>,
    pub team_slug: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub mascot_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub mascot_id: String,
    pub days_to_complete: Option<f64>,
    pub ats_metadata: Option<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub allow_sms_comms: bool,
    pub max_retakes: Option<f64>,
    pub retake_cooldown_days: Option<f64>,
    #[serde(deserialize_with = "null_as_default")]
    pub is_template: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub email_report_to_candidate: bool,
}

/// One entry of `posting_info.agentic_workflow`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgenticWorkflowStep {
    /// e.g. `web_interview`.
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub step_type: String,
    /// The step's agent configuration, kept as sent.
    pub config: Option<Value>,
    pub unique_id: Option<String>,
}

/// `posting_info.step_workflow`: the workflow definition and its steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepWorkflow {
    pub workflow: Option<WorkflowDefinition>,
    #[serde(deserialize_with = "null_as_default")]
    pub steps: Vec<WorkflowStepDefinition>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowDefinition {
    #[serde(deserialize_with = "null_as_default")]
    pub workflow_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub posting_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub created_at: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowStepDefinition {
    #[serde(deserialize_with = "null_as_default")]
    pub step_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub workflow_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub step_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub rank: f64,
    /// A string in the seed (`""`); kept as sent.
    pub details: Option<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub created_at: f64,
    pub depends_on: Option<Value>,
}
