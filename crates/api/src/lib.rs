//! The application API: what Koodesk can do, as plain functions over a [`Context`].
//!
//! The desktop shell wraps each function in a one-line `#[tauri::command]`; the `koodesk` CLI calls
//! the same functions. Transport types (DTOs) live in [`dto`]; they are the only types that derive
//! TypeScript bindings.

pub mod accounts;
pub mod alerts;
pub mod backup;
pub mod context;
#[cfg(feature = "demo")]
pub mod demo;
pub mod doctor;
pub mod drafts;
pub mod dto;
pub mod error;
mod fixtures;
pub mod keychain;
pub mod logging;
pub mod orders;
pub mod paths;
pub mod raw;
pub mod session;
pub mod settings;
pub mod support;
pub mod sync;
pub mod templates;
pub mod updates;
pub mod window;

pub use context::Context;
pub use error::{ApiError, ErrorCode};

/// Koodesk's version, as built.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
