//! The state every API function works on: the data folder and the open store.

use std::sync::{Arc, Mutex, MutexGuard};

use koodesk_domain::lint::Ruleset;
use koodesk_market::Credentials;
use koodesk_store::Store;

use crate::keychain::{OsKeychain, SecretStore};
use crate::paths::DataDir;
use crate::{ApiError, ErrorCode};

pub struct Context {
    data: DataDir,
    store: Mutex<Store>,
    rules: Ruleset,
    secrets: Arc<dyn SecretStore>,
    current: Mutex<String>,
    demo: Mutex<Option<DemoMarketplace>>,
}

/// The built-in account: the Demo marketplace when the desktop app runs it, and the home of
/// everything prepared before any KooGallery account was added. (Its id predates accounts.)
pub const LOCAL_ACCOUNT: &str = "local";

/// The setting that names the current account.
pub(crate) const CURRENT_ACCOUNT_KEY: &str = "account.current";

/// Where the app's embedded sandbox marketplace answers, and the demo key pair it accepts (not a
/// secret: it is printed by `koodesk-sandbox` and only works on this computer).
#[derive(Debug, Clone)]
pub struct DemoMarketplace {
    pub base_url: String,
    pub credentials: Credentials,
}

impl Context {
    /// Creates the data folder if needed and opens its database; keys go to the OS keychain.
    pub fn open(data: DataDir) -> Result<Self, ApiError> {
        Self::open_with(data, Arc::new(OsKeychain))
    }

    /// As [`Context::open`], with another place for keys (tests use an in-memory one).
    pub fn open_with(data: DataDir, secrets: Arc<dyn SecretStore>) -> Result<Self, ApiError> {
        data.ensure()?;
        let rules = load_ruleset(&data)?;
        let store = Store::open(&data.database())?;
        let current = match store.setting(CURRENT_ACCOUNT_KEY)? {
            Some(id) if id == LOCAL_ACCOUNT || store.account(&id)?.is_some() => id,
            _ => LOCAL_ACCOUNT.to_owned(),
        };
        Ok(Context {
            data,
            store: Mutex::new(store),
            rules,
            secrets,
            current: Mutex::new(current),
            demo: Mutex::new(None),
        })
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// Tells the API where the app's Demo marketplace runs.
    pub fn set_demo(&self, demo: DemoMarketplace) {
        *self.demo.lock().unwrap_or_else(|p| p.into_inner()) = Some(demo);
    }

    pub fn demo(&self) -> Option<DemoMarketplace> {
        self.demo.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn set_account(&self, id: &str) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = id.to_owned();
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data
    }

    /// The release-requirements ruleset in force.
    pub fn rules(&self) -> &Ruleset {
        &self.rules
    }

    /// The current account's id; drafts, forms and support information belong to it.
    pub fn account(&self) -> String {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The store, locked for the duration of one API call.
    pub fn store(&self) -> Result<MutexGuard<'_, Store>, ApiError> {
        self.store
            .lock()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the store lock was poisoned"))
    }
}

/// The shipped ruleset, or `<data>/ruleset.json` when the seller (or support) placed one there.
fn load_ruleset(data: &DataDir) -> Result<Ruleset, ApiError> {
    let path = data.ruleset();
    match std::fs::read_to_string(&path) {
        Ok(text) => Ruleset::from_json(&text).map_err(|e| {
            ApiError::new(ErrorCode::InvalidInput, format!("{}: {e}", path.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ruleset::default()),
        Err(e) => Err(ApiError::new(
            ErrorCode::Io,
            format!("cannot read {}: {e}", path.display()),
        )),
    }
}
