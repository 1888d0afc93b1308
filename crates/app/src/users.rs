//! Console users and their ATS identities (user mapping). Writes to an ATS
//! are made on behalf of the mapped ATS user; a link cannot be saved until
//! the connection has at least one active mapped user.

use reqlink_domain::{
    ApiError, ConnectionRequest, ConsoleUser, ConsoleUserRequest, Provider, UserMappingRequest,
    UserMappingView,
};
use reqlink_store::Store;

use crate::core::Core;

impl Core {
    pub async fn user_mappings(&self, req: ConnectionRequest) -> Result<UserMappingView, ApiError> {
        self.ensure_default_mapping(&req.connection_id).await;
        let id = req.connection_id;
        self.read(move |store| mapping_view(store, &id)).await
    }

    pub async fn set_user_mapping(
        &self,
        req: UserMappingRequest,
    ) -> Result<UserMappingView, ApiError> {
        let view = self
            .read(move |store| {
                if let Some(ats) = &req.ats_user_id {
                    if !store
                        .ats_users(&req.connection_id)?
                        .iter()
                        .any(|u| &u.id == ats)
                    {
                        return Err(ApiError::not_found(format!(
                            "The ATS has no user {ats}; sync the connection to refresh its users."
                        )));
                    }
                }
                if !store
                    .console_users()?
                    .iter()
                    .any(|u| u.id == req.console_user_id)
                {
                    return Err(ApiError::not_found(format!(
                        "No console user {}.",
                        req.console_user_id
                    )));
                }
                store.set_user_mapping(
                    &req.connection_id,
                    &req.console_user_id,
                    req.ats_user_id.as_deref(),
                )?;
                mapping_view(store, &req.connection_id)
            })
            .await?;
        // Writes that waited for a mapped user can go now.
        self.wake_writeback();
        self.emit(reqlink_domain::AppEvent::DataChanged {
            entities: vec!["links".into(), "users".into()],
        });
        Ok(view)
    }

    pub async fn add_console_user(&self, req: ConsoleUserRequest) -> Result<ConsoleUser, ApiError> {
        let name = req.name.trim().to_string();
        if name.is_empty() {
            return Err(ApiError::invalid_input("Give the console user a name."));
        }
        let email = req
            .email
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty());
        if email.as_deref().is_some_and(|e| !e.contains('@')) {
            return Err(ApiError::invalid_input("That e-mail address has no @."));
        }
        self.read(move |store| Ok(store.add_console_user(&name, email.as_deref())?))
            .await
    }

    /// Maps console users nobody mapped yet: by e-mail where the ATS user
    /// has the same address, and in the sandbox the first console user to
    /// the emulator's first active user, so every flow works out of the box.
    pub(crate) async fn ensure_default_mapping(&self, connection_id: &str) {
        let id = connection_id.to_string();
        let sandbox = self.is_sandbox() || connection_id.starts_with("sandbox-");
        let _ = self
            .read(move |store| {
                let users = store.console_users()?;
                let ats = store.ats_users(&id)?;
                let mapped = store.user_mappings(&id)?;
                for user in &users {
                    if mapped.iter().any(|m| m.console_user_id == user.id) {
                        continue;
                    }
                    let by_email = user.email.as_deref().and_then(|e| {
                        ats.iter().find(|a| {
                            !a.disabled
                                && a.email
                                    .as_deref()
                                    .is_some_and(|x| x.eq_ignore_ascii_case(e))
                        })
                    });
                    if let Some(a) = by_email {
                        store.set_user_mapping(&id, &user.id, Some(&a.id))?;
                    }
                }
                if sandbox && store.user_mappings(&id)?.is_empty() {
                    if let (Some(user), Some(a)) = (users.first(), ats.iter().find(|a| !a.disabled))
                    {
                        store.set_user_mapping(&id, &user.id, Some(&a.id))?;
                    }
                }
                Ok(())
            })
            .await;
    }
}

fn mapping_view(store: &Store, connection_id: &str) -> Result<UserMappingView, ApiError> {
    let connection = store
        .connection(connection_id)?
        .ok_or_else(|| ApiError::not_found(format!("No connection {connection_id:?}.")))?;
    let console_users = store.console_users()?;
    Ok(UserMappingView {
        connection_id: connection_id.to_string(),
        provider: connection.provider,
        matched_by: match connection.provider {
            Provider::Greenhouse => "user id",
            Provider::Lever => "e-mail",
            Provider::Workday => "worker",
            Provider::InterviewPlatform => "user id",
        }
        .into(),
        default_console_user_id: console_users.first().map(|u| u.id.clone()),
        console_users,
        ats_users: store.ats_users(connection_id)?,
        mappings: store.user_mappings(connection_id)?,
    })
}
