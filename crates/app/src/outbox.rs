//! The writeback outbox as the UI sees it: list, Retry, Discard.

use reqlink_domain::{ApiError, AppEvent, OutboxQuery, OutboxRequest, OutboxRow};

use crate::core::Core;
use crate::writeback::now_unix;

impl Core {
    pub async fn list_outbox(&self, req: OutboxQuery) -> Result<Vec<OutboxRow>, ApiError> {
        self.read(move |store| Ok(store.outbox_rows(&req)?)).await
    }

    pub async fn retry_outbox(&self, req: OutboxRequest) -> Result<(), ApiError> {
        let id = parse_id(&req.id)?;
        let found = self
            .read(move |store| Ok(store.retry_write(id, now_unix())?))
            .await?;
        if !found {
            return Err(ApiError::invalid_input(
                "That write is done or discarded; nothing to retry.",
            ));
        }
        self.wake_writeback();
        self.emit(AppEvent::DataChanged {
            entities: vec!["outbox".into()],
        });
        Ok(())
    }

    pub async fn discard_outbox(&self, req: OutboxRequest) -> Result<(), ApiError> {
        let id = parse_id(&req.id)?;
        let found = self.read(move |store| Ok(store.discard_write(id)?)).await?;
        if !found {
            return Err(ApiError::invalid_input(
                "That write is done or discarded already.",
            ));
        }
        self.emit(AppEvent::DataChanged {
            entities: vec!["outbox".into(), "pipeline".into()],
        });
        Ok(())
    }
}

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::invalid_input(format!("{id:?} is not an outbox id")))
}
