//! A small JSON file owned by one user: created 0600 in a 0700 folder, replaced atomically
//! (temp file, fsync, rename, fsync of the folder) and guarded by an advisory lock on a sibling
//! `.lock` file so that two writers (threads, store instances or processes) never lose an update.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::SecretError;

pub(crate) struct JsonFile {
    path: PathBuf,
    tmp_path: PathBuf,
    lock_path: PathBuf,
}

/// Holds the advisory lock until dropped.
pub(crate) struct Locked(#[allow(dead_code)] File);

impl JsonFile {
    pub(crate) fn new(path: PathBuf) -> Self {
        let with_suffix = |suffix: &str| {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(suffix);
            path.with_file_name(name)
        };
        Self {
            tmp_path: with_suffix(".tmp"),
            lock_path: with_suffix(".lock"),
            path,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn exists(&self) -> bool {
        self.path.exists()
    }

    /// Takes the exclusive lock; every read-modify-write holds it from read to rename.
    pub(crate) fn lock(&self) -> Result<Locked, SecretError> {
        let file = user_only_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock_path)
            .map_err(|e| SecretError::io("open the lock file", &self.lock_path, e))?;
        file.lock()
            .map_err(|e| SecretError::io("lock", &self.lock_path, e))?;
        Ok(Locked(file))
    }

    /// Reads the document; a missing file reads as the default value. Call with the lock held.
    pub(crate) fn read<T: DeserializeOwned + Default>(&self) -> Result<T, SecretError> {
        let mut file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(T::default()),
            Err(e) => return Err(SecretError::io("open", &self.path, e)),
        };
        let mut bytes = Zeroizing::new(Vec::new());
        file.read_to_end(&mut bytes)
            .map_err(|e| SecretError::io("read", &self.path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| SecretError::Corrupt {
            path: self.path.clone(),
            detail: describe_json_error(&e),
        })
    }

    /// Replaces the document atomically: a crash at any point leaves either the old or the new
    /// file, never a half-written one. Call with the lock held.
    pub(crate) fn write<T: Serialize>(&self, value: &T) -> Result<(), SecretError> {
        let bytes =
            Zeroizing::new(serde_json::to_vec_pretty(value).map_err(|e| {
                SecretError::io("encode", &self.path, io::Error::other(e.to_string()))
            })?);
        // With the lock held, a leftover temp file can only come from a writer that crashed.
        match fs::remove_file(&self.tmp_path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(SecretError::io("remove the stale", &self.tmp_path, e)),
        }
        let write_tmp = || -> io::Result<()> {
            let mut tmp = user_only_options()
                .write(true)
                .create_new(true)
                .open(&self.tmp_path)?;
            tmp.write_all(&bytes)?;
            tmp.sync_all()
        };
        write_tmp().map_err(|e| SecretError::io("write", &self.tmp_path, e))?;
        fs::rename(&self.tmp_path, &self.path)
            .map_err(|e| SecretError::io("replace", &self.path, e))?;
        sync_parent(&self.path).map_err(|e| SecretError::io("flush the folder of", &self.path, e))
    }

    /// Deletes the document and any stale temp file; missing files are fine. Call with the lock
    /// held. The empty lock file stays: deleting it while another writer waits on it would let
    /// that writer and a newcomer each hold "the" lock (and Windows cannot delete an open file).
    pub(crate) fn remove(&self) -> Result<(), SecretError> {
        for path in [&self.path, &self.tmp_path] {
            match fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(SecretError::io("delete", path, e)),
            }
        }
        sync_parent(&self.path).map_err(|e| SecretError::io("flush the folder of", &self.path, e))
    }

    /// If the file is readable or writable by anyone but its owner, restricts it to 0600 and
    /// returns a notice for the user (other accounts may already have read it).
    #[cfg(unix)]
    pub(crate) fn restrict_permissions(&self) -> Result<Option<String>, SecretError> {
        use std::os::unix::fs::PermissionsExt;
        let mode = match fs::metadata(&self.path) {
            Ok(meta) => meta.permissions().mode() & 0o777,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(SecretError::io("inspect", &self.path, e)),
        };
        if mode & 0o077 == 0 {
            return Ok(None);
        }
        fs::set_permissions(&self.path, fs::Permissions::from_mode(0o600))
            .map_err(|e| SecretError::io("restrict the permissions of", &self.path, e))?;
        Ok(Some(format!(
            "{} could be read by other accounts on this computer (mode {mode:o}); Reqlink has made \
             it readable only by you. If you share this computer, disconnect and reconnect your \
             integrations to replace the keys it held.",
            self.path.display()
        )))
    }

    /// On Windows the file inherits the per-user ACL of the profile folder it lives in.
    #[cfg(not(unix))]
    pub(crate) fn restrict_permissions(&self) -> Result<Option<String>, SecretError> {
        Ok(None)
    }
}

/// Creates `dir` (and missing parents) as 0700 on Unix. An existing folder is left as it is:
/// the data folder also holds the database, and the secrets file is 0600 on its own.
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), SecretError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| SecretError::io("create the folder", dir, e))
}

fn user_only_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn sync_parent(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// serde_json's messages can quote the offending value (a secret); keep only where and what kind.
fn describe_json_error(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match err.classify() {
        Category::Io => "it could not be read",
        Category::Syntax => "it is not valid JSON",
        Category::Data => "its content is not what Reqlink expects",
        Category::Eof => "it ends too early",
    };
    format!("{what}, at line {} column {}", err.line(), err.column())
}
