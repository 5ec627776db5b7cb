//! Marketplace accounts: a name and a site. The access keys are in the OS keychain, never here.

use rusqlite::{params, OptionalExtension, Row};

use crate::{audit, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    /// `intl`, `eu`, or a base URL.
    pub site: String,
    pub created_at: String,
    pub updated_at: String,
}

fn row(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0)?,
        name: r.get(1)?,
        site: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

const COLUMNS: &str = "id, name, site, created_at, updated_at";

impl Store {
    pub fn accounts(&self) -> Result<Vec<AccountRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM accounts ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn account(&self, id: &str) -> Result<Option<AccountRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?)
    }

    /// Adds or updates an account (by id).
    pub fn save_account(
        &mut self,
        id: &str,
        name: &str,
        site: &str,
    ) -> Result<AccountRow, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO accounts (id, name, site) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, site = excluded.site,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            params![id, name, site],
        )?;
        audit::record(&tx, "account", id, "saved", name)?;
        tx.commit()?;
        self.account(id)?.ok_or(StoreError::NotFound)
    }

    /// Removes the account entry. Its drafts, forms and support information stay in the database
    /// (they come back if an account with the same id is added again).
    pub fn remove_account(&mut self, id: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(&tx, "account", id, "removed", "")?;
        tx.commit()?;
        Ok(())
    }
}
