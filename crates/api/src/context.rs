//! The state every API function works on: the data folder and the open store.

use std::sync::{Mutex, MutexGuard};

use koodesk_store::Store;

use crate::paths::DataDir;
use crate::{ApiError, ErrorCode};

pub struct Context {
    data: DataDir,
    store: Mutex<Store>,
}

impl Context {
    /// Creates the data folder if needed and opens its database.
    pub fn open(data: DataDir) -> Result<Self, ApiError> {
        data.ensure()?;
        let store = Store::open(&data.database())?;
        Ok(Context {
            data,
            store: Mutex::new(store),
        })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data
    }

    /// The store, locked for the duration of one API call.
    pub fn store(&self) -> Result<MutexGuard<'_, Store>, ApiError> {
        self.store
            .lock()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the store lock was poisoned"))
    }
}
