use url::Url;

use crate::error::OAuthError;
use crate::pkce::Pkce;

/// The authorization request of RFC 6749 §4.1.1 with PKCE (RFC 7636 §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    pub authorize_url: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: String,
    /// The S256 challenge ([`Pkce::challenge`]).
    pub code_challenge: String,
    /// Provider-specific parameters, e.g. Lever's `audience`.
    pub extra: Vec<(String, String)>,
}

impl AuthorizeRequest {
    /// The URL to open in the browser; existing query parameters of
    /// `authorize_url` (some tenants put one there) are kept.
    pub fn to_url(&self) -> Result<Url, OAuthError> {
        let mut url = Url::parse(&self.authorize_url).map_err(|e| {
            OAuthError::Config(format!("the authorize URL is not a valid URL ({e})"))
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(OAuthError::Config(
                "the authorize URL must be an https:// address".into(),
            ));
        }
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code");
            q.append_pair("client_id", &self.client_id);
            q.append_pair("redirect_uri", &self.redirect_uri);
            if !self.scopes.is_empty() {
                q.append_pair("scope", &self.scopes.join(" "));
            }
            q.append_pair("state", &self.state);
            q.append_pair("code_challenge", &self.code_challenge);
            q.append_pair("code_challenge_method", Pkce::METHOD);
            for (k, v) in &self.extra {
                q.append_pair(k, v);
            }
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_complete_authorize_url() {
        let req = AuthorizeRequest {
            authorize_url: "https://auth.lever.co/authorize?tenant=x".into(),
            client_id: "cid".into(),
            redirect_uri: "http://127.0.0.1:5000/callback".into(),
            scopes: vec!["opportunities:read:admin".into(), "offline_access".into()],
            state: "st".into(),
            code_challenge: "ch".into(),
            extra: vec![("audience".into(), "https://api.lever.co/v1/".into())],
        };
        let url = req.to_url().unwrap();
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("tenant"), Some("x"));
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("redirect_uri"), Some("http://127.0.0.1:5000/callback"));
        assert_eq!(
            get("scope"),
            Some("opportunities:read:admin offline_access")
        );
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(get("audience"), Some("https://api.lever.co/v1/"));
        assert!(url
            .as_str()
            .contains("scope=opportunities%3Aread%3Aadmin+offline_access"));
    }

    #[test]
    fn refuses_a_bad_authorize_url() {
        let req = AuthorizeRequest {
            authorize_url: "ftp://x".into(),
            client_id: String::new(),
            redirect_uri: String::new(),
            scopes: vec![],
            state: String::new(),
            code_challenge: String::new(),
            extra: vec![],
        };
        assert!(matches!(req.to_url(), Err(OAuthError::Config(_))));
    }
}
