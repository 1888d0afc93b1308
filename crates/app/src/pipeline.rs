//! The pipeline of a link: funnel counts and each candidate's timeline.

use reqlink_domain::{ApiError, InviteRequest, LinkIdRequest, LinkQuery, PipelineView};

use crate::core::Core;
use crate::writeback::now_unix;

impl Core {
    pub async fn pipeline(&self, req: LinkIdRequest) -> Result<PipelineView, ApiError> {
        let id: i64 = req
            .link_id
            .parse()
            .map_err(|_| ApiError::invalid_input(format!("{:?} is not a link id", req.link_id)))?;
        let link = self
            .read(move |store| {
                store
                    .link(id)?
                    .ok_or_else(|| ApiError::not_found("That link no longer exists."))
            })
            .await?;
        let view = self
            .list_links(LinkQuery {
                connection_id: Some(link.connection_id.clone()),
                job_id: Some(link.job_id.clone()),
                posting_id: Some(link.posting_id.clone()),
                include_inactive: true,
            })
            .await?
            .into_iter()
            .find(|l| l.id == req.link_id)
            .ok_or_else(|| ApiError::not_found("That link no longer exists."))?;
        let candidates = self
            .read(move |store| Ok(store.pipeline_candidates(id)?))
            .await?;
        Ok(PipelineView {
            link: view,
            candidates,
        })
    }

    /// Invite now (a skipped candidate) or Retry (a failed or unconfirmed
    /// invite): queued again and sent by the invite worker.
    pub async fn invite_now(&self, req: InviteRequest) -> Result<(), ApiError> {
        let id: i64 = req.invite_id.parse().map_err(|_| {
            ApiError::invalid_input(format!("{:?} is not an invite id", req.invite_id))
        })?;
        let queued = self
            .read(move |store| Ok(store.requeue_invite(id, now_unix())?))
            .await?;
        if !queued {
            return Err(ApiError::invalid_input(
                "That invite is already sent or queued; nothing to retry.",
            ));
        }
        self.wake_invites();
        Ok(())
    }
}
