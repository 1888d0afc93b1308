//! Live troubleshooting for the overview seed's four symptoms: sign-in
//! fails, no candidates appear, results are not written back, candidates
//! land on the wrong job. Each check looks at the real connection now.

use reqlink_domain::{
    ApiError, CheckResult, CheckStatus, ConnectionRequest, ConnectionState, JobQuery, LinkQuery,
    LinkView,
};

use crate::connections::provider_name;
use crate::core::Core;

fn check(
    id: &str,
    symptom: &str,
    status: CheckStatus,
    detail: String,
    fix: Option<&str>,
) -> CheckResult {
    CheckResult {
        id: id.into(),
        symptom: symptom.into(),
        status,
        detail,
        fix: fix.map(Into::into),
    }
}

impl Core {
    pub async fn run_checks(&self, req: ConnectionRequest) -> Result<Vec<CheckResult>, ApiError> {
        let id = req.connection_id;
        let view = {
            let id = id.clone();
            self.read(move |store| Ok(store.connection(&id)?)).await?
        }
        .ok_or_else(|| ApiError::not_found("That connection no longer exists."))?;
        let name = provider_name(view.provider);
        let live = self.live(&id);
        let mut out = Vec::new();

        // 1. Sign-in: a live call with the stored credentials.
        let auth = match &live {
            None => check(
                "oauth",
                "Connecting or signing in fails",
                CheckStatus::Fail,
                format!(
                    "{name} is not connected in this session: {}",
                    view.detail
                        .clone()
                        .unwrap_or_else(|| "no working credentials".into())
                ),
                Some("Press Reconnect and sign in again (or enter a new key)."),
            ),
            Some(live) => match live.connector.verify().await {
                Ok(identity) => {
                    let expiry = live
                        .tokens
                        .as_ref()
                        .and_then(|t| t.status().expires_in_secs);
                    let detail = match expiry {
                        Some(secs) => format!(
                            "Signed in as {}; the access token is renewed automatically ({} min left).",
                            identity.display,
                            secs.max(0) / 60
                        ),
                        None => format!("{name} accepted the credentials ({}).", identity.display),
                    };
                    check(
                        "oauth",
                        "Connecting or signing in fails",
                        CheckStatus::Pass,
                        detail,
                        None,
                    )
                }
                Err(e) => {
                    let api = ApiError::from(e);
                    check(
                        "oauth",
                        "Connecting or signing in fails",
                        CheckStatus::Fail,
                        api.message,
                        Some("Reconnect with an account that has API access, and check the API permissions listed on the connect form."),
                    )
                }
            },
        };
        out.push(auth);

        // 2. Candidates: did sync bring anything, and did the last run work?
        let counts = &view.counts;
        let last_error = self
            .sync_status_of(&id)
            .and_then(|s| s.last_error)
            .filter(|e| e.code != reqlink_domain::ErrorCode::Cancelled);
        out.push(match (counts.candidates, last_error) {
            (_, Some(error)) => check(
                "candidates",
                "No candidates appear",
                CheckStatus::Fail,
                format!("The last sync failed: {}", error.message),
                Some("Fix the cause above, then press Sync now; the sync resumes where it stopped."),
            ),
            (0, None) if view.last_sync_at.is_none() => check(
                "candidates",
                "No candidates appear",
                CheckStatus::Warn,
                "Nothing has been synced yet.".into(),
                Some("Press Sync now and wait for the progress bar to finish."),
            ),
            (0, None) => check(
                "candidates",
                "No candidates appear",
                CheckStatus::Fail,
                format!("The last sync finished but {name} returned no candidates."),
                Some("Check that the API credentials may read candidates and applications (and, for Greenhouse, are not limited to a few jobs)."),
            ),
            (n, None) => check(
                "candidates",
                "No candidates appear",
                CheckStatus::Pass,
                format!(
                    "{n} candidates and {} applications across {} jobs are stored locally.",
                    counts.applications, counts.jobs
                ),
                None,
            ),
        });

        // 3. Writeback: writes need an active ATS user to act as.
        let active_users = {
            let id = id.clone();
            self.read(move |store| Ok(store.active_user_count(&id)?))
                .await?
        };
        out.push(if view.state != ConnectionState::Connected {
            check(
                "writeback",
                "Results are not written back",
                CheckStatus::Fail,
                format!("{name} is not connected, so nothing can be written."),
                Some("Reconnect first."),
            )
        } else if active_users == 0 {
            check(
                "writeback",
                "Results are not written back",
                CheckStatus::Warn,
                "No active ATS user is known yet; notes and stage moves must be made on behalf of one.".into(),
                Some("Sync now, then map a console user to an active ATS user."),
            )
        } else {
            check(
                "writeback",
                "Results are not written back",
                CheckStatus::Pass,
                format!("{active_users} active {name} users can be written on behalf of."),
                None,
            )
        });

        // 4. Wrong job: which requisitions could receive candidates.
        let open_jobs = {
            let id = id.clone();
            self.read(move |store| {
                Ok(store
                    .list_jobs(&JobQuery {
                        connection_id: Some(id),
                        status: Some("open".into()),
                        limit: 1,
                        ..Default::default()
                    })?
                    .total)
            })
            .await?
        };
        let links = self
            .list_links(LinkQuery {
                connection_id: Some(id.clone()),
                ..Default::default()
            })
            .await?;
        out.push(job_mapping(open_jobs, &links));
        Ok(out)
    }
}

/// Check 4: a candidate is only invited for the job they applied to, so
/// what matters is which jobs are linked to which agent, and whether any
/// link has something wrong with it (closed job, archived agent, ...).
fn job_mapping(open_jobs: u32, links: &[LinkView]) -> CheckResult {
    const ID: &str = "job_mapping";
    const SYMPTOM: &str = "Candidates land on the wrong job";
    if links.is_empty() {
        return if open_jobs == 0 {
            check(
                ID,
                SYMPTOM,
                CheckStatus::Warn,
                "No open jobs are synced, so there is nothing to link an interview agent to."
                    .into(),
                Some("Open the requisition in the ATS (or sync again), then link it to an agent."),
            )
        } else {
            check(
                ID,
                SYMPTOM,
                CheckStatus::Skipped,
                format!("{open_jobs} open jobs are synced; none is linked to an interview agent yet."),
                Some("Link each requisition to its agent on the Requisitions screen; a candidate is only invited for the job they applied to."),
            )
        };
    }
    let name = |l: &LinkView| {
        let agent = l
            .agent_title
            .clone()
            .unwrap_or_else(|| l.posting_id.clone());
        let job = if l.job_name.is_empty() {
            l.job_id.clone()
        } else {
            l.job_name.clone()
        };
        format!("{job} → {agent}")
    };
    let problems: Vec<String> = links
        .iter()
        .flat_map(|l| {
            l.warnings
                .iter()
                .map(move |w| format!("{}: {}", name(l), w.message))
        })
        .collect();
    if !problems.is_empty() {
        return check(
            ID,
            SYMPTOM,
            CheckStatus::Warn,
            problems.join("; "),
            Some("Open the link on the Requisitions screen and fix or remove it."),
        );
    }
    let shown: Vec<String> = links.iter().take(5).map(name).collect();
    let more = links.len().saturating_sub(shown.len());
    check(
        ID,
        SYMPTOM,
        CheckStatus::Pass,
        format!(
            "{} linked: {}{}. Each candidate is invited by the agent of the job they applied to.",
            if links.len() == 1 {
                "1 job is".to_string()
            } else {
                format!("{} jobs are", links.len())
            },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
        None,
    )
}
