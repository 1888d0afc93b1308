//! Requisition-to-agent links: create (one or several jobs at once),
//! change, unlink, warnings, and "test this link".

use std::collections::HashMap;

use reqlink_domain::{
    ApiError, ErrorCode, LinkIdRequest, LinkQuery, LinkRequest, LinkSettings, LinkTestResult,
    LinkView, LinkWarning, LinkWarningCode, StageName,
};
use reqlink_store::{NewLink, Store, StoredLink};

use crate::core::Core;
use crate::writeback::now_unix;

/// What the platform says about an agent, when it can be asked.
#[derive(Clone)]
struct AgentFacts {
    title: String,
    archived: bool,
}

impl Core {
    pub async fn list_links(&self, req: LinkQuery) -> Result<Vec<LinkView>, ApiError> {
        let agents = self.agent_facts().await;
        self.read(move |store| {
            store
                .links(&req)?
                .into_iter()
                .map(|link| link_view(store, link, agents.as_ref()))
                .collect()
        })
        .await
    }

    pub async fn preview_link(&self, req: LinkRequest) -> Result<Vec<LinkWarning>, ApiError> {
        let agents = self.agent_facts().await;
        self.ensure_default_mapping(&req.connection_id).await;
        self.read(move |store| {
            Ok(resolve(store, &req, agents.as_ref())?
                .into_iter()
                .flat_map(|(_, w)| w)
                .collect())
        })
        .await
    }

    /// Creates or changes the links of one or several jobs to one agent.
    /// Refused, with every reason, when a blocking warning applies.
    pub async fn save_link(&self, req: LinkRequest) -> Result<Vec<LinkView>, ApiError> {
        let agents = self.agent_facts().await;
        self.ensure_default_mapping(&req.connection_id).await;
        let req_posting = req.posting_id.clone();
        let views = self
            .read(move |store| {
                let resolved = resolve(store, &req, agents.as_ref())?;
                let blocking: Vec<String> = resolved
                    .iter()
                    .flat_map(|(_, w)| w.iter())
                    .filter(|w| w.blocking)
                    .map(|w| w.message.clone())
                    .collect();
                if !blocking.is_empty() {
                    return Err(ApiError::invalid_input(blocking.join(" ")));
                }
                let title = agents
                    .as_ref()
                    .and_then(|a| a.get(&req.posting_id))
                    .map(|a| a.title.clone());
                let links: Vec<NewLink> = resolved
                    .into_iter()
                    .map(|(link, _)| NewLink {
                        posting_title: title.clone(),
                        ..link
                    })
                    .collect();
                let ids = match store.save_links(&links, req.replace.unwrap_or(false))? {
                    Ok(ids) => ids,
                    Err(e) => {
                        return Err(ApiError::new(
                            ErrorCode::InvalidInput,
                            format!(
                                "Job {} is already linked to another agent ({}); choose Replace to link it to this one.",
                                e.job_id, e.posting_id
                            ),
                        ))
                    }
                };
                ids.into_iter()
                    .filter_map(|id| store.link(id).transpose())
                    .map(|link| link_view(store, link?, agents.as_ref()))
                    .collect::<Result<Vec<_>, ApiError>>()
            })
            .await?;
        self.activity(
            reqlink_domain::ActivityLevel::Info,
            "linked",
            &format!(
                "Linked {} requisition(s) to agent {}",
                views.len(),
                views
                    .first()
                    .and_then(|v| v.agent_title.clone())
                    .unwrap_or_default()
            ),
        );
        // Invites are only half the loop: the agent's events must reach
        // this receiver for results to come back.
        if let Err(e) = self
            .subscribe_all(reqlink_domain::PostingRequest {
                posting_id: req_posting.clone(),
            })
            .await
        {
            self.activity(
                reqlink_domain::ActivityLevel::Warn,
                "link_not_subscribed",
                &format!(
                    "Linked, but the agent's interview events could not be subscribed to this receiver: {}. Use Webhooks → Subscribe all once it is reachable.",
                    e.message
                ),
            );
        }
        self.emit(reqlink_domain::AppEvent::DataChanged {
            entities: vec!["links".into(), "jobs".into()],
        });
        self.wake_invites();
        Ok(views)
    }

    pub async fn unlink(&self, req: LinkIdRequest) -> Result<(), ApiError> {
        let id = parse_link_id(&req.link_id)?;
        let found = self.read(move |store| Ok(store.unlink(id)?)).await?;
        if !found {
            return Err(ApiError::not_found(format!(
                "No active link {}; it may have been removed already.",
                req.link_id
            )));
        }
        self.emit(reqlink_domain::AppEvent::DataChanged {
            entities: vec!["links".into(), "jobs".into(), "pipeline".into()],
        });
        Ok(())
    }

    /// Runs one candidate of the job through the link end to end: the
    /// invite is queued regardless of stage, and the pipeline shows each
    /// step as it happens.
    pub async fn test_link(&self, req: LinkIdRequest) -> Result<LinkTestResult, ApiError> {
        let id = parse_link_id(&req.link_id)?;
        let result = self
            .read(move |store| {
                let link = store
                    .link(id)?
                    .filter(|l| l.active)
                    .ok_or_else(|| ApiError::not_found("No active link with that id."))?;
                let pick = store
                    .test_candidate(&link.connection_id, &link.job_id, id)?
                    .ok_or_else(|| {
                        ApiError::invalid_input(format!(
                            "Job {} has no application with an e-mail address to test with; add a candidate in the ATS first.",
                            link.job_name
                        ))
                    })?;
                let (invite_id, queued) = store.force_invite(
                    id,
                    &link.connection_id,
                    &pick.application_id,
                    &pick.candidate_id,
                    now_unix(),
                )?;
                if !queued {
                    return Err(ApiError::invalid_input(format!(
                        "{} was already invited through this link; their progress is in the pipeline.",
                        pick.name
                    )));
                }
                Ok(LinkTestResult {
                    invite_id: invite_id.to_string(),
                    application_id: pick.application_id,
                    candidate_name: pick.name.clone(),
                    message: format!(
                        "Invite for {} queued. Follow it in the pipeline: invite, interview, report, then the writes to the ATS.",
                        pick.name
                    ),
                })
            })
            .await?;
        self.wake_invites();
        Ok(result)
    }

    /// Agents by posting id, or `None` when the platform cannot be asked
    /// (offline): warnings that need it are then left out, not guessed.
    async fn agent_facts(&self) -> Option<HashMap<String, AgentFacts>> {
        let (_, client) = self.platform()?;
        let postings = client.list_postings().await.ok()?;
        Some(
            postings
                .into_iter()
                .map(|p| {
                    (
                        p.posting_id.clone(),
                        AgentFacts {
                            archived: p.archived,
                            title: p.title,
                        },
                    )
                })
                .collect(),
        )
    }
}

fn parse_link_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::invalid_input(format!("{id:?} is not a link id")))
}

/// The links a request creates, one per job, with the warnings of each.
/// With several jobs, the stages chosen (from the first job) are matched
/// by name in the others.
fn resolve(
    store: &Store,
    req: &LinkRequest,
    agents: Option<&HashMap<String, AgentFacts>>,
) -> Result<Vec<(NewLink, Vec<LinkWarning>)>, ApiError> {
    if req.job_ids.is_empty() {
        return Err(ApiError::invalid_input(
            "Choose at least one requisition to link.",
        ));
    }
    let first_stages: HashMap<String, String> = store
        .stage_names(&req.connection_id, &req.job_ids[0])?
        .into_iter()
        .collect();
    let mapped_user = store.acting_ats_user(&req.connection_id)?.is_some();
    let mut out = Vec::new();
    for (n, job_id) in req.job_ids.iter().enumerate() {
        let mut warnings = Vec::new();
        let mut warn = |code, message: String, blocking| {
            warnings.push(LinkWarning {
                job_id: job_id.clone(),
                code,
                message,
                blocking,
            })
        };
        let job = store.job_brief(&req.connection_id, job_id)?;
        let Some((job_name, job_status)) = job else {
            warn(
                LinkWarningCode::UnknownJob,
                format!("Job {job_id} is not in the local copy; sync the ATS and try again."),
                true,
            );
            out.push((new_link(req, job_id, LinkSettings::default()), warnings));
            continue;
        };
        let stages = store.stage_names(&req.connection_id, job_id)?;
        let settings = if n == 0 {
            req.settings.clone()
        } else {
            match translate(&req.settings, &first_stages, &stages) {
                Ok(s) => s,
                Err(missing) => {
                    warn(
                        LinkWarningCode::StageMissing,
                        format!("{job_name} has no stage named {missing}."),
                        true,
                    );
                    req.settings.clone()
                }
            }
        };
        if settings.trigger_stage_ids.is_empty() {
            warn(
                LinkWarningCode::NoTriggerStage,
                format!("Choose the stage of {job_name} that sends the interview invite."),
                true,
            );
        }
        let known: Vec<&String> = stages.iter().map(|(id, _)| id).collect();
        for id in settings
            .trigger_stage_ids
            .iter()
            .chain(settings.complete_stage_id.iter())
            .chain(settings.pass_stage_id.iter())
            .chain(settings.fail_stage_id.iter())
        {
            if n == 0 && !known.contains(&id) {
                warn(
                    LinkWarningCode::StageMissing,
                    format!("Stage {id} is not a stage of {job_name}; sync the ATS to refresh its stages."),
                    true,
                );
            }
        }
        if !job_status.eq_ignore_ascii_case("open") {
            warn(
                LinkWarningCode::JobClosed,
                format!("{job_name} is {job_status}: candidates rarely move there."),
                false,
            );
        }
        // Connection- and agent-wide warnings are said once, with the first job.
        if let Some(agent) = agents
            .and_then(|a| a.get(&req.posting_id))
            .filter(|_| n == 0)
        {
            if agent.archived {
                warn(
                    LinkWarningCode::AgentArchived,
                    format!(
                        "Agent {} is archived: the platform may refuse invites.",
                        agent.title
                    ),
                    false,
                );
            }
        }
        if let Some(other) = store
            .links(&reqlink_domain::LinkQuery {
                connection_id: Some(req.connection_id.clone()),
                job_id: Some(job_id.clone()),
                posting_id: None,
                include_inactive: false,
            })?
            .into_iter()
            .find(|l| l.posting_id != req.posting_id)
        {
            let name = other.posting_title.unwrap_or(other.posting_id);
            warn(
                LinkWarningCode::LinkedElsewhere,
                format!("{job_name} is linked to agent {name}; saving replaces that link (its history stays)."),
                !req.replace.unwrap_or(false),
            );
        }
        if !mapped_user && n == 0 {
            warn(
                LinkWarningCode::NoMappedUser,
                "No active ATS user is mapped for this connection, so nothing could be written back. Map one in Integrations → Users first.".into(),
                true,
            );
        }
        out.push((new_link(req, job_id, settings), warnings));
    }
    Ok(out)
}

fn new_link(req: &LinkRequest, job_id: &str, settings: LinkSettings) -> NewLink {
    NewLink {
        connection_id: req.connection_id.clone(),
        job_id: job_id.to_string(),
        posting_id: req.posting_id.clone(),
        posting_title: None,
        settings,
    }
}

/// Maps the first job's stage ids onto another job's stages by name.
/// Returns the first stage name the other job lacks.
fn translate(
    settings: &LinkSettings,
    first: &HashMap<String, String>,
    other: &[(String, String)],
) -> Result<LinkSettings, String> {
    let map = |id: &String| -> Result<String, String> {
        let name = first.get(id).cloned().unwrap_or_else(|| id.clone());
        other
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(&name))
            .map(|(id, _)| id.clone())
            .ok_or(name)
    };
    let opt = |id: &Option<String>| id.as_ref().map(map).transpose();
    Ok(LinkSettings {
        trigger_stage_ids: settings
            .trigger_stage_ids
            .iter()
            .map(map)
            .collect::<Result<_, _>>()?,
        complete_stage_id: opt(&settings.complete_stage_id)?,
        pass_stage_id: opt(&settings.pass_stage_id)?,
        fail_stage_id: opt(&settings.fail_stage_id)?,
        ..settings.clone()
    })
}

fn link_view(
    store: &Store,
    link: StoredLink,
    agents: Option<&HashMap<String, AgentFacts>>,
) -> Result<LinkView, ApiError> {
    let funnel = store.funnel(link.id)?;
    let stages = store.stage_names(&link.connection_id, &link.job_id)?;
    let s = &link.settings;
    let used: Vec<&String> = s
        .trigger_stage_ids
        .iter()
        .chain(s.complete_stage_id.iter())
        .chain(s.pass_stage_id.iter())
        .chain(s.fail_stage_id.iter())
        .collect();
    let stage_names = stages
        .iter()
        .filter(|(id, _)| used.contains(&id))
        .map(|(id, name)| StageName {
            id: id.clone(),
            name: name.clone(),
        })
        .collect();
    let mut warnings = Vec::new();
    let agent = agents.and_then(|a| a.get(&link.posting_id));
    if link.active {
        if agent.is_some_and(|a| a.archived) {
            warnings.push(LinkWarning {
                job_id: link.job_id.clone(),
                code: LinkWarningCode::AgentArchived,
                message: "The agent is archived: the platform may refuse invites.".into(),
                blocking: false,
            });
        }
        if !link.job_status.is_empty() && !link.job_status.eq_ignore_ascii_case("open") {
            warnings.push(LinkWarning {
                job_id: link.job_id.clone(),
                code: LinkWarningCode::JobClosed,
                message: format!("The job is {}.", link.job_status),
                blocking: false,
            });
        }
        if store.acting_ats_user(&link.connection_id)?.is_none() {
            warnings.push(LinkWarning {
                job_id: link.job_id.clone(),
                code: LinkWarningCode::NoMappedUser,
                message: "No active ATS user is mapped: results cannot be written back until one is (Integrations → Users).".into(),
                blocking: true,
            });
        }
    }
    Ok(LinkView {
        id: link.id.to_string(),
        connection_id: link.connection_id,
        provider: link.provider,
        job_id: link.job_id,
        job_name: link.job_name,
        job_status: link.job_status,
        requisition_id: link.requisition_id,
        agent_title: agent.map(|a| a.title.clone()).or(link.posting_title),
        posting_id: link.posting_id,
        settings: link.settings,
        stage_names,
        active: link.active,
        created_at: link.created_at,
        unlinked_at: link.unlinked_at,
        warnings,
        funnel,
    })
}
