//! The desktop shell. Every command is a one-line adapter over
//! `reqlink_app::Core`, generated from the single command list; the shell
//! itself only wires the window, events and single-instance behaviour.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use reqlink_app::{resolve_data_dir, Core, CoreOptions, EventSink};
use reqlink_domain::ApiError;
use tauri::{Emitter, Manager};

/// Channel the UI listens on (`EVENT_CHANNEL` in the generated bindings).
const EVENT_CHANNEL: &str = "reqlink://event";

/// The core, or why it could not start (shown by the UI instead of a crash).
struct Host(Result<Core, ApiError>);

impl Host {
    fn core(&self) -> Result<&Core, ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

macro_rules! adapters {
    ($( $name:ident ( $( $arg:ident : $argty:ty )? ) -> $ret:ty ; )*) => {
        $(
            #[tauri::command]
            async fn $name(host: tauri::State<'_, Host> $(, $arg: $argty)?) -> Result<$ret, ApiError> {
                host.core()?.$name($( $arg )?).await
            }
        )*

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$( $name ),*]
        }
    };
}

reqlink_domain::with_commands!(adapters);

pub fn run() {
    init_logging();
    let data_dir = resolve_data_dir(data_dir_flag());
    tracing::info!("data directory: {}", data_dir.display());

    tauri::Builder::default()
        // Registered first so a second launch hands over before doing any work.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id(&data_dir))
                .callback(|app, _argv, _cwd| {
                    if let Some(window) = app.get_webview_window("main") {
                        let _ = window.unminimize();
                        let _ = window.show();
                        let _ = window.set_focus();
                    }
                })
                .build(),
        )
        .setup(move |app| {
            let handle = app.handle().clone();
            let events: EventSink = Arc::new(move |event| {
                if let reqlink_domain::AppEvent::ExportFinished { summary } = &event {
                    notify(reqlink_app::export_notification(summary));
                }
                if let Err(e) = handle.emit(EVENT_CHANNEL, event) {
                    tracing::warn!("could not deliver an event to the window: {e}");
                }
            });
            let mut options = CoreOptions::new(data_dir.clone());
            options.events = Some(events);
            let core = tauri::async_runtime::block_on(Core::start(options));
            if let Err(e) = &core {
                tracing::error!("Reqlink could not start: {}", e.message);
            }
            app.manage(Host(core.map_err(|e| {
                ApiError::new(e.code, format!("Reqlink could not start: {}", e.message))
            })));
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Reqlink failed to run: {e}");
            std::process::exit(1);
        });
}

/// `--data-dir <path>` on the command line.
fn data_dir_flag() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
    }
    None
}

/// One instance per data directory: a second window on the same database is
/// what single-instance exists to prevent, while a test or development run
/// with its own directory must not hand over to the user's running app.
fn instance_id(data_dir: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut hasher);
    format!("app.reqlink.desktop.d{:016x}", hasher.finish())
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REQLINK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A native desktop notification, off the event thread. Where no
/// notification service runs (a headless machine) it is skipped: the window
/// shows the same summary.
fn notify((title, body): (String, String)) {
    std::thread::spawn(move || {
        if let Err(e) = notify_rust::Notification::new()
            .appname("Reqlink")
            .summary(&title)
            .body(&body)
            .show()
        {
            tracing::debug!("no desktop notification: {e}");
        }
    });
}
