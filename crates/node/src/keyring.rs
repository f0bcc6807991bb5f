//! Keys stored as files in `<home>/keys/<name>.json` (unencrypted: for devnets
//! and operators who protect the folder; file mode 0600).

use anyhow::{bail, Context, Result};
use greenhour_crypto::SecretKey;
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
pub struct KeyFile {
    pub name: String,
    pub address: Address,
    pub public_key: String,
    pub secret_key: String,
}

/// Public facts about a key, safe to print.
#[derive(Serialize)]
pub struct KeyInfo {
    pub name: String,
    pub address: Address,
    pub public_key: String,
}

pub struct Keyring {
    dir: PathBuf,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Keyring {
    pub fn new(dir: &Path) -> Self {
        Keyring { dir: dir.to_path_buf() }
    }

    fn path(&self, name: &str) -> Result<PathBuf> {
        if !valid_name(name) {
            bail!("key name {name:?} must be 1-64 characters from [A-Za-z0-9_-]");
        }
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// Stores a key; refuses to overwrite an existing one.
    pub fn add(&self, name: &str, key: &SecretKey) -> Result<KeyInfo> {
        let path = self.path(name)?;
        if path.exists() {
            bail!("key {name} already exists at {}", path.display());
        }
        std::fs::create_dir_all(&self.dir).with_context(|| format!("creating {}", self.dir.display()))?;
        let file = KeyFile {
            name: name.to_string(),
            address: key.address(),
            public_key: key.public_key().to_string(),
            secret_key: key.to_hex(),
        };
        let text = serde_json::to_string_pretty(&file)?;
        write_private(&path, text.as_bytes())?;
        Ok(KeyInfo { name: file.name, address: file.address, public_key: file.public_key })
    }

    pub fn get(&self, name: &str) -> Result<SecretKey> {
        let path = self.path(name)?;
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("no key named {name} in {} (see `greenhour keys list`)", self.dir.display()))?;
        let file: KeyFile =
            serde_json::from_str(&text).with_context(|| format!("{} is not a key file", path.display()))?;
        let key = SecretKey::from_hex(&file.secret_key).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if key.address() != file.address {
            bail!("{}: the secret key does not match the stored address", path.display());
        }
        Ok(key)
    }

    pub fn info(&self, name: &str) -> Result<KeyInfo> {
        let key = self.get(name)?;
        Ok(KeyInfo { name: name.to_string(), address: key.address(), public_key: key.public_key().to_string() })
    }

    pub fn list(&self) -> Result<Vec<KeyInfo>> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.dir.display())),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".json")).map(str::to_string))
            .collect();
        names.sort();
        for name in names {
            out.push(self.info(&name)?);
        }
        Ok(out)
    }
}

/// Writes a file readable only by its owner.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
