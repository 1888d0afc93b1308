//! The live ATS connections: a connector per connected ATS, built from the
//! connection row (non-secret parameters) and its secrets.

use std::sync::Arc;

use reqlink_ats::AtsConnector;
use reqlink_domain::{ActivityLevel, ApiError, AppEvent, ConnectionView, Provider};
use reqlink_store::NewActivity;

use crate::core::Core;

/// A connected ATS.
pub(crate) struct Live {
    pub id: String,
    pub provider: Provider,
    pub connector: Arc<dyn AtsConnector>,
    /// OAuth connections: the refreshing token source (expiry, status).
    pub tokens: Option<Arc<reqlink_oauth::RefreshingTokens>>,
}

impl Live {
    pub fn name(&self) -> &'static str {
        provider_name(self.provider)
    }
}

pub(crate) fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::Greenhouse => "Greenhouse",
        Provider::Lever => "Lever",
        Provider::Workday => "Workday",
        Provider::InterviewPlatform => "the interview platform",
    }
}

impl Core {
    pub(crate) fn live(&self, id: &str) -> Option<Arc<Live>> {
        self.inner
            .ats
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    /// Connected ATS connection ids, in a stable order.
    pub(crate) fn live_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .inner
            .ats
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        ids.sort();
        ids
    }

    pub(crate) fn put_live(&self, live: Live) {
        self.inner
            .ats
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(live.id.clone(), Arc::new(live));
    }

    pub(crate) fn drop_live(&self, id: &str) -> Option<Arc<Live>> {
        self.inner
            .ats
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
    }

    pub async fn list_connections(&self) -> Result<Vec<ConnectionView>, ApiError> {
        let id = self.inner.workspace.id.clone();
        let mut views = self
            .read(move |store| Ok(store.list_connections(&id)?))
            .await?;
        for view in &mut views {
            if let Some(status) = self.sync_status_of(&view.id) {
                let last = view.sync.last_finished_at.take();
                view.sync = status;
                if view.sync.last_finished_at.is_none() {
                    view.sync.last_finished_at = last;
                }
            }
        }
        Ok(views)
    }

    pub(crate) fn activity_for(
        &self,
        level: ActivityLevel,
        kind: &str,
        message: &str,
        connection_id: Option<&str>,
    ) {
        let entry = NewActivity {
            level,
            kind,
            message,
            connection_id,
        };
        if let Err(e) = self.inner.store.record_activity(&entry) {
            tracing::warn!("could not record activity {kind}: {e}");
        }
        self.emit(AppEvent::DataChanged {
            entities: vec!["activity".into()],
        });
    }
}
