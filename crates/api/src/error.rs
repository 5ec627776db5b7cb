//! The one error shape that crosses IPC and the CLI: `{ code, message, field? }`.

use koodesk_store::StoreError;
use serde::Serialize;

/// What kind of failure this is. Grows only when the UI needs to branch on a new kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input is not acceptable; `field` names the offending field when there is one.
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// Someone saved a newer version first (another window); reload before saving again.
    Conflict,
    /// The database file is damaged; the UI offers to restore a backup.
    DamagedDatabase,
    /// The database was written by a newer Koodesk.
    NewerDatabase,
    /// Reading or writing a file failed (permissions, full disk, ...).
    Io,
    /// The local database failed in another way.
    Storage,
    /// The OS keychain cannot be reached (no Secret Service running, locked, refused).
    Keychain,
    /// The marketplace could not be reached or refused the request; the message says which.
    Marketplace,
    /// Looking for, downloading, checking or installing an update failed; the message says which.
    Update,
    /// A bug: something that should not happen.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            code: ErrorCode::InvalidInput,
            message: message.into(),
            field: Some(field.into()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Damaged { .. } => ErrorCode::DamagedDatabase,
            StoreError::NewerSchema { .. } => ErrorCode::NewerDatabase,
            StoreError::NotFound => ErrorCode::NotFound,
            StoreError::Conflict { .. } => ErrorCode::Conflict,
            StoreError::Rejected(_) => ErrorCode::InvalidInput,
            StoreError::Io(_) => ErrorCode::Io,
            StoreError::Open { .. } | StoreError::Migration(_) | StoreError::Sqlite(_) => {
                ErrorCode::Storage
            }
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::new(ErrorCode::Io, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_to_the_wire_shape() {
        let e = ApiError::invalid("language", "unknown language \"fr\"");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_input", "message": "unknown language \"fr\"", "field": "language"})
        );
        let e = ApiError::new(ErrorCode::Io, "disk full");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "io", "message": "disk full"})
        );
    }
}
