//! End-to-end harness for Reqlink: drives the real desktop window over WebDriver.
//!
//! Each [`E2e`] owns a private stack that nothing else shares:
//!
//! * its own `Xvfb` server (display number chosen by Xvfb itself via `-displayfd`),
//!   screen 1400x900x24;
//! * its own `tauri-driver` (which starts Debian's `WebKitWebDriver`) on free ports;
//! * a temporary data dir handed to the app as `REQLINK_DATA_DIR`, with the XDG
//!   dirs pointed inside it too so WebKit's own storage stays off the real user's;
//! * one WebDriver session whose `tauri:options.application` is the app binary.
//!
//! Dropping it deletes the session, kills both process groups (and any descendant
//! that left them), and removes the temp dir. Sessions are serialised through a
//! process-wide mutex, so the tests of one binary never overlap.
//!
//! Environment:
//! * `REQLINK_APP_BINARY` — app to launch (default `<target>/debug/reqlink-desktop`);
//! * `CARGO_TARGET_DIR` — honoured when locating the default binary and output dirs;
//! * `TAURI_DRIVER` — tauri-driver binary (default: `PATH`, then `~/.cargo/bin`);
//! * `WEBKIT_WEBDRIVER` — native driver passed as `--native-driver` (default: `PATH`);
//! * `XVFB` — Xvfb binary (default: `PATH`).
//!
//! Output: screenshots and failure dumps go to `<target>/e2e-screenshots/`, the
//! combined tauri-driver / WebKitWebDriver / app log to `<target>/e2e-logs/<name>.log`.

use std::collections::BTreeSet;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tempfile::TempDir;

/// The W3C WebDriver key under which element references travel.
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Screen geometry of the private X server.
pub const SCREEN: &str = "1400x900x24";

/// How long the harness waits for tauri-driver's `/status` to answer.
pub const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Default wait used by the `*_css` convenience helpers.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(15);

/// HTTP timeout of an ordinary WebDriver command.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// HTTP timeout of the session-creating request (it waits for the app to start).
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(60);

/// HTTP timeout of a screenshot (WebKitGTK can hang on it; see the env notes in `try_launch`).
pub const SCREENSHOT_TIMEOUT: Duration = Duration::from_secs(15);

const POLL: Duration = Duration::from_millis(150);

/// Serialises sessions within one test binary (see [`Serial`] for across processes).
static SERIAL: Mutex<()> = Mutex::new(());

/// Held for the life of an [`E2e`]: the in-process mutex plus an exclusive `flock` on
/// `<target>/e2e.lock`, so sessions never overlap even when a runner such as nextest
/// puts each test in its own process.
struct Serial {
    _file: File,
    _guard: MutexGuard<'static, ()>,
}

impl Serial {
    fn acquire() -> Result<Serial> {
        let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let path = target_dir().join("e2e.lock");
        let file = open_log(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!(
                    "e2e: waiting for another end-to-end session ({})",
                    path.display()
                );
                file.lock()
                    .map_err(|e| Error::Setup(format!("lock {}: {e}", path.display())))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::Setup(format!("lock {}: {e}", path.display())))
            }
        }
        Ok(Serial {
            _file: file,
            _guard: guard,
        })
    }
}

/// Result type of the fallible (`try_*`) helpers.
pub type Result<T> = std::result::Result<T, Error>;

/// Anything that can go wrong while talking to the stack.
#[derive(Debug)]
pub enum Error {
    /// The WebDriver answered with an error object.
    WebDriver {
        status: u16,
        error: String,
        message: String,
    },
    /// Transport or protocol problem (connection refused, bad JSON, ...).
    Http(String),
    /// Starting or stopping a process failed, or a precondition is not met.
    Setup(String),
}

impl Error {
    /// The WebDriver error code (e.g. `no such element`), if this is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::WebDriver { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WebDriver {
                status,
                error,
                message,
            } => write!(f, "WebDriver error {status} `{error}`: {message}"),
            Error::Http(m) => write!(f, "HTTP: {m}"),
            Error::Setup(m) => write!(f, "setup: {m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::Http(e.to_string())
    }
}

/// CSS selector for a `data-testid` attribute.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// The workspace root (parent of this crate's folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The cargo target dir: `CARGO_TARGET_DIR` (relative to the workspace) or `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => workspace_root().join(d),
        _ => workspace_root().join("target"),
    }
}

/// Where screenshots and failure dumps are written.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// Where the driver/app logs are written.
pub fn log_dir() -> PathBuf {
    target_dir().join("e2e-logs")
}

/// The app binary to launch: `REQLINK_APP_BINARY` or `<target>/debug/reqlink-desktop`.
pub fn app_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("REQLINK_APP_BINARY") {
        Some(p) if !p.is_empty() => workspace_root().join(p),
        _ => target_dir().join("debug").join("reqlink-desktop"),
    };
    if !path.is_file() {
        return Err(Error::Setup(format!(
            "app binary {} not found. Build it first, e.g. `cargo build -p reqlink-desktop` \
             (with the UI built into ui/dist, as scripts/test.sh does), or point \
             REQLINK_APP_BINARY at a built binary.",
            path.display()
        )));
    }
    Ok(path.canonicalize().unwrap_or(path))
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn tool(env_var: &str, name: &str, extra: &[PathBuf], hint: &str) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(env_var).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    if let Some(p) = find_in_path(name) {
        return Ok(p);
    }
    extra.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        Error::Setup(format!(
            "`{name}` not found (set {env_var} or put it on PATH); install it with: {hint}"
        ))
    })
}

fn tauri_driver_bin() -> Result<PathBuf> {
    let mut extra = Vec::new();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        extra.push(PathBuf::from(home).join("bin/tauri-driver"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        extra.push(PathBuf::from(home).join(".cargo/bin/tauri-driver"));
    }
    tool(
        "TAURI_DRIVER",
        "tauri-driver",
        &extra,
        "cargo install tauri-driver --locked",
    )
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| Error::Setup(format!("bind: {e}")))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| Error::Setup(format!("local_addr: {e}")))
}

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

/// One row of `/proc`.
#[derive(Clone, Copy, Debug)]
struct Proc {
    pid: u32,
    ppid: u32,
    pgrp: u32,
    /// Start time in clock ticks since boot: tells a process from a later one reusing its pid.
    start: u64,
    zombie: bool,
}

/// Every process, read from `/proc`.
fn process_table() -> Vec<Proc> {
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let e = e.ok()?;
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let stat = fs::read_to_string(e.path().join("stat")).ok()?;
        // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
        //  cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime ..."
        // comm may contain spaces or parentheses, so split after the last ')'.
        let rest = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let state = f.first()?.chars().next()?;
        Some(Proc {
            pid,
            ppid: f.get(1)?.parse().ok()?,
            pgrp: f.get(2)?.parse().ok()?,
            start: f.get(19)?.parse().ok()?,
            zombie: state == 'Z' || state == 'X',
        })
    })
    .collect()
}

/// Live (non-zombie) processes that are `root`, in process group `pgid`, or descend from them.
fn tree(table: &[Proc], root: u32, pgid: u32) -> Vec<Proc> {
    let mut set: BTreeSet<u32> = table
        .iter()
        .filter(|p| p.pgrp == pgid || p.pid == root)
        .map(|p| p.pid)
        .collect();
    loop {
        let before = set.len();
        for p in table {
            if set.contains(&p.ppid) {
                set.insert(p.pid);
            }
        }
        if set.len() == before {
            break;
        }
    }
    table
        .iter()
        .filter(|p| !p.zombie && set.contains(&p.pid))
        .copied()
        .collect()
}

/// Live processes that are `root`, in process group `pgid`, or descend from them.
pub fn processes_of(root: u32, pgid: u32) -> BTreeSet<u32> {
    tree(&process_table(), root, pgid)
        .into_iter()
        .map(|p| p.pid)
        .collect()
}

/// Whether `pid` is a live (non-zombie) process.
pub fn is_alive(pid: u32) -> bool {
    process_table().iter().any(|p| p.pid == pid && !p.zombie)
}

fn signal(pid: i32, sig: libc::c_int) {
    // SAFETY: kill(2) has no memory-safety preconditions; a stale pid only yields ESRCH.
    unsafe {
        libc::kill(pid, sig);
    }
}

/// A child started in its own process group; stopping it takes the whole group
/// (and any descendant that left it) down.
struct Managed {
    name: &'static str,
    child: Child,
    /// `(pid, start time)` of everything ever seen in the tree, so escapees are still caught
    /// after their parent died, without ever touching a process that reused a pid.
    seen: BTreeSet<(u32, u64)>,
}

impl Managed {
    fn spawn(name: &'static str, cmd: &mut Command) -> Result<Self> {
        cmd.process_group(0).stdin(Stdio::null());
        let child = cmd
            .spawn()
            .map_err(|e| Error::Setup(format!("failed to start {name}: {e}")))?;
        Ok(Managed {
            name,
            child,
            seen: BTreeSet::new(),
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Live processes of this child's tree now, plus live ones seen before.
    fn members(&mut self) -> BTreeSet<u32> {
        let table = process_table();
        for p in tree(&table, self.pid(), self.pid()) {
            self.seen.insert((p.pid, p.start));
        }
        table
            .iter()
            .filter(|p| !p.zombie && self.seen.contains(&(p.pid, p.start)))
            .map(|p| p.pid)
            .collect()
    }

    /// Polls the group so that descendants are remembered even if they later leave it.
    fn observe(&mut self) {
        let _ = self.members();
    }

    /// SIGTERM everything, wait up to `grace`, then SIGKILL what is left. Returns survivors.
    fn stop(&mut self, grace: Duration) -> BTreeSet<u32> {
        let pgid = self.pid() as i32;
        let _ = self.members();
        signal(-pgid, libc::SIGTERM);
        for pid in self.members() {
            signal(pid as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            let _ = self.child.try_wait();
            if self.members().is_empty() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let left = self.members();
        if !left.is_empty() {
            signal(-pgid, libc::SIGKILL);
            for pid in &left {
                signal(*pid as i32, libc::SIGKILL);
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                let _ = self.child.try_wait();
                if self.members().is_empty() {
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.wait();
        let survivors = self.members();
        if !survivors.is_empty() {
            eprintln!("e2e: {} left processes behind: {:?}", self.name, survivors);
        }
        survivors
    }
}

fn open_log(path: &Path) -> Result<File> {
    if let Some(d) = path.parent() {
        fs::create_dir_all(d).map_err(|e| Error::Setup(format!("create {}: {e}", d.display())))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::Setup(format!("open {}: {e}", path.display())))
}

fn clone_file(f: &File) -> Result<File> {
    f.try_clone()
        .map_err(|e| Error::Setup(format!("dup log fd: {e}")))
}

/// Last `n` lines of a file, for failure messages.
pub fn tail(path: &Path, n: usize) -> String {
    let mut s = String::new();
    if let Ok(mut f) = File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

// ---------------------------------------------------------------------------
// Infra: Xvfb + tauri-driver
// ---------------------------------------------------------------------------

/// A private X server plus a tauri-driver listening on a free port.
pub struct Infra {
    xvfb: Option<Managed>,
    driver: Option<Managed>,
    display: u32,
    port: u16,
    log_path: PathBuf,
}

impl Infra {
    /// Starts Xvfb and tauri-driver; `env` is added to tauri-driver's (and so the app's)
    /// environment. Output of both goes to `log_path`.
    pub fn start(env: &[(String, String)], log_path: &Path) -> Result<Infra> {
        let driver_bin = tauri_driver_bin()?;
        let xvfb_bin = tool(
            "XVFB",
            "Xvfb",
            &[],
            "apt-get install -y xvfb webkit2gtk-driver",
        )?;
        let native = tool(
            "WEBKIT_WEBDRIVER",
            "WebKitWebDriver",
            &[],
            "apt-get install -y webkit2gtk-driver",
        )?;
        let log = open_log(log_path)?;
        writeln!(&log, "==== e2e stack starting ====").ok();

        let mut infra = Infra {
            xvfb: None,
            driver: None,
            display: 0,
            port: 0,
            log_path: log_path.to_path_buf(),
        };

        // Xvfb picks a free display itself and writes its number to fd 1 once ready.
        let mut xvfb = Managed::spawn(
            "Xvfb",
            Command::new(&xvfb_bin)
                .args(["-displayfd", "1", "-screen", "0", SCREEN])
                .args(["-nolisten", "tcp", "-noreset"])
                .stdout(Stdio::piped())
                .stderr(clone_file(&log)?),
        )?;
        let out = xvfb.child.stdout.take().expect("piped stdout");
        infra.xvfb = Some(xvfb);
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut r = BufReader::new(out);
            let mut line = String::new();
            let _ = r.read_line(&mut line);
            let _ = tx.send(line);
            // Keep the pipe open (and drained) for as long as Xvfb lives.
            let _ = std::io::copy(&mut r, &mut std::io::sink());
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).map_err(|_| {
            Error::Setup(format!(
                "Xvfb did not report a display within 20 s; log {}:\n{}",
                log_path.display(),
                tail(log_path, 30)
            ))
        })?;
        infra.display = line.trim().parse().map_err(|_| {
            Error::Setup(format!(
                "Xvfb failed to start (said {line:?}); log {}:\n{}",
                log_path.display(),
                tail(log_path, 30)
            ))
        })?;

        // tauri-driver, which starts WebKitWebDriver, which starts the app: all inherit env.
        infra.port = free_port()?;
        let native_port = loop {
            let p = free_port()?;
            if p != infra.port {
                break p;
            }
        };
        let mut cmd = Command::new(&driver_bin);
        cmd.arg("--port")
            .arg(infra.port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&native)
            .env("DISPLAY", format!(":{}", infra.display))
            .env_remove("WAYLAND_DISPLAY")
            .stdout(clone_file(&log)?)
            .stderr(clone_file(&log)?);
        for (k, v) in env {
            cmd.env(k, v);
        }
        infra.driver = Some(Managed::spawn("tauri-driver", &mut cmd)?);

        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let url = format!("{}/status", infra.base_url());
        let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
        loop {
            if let Ok(r) = client.get(&url).send() {
                if r.status().is_success() {
                    break;
                }
            }
            if let Some(status) = infra.driver.as_mut().and_then(Managed::exited) {
                return Err(Error::Setup(format!(
                    "tauri-driver exited early ({status}); log {}:\n{}",
                    log_path.display(),
                    tail(log_path, 40)
                )));
            }
            if Instant::now() > deadline {
                return Err(Error::Setup(format!(
                    "tauri-driver did not answer {url} within {DRIVER_READY_TIMEOUT:?}; log {}:\n{}",
                    log_path.display(),
                    tail(log_path, 40)
                )));
            }
            thread::sleep(Duration::from_millis(100));
        }
        if let Some(d) = infra.driver.as_mut() {
            d.observe();
        }
        Ok(infra)
    }

    /// `http://127.0.0.1:<port>` of tauri-driver.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The X display number (`DISPLAY=:<n>`).
    pub fn display(&self) -> u32 {
        self.display
    }

    /// Process-group ids of (Xvfb, tauri-driver), for leak checks.
    pub fn pgids(&self) -> Vec<u32> {
        [&self.xvfb, &self.driver]
            .into_iter()
            .flatten()
            .map(Managed::pid)
            .collect()
    }

    /// Every live process that belongs to the stack right now.
    pub fn processes(&mut self) -> BTreeSet<u32> {
        let mut all = BTreeSet::new();
        for m in [&mut self.xvfb, &mut self.driver].into_iter().flatten() {
            all.extend(m.members());
        }
        all
    }

    /// Remembers the current descendants (call after the app started).
    fn observe(&mut self) {
        if let Some(d) = self.driver.as_mut() {
            d.observe();
        }
    }

    /// The combined log file.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Stops tauri-driver (with WebKitWebDriver and the app) and then Xvfb.
    /// Returns the pids that could not be killed (normally none).
    pub fn stop(&mut self) -> BTreeSet<u32> {
        let mut left = BTreeSet::new();
        if let Some(mut d) = self.driver.take() {
            left.extend(d.stop(Duration::from_secs(5)));
        }
        if let Some(mut x) = self.xvfb.take() {
            left.extend(x.stop(Duration::from_secs(3)));
        }
        left
    }
}

impl Drop for Infra {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---------------------------------------------------------------------------
// E2e: one app session
// ---------------------------------------------------------------------------

/// How to launch the app.
pub struct LaunchOptions {
    /// Used to name the log file and failure dumps (use the test's name).
    pub name: String,
    /// Reuse this data dir (e.g. from [`E2e::shutdown_keep_data`]) instead of a fresh one.
    pub data_dir: Option<TempDir>,
    /// App binary; default [`app_binary()`].
    pub app_binary: Option<PathBuf>,
    /// Command-line arguments for the app (`tauri:options.args`).
    pub app_args: Vec<String>,
    /// Extra environment for the app (overrides the defaults).
    pub env: Vec<(String, String)>,
}

impl LaunchOptions {
    pub fn new(name: impl Into<String>) -> Self {
        LaunchOptions {
            name: name.into(),
            data_dir: None,
            app_binary: None,
            app_args: Vec::new(),
            env: Vec::new(),
        }
    }

    pub fn with_data_dir(mut self, dir: TempDir) -> Self {
        self.data_dir = Some(dir);
        self
    }

    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }
}

/// A reference to a DOM element in the current session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element(pub String);

impl Element {
    fn to_json(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

/// A running app under WebDriver. See the crate docs.
pub struct E2e {
    client: reqwest::blocking::Client,
    infra: Option<Infra>,
    session: Option<String>,
    name: String,
    data: Option<TempDir>,
    /// Set once a failure dump was written, so `Drop` does not write a second one.
    dumped: std::cell::Cell<bool>,
    _serial: Serial,
}

impl E2e {
    /// Launches the app; panics with a readable message if anything is missing.
    pub fn launch(opts: LaunchOptions) -> E2e {
        match Self::try_launch(opts) {
            Ok(e) => e,
            Err(e) => panic!("e2e launch failed: {e}"),
        }
    }

    /// Fallible [`launch`](Self::launch).
    pub fn try_launch(opts: LaunchOptions) -> Result<E2e> {
        let serial = Serial::acquire()?;
        let app = match opts.app_binary {
            Some(p) => p,
            None => app_binary()?,
        };
        if !app.is_file() {
            return Err(Error::Setup(format!(
                "app binary {} not found",
                app.display()
            )));
        }
        let data = match opts.data_dir {
            Some(d) => d,
            None => tempfile::Builder::new()
                .prefix("reqlink-e2e-")
                .tempdir()
                .map_err(|e| Error::Setup(format!("temp dir: {e}")))?,
        };
        let root = data.path();
        let reqlink_dir = root.join("reqlink");
        let xdg = |n: &str| root.join("xdg").join(n);
        for d in [
            reqlink_dir.clone(),
            xdg("data"),
            xdg("config"),
            xdg("cache"),
            xdg("state"),
            xdg("runtime"),
        ] {
            fs::create_dir_all(&d)
                .map_err(|e| Error::Setup(format!("mkdir {}: {e}", d.display())))?;
        }
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(xdg("runtime"), fs::Permissions::from_mode(0o700));
        }

        let s = |p: PathBuf| p.to_string_lossy().into_owned();
        let mut env: Vec<(String, String)> = vec![
            ("REQLINK_DATA_DIR".into(), s(reqlink_dir)),
            ("REQLINK_LOG".into(), "info".into()),
            // Never the developer's keychain; and no "no keychain" banner
            // changing what fits on screen between runs.
            ("REQLINK_SECRET_STORE".into(), "file".into()),
            ("XDG_DATA_HOME".into(), s(xdg("data"))),
            ("XDG_CONFIG_HOME".into(), s(xdg("config"))),
            ("XDG_CACHE_HOME".into(), s(xdg("cache"))),
            ("XDG_STATE_HOME".into(), s(xdg("state"))),
            ("XDG_RUNTIME_DIR".into(), s(xdg("runtime"))),
            // Xvfb has no GPU. Deliberately NOT setting WEBKIT_DISABLE_DMABUF_RENDERER or
            // WEBKIT_DISABLE_COMPOSITING_MODE: with WebKitGTK 2.50 under Xvfb either one makes
            // WebDriver's screenshot command hang forever (checked with MiniBrowser).
            ("LIBGL_ALWAYS_SOFTWARE".into(), "1".into()),
            ("NO_AT_BRIDGE".into(), "1".into()),
            ("GDK_BACKEND".into(), "x11".into()),
        ];
        env.extend(opts.env);

        let log_path = log_dir().join(format!("{}.log", opts.name));
        let infra = Infra::start(&env, &log_path)?;
        let client = reqwest::blocking::Client::builder()
            .timeout(SESSION_TIMEOUT)
            .build()?;
        let mut e2e = E2e {
            client,
            infra: Some(infra),
            session: None,
            name: opts.name,
            data: Some(data),
            dumped: std::cell::Cell::new(false),
            _serial: serial,
        };
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "tauri:options": {
                        "application": app.to_string_lossy(),
                        "args": opts.app_args,
                    }
                }
            }
        });
        let v = e2e
            .raw_timeout("POST", "/session", Some(caps), Some(SESSION_TIMEOUT))
            .map_err(|e| {
                Error::Setup(format!(
                    "creating the WebDriver session failed: {e}; log {}:\n{}",
                    log_path.display(),
                    tail(&log_path, 40)
                ))
            })?;
        let id = v
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Http(format!("no sessionId in {v}")))?;
        e2e.session = Some(id.to_string());
        if let Some(i) = e2e.infra.as_mut() {
            i.observe();
        }
        Ok(e2e)
    }

    /// The app's data dir (`REQLINK_DATA_DIR`).
    pub fn data_dir(&self) -> PathBuf {
        self.data
            .as_ref()
            .expect("data dir present until drop")
            .path()
            .join("reqlink")
    }

    /// Every live process of this session's stack (Xvfb, tauri-driver, WebKitWebDriver,
    /// the app and its WebKit helpers).
    pub fn processes(&mut self) -> BTreeSet<u32> {
        self.infra
            .as_mut()
            .map(Infra::processes)
            .unwrap_or_default()
    }

    /// The combined driver/app log.
    pub fn log_path(&self) -> PathBuf {
        log_dir().join(format!("{}.log", self.name))
    }

    /// Quits the app and the stack but keeps the temp dir, for relaunching on the same data.
    pub fn shutdown_keep_data(mut self) -> TempDir {
        let d = self.data.take().expect("data dir present until drop");
        drop(self);
        d
    }

    // -- raw protocol -------------------------------------------------------

    fn raw_timeout(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        timeout: Option<Duration>,
    ) -> Result<Value> {
        let base = self
            .infra
            .as_ref()
            .ok_or_else(|| Error::Setup("stack already stopped".into()))?
            .base_url();
        let url = format!("{base}{path}");
        let req = match method {
            "GET" => self.client.get(&url),
            "DELETE" => self.client.delete(&url),
            _ => self
                .client
                .post(&url)
                .json(&body.unwrap_or_else(|| json!({}))),
        };
        let req = match timeout {
            Some(t) => req.timeout(t),
            None => req,
        };
        let resp = req.send().map_err(|e| {
            if e.is_timeout() {
                Error::Http(format!("{method} {path}: no answer within the timeout"))
            } else {
                Error::from(e)
            }
        })?;
        let status = resp.status().as_u16();
        let text = resp.text()?;
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| Error::Http(format!("{method} {path}: bad JSON ({e}): {text:.400}")))?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if let Some(err) = value.get("error").and_then(Value::as_str) {
            return Err(Error::WebDriver {
                status,
                error: err.to_string(),
                message: value
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            });
        }
        if !(200..300).contains(&status) {
            return Err(Error::Http(format!(
                "{method} {path}: HTTP {status}: {text:.400}"
            )));
        }
        Ok(value)
    }

    /// Sends a command to the current session (`path` is relative to `/session/{id}`).
    pub fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.cmd_timeout(method, path, body, COMMAND_TIMEOUT)
    }

    /// [`cmd`](Self::cmd) with its own HTTP timeout.
    pub fn cmd_timeout(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        timeout: Duration,
    ) -> Result<Value> {
        let id = self
            .session
            .as_deref()
            .ok_or_else(|| Error::Setup("no session".into()))?;
        self.raw_timeout(method, &format!("/session/{id}{path}"), body, Some(timeout))
    }

    /// Navigates the window to `url` (the app normally never needs this).
    pub fn navigate(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })))
            .unwrap_or_else(|e| self.fail(&format!("navigate {url}: {e}")));
    }

    // -- elements -----------------------------------------------------------

    /// First element matching `css`, if any.
    pub fn try_find(&self, css: &str) -> Result<Option<Element>> {
        match self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        ) {
            Ok(v) => Ok(element_of(&v)),
            Err(e) if e.code() == Some("no such element") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// All elements matching `css`.
    pub fn try_find_all(&self, css: &str) -> Result<Vec<Element>> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        Ok(v.as_array()
            .map(|a| a.iter().filter_map(element_of).collect())
            .unwrap_or_default())
    }

    /// First element matching `css` (panics on protocol errors).
    pub fn find(&self, css: &str) -> Option<Element> {
        self.try_find(css)
            .unwrap_or_else(|e| self.fail(&format!("find {css}: {e}")))
    }

    /// All elements matching `css`.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        self.try_find_all(css)
            .unwrap_or_else(|e| self.fail(&format!("find_all {css}: {e}")))
    }

    /// Number of elements matching `css`.
    pub fn count(&self, css: &str) -> usize {
        self.find_all(css).len()
    }

    /// Whether any element matches `css`.
    pub fn exists(&self, css: &str) -> bool {
        self.find(css).is_some()
    }

    /// Clicks an element; falls back to a JS click when WebDriver says it is obscured.
    pub fn try_click(&self, el: &Element) -> Result<()> {
        match self.cmd("POST", &format!("/element/{}/click", el.0), Some(json!({}))) {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.code(),
                    Some("element click intercepted") | Some("element not interactable")
                ) =>
            {
                self.try_execute("arguments[0].click();", vec![el.to_json()])
                    .map(|_| ())
            }
            Err(e) => Err(e),
        }
    }

    /// Clicks an element.
    pub fn click(&self, el: &Element) {
        self.try_click(el)
            .unwrap_or_else(|e| self.fail(&format!("click: {e}")))
    }

    /// Waits for `css` (up to [`DEFAULT_WAIT`]) and clicks it.
    pub fn click_css(&self, css: &str) {
        let deadline = Instant::now() + DEFAULT_WAIT;
        loop {
            let el = self.wait_for(css, deadline.saturating_duration_since(Instant::now()));
            match self.try_click(&el) {
                Ok(()) => return,
                Err(e)
                    if e.code() == Some("stale element reference") && Instant::now() < deadline =>
                {
                    thread::sleep(POLL)
                }
                Err(e) => self.fail(&format!("click {css}: {e}")),
            }
        }
    }

    /// Rendered text of an element.
    pub fn try_text(&self, el: &Element) -> Result<String> {
        let v = self.cmd("GET", &format!("/element/{}/text", el.0), None)?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Rendered text of an element.
    pub fn text(&self, el: &Element) -> String {
        self.try_text(el)
            .unwrap_or_else(|e| self.fail(&format!("text: {e}")))
    }

    /// Text of the first element matching `css`, waiting for it up to [`DEFAULT_WAIT`].
    pub fn text_css(&self, css: &str) -> String {
        let el = self.wait_for(css, DEFAULT_WAIT);
        self.text(&el)
    }

    // -- waiting ------------------------------------------------------------

    /// Polls `check` until it returns `Some`, or fails (with a dump) after `timeout`.
    pub fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&E2e) -> Result<Option<T>>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        let mut last_err = None;
        loop {
            match check(self) {
                Ok(Some(v)) => return v,
                Ok(None) => {}
                Err(e) if e.code() == Some("stale element reference") => {}
                // The window is gone (app crashed or quit): no point waiting any longer.
                Err(e) if e.code() == Some("invalid session id") => {
                    self.fail(&format!("while waiting for {what}: {e}"))
                }
                Err(e @ Error::WebDriver { .. }) => last_err = Some(e),
                Err(e) => self.fail(&format!("while waiting for {what}: {e}")),
            }
            if Instant::now() >= deadline {
                let extra = last_err
                    .map(|e| format!(" (last error: {e})"))
                    .unwrap_or_default();
                self.fail(&format!(
                    "timed out after {timeout:?} waiting for {what}{extra}"
                ));
            }
            thread::sleep(POLL);
        }
    }

    /// Waits until an element matches `css`.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        self.wait_until(&format!("`{css}`"), timeout, |e| e.try_find(css))
    }

    /// Waits until nothing matches `css`.
    pub fn wait_for_absent(&self, css: &str, timeout: Duration) {
        self.wait_until(&format!("`{css}` to disappear"), timeout, |e| {
            Ok(e.try_find(css)?.is_none().then_some(()))
        })
    }

    /// Waits until the first element matching `css` has text containing `needle`;
    /// returns that text.
    pub fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> String {
        self.wait_until(
            &format!("`{css}` to contain {needle:?}"),
            timeout,
            |e| match e.try_find(css)? {
                Some(el) => {
                    let t = e.try_text(&el)?;
                    Ok(t.contains(needle).then_some(t))
                }
                None => Ok(None),
            },
        )
    }

    /// Waits until at least `n` elements match `css`; returns the count.
    pub fn wait_for_count(&self, css: &str, n: usize, timeout: Duration) -> usize {
        self.wait_until(&format!("at least {n} × `{css}`"), timeout, |e| {
            let c = e.try_find_all(css)?.len();
            Ok((c >= n).then_some(c))
        })
    }

    /// Fails (with a dump) if anything matches `css`.
    pub fn assert_absent(&self, css: &str, context: &str) {
        if let Some(el) = self.find(css) {
            let text = self.try_text(&el).unwrap_or_default();
            self.fail(&format!("{context}: unexpected `{css}` present: {text:?}"));
        }
    }

    /// Chooses the first `<option>` of the `<select>` matching `select_css` whose text
    /// contains `needle` (waiting up to [`DEFAULT_WAIT`] for it to appear), the way a
    /// person would: a click on the option. If WebKitWebDriver leaves the value unchanged,
    /// it falls back to setting the value through the native setter and dispatching
    /// `change` (what React listens to). Returns the option's value.
    pub fn select_option(&self, select_css: &str, needle: &str) -> String {
        let option_css = format!("{select_css} option");
        let (option, value) = self.wait_until(
            &format!("an option containing {needle:?} in `{select_css}`"),
            DEFAULT_WAIT,
            |e| {
                for o in e.try_find_all(&option_css)? {
                    if e.try_text(&o)?.contains(needle) {
                        let v = e.try_execute("return arguments[0].value;", vec![o.to_json()])?;
                        return Ok(Some((o, v.as_str().unwrap_or_default().to_string())));
                    }
                }
                Ok(None)
            },
        );
        let current = |e: &E2e| -> Result<String> {
            let v = e.try_execute(
                "return document.querySelector(arguments[0]).value;",
                vec![json!(select_css)],
            )?;
            Ok(v.as_str().unwrap_or_default().to_string())
        };
        if self.try_click(&option).is_err() || current(self).ok().as_deref() != Some(&value) {
            self.execute(
                "var s = document.querySelector(arguments[0]);
                 var set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;
                 set.call(s, arguments[1]);
                 s.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![json!(select_css), json!(value)],
            );
        }
        self.wait_until(
            &format!("`{select_css}` to have the value {value:?}"),
            DEFAULT_WAIT,
            |e| Ok((current(e)? == value).then_some(())),
        );
        value
    }

    /// The `value` property of the first element matching `css` (an input or a select),
    /// waiting for the element up to [`DEFAULT_WAIT`].
    pub fn value_css(&self, css: &str) -> String {
        self.wait_for(css, DEFAULT_WAIT);
        let v = self.execute(
            "return document.querySelector(arguments[0]).value;",
            vec![json!(css)],
        );
        v.as_str().unwrap_or_default().to_string()
    }

    // -- scripts, screenshots, source --------------------------------------

    /// Runs synchronous JS in the page (`arguments` = `args`) and returns its result.
    pub fn try_execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Runs synchronous JS in the page.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.try_execute(script, args)
            .unwrap_or_else(|e| self.fail(&format!("execute: {e}")))
    }

    /// Waits (at most ~1 s) until the page has painted its latest DOM changes: two animation
    /// frames, so a screenshot right after a wait shows what the wait saw, not the last frame.
    pub fn settle(&self) {
        let _ = self.cmd_timeout(
            "POST",
            "/execute/async",
            Some(json!({
                "script": "var done = arguments[arguments.length - 1], fired = false;\n\
                           function finish() { if (!fired) { fired = true; done(true); } }\n\
                           setTimeout(finish, 1000);\n\
                           requestAnimationFrame(function () {\n\
                             requestAnimationFrame(function () { setTimeout(finish, 50); });\n\
                           });",
                "args": [],
            })),
            Duration::from_secs(5),
        );
    }

    /// PNG bytes of the window (after [`settle`](Self::settle)).
    pub fn try_screenshot_png(&self) -> Result<Vec<u8>> {
        self.settle();
        let v = self.cmd_timeout("GET", "/screenshot", None, SCREENSHOT_TIMEOUT)?;
        let b64 = v
            .as_str()
            .ok_or_else(|| Error::Http(format!("screenshot: not a string: {v:.200}")))?;
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| Error::Http(format!("screenshot: bad base64: {e}")))
    }

    /// Saves a screenshot to `<target>/e2e-screenshots/<name>.png` and returns the path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .try_screenshot_png()
            .unwrap_or_else(|e| self.fail(&format!("screenshot {name}: {e}")));
        let path = screenshot_dir().join(format!("{name}.png"));
        write_file(&path, &png).unwrap_or_else(|e| panic!("{e}"));
        path
    }

    /// The page's HTML source.
    pub fn try_page_source(&self) -> Result<String> {
        let v = self.cmd("GET", "/source", None)?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Saves `<label>.png` and `<label>.html` into the screenshot dir (best effort)
    /// and returns a one-line summary.
    pub fn dump(&self, label: &str) -> String {
        let dir = screenshot_dir();
        let mut parts = Vec::new();
        match self.try_screenshot_png() {
            Ok(png) => {
                let p = dir.join(format!("{label}.png"));
                if write_file(&p, &png).is_ok() {
                    parts.push(p.display().to_string());
                }
            }
            Err(e) => parts.push(format!("(no screenshot: {e})")),
        }
        match self.try_page_source() {
            Ok(html) => {
                let p = dir.join(format!("{label}.html"));
                if write_file(&p, html.as_bytes()).is_ok() {
                    parts.push(p.display().to_string());
                }
            }
            Err(e) => parts.push(format!("(no page source: {e})")),
        }
        parts.join(", ")
    }

    /// Panics with `msg`, after saving a failure dump and quoting the log's tail.
    pub fn fail(&self, msg: &str) -> ! {
        let dump = self.dump(&format!("{}-failure", self.name));
        self.dumped.set(true);
        let log = self.log_path();
        panic!(
            "{msg}\n  dump: {dump}\n  log: {}\n--- log tail ---\n{}\n----------------",
            log.display(),
            tail(&log, 40)
        );
    }

    /// Deletes the session and stops the stack. Returns pids that survived (normally none).
    fn teardown(&mut self) -> BTreeSet<u32> {
        if let Some(id) = self.session.take() {
            if self.infra.is_some() {
                let quick = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build();
                if let (Ok(c), Some(i)) = (quick, self.infra.as_ref()) {
                    let _ = c.delete(format!("{}/session/{id}", i.base_url())).send();
                }
            }
        }
        match self.infra.take() {
            Some(mut i) => i.stop(),
            None => BTreeSet::new(),
        }
    }
}

impl Drop for E2e {
    fn drop(&mut self) {
        if thread::panicking() && self.session.is_some() && !self.dumped.get() {
            // `fail` already dumps; this catches plain assert! failures in the test body.
            let label = format!("{}-panic", self.name);
            let dump = self.dump(&label);
            eprintln!(
                "e2e: test panicked; dump: {dump}; log: {}",
                self.log_path().display()
            );
        }
        let left = self.teardown();
        if !left.is_empty() {
            eprintln!("e2e: WARNING: processes survived teardown: {left:?}");
        }
        // `data` (the temp dir) and the serial guard drop after this, in field order.
    }
}

// ---------------------------------------------------------------------------
// A stand-in for the system browser
// ---------------------------------------------------------------------------

/// The variable the app reads to choose the program that opens sign-in pages
/// (`reqlink_oauth::BROWSER_ENV`; spelled out here so the harness stays free of app crates).
pub const BROWSER_ENV: &str = "REQLINK_BROWSER";

/// A stand-in for the system browser: a tiny shell script that the app runs instead of
/// `xdg-open` (pass [`BrowserCapture::env`] to [`LaunchOptions::env`]) and that records
/// every URL it is given, one file per call, written atomically. The test then plays
/// the person at the browser with the recorded URL. Dropping it removes the script.
pub struct BrowserCapture {
    dir: TempDir,
    script: PathBuf,
}

impl BrowserCapture {
    pub fn new() -> Result<BrowserCapture> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix("reqlink-e2e-browser-")
            .tempdir()
            .map_err(|e| Error::Setup(format!("temp dir: {e}")))?;
        let script = dir.path().join("browser.sh");
        let text = format!(
            "#!/bin/sh\n\
             # Stand-in browser for the Reqlink e2e tests: records the URL it is asked to open.\n\
             f='{}'/\"url-$(date +%s%N)-$$\"\n\
             printf '%s' \"$1\" > \"$f.tmp\" && mv \"$f.tmp\" \"$f.url\"\n",
            dir.path().display()
        );
        fs::write(&script, text)
            .map_err(|e| Error::Setup(format!("write {}: {e}", script.display())))?;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::Setup(format!("chmod {}: {e}", script.display())))?;
        Ok(BrowserCapture { dir, script })
    }

    /// `(REQLINK_BROWSER, <script>)`, for [`LaunchOptions::env`].
    pub fn env(&self) -> (String, String) {
        (
            BROWSER_ENV.to_string(),
            self.script.to_string_lossy().into_owned(),
        )
    }

    /// Every URL the app opened so far, oldest first.
    pub fn urls(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = fs::read_dir(self.dir.path())
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "url"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter_map(|p| fs::read_to_string(p).ok())
            .collect()
    }

    /// Waits until the app has opened at least `n` URLs; returns the `n`-th (1-based).
    pub fn wait_for_url(&self, n: usize, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let urls = self.urls();
            if urls.len() >= n {
                return Ok(urls[n - 1].clone());
            }
            if Instant::now() >= deadline {
                return Err(Error::Setup(format!(
                    "the app did not open a browser (URL #{n}) within {timeout:?}; \
                     {} URL(s) recorded by {}",
                    urls.len(),
                    self.script.display()
                )));
            }
            thread::sleep(POLL);
        }
    }
}

fn element_of(v: &Value) -> Option<Element> {
    v.get(ELEMENT_KEY)
        .and_then(Value::as_str)
        .map(|s| Element(s.to_string()))
}

fn write_file(path: &Path, bytes: &[u8]) -> std::result::Result<(), String> {
    if let Some(d) = path.parent() {
        fs::create_dir_all(d).map_err(|e| format!("create {}: {e}", d.display()))?;
    }
    fs::write(path, bytes).map_err(|e| format!("write {}: {e}", path.display()))
}
