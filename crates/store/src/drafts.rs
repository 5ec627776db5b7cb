//! Product drafts: every save is a new revision, written with its search entry and an audit row in
//! one transaction, so a draft survives the app being killed at any moment.

use rusqlite::{params, OptionalExtension, Row};

use crate::{audit, Store, StoreError};

/// What the API hands the store to write: the document and what is derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftWrite {
    pub kind: String,
    pub live_product_id: Option<String>,
    pub name: String,
    pub delivery_method: String,
    /// The draft document, as JSON.
    pub doc: String,
    pub errors: u32,
    pub warnings: u32,
    pub search: SearchFields,
}

/// The text full-text search looks at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchFields {
    pub name: String,
    pub overview: String,
    pub description: String,
    pub highlights: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    pub id: String,
    pub kind: String,
    pub live_product_id: Option<String>,
    pub name: String,
    pub delivery_method: String,
    pub revision: i64,
    pub doc: String,
    pub errors: u32,
    pub warnings: u32,
    pub submitted: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A list entry (no document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSummary {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub delivery_method: String,
    pub revision: i64,
    pub errors: u32,
    pub warnings: u32,
    pub submitted: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionInfo {
    pub revision: i64,
    pub saved_at: String,
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Not submitted (with or without errors).
    Unsubmitted,
    /// Not submitted and with blocking errors.
    HasErrors,
    /// Not submitted and without blocking errors.
    Ready,
    Submitted,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftFilter {
    /// Only this account's drafts (all accounts when `None`).
    pub account: Option<String>,
    /// Free text; matched anywhere in name, overview, description and highlights.
    pub query: Option<String>,
    pub delivery_method: Option<String>,
    pub state: Option<StateFilter>,
    pub limit: Option<u32>,
}

const SUMMARY_COLUMNS: &str =
    "d.id, d.kind, d.name, d.delivery_method, d.revision, d.errors, d.warnings, d.submitted, d.updated_at";

fn summary(r: &Row<'_>) -> rusqlite::Result<DraftSummary> {
    Ok(DraftSummary {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        delivery_method: r.get(3)?,
        revision: r.get(4)?,
        errors: r.get(5)?,
        warnings: r.get(6)?,
        submitted: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// Builds an FTS5 query that matches every word as a substring; words shorter than the trigram
/// tokenizer's three characters are returned separately to be matched with LIKE.
fn fts_query(q: &str) -> (Option<String>, Vec<String>) {
    let mut fts = Vec::new();
    let mut short = Vec::new();
    for word in q.split_whitespace() {
        if word.chars().count() >= 3 {
            fts.push(format!("\"{}\"", word.replace('"', "\"\"")));
        } else {
            short.push(word.to_lowercase());
        }
    }
    ((!fts.is_empty()).then(|| fts.join(" ")), short)
}

fn like_pattern(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Creates a draft of the built-in local account.
    pub fn create_draft(
        &mut self,
        id: &str,
        w: &DraftWrite,
        note: &str,
    ) -> Result<DraftRow, StoreError> {
        self.create_draft_for("local", id, w, note)
    }

    pub fn create_draft_for(
        &mut self,
        account: &str,
        id: &str,
        w: &DraftWrite,
        note: &str,
    ) -> Result<DraftRow, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO drafts (id, kind, live_product_id, name, delivery_method, revision, doc,
                                 errors, warnings, search_text, account)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10)",
            params![
                id,
                w.kind,
                w.live_product_id,
                w.name,
                w.delivery_method,
                w.doc,
                w.errors,
                w.warnings,
                search_text(&w.search),
                account
            ],
        )?;
        tx.execute(
            "INSERT INTO draft_revisions (draft_id, revision, note, doc) VALUES (?1, 1, ?2, ?3)",
            params![id, note, w.doc],
        )?;
        index(&tx, id, &w.search)?;
        audit::record(&tx, "draft", id, note, &w.name)?;
        tx.commit()?;
        self.draft(id)?.ok_or(StoreError::NotFound)
    }

    /// Saves a new revision. With `expected_revision`, refuses to overwrite a newer save
    /// (two windows, or a late save from before a restore).
    pub fn save_draft(
        &mut self,
        id: &str,
        expected_revision: Option<i64>,
        w: &DraftWrite,
        note: &str,
    ) -> Result<DraftRow, StoreError> {
        let tx = self.conn.transaction()?;
        let current: Option<i64> = tx
            .query_row(
                "SELECT revision FROM drafts WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(current) = current else {
            return Err(StoreError::NotFound);
        };
        if let Some(expected) = expected_revision {
            if expected != current {
                return Err(StoreError::Conflict { current });
            }
        }
        let next = current + 1;
        tx.execute(
            "UPDATE drafts SET name = ?2, delivery_method = ?3, revision = ?4, doc = ?5, errors = ?6,
                 warnings = ?7, search_text = ?8, live_product_id = ?9,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1",
            params![
                id,
                w.name,
                w.delivery_method,
                next,
                w.doc,
                w.errors,
                w.warnings,
                search_text(&w.search),
                w.live_product_id
            ],
        )?;
        tx.execute(
            "INSERT INTO draft_revisions (draft_id, revision, note, doc) VALUES (?1, ?2, ?3, ?4)",
            params![id, next, note, w.doc],
        )?;
        index(&tx, id, &w.search)?;
        audit::record(&tx, "draft", id, note, &next.to_string())?;
        // The saved revision supersedes whatever was staged on the one before.
        tx.execute("DELETE FROM staged_edits WHERE draft_id = ?1", [id])?;
        tx.commit()?;
        self.draft(id)?.ok_or(StoreError::NotFound)
    }

    /// Write-through of an edit not yet saved as a revision: replaces the draft's staged
    /// document, committed before it returns. Ignored (returns `false`) when the draft has moved
    /// past `base_revision` meanwhile: a save already holds newer work.
    pub fn stage_draft(
        &mut self,
        id: &str,
        base_revision: i64,
        doc: &str,
    ) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "INSERT INTO staged_edits (draft_id, base_revision, doc)
             SELECT id, revision, ?3 FROM drafts
              WHERE id = ?1 AND revision = ?2 AND deleted_at IS NULL
             ON CONFLICT (draft_id) DO UPDATE SET
                base_revision = excluded.base_revision, doc = excluded.doc,
                staged_at = excluded.staged_at",
            params![id, base_revision, doc],
        )?;
        Ok(n > 0)
    }

    /// Staged edits still waiting to become revisions: (draft id, base revision, document).
    pub fn staged_drafts(&self) -> Result<Vec<(String, i64, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT draft_id, base_revision, doc FROM staged_edits ORDER BY draft_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn discard_staged(&mut self, id: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM staged_edits WHERE draft_id = ?1", [id])?;
        Ok(())
    }

    pub fn draft(&self, id: &str) -> Result<Option<DraftRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, kind, live_product_id, name, delivery_method, revision, doc, errors,
                        warnings, submitted, created_at, updated_at
                 FROM drafts WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                |r| {
                    Ok(DraftRow {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        live_product_id: r.get(2)?,
                        name: r.get(3)?,
                        delivery_method: r.get(4)?,
                        revision: r.get(5)?,
                        doc: r.get(6)?,
                        errors: r.get(7)?,
                        warnings: r.get(8)?,
                        submitted: r.get(9)?,
                        created_at: r.get(10)?,
                        updated_at: r.get(11)?,
                    })
                },
            )
            .optional()?)
    }

    /// Drafts matching the filter, most recently changed first (best match first when searching).
    pub fn list_drafts(&self, f: &DraftFilter) -> Result<Vec<DraftSummary>, StoreError> {
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM drafts d");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let (fts, short) = f
            .query
            .as_deref()
            .map(fts_query)
            .unwrap_or((None, Vec::new()));
        if let Some(q) = &fts {
            sql.push_str(" JOIN drafts_fts ON drafts_fts.rowid = d.rowid AND drafts_fts MATCH ?");
            args.push(q.clone().into());
        }
        sql.push_str(" WHERE d.deleted_at IS NULL");
        if let Some(a) = &f.account {
            sql.push_str(" AND d.account = ?");
            args.push(a.clone().into());
        }
        for word in &short {
            sql.push_str(" AND d.search_text LIKE ? ESCAPE '\\'");
            args.push(like_pattern(word).into());
        }
        if let Some(m) = &f.delivery_method {
            sql.push_str(" AND d.delivery_method = ?");
            args.push(m.clone().into());
        }
        match f.state {
            Some(StateFilter::Unsubmitted) => sql.push_str(" AND d.submitted = 0"),
            Some(StateFilter::HasErrors) => sql.push_str(" AND d.submitted = 0 AND d.errors > 0"),
            Some(StateFilter::Ready) => sql.push_str(" AND d.submitted = 0 AND d.errors = 0"),
            Some(StateFilter::Submitted) => sql.push_str(" AND d.submitted = 1"),
            None => {}
        }
        if fts.is_some() {
            sql.push_str(" ORDER BY drafts_fts.rank, d.updated_at DESC");
        } else {
            sql.push_str(" ORDER BY d.updated_at DESC, d.id");
        }
        sql.push_str(" LIMIT ?");
        args.push(i64::from(f.limit.unwrap_or(500)).into());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), summary)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn revisions(&self, id: &str) -> Result<Vec<RevisionInfo>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT revision, saved_at, note FROM draft_revisions WHERE draft_id = ?1 ORDER BY revision DESC",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(RevisionInfo {
                revision: r.get(0)?,
                saved_at: r.get(1)?,
                note: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn revision_doc(&self, id: &str, revision: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT doc FROM draft_revisions WHERE draft_id = ?1 AND revision = ?2",
                params![id, revision],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Moves a draft to the bin: hidden from lists, its revisions kept.
    pub fn delete_draft(&mut self, id: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE drafts SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND deleted_at IS NULL",
            [id],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.execute("DELETE FROM staged_edits WHERE draft_id = ?1", [id])?;
        tx.execute(
            "DELETE FROM drafts_fts WHERE rowid = (SELECT rowid FROM drafts WHERE id = ?1)",
            [id],
        )?;
        audit::record(&tx, "draft", id, "delete", "")?;
        tx.commit()?;
        Ok(())
    }

    pub fn count_drafts(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM drafts WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

fn search_text(s: &SearchFields) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        s.name, s.overview, s.description, s.highlights
    )
    .to_lowercase()
}

fn index(tx: &rusqlite::Transaction<'_>, id: &str, s: &SearchFields) -> Result<(), StoreError> {
    let rowid: i64 = tx.query_row("SELECT rowid FROM drafts WHERE id = ?1", [id], |r| r.get(0))?;
    tx.execute("DELETE FROM drafts_fts WHERE rowid = ?1", [rowid])?;
    tx.execute(
        "INSERT INTO drafts_fts (rowid, name, overview, description, highlights) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![rowid, s.name, s.overview, s.description, s.highlights],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_quoted_trigram_terms_or_like_patterns() {
        assert_eq!(
            fts_query("migra sql"),
            (Some("\"migra\" \"sql\"".into()), vec![])
        );
        assert_eq!(
            fts_query("a \"quote\""),
            (Some("\"\"\"quote\"\"\"".into()), vec!["a".into()])
        );
        assert_eq!(fts_query("迁移"), (None, vec!["迁移".into()]));
        assert_eq!(like_pattern("50%_x"), "%50\\%\\_x%");
    }
}
