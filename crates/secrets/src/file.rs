use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::jsonfile::{ensure_dir, JsonFile};
use crate::{key, Secret, SecretError, SecretStore};

const FORMAT_VERSION: u32 = 1;

/// Secrets in `secrets.json` inside the data folder, for machines without a keychain.
///
/// The file is created 0600 (and the folder 0700 if this store creates it). A file found with
/// wider permissions is restricted to 0600 when the store opens, and the user is told (see
/// [`FileStore::permission_notice`]): refusing to start would lock the user out of their own
/// integrations, while fixing it silently would hide that other accounts could have read it.
///
/// Every change is a locked read-modify-write of the whole file, replaced atomically, so
/// concurrent writers never lose an update and a crash never leaves a half-written file. A file
/// that cannot be parsed is reported as [`SecretError::Corrupt`] and never overwritten.
pub struct FileStore {
    file: JsonFile,
    permission_notice: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Document {
    version: u32,
    secrets: BTreeMap<String, String>,
}

impl Default for Document {
    fn default() -> Self {
        Self {
            version: FORMAT_VERSION,
            secrets: BTreeMap::new(),
        }
    }
}

impl Drop for Document {
    fn drop(&mut self) {
        for value in self.secrets.values_mut() {
            value.zeroize();
        }
    }
}

impl FileStore {
    pub const FILE_NAME: &'static str = "secrets.json";

    /// Opens (without creating) `<data_dir>/secrets.json`; fails now if the file is unreadable
    /// or damaged rather than at the first request for a token.
    pub fn open(data_dir: &Path) -> Result<Self, SecretError> {
        ensure_dir(data_dir)?;
        let file = JsonFile::new(data_dir.join(Self::FILE_NAME));
        let permission_notice = file.restrict_permissions()?;
        let store = Self {
            file,
            permission_notice,
        };
        store.read()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Set when the file had wider permissions than 0600 and was restricted on open: show it.
    pub fn permission_notice(&self) -> Option<&str> {
        self.permission_notice.as_deref()
    }

    /// Whether the file holds no secret (a missing file holds none).
    pub fn is_empty(&self) -> Result<bool, SecretError> {
        if !self.file.exists() {
            return Ok(true);
        }
        Ok(self.read()?.secrets.is_empty())
    }

    /// Copies every secret into `to`, checks each one reads back, then deletes the file.
    /// On any failure the file is left as it was, so the move can simply be retried.
    pub fn move_into(&self, to: &dyn SecretStore) -> Result<usize, SecretError> {
        let _lock = self.file.lock()?;
        let doc = self.read()?;
        for (key, value) in &doc.secrets {
            let value = Secret::new(value.as_str());
            to.set(key, &value)?;
            let copied = to.get(key)?;
            if copied.as_ref().map(Secret::expose) != Some(value.expose()) {
                return Err(SecretError::MigrationMismatch { key: key.clone() });
            }
        }
        self.file.remove()?;
        Ok(doc.secrets.len())
    }

    fn read(&self) -> Result<Document, SecretError> {
        let doc: Document = self.file.read()?;
        if doc.version != FORMAT_VERSION {
            return Err(SecretError::Corrupt {
                path: self.path().to_owned(),
                detail: format!(
                    "format version {} is not the version {FORMAT_VERSION} this Reqlink reads",
                    doc.version
                ),
            });
        }
        Ok(doc)
    }

    /// Locked read-modify-write; `change` returns whether it changed anything worth writing.
    fn update<R>(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, String>) -> (bool, R),
    ) -> Result<R, SecretError> {
        let _lock = self.file.lock()?;
        let mut doc = self.read()?;
        let (changed, result) = change(&mut doc.secrets);
        if changed {
            self.file.write(&doc)?;
        }
        Ok(result)
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        key::validate(key)?;
        // Readers need no lock: writers replace the file atomically.
        Ok(self
            .read()?
            .secrets
            .get(key)
            .map(|v| Secret::new(v.as_str())))
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError> {
        key::validate(key)?;
        self.update(|secrets| {
            if let Some(mut old) = secrets.insert(key.to_owned(), value.expose().to_owned()) {
                old.zeroize();
            }
            (true, ())
        })
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        key::validate(key)?;
        self.update(|secrets| match secrets.remove(key) {
            Some(mut old) => {
                old.zeroize();
                (true, ())
            }
            None => (false, ()),
        })
    }

    fn keys(&self, prefix: &str) -> Result<Vec<String>, SecretError> {
        let doc = self.read()?;
        Ok(doc
            .secrets
            .keys()
            .filter(|k| key::under_prefix(k, prefix))
            .cloned()
            .collect())
    }

    fn delete_prefix(&self, prefix: &str) -> Result<usize, SecretError> {
        self.update(|secrets| {
            let doomed: Vec<String> = secrets
                .keys()
                .filter(|k| key::under_prefix(k, prefix))
                .cloned()
                .collect();
            for k in &doomed {
                if let Some(mut old) = secrets.remove(k) {
                    old.zeroize();
                }
            }
            (!doomed.is_empty(), doomed.len())
        })
    }
}
