//! Interim: the Harvest v1 read client behind the connector trait, until
//! the full Greenhouse connector (writes, v3, webhooks) replaces it.

use async_trait::async_trait;
use reqlink_ats::{
    AtsConnector, AtsError, Created, FileWrite, Footprint, Identity, NewCandidate, NoteWrite,
    PageOf, PageRequest, RecordSet, Resource, StageMove, Written,
};
use reqlink_domain::{Provider, StageRecord};
use reqlink_greenhouse::{
    GhApplication, GhCandidate, GhJob, GhStage, GhUser, GreenhouseClient, GreenhouseError,
    MAX_PER_PAGE,
};

pub struct GreenhouseV1(pub GreenhouseClient);

fn err(e: GreenhouseError) -> AtsError {
    const V: &str = "Greenhouse";
    match e {
        GreenhouseError::Unauthorized { endpoint } => AtsError::Unauthorized {
            vendor: V,
            endpoint,
            hint: "check the Harvest API key and its permissions".into(),
        },
        GreenhouseError::Forbidden { endpoint } => AtsError::Forbidden {
            vendor: V,
            endpoint,
            hint: "the Harvest key lacks permission for it".into(),
        },
        GreenhouseError::NotFound { endpoint } => AtsError::NotFound {
            vendor: V,
            endpoint,
        },
        GreenhouseError::RateLimited { endpoint } => AtsError::RateLimited {
            vendor: V,
            endpoint,
            retry_after: None,
        },
        GreenhouseError::Server { endpoint, status } => AtsError::Server {
            vendor: V,
            endpoint,
            status,
        },
        GreenhouseError::Network { endpoint, message } => AtsError::Network {
            vendor: V,
            endpoint,
            message,
        },
        GreenhouseError::Malformed { endpoint, message } => AtsError::Malformed {
            vendor: V,
            endpoint,
            message,
        },
        other => AtsError::Config(other.to_string()),
    }
}

fn unsupported(op: &str) -> AtsError {
    AtsError::Unsupported {
        vendor: "Greenhouse",
        operation: op.into(),
    }
}

#[async_trait]
impl AtsConnector for GreenhouseV1 {
    fn provider(&self) -> Provider {
        Provider::Greenhouse
    }

    fn sync_plan(&self) -> &'static [Resource] {
        &[
            Resource::Users,
            Resource::Jobs,
            Resource::Candidates,
            Resource::Applications,
        ]
    }

    async fn verify(&self) -> Result<Identity, AtsError> {
        self.0.verify().await.map_err(err)?;
        Ok(Identity {
            display: "Harvest API key".into(),
            user_id: None,
        })
    }

    async fn list(&self, resource: Resource, page: PageRequest) -> Result<PageOf, AtsError> {
        let (path, since_param) = match resource {
            Resource::Users => ("/users", "updated_after"),
            Resource::Jobs => ("/jobs", "updated_after"),
            Resource::Candidates => ("/candidates", "updated_after"),
            Resource::Applications => ("/applications", "last_activity_after"),
        };
        let url = match page.next {
            Some(next) => next,
            None => {
                let mut q = vec![("per_page", MAX_PER_PAGE.to_string())];
                if let Some(since) = page.since {
                    q.push((since_param, since));
                }
                self.0.url(path, &q)
            }
        };
        let mut records = RecordSet::default();
        let (next, last, newest) = match resource {
            Resource::Users => {
                let p = self.0.get_page::<GhUser>(&url).await.map_err(err)?;
                records.users = p.items.into_iter().map(GhUser::into_record).collect();
                (p.next, p.last_page, None)
            }
            Resource::Jobs => {
                let p = self.0.get_page::<GhJob>(&url).await.map_err(err)?;
                let newest = p.items.iter().filter_map(|j| j.updated_at.clone()).max();
                records.jobs = p.items.into_iter().map(GhJob::into_record).collect();
                (p.next, p.last_page, newest)
            }
            Resource::Candidates => {
                let p = self.0.get_page::<GhCandidate>(&url).await.map_err(err)?;
                let newest = p.items.iter().filter_map(|c| c.updated_at.clone()).max();
                records.candidates = p.items.into_iter().map(GhCandidate::into_record).collect();
                (p.next, p.last_page, newest)
            }
            Resource::Applications => {
                let p = self.0.get_page::<GhApplication>(&url).await.map_err(err)?;
                let newest = p
                    .items
                    .iter()
                    .filter_map(|a| a.last_activity_at.clone())
                    .max();
                records.applications = p
                    .items
                    .into_iter()
                    .map(GhApplication::into_record)
                    .collect();
                (p.next, p.last_page, newest)
            }
        };
        Ok(PageOf {
            records,
            next,
            total: last.map(|l| l.saturating_mul(MAX_PER_PAGE)),
            newest,
        })
    }

    async fn stages(&self, job_id: &str) -> Result<Vec<StageRecord>, AtsError> {
        let url = self.0.url(&format!("/jobs/{job_id}/stages"), &[]);
        let stages: Vec<GhStage> = self.0.get_one(&url).await.map_err(err)?;
        Ok(stages.into_iter().map(|s| s.into_record(job_id)).collect())
    }

    async fn add_note(&self, _: &NoteWrite) -> Result<Written, AtsError> {
        Err(unsupported("notes"))
    }
    async fn attach_file(&self, _: &FileWrite) -> Result<Written, AtsError> {
        Err(unsupported("attachments"))
    }
    async fn move_stage(&self, _: &StageMove) -> Result<(), AtsError> {
        Err(unsupported("stage moves"))
    }
    async fn create_candidate(&self, _: &NewCandidate) -> Result<Created, AtsError> {
        Err(unsupported("creating candidates"))
    }
    async fn create_prospect(&self, _: &NewCandidate) -> Result<Created, AtsError> {
        Err(unsupported("creating prospects"))
    }
    async fn footprint(&self, _: &str, _: Option<&str>) -> Result<Footprint, AtsError> {
        Err(unsupported("reading activity"))
    }
}
