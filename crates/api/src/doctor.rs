//! `koodesk doctor`: what a seller or a supporter needs to know about this installation.

use serde::Serialize;

use koodesk_store::Store;

use crate::paths::{DataDir, DATA_DIR_ENV};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseHealth {
    /// Opened, integrity-checked, schema current.
    Ok,
    /// No database yet: it is created on the first start of the app.
    NotCreated,
    /// Present but unusable; `message` says why.
    Damaged,
    NewerVersion,
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatabaseReport {
    pub path: String,
    pub health: DatabaseHealth,
    pub schema_version: Option<u32>,
    pub latest_schema_version: Option<u32>,
    pub journal_mode: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    pub koodesk_version: String,
    pub sqlite_version: String,
    pub os: String,
    pub arch: String,
    pub data_dir: String,
    /// `KOODESK_DATA_DIR` or `os default`.
    pub data_dir_source: String,
    pub log_dir: String,
    pub database: DatabaseReport,
}

impl DoctorReport {
    /// True when nothing needs the seller's attention.
    pub fn healthy(&self) -> bool {
        matches!(
            self.database.health,
            DatabaseHealth::Ok | DatabaseHealth::NotCreated
        )
    }
}

/// Inspects the data folder without creating anything: a missing database is reported, not made.
pub fn run(data: &DataDir) -> DoctorReport {
    let db_path = data.database();
    let database = if !db_path.exists() {
        DatabaseReport {
            path: db_path.display().to_string(),
            health: DatabaseHealth::NotCreated,
            schema_version: None,
            latest_schema_version: None,
            journal_mode: None,
            message: None,
        }
    } else {
        match Store::open(&db_path).and_then(|s| s.status()) {
            Ok(st) => DatabaseReport {
                path: db_path.display().to_string(),
                health: DatabaseHealth::Ok,
                schema_version: Some(st.schema_version),
                latest_schema_version: Some(st.latest_schema_version),
                journal_mode: Some(st.journal_mode),
                message: None,
            },
            Err(e) => DatabaseReport {
                path: db_path.display().to_string(),
                health: match e {
                    koodesk_store::StoreError::Damaged { .. } => DatabaseHealth::Damaged,
                    koodesk_store::StoreError::NewerSchema { .. } => DatabaseHealth::NewerVersion,
                    _ => DatabaseHealth::Error,
                },
                schema_version: None,
                latest_schema_version: None,
                journal_mode: None,
                message: Some(e.to_string()),
            },
        }
    };
    let from_env = std::env::var_os(DATA_DIR_ENV).is_some_and(|v| !v.is_empty());
    DoctorReport {
        koodesk_version: crate::VERSION.to_string(),
        sqlite_version: koodesk_store::sqlite_version().to_string(),
        os: std::env::consts::OS.to_string(),
        arch: std::env::consts::ARCH.to_string(),
        data_dir: data.root().display().to_string(),
        data_dir_source: if from_env { DATA_DIR_ENV } else { "os default" }.to_string(),
        log_dir: data.logs().display().to_string(),
        database,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Context;

    #[test]
    fn doctor_reports_missing_then_ok_then_damaged_without_creating_anything() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::at(dir.path().join("data"));
        let report = run(&data);
        assert_eq!(report.database.health, DatabaseHealth::NotCreated);
        assert!(report.healthy());
        assert!(
            !data.root().exists(),
            "doctor must not create the data folder"
        );

        drop(Context::open(data.clone()).unwrap());
        let report = run(&data);
        assert_eq!(report.database.health, DatabaseHealth::Ok);
        assert_eq!(
            report.database.schema_version,
            report.database.latest_schema_version
        );

        std::fs::write(
            data.database(),
            b"not a database at all, just text".repeat(100),
        )
        .unwrap();
        let report = run(&data);
        assert_eq!(report.database.health, DatabaseHealth::Damaged);
        assert!(!report.healthy());
        assert!(report.database.message.unwrap().contains("damaged"));
    }
}
