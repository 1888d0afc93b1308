//! How each ATS can be connected (the forms of the Integrations screen) and
//! how a connector is built from a form's values. Secret values are held
//! only as long as it takes to build the connector and store them in the
//! secret store; the non-secret ones become the connection's parameters.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqlink_ats::{AtsConnector, AtsError, TokenSource};
use reqlink_domain::{ApiError, AuthKind, AuthOption, FieldSpec, Provider};
use reqlink_greenhouse::{GreenhouseClient, GreenhouseConnector};
use reqlink_lever::{LeverAuth, LeverClient, LeverConnector};
use reqlink_oauth::{
    ClientAuth, PersistFn, ProviderConfig, RefreshingTokens, TokenClient, TokenEndpoint, TokenSet,
};
use reqlink_sandbox::Sandbox;
use reqlink_workday::{WorkdayClient, WorkdayConnector};

pub(crate) type Fields = BTreeMap<String, String>;

/// Form fields whose values go to the secret store, never to SQLite.
pub(crate) const SECRET_FIELDS: &[&str] = &["api_key", "client_secret", "refresh_token"];

/// Lever scopes Reqlink asks for: read what sync needs, write notes, files
/// and stages for writeback and export, and a refresh token.
pub(crate) const LEVER_SCOPES: &[&str] = &[
    "opportunities:read:admin",
    "opportunities:write:admin",
    "postings:read:admin",
    "stages:read:admin",
    "users:read:admin",
    "archive_reasons:read:admin",
    "notes:read:admin",
    "notes:write:admin",
    "files:read:admin",
    "files:write:admin",
    "offline_access",
];

fn field(name: &str, label: &str, placeholder: Option<&str>, help: Option<&str>) -> FieldSpec {
    FieldSpec {
        name: name.into(),
        label: label.into(),
        secret: SECRET_FIELDS.contains(&name),
        required: true,
        placeholder: placeholder.map(Into::into),
        help: help.map(Into::into),
    }
}

fn optional(mut f: FieldSpec) -> FieldSpec {
    f.required = false;
    f
}

fn option(kind: AuthKind, label: &str, description: &str, fields: Vec<FieldSpec>) -> AuthOption {
    AuthOption {
        kind,
        label: label.into(),
        description: description.into(),
        fields,
    }
}

/// The ways each ATS can be connected, first the recommended one.
pub(crate) fn auth_options(provider: Provider) -> Vec<AuthOption> {
    match provider {
        Provider::Greenhouse => vec![
            option(
                AuthKind::ApiKey,
                "Harvest API key",
                "A Harvest v1 key from Configure > Dev Center > API Credential Management, with read access to jobs, candidates, applications and users, and write access to notes, attachments and stage moves.",
                vec![
                    field("base_url", "Harvest base URL", Some("https://harvest.greenhouse.io/v1"), None),
                    field("api_key", "Harvest API key", None, Some("Kept in your system keychain.")),
                ],
            ),
            option(
                AuthKind::ClientCredentials,
                "Harvest v3 custom integration (OAuth)",
                "OAuth client credentials of a Harvest v3 custom integration; writes are made as the Greenhouse user you name.",
                vec![
                    field("base_url", "Harvest v3 base URL", Some("https://harvest.greenhouse.io/v3"), None),
                    field("token_url", "Token URL", Some("https://auth.greenhouse.io/token"), None),
                    field("client_id", "Client ID", None, None),
                    field("client_secret", "Client secret", None, None),
                    field("user_id", "Act as Greenhouse user ID", None, Some("Sent as `sub`; notes and moves are attributed to this user.")),
                ],
            ),
            option(
                AuthKind::OauthCode,
                "Sign in with Greenhouse (partner OAuth)",
                "Opens Greenhouse in your browser to approve access (partner apps).",
                vec![
                    field("base_url", "Harvest v3 base URL", Some("https://harvest.greenhouse.io/v3"), None),
                    field("authorize_url", "Authorize URL", Some("https://auth.greenhouse.io/authorize"), None),
                    field("token_url", "Token URL", Some("https://auth.greenhouse.io/token"), None),
                    field("client_id", "Client ID", None, None),
                    optional(field("client_secret", "Client secret", None, Some("Leave empty for a public (PKCE-only) client."))),
                ],
            ),
        ],
        Provider::Lever => vec![
            option(
                AuthKind::OauthCode,
                "Sign in with Lever",
                "Opens Lever in your browser to approve access; Reqlink keeps a refresh token so you stay connected.",
                vec![
                    field("base_url", "API base URL", Some(reqlink_lever::PRODUCTION_BASE_URL), None),
                    field("authorize_url", "Authorize URL", Some("https://auth.lever.co/authorize"), None),
                    field("token_url", "Token URL", Some("https://auth.lever.co/oauth/token"), None),
                    field("client_id", "Client ID", None, None),
                    optional(field("client_secret", "Client secret", None, None)),
                ],
            ),
            option(
                AuthKind::ApiKey,
                "Lever API key",
                "A key from Settings > Integrations and API > API Credentials.",
                vec![
                    field("base_url", "API base URL", Some(reqlink_lever::PRODUCTION_BASE_URL), None),
                    field("api_key", "API key", None, Some("Kept in your system keychain.")),
                ],
            ),
        ],
        Provider::Workday => vec![
            option(
                AuthKind::RefreshToken,
                "Integration System User",
                "An API client for integrations registered in your tenant and the refresh token generated for its Integration System User.",
                vec![
                    field("host", "Tenant host", Some("https://wd2-impl-services1.workday.com"), None),
                    field("tenant", "Tenant name", None, None),
                    field("client_id", "Client ID", None, None),
                    field("client_secret", "Client secret", None, None),
                    field("refresh_token", "Refresh token", None, None),
                ],
            ),
            option(
                AuthKind::OauthCode,
                "Sign in with Workday",
                "Opens your Workday tenant in the browser to approve access as yourself.",
                vec![
                    field("host", "Tenant host", Some("https://wd2-impl-services1.workday.com"), None),
                    field("tenant", "Tenant name", None, None),
                    field("client_id", "Client ID", None, None),
                    optional(field("client_secret", "Client secret", None, None)),
                ],
            ),
        ],
        Provider::InterviewPlatform => vec![option(
            AuthKind::ApiKey,
            "Platform API key",
            "An API key from the interview platform's settings (Developers > API keys). Reqlink lists your agents, manages their webhooks and sends invites with it.",
            vec![
                optional(field("base_url", "API base URL", Some("https://api.heymilo.ai"), Some("Leave empty for https://api.heymilo.ai."))),
                field("api_key", "API key", None, Some("Kept in your system keychain.")),
            ],
        )],
    }
}

/// The emulator's values for a form, so "Use the sandbox" needs no typing.
pub(crate) fn sandbox_fields(sandbox: &Sandbox, provider: Provider, kind: AuthKind) -> Fields {
    let mut f = Fields::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    match (provider, kind) {
        (Provider::Greenhouse, AuthKind::ApiKey) => {
            put("base_url", sandbox.greenhouse_base_url());
            put("api_key", sandbox.greenhouse_api_key());
        }
        (Provider::Greenhouse, _) => {
            let (id, secret) = sandbox.greenhouse_oauth_client();
            put("base_url", sandbox.greenhouse_v3_base_url());
            put("authorize_url", sandbox.greenhouse_authorize_url());
            put("token_url", sandbox.greenhouse_token_url());
            put("client_id", id);
            put("client_secret", secret);
            put("user_id", sandbox.greenhouse_user_id());
        }
        (Provider::Lever, AuthKind::ApiKey) => {
            put("base_url", sandbox.lever_base_url());
            put("api_key", sandbox.lever_api_key());
        }
        (Provider::Lever, _) => {
            put("base_url", sandbox.lever_base_url());
            put("authorize_url", sandbox.lever_oauth_authorize_url());
            put("token_url", sandbox.lever_oauth_token_url());
            put("client_id", sandbox.lever_oauth_client_id());
            put("client_secret", sandbox.lever_oauth_client_secret());
        }
        (Provider::Workday, _) => {
            put("host", sandbox.workday_host());
            put("tenant", sandbox.workday_tenant());
            put("client_id", sandbox.workday_client_id());
            put("client_secret", sandbox.workday_client_secret());
            if kind == AuthKind::RefreshToken {
                put("refresh_token", sandbox.workday_refresh_token());
            }
        }
        (Provider::InterviewPlatform, _) => {}
    }
    f
}

/// Checks that every required field of `kind` has a value.
pub(crate) fn validate(
    provider: Provider,
    kind: AuthKind,
    fields: &Fields,
) -> Result<(), ApiError> {
    let Some(option) = auth_options(provider).into_iter().find(|o| o.kind == kind) else {
        return Err(ApiError::invalid_input(format!(
            "{} cannot be connected that way.",
            crate::connections::provider_name(provider)
        )));
    };
    let missing: Vec<&str> = option
        .fields
        .iter()
        .filter(|f| f.required && fields.get(&f.name).is_none_or(|v| v.trim().is_empty()))
        .map(|f| f.label.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_input(format!(
            "Fill in: {}.",
            missing.join(", ")
        )))
    }
}

fn get<'a>(fields: &'a Fields, name: &str) -> Result<&'a str, AtsError> {
    fields
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AtsError::Config(format!("the connection is missing its {name}")))
}

fn secret(fields: &Fields) -> Option<String> {
    fields
        .get("client_secret")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The vendor name `AtsError`s and token endpoints carry.
fn vendor(provider: Provider) -> &'static str {
    crate::connections::provider_name(provider)
}

/// The token endpoint of an OAuth connection.
pub(crate) fn token_endpoint(
    provider: Provider,
    fields: &Fields,
) -> Result<TokenEndpoint, AtsError> {
    if provider == Provider::Workday {
        let mut endpoint = reqlink_workday::token_endpoint(
            get(fields, "host")?,
            get(fields, "tenant")?,
            get(fields, "client_id")?,
            fields
                .get("client_secret")
                .map(String::as_str)
                .unwrap_or(""),
        );
        endpoint.client_secret = secret(fields);
        if endpoint.client_secret.is_none() {
            endpoint.client_auth = ClientAuth::Body;
        }
        return Ok(endpoint);
    }
    let extra = match provider {
        // Lever's audience is required on the token request too.
        Provider::Lever => vec![("audience".to_string(), reqlink_lever::AUDIENCE.to_string())],
        _ => Vec::new(),
    };
    let client_secret = secret(fields);
    Ok(TokenEndpoint {
        vendor: vendor(provider),
        token_url: get(fields, "token_url")?.to_string(),
        client_id: get(fields, "client_id")?.to_string(),
        client_auth: if client_secret.is_some() {
            ClientAuth::Basic
        } else {
            ClientAuth::Body
        },
        client_secret,
        extra,
    })
}

/// The browser sign-in of an OAuth-code connection.
pub(crate) fn provider_config(
    provider: Provider,
    fields: &Fields,
) -> Result<ProviderConfig, AtsError> {
    let token = token_endpoint(provider, fields)?;
    let (authorize_url, scopes, authorize_extra) = match provider {
        Provider::Lever => (
            get(fields, "authorize_url")?.to_string(),
            LEVER_SCOPES.iter().map(|s| s.to_string()).collect(),
            vec![("audience".to_string(), reqlink_lever::AUDIENCE.to_string())],
        ),
        Provider::Workday => (
            format!(
                "{}/{}/authorize",
                get(fields, "host")?.trim_end_matches('/'),
                get(fields, "tenant")?
            ),
            Vec::new(),
            Vec::new(),
        ),
        _ => (
            get(fields, "authorize_url")?.to_string(),
            Vec::new(),
            Vec::new(),
        ),
    };
    Ok(ProviderConfig {
        authorize_url,
        token,
        scopes,
        authorize_extra,
        fixed_port: None,
    })
}

/// A connector plus, for OAuth connections, its refreshing token source.
pub(crate) struct Built {
    pub connector: Arc<dyn AtsConnector>,
    pub tokens: Option<Arc<RefreshingTokens>>,
}

/// Builds the connector of `kind`. `tokens` are the OAuth tokens of an
/// authorization-code connection; `persist` stores every renewed set.
///
/// `pace` off skips the client-side limiter: only for a sandbox asked to
/// run without rate limits, whose emulator still advertises Greenhouse's
/// `X-RateLimit-Limit` but does not enforce it.
pub(crate) fn build(
    provider: Provider,
    kind: AuthKind,
    fields: &Fields,
    tokens: Option<TokenSet>,
    persist: PersistFn,
    pace: bool,
) -> Result<Built, AtsError> {
    let refreshing = |tokens: RefreshingTokens| Arc::new(tokens.with_persist(persist.clone()));
    let token_source = match kind {
        AuthKind::ApiKey => None,
        AuthKind::OauthCode => {
            let tokens = tokens.ok_or_else(|| AtsError::NeedsReconnect {
                vendor: vendor(provider),
                reason: "the saved sign-in is missing; sign in again".into(),
            })?;
            let client = TokenClient::new(token_endpoint(provider, fields)?)?;
            Some(refreshing(RefreshingTokens::new(client, tokens)))
        }
        AuthKind::ClientCredentials => {
            let client = TokenClient::new(token_endpoint(provider, fields)?)?;
            let sub = fields.get("user_id").cloned().filter(|s| !s.is_empty());
            Some(refreshing(RefreshingTokens::client_credentials(
                client,
                sub,
                Vec::new(),
            )))
        }
        AuthKind::RefreshToken => {
            let isu = reqlink_workday::isu_tokens(
                get(fields, "host")?,
                get(fields, "tenant")?,
                get(fields, "client_id")?,
                get(fields, "client_secret")?,
                get(fields, "refresh_token")?,
            )?;
            Some(refreshing(isu))
        }
    };
    let source = || -> Result<Arc<dyn TokenSource>, AtsError> {
        token_source
            .clone()
            .map(|t| t as Arc<dyn TokenSource>)
            .ok_or_else(|| AtsError::Config("this connection has no OAuth tokens".into()))
    };
    let connector: Arc<dyn AtsConnector> = match provider {
        Provider::Greenhouse => {
            let client = match kind {
                AuthKind::ApiKey => {
                    GreenhouseClient::new(get(fields, "base_url")?, get(fields, "api_key")?)
                }
                _ => GreenhouseClient::v3(get(fields, "base_url")?, source()?),
            }
            .map_err(AtsError::from)?;
            let client = match request_timeout() {
                Some(t) => client.with_timeout(t).map_err(AtsError::from)?,
                None => client,
            };
            client.limiter().set_enabled(pace);
            Arc::new(GreenhouseConnector::new(client))
        }
        Provider::Lever => {
            let auth = match kind {
                AuthKind::ApiKey => LeverAuth::ApiKey(get(fields, "api_key")?.to_string()),
                _ => LeverAuth::Bearer(source()?),
            };
            Arc::new(LeverConnector::new(LeverClient::new(
                get(fields, "base_url")?,
                auth,
            )?))
        }
        Provider::Workday => Arc::new(WorkdayConnector::new(WorkdayClient::new(
            get(fields, "host")?,
            get(fields, "tenant")?,
            source()?,
        )?)),
        Provider::InterviewPlatform => {
            return Err(AtsError::Config(
                "the interview platform is not an ATS".into(),
            ))
        }
    };
    Ok(Built {
        connector,
        tokens: token_source,
    })
}

/// The base URL shown on the card.
pub(crate) fn display_base(provider: Provider, fields: &Fields) -> String {
    match provider {
        Provider::Workday => format!(
            "{}/{}",
            fields.get("host").map(String::as_str).unwrap_or(""),
            fields.get("tenant").map(String::as_str).unwrap_or("")
        ),
        _ => fields.get("base_url").cloned().unwrap_or_default(),
    }
}

pub(crate) fn auth_style(provider: Provider, kind: AuthKind) -> String {
    auth_options(provider)
        .into_iter()
        .find(|o| o.kind == kind)
        .map(|o| o.label)
        .unwrap_or_else(|| "API key".into())
}

/// `REQLINK_ATS_TIMEOUT_MS` shortens the ATS request timeout (30 s by
/// default), so tests and chaos runs can make a hanging write time out
/// without waiting half a minute each time.
pub(crate) const ATS_TIMEOUT_ENV: &str = "REQLINK_ATS_TIMEOUT_MS";

fn request_timeout() -> Option<std::time::Duration> {
    std::env::var(ATS_TIMEOUT_ENV)
        .ok()?
        .parse::<u64>()
        .ok()
        .filter(|ms| *ms > 0)
        .map(std::time::Duration::from_millis)
}
