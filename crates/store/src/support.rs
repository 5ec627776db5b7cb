//! The seller's Services & support information, a draft with revisions like products.

use rusqlite::{params, OptionalExtension};

use crate::{audit, Store, StoreError};

impl Store {
    /// (revision, document JSON) of the account's Services & support draft.
    pub fn support_info(&self, account: &str) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT revision, doc FROM support_info WHERE account = ?1",
                [account],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn save_support_info(
        &mut self,
        account: &str,
        expected_revision: Option<i64>,
        doc: &str,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        let current: i64 = tx
            .query_row(
                "SELECT revision FROM support_info WHERE account = ?1",
                [account],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if let Some(expected) = expected_revision {
            if expected != current {
                return Err(StoreError::Conflict { current });
            }
        }
        let next = current + 1;
        // The current copy and its revision, from the same row of values.
        let row = params![account, next, doc];
        tx.execute(
            "INSERT INTO support_info (account, revision, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (account) DO UPDATE SET revision = excluded.revision, doc = excluded.doc,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            row,
        )?;
        tx.execute(
            "INSERT INTO support_revisions (account, revision, doc) VALUES (?1, ?2, ?3)",
            row,
        )?;
        audit::record(&tx, "support_info", account, "save", &next.to_string())?;
        tx.commit()?;
        Ok(next)
    }
}
