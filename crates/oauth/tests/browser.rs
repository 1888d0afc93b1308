//! `open_browser` with `REQLINK_BROWSER`: the captured URL completes a real
//! sign-in. Its own test binary, since it sets a process-wide variable.

#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::{lever_config, start, Browser};
use reqlink_oauth::{open_browser, ClientAuth, DesktopFlow, OAuthError, BROWSER_ENV};

#[tokio::test]
async fn the_configured_browser_receives_the_authorize_url() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("url.txt");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{}.tmp' && mv '{0}.tmp' '{0}'\n",
            out.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::env::set_var(BROWSER_ENV, &script);

    let auth = start(lever_config()).await;
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    open_browser(flow.authorize_url().as_str()).unwrap();
    let mut captured = None;
    for _ in 0..200 {
        if let Ok(s) = std::fs::read_to_string(&out) {
            captured = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let captured = captured.expect("the browser program ran");
    assert_eq!(captured, flow.authorize_url().as_str());
    tokio::spawn(async move { Browser::new().sign_in(&captured, "approve").await });
    flow.finish(Duration::from_secs(10)).await.unwrap();

    std::env::set_var(BROWSER_ENV, dir.path().join("missing-program"));
    let err = open_browser("http://127.0.0.1:1/").unwrap_err();
    assert!(matches!(err, OAuthError::Browser { .. }), "{err:?}");
    assert!(err.to_string().contains("copy the sign-in link"));
}
