//! Request forms. A version that templates were issued from is never changed again: editing it
//! writes the next version, so every file a customer holds can still be read.

use rusqlite::{params, OptionalExtension};

use crate::{audit, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRow {
    pub id: String,
    pub version: u32,
    pub doc: String,
    pub issued: bool,
    pub updated_at: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FormRow> {
    Ok(FormRow {
        id: r.get(0)?,
        version: r.get(1)?,
        doc: r.get(2)?,
        issued: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

impl Store {
    /// The newest version of every form, most recently changed first.
    pub fn latest_forms(&self, account: &str) -> Result<Vec<FormRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.version, f.doc, f.issued, f.updated_at FROM request_forms f
             WHERE f.account = ?1 AND f.deleted_at IS NULL
               AND f.version = (SELECT max(version) FROM request_forms g WHERE g.account = f.account AND g.id = f.id)
             ORDER BY f.updated_at DESC",
        )?;
        let rows = stmt.query_map([account], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A form's version, or its newest version when `version` is `None`.
    pub fn form(
        &self,
        account: &str,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<FormRow>, StoreError> {
        let sql = "SELECT id, version, doc, issued, updated_at FROM request_forms
                   WHERE account = ?1 AND id = ?2 AND (?3 IS NULL OR version = ?3)
                   ORDER BY version DESC LIMIT 1";
        Ok(self
            .conn
            .query_row(sql, params![account, id, version], row)
            .optional()?)
    }

    /// Saves `doc` as the form's current version, or as a new version when the current one has
    /// been issued. `doc_for_version` renders the document with a given version number.
    pub fn save_form(
        &mut self,
        account: &str,
        id: &str,
        doc_for_version: impl Fn(u32) -> String,
    ) -> Result<FormRow, StoreError> {
        let tx = self.conn.transaction()?;
        let latest: Option<(u32, bool, String)> = tx
            .query_row(
                "SELECT version, issued, doc FROM request_forms WHERE account = ?1 AND id = ?2
                 ORDER BY version DESC LIMIT 1",
                params![account, id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let version = match &latest {
            None => 1,
            Some((v, false, _)) => *v,
            Some((v, true, old)) if *old == doc_for_version(*v) => {
                // Nothing changed in an issued version: keep it.
                tx.commit()?;
                return self
                    .form(account, id, Some(*v))?
                    .ok_or(StoreError::NotFound);
            }
            Some((v, true, _)) => v + 1,
        };
        let doc = doc_for_version(version);
        tx.execute(
            "INSERT INTO request_forms (account, id, version, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, id, version) DO UPDATE SET doc = excluded.doc, deleted_at = NULL,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            params![account, id, version, doc],
        )?;
        audit::record(&tx, "request_form", id, "save", &version.to_string())?;
        tx.commit()?;
        self.form(account, id, Some(version))?
            .ok_or(StoreError::NotFound)
    }

    /// Marks a version as issued: templates exist for it, so it is never changed again.
    pub fn mark_form_issued(
        &mut self,
        account: &str,
        id: &str,
        version: u32,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE request_forms SET issued = 1 WHERE account = ?1 AND id = ?2 AND version = ?3",
            params![account, id, version],
        )?;
        Ok(())
    }
}
