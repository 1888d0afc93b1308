use std::path::PathBuf;

/// Overrides the data directory, so development and tests never touch a
/// user's real data.
pub const DATA_DIR_ENV: &str = "REQLINK_DATA_DIR";

/// The data directory: an explicit flag wins, then `REQLINK_DATA_DIR`, then
/// the OS application-data directory (`~/.local/share/reqlink` on Linux).
pub fn resolve_data_dir(flag: Option<PathBuf>) -> PathBuf {
    if let Some(dir) = flag {
        return dir;
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("app", "reqlink", "reqlink")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".reqlink"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_wins_over_everything() {
        let dir = resolve_data_dir(Some(PathBuf::from("/tmp/x")));
        assert_eq!(dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn default_is_an_absolute_os_directory() {
        // Only meaningful when the variable is not set by the test runner.
        if std::env::var_os(DATA_DIR_ENV).is_none() {
            let dir = resolve_data_dir(None);
            assert!(dir.is_absolute(), "{}", dir.display());
            assert!(dir.to_string_lossy().contains("reqlink"));
        }
    }
}
