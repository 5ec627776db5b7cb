//! The audit log: one row for every change a seller makes, written in the same transaction.

use rusqlite::{params, Connection};

use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub detail: String,
}

pub(crate) fn record(
    conn: &Connection,
    entity: &str,
    entity_id: &str,
    action: &str,
    detail: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit_log (entity, entity_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![entity, entity_id, action, detail])?;
    Ok(())
}

impl Store {
    /// The newest `limit` audit entries about one entity, newest first.
    pub fn audit_entries(
        &self,
        entity: &str,
        entity_id: &str,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT at, entity, entity_id, action, detail FROM audit_log
             WHERE entity = ?1 AND entity_id = ?2 ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![entity, entity_id, limit], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                entity: r.get(1)?,
                entity_id: r.get(2)?,
                action: r.get(3)?,
                detail: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
