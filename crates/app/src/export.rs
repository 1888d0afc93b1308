//! Export of interview candidates into an ATS (the Headhuntr flow).
//!
//! Greenhouse: with exactly one job selected a candidate is created with an
//! application on it; with none or several, a prospect on those jobs.
//! Lever: an opportunity on the selected posting, or a general opportunity
//! when none is; Lever puts new opportunities in "New lead". Every create
//! is tagged with the app's name as source and made on behalf of the ATS
//! user mapped to the earliest console user.
//!
//! An interview goes to a connection at most once: the `exports` row is the
//! proof. A create whose answer was lost (timeout, dropped connection,
//! gateway error, unreadable success) is never repeated blindly, because
//! the ATS may have created the person already: the attempt is noted
//! (`unconfirmed_exports`), and the next export of that interview looks the
//! person up by e-mail address first. Found (with the app's source tag),
//! the export is recorded with the found id; not found, the person is
//! created; no e-mail address or a failed lookup, nothing is created.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqlink_ats::{AtsConnector, AtsError, NewCandidate};
use reqlink_domain::{
    ActivityLevel, ApiError, AppEvent, ErrorCode, ExportKind, ExportRequest, ExportResult,
    ExportSummary, Provider,
};
use reqlink_store::{ExportActor, ExportSource, ExportedRow, UnconfirmedExport};

use crate::core::Core;

/// The source every exported candidate is tagged with.
pub(crate) const EXPORT_SOURCE: &str = "Reqlink";

/// Where to map a user when none is.
const MAP_A_USER: &str = "Integrations → Users";

/// Greenhouse answers 404 on a record it created moments ago (contracts
/// §2.1), and its candidate search may trail a create the same way. A miss
/// this soon after a lost create answer is looked up once more when this
/// much time has passed since.
const GREENHOUSE_SETTLE: Duration = Duration::from_secs(5);

impl Core {
    pub async fn export_candidates(&self, req: ExportRequest) -> Result<ExportSummary, ApiError> {
        let connection_id = req.connection_id.trim().to_owned();
        let live = self.live(&connection_id).ok_or_else(|| {
            ApiError::invalid_input(
                "That ATS is not connected. Connect (or reconnect) it on Integrations first.",
            )
        })?;
        let vendor = live.name();
        self.ensure_default_mapping(&connection_id).await;
        let interview_ids = distinct(req.interview_ids);
        if interview_ids.is_empty() {
            return Err(ApiError::invalid_input(
                "Choose at least one interviewed candidate to export.",
            ));
        }
        let job_ids = distinct(req.job_ids);
        let kind = export_kind(live.provider, &job_ids)?;

        let actor = {
            let id = connection_id.clone();
            self.read(move |store| Ok(store.export_actor(&id)?)).await?
        };
        let actor = match actor {
            ExportActor::Mapped { ats_user_id, .. } => ats_user_id,
            ExportActor::Unmapped => {
                return Err(no_actor(format!(
                    "Nobody is mapped to a {vendor} user, and {vendor} records every export as made by one. Map your user in {MAP_A_USER}, then export again."
                )))
            }
            ExportActor::OnlyInactive { .. } => {
                return Err(no_actor(format!(
                    "The {vendor} users mapped in Reqlink are disabled or no longer exist in {vendor}. Map an active {vendor} user in {MAP_A_USER}, then export again."
                )))
            }
        };

        let (sources, done) = {
            let id = connection_id.clone();
            let ids = interview_ids.clone();
            self.read(move |store| {
                let sources = store.export_sources(&ids)?;
                let done = store.exported_to(&id, &ids)?;
                Ok((sources, done))
            })
            .await?
        };
        let sources: HashMap<String, ExportSource> = sources
            .into_iter()
            .map(|s| (s.interview_id.clone(), s))
            .collect();

        let run = Run {
            core: self,
            connector: live.connector.clone(),
            provider: live.provider,
            vendor,
            connection_id: &connection_id,
            kind,
            job_ids: &job_ids,
            actor: &actor,
        };
        let mut results = Vec::with_capacity(interview_ids.len());
        let (mut succeeded, mut failed, mut skipped) = (0u32, 0u32, 0u32);
        // Set when a failure is about the connection, not the candidate:
        // the rest would fail the same way.
        let mut halted: Option<String> = None;
        for interview_id in &interview_ids {
            let source = sources.get(interview_id);
            let outcome = match (&halted, done.get(interview_id)) {
                (_, Some(row)) => Outcome::Skipped(already_exported(vendor, source, row)),
                (Some(reason), None) => Outcome::Failed(
                    failure(interview_id, source, format!("Not exported: {reason}")),
                    None,
                ),
                (None, None) => run.one(interview_id, source).await,
            };
            match outcome {
                Outcome::Created(r) => {
                    succeeded += 1;
                    results.push(r);
                }
                Outcome::Skipped(r) => {
                    skipped += 1;
                    results.push(r);
                }
                Outcome::Failed(r, halt) => {
                    failed += 1;
                    if halted.is_none() {
                        halted = halt;
                    }
                    results.push(r);
                }
            }
        }

        let summary = ExportSummary {
            connection_id: connection_id.clone(),
            provider: live.provider,
            succeeded,
            failed,
            skipped,
            results,
        };
        self.activity_for(
            if failed > 0 {
                ActivityLevel::Warn
            } else {
                ActivityLevel::Info
            },
            "export_finished",
            &describe(&summary, kind, vendor),
            Some(&connection_id),
        );
        if succeeded > 0 {
            self.emit(AppEvent::DataChanged {
                entities: vec!["reports".into()],
            });
        }
        self.emit(AppEvent::ExportFinished {
            summary: summary.clone(),
        });
        Ok(summary)
    }
}

fn no_actor(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

/// What the selection makes of each candidate, or why it cannot be done.
fn export_kind(provider: Provider, job_ids: &[String]) -> Result<ExportKind, ApiError> {
    match provider {
        Provider::Greenhouse => Ok(if job_ids.len() == 1 {
            ExportKind::Candidate
        } else {
            ExportKind::Prospect
        }),
        Provider::Lever => match job_ids.len() {
            0 => Ok(ExportKind::GeneralOpportunity),
            1 => Ok(ExportKind::Opportunity),
            n => Err(ApiError::invalid_input(format!(
                "A Lever opportunity is on one posting at most, and {n} were selected. Choose one posting, or none for a general opportunity."
            ))),
        },
        Provider::Workday => Err(ApiError::invalid_input(
            "Export to Workday is not supported: Workday Recruiting has no API for adding sourced candidates that Reqlink can use. Export to Greenhouse or Lever instead.",
        )),
        Provider::InterviewPlatform => Err(ApiError::invalid_input(
            "Candidates are exported to an ATS; the interview platform is not one.",
        )),
    }
}

enum Outcome {
    Created(ExportResult),
    Skipped(ExportResult),
    /// With the reason to stop exporting the rest, when the failure is the
    /// connection's (credentials, permissions, the acting user).
    Failed(ExportResult, Option<String>),
}

struct Run<'a> {
    core: &'a Core,
    connector: Arc<dyn AtsConnector>,
    provider: Provider,
    vendor: &'static str,
    connection_id: &'a str,
    kind: ExportKind,
    job_ids: &'a [String],
    actor: &'a str,
}

impl Run<'_> {
    async fn one(&self, interview_id: &str, source: Option<&ExportSource>) -> Outcome {
        let vendor = self.vendor;
        let Some(source) = source else {
            return Outcome::Failed(
                failure(
                    interview_id,
                    None,
                    format!("No report is stored for interview {interview_id}; only candidates with a report can be exported."),
                ),
                None,
            );
        };
        let Some((first_name, last_name)) = source.candidate_name.as_deref().and_then(split_name)
        else {
            return Outcome::Failed(
                failure(
                    interview_id,
                    Some(source),
                    format!("The report has no candidate name, and {vendor} needs one."),
                ),
                None,
            );
        };
        // Greenhouse requires a last name; a single name stays whole in
        // the first name.
        let last_name = if last_name.is_empty() && self.provider == Provider::Greenhouse {
            "-".to_owned()
        } else {
            last_name
        };
        let Some(_claim) = Claim::take(self.core, self.connection_id, interview_id) else {
            return Outcome::Skipped(ExportResult {
                ok: true,
                message: Some(format!(
                    "Another export of this candidate to {vendor} is running; not created twice."
                )),
                ..failure(interview_id, Some(source), String::new())
            });
        };
        // Another export may have finished this one since `done` was read.
        let earlier = {
            let id = self.connection_id.to_owned();
            let ids = vec![interview_id.to_owned()];
            self.core
                .read(move |store| Ok(store.exported_to(&id, &ids)?))
                .await
        };
        match earlier {
            Ok(found) => {
                if let Some(row) = found.get(interview_id) {
                    return Outcome::Skipped(already_exported(vendor, Some(source), row));
                }
            }
            Err(e) => {
                return Outcome::Failed(
                    failure(
                        interview_id,
                        Some(source),
                        format!("Reqlink could not check its export marks: {}", e.message),
                    ),
                    None,
                )
            }
        }
        // A create of this interview whose answer was lost: look before
        // creating again.
        let pending = {
            let id = self.connection_id.to_owned();
            let ids = vec![interview_id.to_owned()];
            self.core
                .read(move |store| Ok(store.unconfirmed_exports(&id, &ids)?))
                .await
        };
        match pending {
            Ok(mut pending) => {
                if let Some(attempt) = pending.remove(interview_id) {
                    if let Some(outcome) = self.recheck(interview_id, source, &attempt).await {
                        return outcome;
                    }
                }
            }
            Err(e) => {
                return Outcome::Failed(
                    failure(
                        interview_id,
                        Some(source),
                        format!(
                            "Reqlink could not check for an earlier unconfirmed export: {}",
                            e.message
                        ),
                    ),
                    None,
                )
            }
        }
        let new = NewCandidate {
            first_name,
            last_name,
            email: source
                .candidate_email
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_owned),
            phone: None,
            company: None,
            title: None,
            job_ids: self.job_ids.to_vec(),
            source: EXPORT_SOURCE.to_owned(),
            actor: self.actor.to_owned(),
        };
        let created = match self.kind {
            ExportKind::Candidate | ExportKind::Opportunity => {
                self.connector.create_candidate(&new).await
            }
            ExportKind::Prospect | ExportKind::GeneralOpportunity => {
                self.connector.create_prospect(&new).await
            }
        };
        let created = match created {
            Ok(c) => c,
            Err(e) => {
                return match unanswered(&e) {
                    Some(detail) => self.unconfirmed(interview_id, source, &new, detail).await,
                    None => self.refused(interview_id, source, e),
                }
            }
        };
        let row = ExportedRow {
            interview_id: interview_id.to_owned(),
            ats_candidate_id: created.candidate_id.clone(),
            kind: self.kind,
            exported_at: reqlink_store::now_rfc3339(),
        };
        let recorded = {
            let row = row.clone();
            let id = self.connection_id.to_owned();
            self.core
                .read(move |store| Ok(store.record_export(&row, &id)?))
                .await
        };
        if let Err(e) = recorded {
            // The person is in the ATS; only the mark is missing.
            tracing::warn!("export of {interview_id} not recorded: {}", e.message);
            return Outcome::Created(ExportResult {
                ok: true,
                kind: Some(self.kind),
                ats_candidate_id: Some(created.candidate_id),
                message: Some(format!(
                    "Created in {vendor}, but Reqlink could not record it ({}); do not export this candidate again.",
                    e.message
                )),
                ..failure(interview_id, Some(source), String::new())
            });
        }
        Outcome::Created(ExportResult {
            interview_id: interview_id.to_owned(),
            candidate_name: display_name(Some(source)),
            ok: true,
            kind: Some(self.kind),
            ats_candidate_id: Some(created.candidate_id),
            message: None,
        })
    }

    /// Notes a create whose answer was lost, so the next export looks for
    /// the person before creating them.
    async fn unconfirmed(
        &self,
        interview_id: &str,
        source: &ExportSource,
        new: &NewCandidate,
        detail: String,
    ) -> Outcome {
        let vendor = self.vendor;
        let name = display_name(Some(source));
        let attempt = UnconfirmedExport {
            interview_id: interview_id.to_owned(),
            kind: self.kind,
            email: new.email.clone(),
            attempted_at: reqlink_store::now_rfc3339(),
            detail: detail.clone(),
        };
        let noted = {
            let id = self.connection_id.to_owned();
            let attempt = attempt.clone();
            self.core
                .read(move |store| Ok(store.record_unconfirmed_export(&id, &attempt)?))
                .await
        };
        let next = match (&noted, &new.email) {
            (Err(e), _) => {
                tracing::warn!("unconfirmed export of {interview_id} not noted: {}", e.message);
                format!(
                    "Reqlink could not note this ({}): check {vendor} for {name} before exporting them again.",
                    e.message
                )
            }
            (Ok(()), Some(_)) => format!(
                "Exporting them again first looks them up in {vendor} by e-mail address and creates them only if they are not there; or check {vendor} for {name}."
            ),
            (Ok(()), None) => format!(
                "Without an e-mail address Reqlink cannot look them up there, so it will not create them again: check {vendor} for {name}."
            ),
        };
        let message = format!(
            "{vendor} did not confirm the create ({detail}). It may have created {name} anyway, so Reqlink did not send it again. {next}"
        );
        self.core.activity_for(
            ActivityLevel::Warn,
            "export_uncertain",
            &format!(
                "Export of {name} to {vendor} is unconfirmed ({detail}); the next export looks them up in {vendor} before creating them"
            ),
            Some(self.connection_id),
        );
        Outcome::Failed(failure(interview_id, Some(source), message), None)
    }

    fn refused(&self, interview_id: &str, source: &ExportSource, e: AtsError) -> Outcome {
        let vendor = self.vendor;
        let halt = matches!(
            e,
            AtsError::Unauthorized { .. }
                | AtsError::NeedsReconnect { .. }
                | AtsError::Forbidden { .. }
                | AtsError::NotFound { .. }
                | AtsError::Config(_)
                | AtsError::Unsupported { .. }
        )
        .then(|| format!("{vendor} refused an earlier create of this export ({e})."));
        Outcome::Failed(failure(interview_id, Some(source), e.to_string()), halt)
    }

    /// An earlier create of this interview went unanswered: finds the
    /// person it may have made. `None` when they are not in the ATS and
    /// the export should create them; otherwise the candidate's outcome.
    async fn recheck(
        &self,
        interview_id: &str,
        source: &ExportSource,
        attempt: &UnconfirmedExport,
    ) -> Option<Outcome> {
        let vendor = self.vendor;
        let name = display_name(Some(source));
        let when = attempt
            .attempted_at
            .get(..16)
            .unwrap_or(&attempt.attempted_at)
            .replace('T', " ");
        // The address that create carried: a person made without one
        // cannot be found by one added since.
        let Some(email) = attempt
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        else {
            return Some(Outcome::Failed(
                failure(
                    interview_id,
                    Some(source),
                    format!(
                        "{vendor} did not confirm an earlier export of {name} ({when} UTC, {}), and without an e-mail address Reqlink cannot look them up there, so it does not create them again. Check {vendor} for {name}; if they are not there, add them in {vendor} directly.",
                        attempt.detail
                    ),
                ),
                None,
            ));
        };
        let found = match self.look_up(email, &attempt.attempted_at).await {
            Ok(None) => return None,
            Ok(Some(id)) => id,
            Err(e) => {
                return Some(Outcome::Failed(
                    failure(
                        interview_id,
                        Some(source),
                        format!(
                            "{vendor} did not confirm an earlier export of {name}, and Reqlink could not look them up there ({e}), so nothing was created. Export them again later, or check {vendor} for {email}."
                        ),
                    ),
                    None,
                ))
            }
        };
        let row = ExportedRow {
            interview_id: interview_id.to_owned(),
            ats_candidate_id: found.clone(),
            kind: attempt.kind,
            exported_at: reqlink_store::now_rfc3339(),
        };
        let recorded = {
            let id = self.connection_id.to_owned();
            self.core
                .read(move |store| Ok(store.record_export(&row, &id)?))
                .await
        };
        self.core.activity_for(
            ActivityLevel::Info,
            "export_found",
            &format!(
                "Found {name} in {vendor} (id {found}) from the earlier unconfirmed export; not created again"
            ),
            Some(self.connection_id),
        );
        let message = match recorded {
            Ok(_) => format!(
                "Found in {vendor} (id {found}) from the earlier unconfirmed export; not created again."
            ),
            Err(e) => {
                tracing::warn!("export of {interview_id} not recorded: {}", e.message);
                format!(
                    "Found in {vendor} (id {found}) from the earlier unconfirmed export and not created again, but Reqlink could not record it ({}); do not export this candidate again.",
                    e.message
                )
            }
        };
        Some(Outcome::Created(ExportResult {
            ok: true,
            kind: Some(attempt.kind),
            ats_candidate_id: Some(found),
            message: Some(message),
            ..failure(interview_id, Some(source), String::new())
        }))
    }

    /// The newest person with this address and the app's source tag. A
    /// miss soon after the lost answer is asked again once the ATS has had
    /// time to list a fresh record.
    async fn look_up(&self, email: &str, attempted_at: &str) -> Result<Option<String>, AtsError> {
        if let Some(id) = self.tagged(email).await? {
            return Ok(Some(id));
        }
        let wait = settle_left(self.provider, attempted_at, SystemTime::now());
        if wait.is_zero() {
            return Ok(None);
        }
        tokio::time::sleep(wait).await;
        self.tagged(email).await
    }

    async fn tagged(&self, email: &str) -> Result<Option<String>, AtsError> {
        Ok(self
            .connector
            .find_by_email(email)
            .await?
            .into_iter()
            .find(|f| {
                f.sources
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(EXPORT_SOURCE))
            })
            .map(|f| f.candidate_id))
    }
}

/// Lost answers and server errors after the request went out: the person
/// may exist in the ATS now. What happened, for the message.
fn unanswered(e: &AtsError) -> Option<String> {
    match e {
        AtsError::Timeout { endpoint, .. } => Some(format!("no answer in time to {endpoint}")),
        AtsError::Network {
            endpoint, message, ..
        } => Some(format!(
            "the connection failed during {endpoint}: {message}"
        )),
        AtsError::Server {
            endpoint, status, ..
        } => Some(format!("HTTP {status} on {endpoint}")),
        // A success whose body could not be read: created, most likely.
        AtsError::Malformed {
            endpoint, message, ..
        } => Some(format!("an unreadable answer on {endpoint}: {message}")),
        _ => None,
    }
}

/// How much longer to wait before a miss in `provider`'s search is
/// believed, for a create answer lost at `attempted_at`.
fn settle_left(provider: Provider, attempted_at: &str, now: SystemTime) -> Duration {
    let settle = match provider {
        Provider::Greenhouse => GREENHOUSE_SETTLE,
        _ => Duration::ZERO,
    };
    let Some(at) = reqlink_store::rfc3339_to_unix(attempted_at) else {
        return settle;
    };
    let now = now
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let age = Duration::from_secs_f64((now - at).clamp(0.0, 1e9));
    settle.saturating_sub(age)
}

fn failure(interview_id: &str, source: Option<&ExportSource>, message: String) -> ExportResult {
    ExportResult {
        interview_id: interview_id.to_owned(),
        candidate_name: display_name(source),
        ok: false,
        kind: None,
        ats_candidate_id: None,
        message: Some(message),
    }
}

fn already_exported(
    vendor: &str,
    source: Option<&ExportSource>,
    row: &ExportedRow,
) -> ExportResult {
    let day = row.exported_at.get(..10).unwrap_or(&row.exported_at);
    ExportResult {
        interview_id: row.interview_id.clone(),
        candidate_name: display_name(source),
        ok: true,
        kind: Some(row.kind),
        ats_candidate_id: Some(row.ats_candidate_id.clone()),
        message: Some(format!(
            "Already exported to {vendor} on {day} (id {}); not created again.",
            row.ats_candidate_id
        )),
    }
}

fn display_name(source: Option<&ExportSource>) -> String {
    source
        .and_then(|s| s.candidate_name.as_deref())
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| !n.is_empty())
        .or_else(|| source.and_then(|s| s.candidate_email.clone()))
        .unwrap_or_else(|| "Unknown candidate".to_owned())
}

fn describe(summary: &ExportSummary, kind: ExportKind, vendor: &str) -> String {
    let what = match (kind, summary.succeeded) {
        (ExportKind::Candidate, 1) => "candidate",
        (ExportKind::Candidate, _) => "candidates",
        (ExportKind::Prospect, 1) => "prospect",
        (ExportKind::Prospect, _) => "prospects",
        (ExportKind::Opportunity, 1) => "opportunity",
        (ExportKind::Opportunity, _) => "opportunities",
        (ExportKind::GeneralOpportunity, 1) => "general opportunity",
        (ExportKind::GeneralOpportunity, _) => "general opportunities",
    };
    let mut text = format!("Exported {} {what} to {vendor}", summary.succeeded);
    if summary.skipped > 0 {
        text.push_str(&format!("; {} skipped (already there)", summary.skipped));
    }
    if summary.failed > 0 {
        text.push_str(&format!("; {} failed", summary.failed));
    }
    text
}

/// Title and body of the desktop notification a host shows when an
/// export finishes (the window shows the full summary).
pub fn export_notification(summary: &ExportSummary) -> (String, String) {
    let vendor = crate::connections::provider_name(summary.provider);
    let mut body = format!("{} exported", summary.succeeded);
    if summary.failed > 0 {
        body.push_str(&format!(", {} failed", summary.failed));
    }
    if summary.skipped > 0 {
        body.push_str(&format!(", {} already there", summary.skipped));
    }
    body.push_str(". The summary is in Reqlink.");
    (format!("Export to {vendor} finished"), body)
}

/// Trimmed, non-empty, first occurrence only, in the given order.
fn distinct(ids: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.into_iter()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty() && seen.insert(id.clone()))
        .collect()
}

/// Splits a full name into first and last name. "Last, First" is turned
/// around; titles (Dr., Ms.) are dropped; a last name starts at a
/// lowercase particle ("Ludwig van Beethoven", "Juan de la Cruz") or is
/// the last word, with any suffix ("Jr.", "III") kept on it. A single word
/// is a first name with an empty last name. `None` for a blank name.
pub(crate) fn split_name(full: &str) -> Option<(String, String)> {
    let full = full.split_whitespace().collect::<Vec<_>>().join(" ");
    if full.is_empty() {
        return None;
    }
    let full = match full.split_once(',') {
        Some((last, first))
            if !first.trim().is_empty()
                && !last.trim().is_empty()
                && !first.split_whitespace().all(is_suffix) =>
        {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => full.replace(',', ""),
    };
    let mut words: Vec<&str> = full.split_whitespace().collect();
    while words.len() > 1 && is_title(words[0]) {
        words.remove(0);
    }
    let mut end = words.len();
    while end > 1 && is_suffix(words[end - 1]) {
        end -= 1;
    }
    if end == 1 {
        return Some((words[0].to_owned(), words[1..].join(" ")));
    }
    let start = (1..end - 1)
        .find(|&i| is_particle(words[i]))
        .unwrap_or(end - 1);
    Some((words[..start].join(" "), words[start..].join(" ")))
}

fn bare(word: &str) -> String {
    word.trim_end_matches('.').to_lowercase()
}

fn is_title(word: &str) -> bool {
    matches!(
        bare(word).as_str(),
        "mr" | "mrs" | "ms" | "miss" | "mx" | "dr" | "prof"
    )
}

fn is_suffix(word: &str) -> bool {
    matches!(
        bare(word).as_str(),
        "jr" | "sr" | "ii" | "iii" | "iv" | "phd" | "md"
    )
}

fn is_particle(word: &str) -> bool {
    // Only lowercase spellings: "Van" or "De" may well be a given name.
    matches!(
        word,
        "van"
            | "von"
            | "der"
            | "den"
            | "de"
            | "del"
            | "della"
            | "di"
            | "da"
            | "du"
            | "la"
            | "le"
            | "ten"
            | "ter"
            | "bin"
            | "ibn"
            | "al"
            | "dos"
            | "das"
            | "do"
    )
}

/// Interviews being exported right now, so two overlapping exports of the
/// same candidate (a double click) cannot both create them.
static IN_FLIGHT: LazyLock<Mutex<HashSet<(usize, String, String)>>> =
    LazyLock::new(|| Mutex::new(HashSet::new()));

struct Claim(usize, String, String);

impl Claim {
    fn take(core: &Core, connection_id: &str, interview_id: &str) -> Option<Claim> {
        // The core's address tells cores of one process (tests) apart.
        let key = (
            Arc::as_ptr(&core.inner) as usize,
            connection_id.to_owned(),
            interview_id.to_owned(),
        );
        let mut set = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
        set.insert(key.clone()).then(|| Claim(key.0, key.1, key.2))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let key = (
            self.0,
            std::mem::take(&mut self.1),
            std::mem::take(&mut self.2),
        );
        IN_FLIGHT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, String) {
        split_name(s).unwrap()
    }

    #[test]
    fn the_notification_says_what_happened() {
        let summary = ExportSummary {
            connection_id: "gh".into(),
            provider: Provider::Greenhouse,
            succeeded: 3,
            failed: 1,
            skipped: 0,
            results: Vec::new(),
        };
        assert_eq!(
            export_notification(&summary),
            (
                "Export to Greenhouse finished".to_string(),
                "3 exported, 1 failed. The summary is in Reqlink.".to_string()
            )
        );
    }

    #[test]
    fn a_greenhouse_miss_right_after_a_lost_create_is_asked_again_later() {
        let at = "2026-02-11T13:52:23.000Z";
        let then = UNIX_EPOCH + Duration::from_secs(1_770_817_943);
        let left = |p, secs| settle_left(p, at, then + Duration::from_secs(secs)).as_secs_f64();
        assert!((left(Provider::Greenhouse, 2) - 3.0).abs() < 0.01);
        assert_eq!(left(Provider::Greenhouse, 60), 0.0);
        assert_eq!(left(Provider::Lever, 0), 0.0);
        // A clock set back since waits the whole time, no longer.
        let earlier = settle_left(Provider::Greenhouse, at, then - Duration::from_secs(600));
        assert_eq!(earlier, GREENHOUSE_SETTLE);
        assert_eq!(
            settle_left(Provider::Greenhouse, "not a time", then),
            GREENHOUSE_SETTLE
        );
    }

    #[test]
    fn names_split_sensibly() {
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(split("Jane Smith"), pair("Jane", "Smith"));
        assert_eq!(split("  Mary  Ann   Smith "), pair("Mary Ann", "Smith"));
        assert_eq!(split("Smith, Jane"), pair("Jane", "Smith"));
        assert_eq!(
            split("Ludwig van Beethoven"),
            pair("Ludwig", "van Beethoven")
        );
        assert_eq!(split("Juan de la Cruz"), pair("Juan", "de la Cruz"));
        assert_eq!(split("Dr. Ada Lovelace"), pair("Ada", "Lovelace"));
        assert_eq!(
            split("Martin Luther King Jr."),
            pair("Martin Luther", "King Jr.")
        );
        assert_eq!(split("John Smith, Jr."), pair("John", "Smith Jr."));
        assert_eq!(split("Cher"), pair("Cher", ""));
        assert_eq!(split("Prince III"), pair("Prince", "III"));
        assert_eq!(split_name("   "), None);
    }

    #[test]
    fn the_selection_decides_the_kind() {
        let ids = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        let gh = |n| export_kind(Provider::Greenhouse, &ids(n)).unwrap();
        assert_eq!(gh(0), ExportKind::Prospect);
        assert_eq!(gh(1), ExportKind::Candidate);
        assert_eq!(gh(2), ExportKind::Prospect);
        let lever = |n| export_kind(Provider::Lever, &ids(n));
        assert_eq!(lever(0).unwrap(), ExportKind::GeneralOpportunity);
        assert_eq!(lever(1).unwrap(), ExportKind::Opportunity);
        assert!(lever(2).unwrap_err().message.contains("one posting"));
        assert!(export_kind(Provider::Workday, &[])
            .unwrap_err()
            .message
            .contains("not supported"));
    }
}
