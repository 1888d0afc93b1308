//! From `report_available` payloads to stored records and to the report
//! view the UI shows. Platform text stays text; the posting description,
//! the one HTML field, is sanitized here before it reaches the window.

use reqlink_domain::{ReportDetail, ReportRecord, ReportRow, ScorecardItem, TranscriptLine};
use reqlink_platform::payload::{ReportAvailable, TranscriptEntry};

pub fn to_record(report: &ReportAvailable, raw_json: String) -> ReportRecord {
    let join = |items: &[String]| items.join("\n");
    let evaluations = report
        .questions()
        .iter()
        .map(|q| format!("{}\n{}", q.question, q.evaluation_summary))
        .collect::<Vec<_>>()
        .join("\n");
    let transcript = report
        .transcript()
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let details = &report.interview_data_model.details;
    ReportRecord {
        interview_id: report.interview_id.clone(),
        posting_id: report.posting_id.clone(),
        posting_title: report.posting_title().map(str::to_string),
        candidate_id: non_empty(&report.metadata.candidate_id),
        candidate_name: report.candidate_name().map(str::to_string),
        candidate_email: report.candidate_email().map(str::to_string),
        match_score: report.match_score(),
        status: details.status.clone().or_else(|| Some("completed".into())),
        interviewed_at: report.interviewed_on(),
        report_at: report.timestamp,
        report_url: report.report_url().map(str::to_string),
        raw_json,
        search_highlights: join(report.highlights()),
        search_lowlights: join(report.lowlights()),
        search_evaluations: evaluations,
        search_transcript: transcript,
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_string())
}

fn line(t: &TranscriptEntry) -> TranscriptLine {
    TranscriptLine {
        speaker: t.speaker.clone(),
        text: t.text.clone(),
        timestamp: t.timestamp,
        timestamp_str: t.timestamp_str.clone(),
    }
}

pub fn to_detail(row: ReportRow, report: &ReportAvailable) -> ReportDetail {
    let web = report.web_interview_info();
    ReportDetail {
        highlights: report.highlights().to_vec(),
        lowlights: report.lowlights().to_vec(),
        match_details: web
            .map(|w| w.scorecard.match_details.clone())
            .unwrap_or_default(),
        tags: web.map(|w| w.scorecard.tags.clone()).unwrap_or_default(),
        scorecard: report
            .questions()
            .iter()
            .map(|q| ScorecardItem {
                question_id: q.question_id.clone(),
                question: q.question.clone(),
                evaluation_summary: q.evaluation_summary.clone(),
                evaluation_criteria: q.evaluation_criteria.clone(),
                evaluation_score: Some(q.evaluation_score),
                score_weight: Some(q.score_weight),
                rank: Some(q.rank),
                score_of_1: q.score_of_1.clone(),
                score_of_5: q.score_of_5.clone(),
                not_scored: q.not_scored,
                preview_timestamp: Some(q.preview_timestamp),
                excerpts: q.chat_transcript.iter().map(line).collect(),
            })
            .collect(),
        speech_score: web.map(|w| w.communication.speech_score),
        communication_evaluations: web
            .map(|w| w.communication.evaluations.len() as u32)
            .unwrap_or(0),
        transcript: report.transcript().iter().map(line).collect(),
        audio_recording_link: safe_link(report.audio_recording_link()),
        video_recording_link: safe_link(report.video_recording_link()),
        report_url: safe_link(report.report_url()),
        posting_description_html: report.posting_description_html().map(sanitize_html),
        company_name: non_empty(&report.interview_data_model.company_info.name),
        row,
    }
}

/// Only http(s) links reach the UI; `javascript:` and friends are dropped.
fn safe_link(link: Option<&str>) -> Option<String> {
    let link = link?.trim();
    let parsed = url::Url::parse(link).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| link.to_string())
}

/// Keeps formatting tags, drops scripts, event handlers, styles and
/// anything that could load a resource; links open nowhere by themselves.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizer_removes_script_and_handlers() {
        let dirty = r#"<p>Join us</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a><b onclick="alert(4)">bold</b>"#;
        let clean = sanitize_html(dirty);
        assert!(!clean.contains("script"), "{clean}");
        assert!(
            !clean.contains("onerror") && !clean.contains("onclick"),
            "{clean}"
        );
        assert!(!clean.contains("javascript:"), "{clean}");
        assert!(!clean.contains("<img"), "{clean}");
        assert!(
            clean.contains("<p>Join us</p>") && clean.contains("<b>bold</b>"),
            "{clean}"
        );
    }

    #[test]
    fn only_web_links_pass() {
        assert_eq!(safe_link(Some("javascript:alert(1)")), None);
        assert_eq!(
            safe_link(Some("https://cdn.example/a.wav")).as_deref(),
            Some("https://cdn.example/a.wav")
        );
        assert_eq!(safe_link(Some("not a url")), None);
    }
}
