//! The state every API function works on: the data folder and the open store.

use std::sync::{Mutex, MutexGuard};

use koodesk_domain::lint::Ruleset;
use koodesk_store::Store;

use crate::paths::DataDir;
use crate::{ApiError, ErrorCode};

pub struct Context {
    data: DataDir,
    store: Mutex<Store>,
    rules: Ruleset,
}

/// Drafts and settings belong to an account; until accounts exist everything is local.
pub const LOCAL_ACCOUNT: &str = "local";

impl Context {
    /// Creates the data folder if needed and opens its database.
    pub fn open(data: DataDir) -> Result<Self, ApiError> {
        data.ensure()?;
        let rules = load_ruleset(&data)?;
        let store = Store::open(&data.database())?;
        Ok(Context {
            data,
            store: Mutex::new(store),
            rules,
        })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data
    }

    /// The release-requirements ruleset in force.
    pub fn rules(&self) -> &Ruleset {
        &self.rules
    }

    pub fn account(&self) -> &str {
        LOCAL_ACCOUNT
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
