//! Shared fixtures: a sandbox authorization server and a scripted "browser".

#![allow(dead_code)]

use std::sync::Arc;

use reqlink_oauth::{ClientAuth, ProviderConfig, TokenClient, TokenEndpoint};
use reqlink_sandbox::oauth::{OAuthServer, OAuthServerConfig, StandaloneOAuth};
use reqwest::{redirect, Client, StatusCode};
use url::Url;

pub const AUDIENCE: &str = "https://api.lever.co/v1/";
pub const CLIENT_ID: &str = "reqlink-desktop";
pub const SECRET: &str = "lever-client-secret-value";

pub fn lever_config() -> OAuthServerConfig {
    OAuthServerConfig {
        client_secret: Some(SECRET.into()),
        audience: Some(AUDIENCE.into()),
        offline_scope: Some("offline_access".into()),
        subjects: vec![
            ("user-1".into(), "Ada Recruiter".into()),
            ("user-2".into(), "Grace Coordinator".into()),
        ],
        ..OAuthServerConfig::new("Lever", CLIENT_ID)
    }
}

pub struct Auth {
    pub server: Arc<OAuthServer>,
    pub http: StandaloneOAuth,
}

pub async fn start(config: OAuthServerConfig) -> Auth {
    let server = OAuthServer::new(config);
    let http = server
        .serve_standalone("/authorize", "/oauth/token")
        .await
        .expect("bind the sandbox authorization server");
    Auth { server, http }
}

impl Auth {
    pub fn endpoint(&self, client_auth: ClientAuth) -> TokenEndpoint {
        TokenEndpoint {
            vendor: "Lever",
            token_url: self.http.token_url.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: self.server.config().client_secret.clone(),
            client_auth,
            extra: self
                .server
                .config()
                .audience
                .iter()
                .map(|a| ("audience".to_owned(), a.clone()))
                .collect(),
        }
    }

    pub fn client(&self, client_auth: ClientAuth) -> TokenClient {
        TokenClient::new(self.endpoint(client_auth)).unwrap()
    }

    pub fn provider(&self, client_auth: ClientAuth) -> ProviderConfig {
        ProviderConfig {
            authorize_url: self.http.authorize_url.clone(),
            token: self.endpoint(client_auth),
            scopes: vec!["opportunities:read:admin".into(), "offline_access".into()],
            authorize_extra: vec![("audience".into(), AUDIENCE.into())],
            fixed_port: None,
        }
    }
}

/// A user at a browser: loads the authorize page, presses a button, and is
/// redirected to the loopback listener.
pub struct Browser {
    http: Client,
}

pub struct Landing {
    pub status: StatusCode,
    pub body: String,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            http: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// Loads the consent page and presses `button` ("approve" or "deny");
    /// returns where the server redirects to.
    pub async fn press(&self, authorize_url: &str, button: &str) -> Url {
        let page_url = Url::parse(authorize_url).unwrap();
        let resp = self.http.get(page_url.clone()).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        let form_at = html
            .find(&format!("id=\"{button}\""))
            .expect("the button's form");
        let form_start = html[..form_at].rfind("<form").unwrap();
        let form = &html[form_start..];
        let form = &form[..form.find("</form>").unwrap()];
        let action = attr(form, "action").expect("form action");
        let mut fields = Vec::new();
        let mut rest = form;
        while let Some(at) = rest.find("<input") {
            let tag = &rest[at..rest[at..].find('>').unwrap() + at];
            if let (Some(name), Some(value)) = (attr(tag, "name"), attr(tag, "value")) {
                fields.push((name, value));
            }
            rest = &rest[at + tag.len()..];
        }
        let resp = self
            .http
            .post(page_url.join(&action).unwrap())
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FOUND, "consent form accepted");
        Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
    }

    /// Follows a redirect to the loopback listener.
    pub async fn land(&self, url: &Url) -> Landing {
        let resp = self.http.get(url.clone()).send().await.unwrap();
        Landing {
            status: resp.status(),
            body: resp.text().await.unwrap(),
        }
    }

    /// press + land.
    pub async fn sign_in(&self, authorize_url: &str, button: &str) -> Landing {
        let back = self.press(authorize_url, button).await;
        self.land(&back).await
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!("{name}=\"");
    let at = tag.find(&marker)? + marker.len();
    let value = &tag[at..at + tag[at..].find('"')?];
    Some(value.replace("&amp;", "&").replace("&quot;", "\""))
}
