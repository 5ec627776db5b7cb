//! Key/value settings (language, window geometry, ...). Values are opaque strings to the store.

use rusqlite::{params, OptionalExtension};

use crate::{audit, Store, StoreError};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Writes a setting and its audit row in one transaction.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            params![key, value],
        )?;
        audit::record(&tx, "setting", key, "set", value)?;
        tx.commit()?;
        Ok(())
    }

    /// Writes a setting that is bookkeeping rather than a seller's decision (window geometry):
    /// no audit row, so the log is not flooded while a window is dragged.
    pub fn set_setting_quietly(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}
