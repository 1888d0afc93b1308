use std::ffi::OsString;
use std::process::{Command, Stdio};

use crate::error::OAuthError;

/// When set, [`open_browser`] runs this program with the URL as its only
/// argument instead of the system browser (tests capture the URL with it;
/// users can name a specific browser).
pub const BROWSER_ENV: &str = "REQLINK_BROWSER";

/// Opens `url` in the user's browser (RFC 8252 §4: an external user agent,
/// never an embedded webview, so the app never sees the password).
pub fn open_browser(url: &str) -> Result<(), OAuthError> {
    let (program, args) = match std::env::var_os(BROWSER_ENV).filter(|p| !p.is_empty()) {
        Some(program) => (program, vec![OsString::from(url)]),
        None => system_opener(url),
    };
    let shown = program.to_string_lossy().into_owned();
    let mut child = Command::new(&program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| OAuthError::Browser {
            program: shown,
            message: e.to_string(),
        })?;
    // Openers usually exit at once; reap them off-thread so no zombie stays.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

fn system_opener(url: &str) -> (OsString, Vec<OsString>) {
    if cfg!(target_os = "macos") {
        ("open".into(), vec![url.into()])
    } else if cfg!(windows) {
        // `cmd /c start` would split the URL at every `&` (cmd's command
        // separator); the URL protocol handler takes it verbatim.
        (
            "rundll32".into(),
            vec!["url.dll,FileProtocolHandler".into(), url.into()],
        )
    } else {
        ("xdg-open".into(), vec![url.into()])
    }
}
