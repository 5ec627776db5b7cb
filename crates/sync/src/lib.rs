//! Koodesk's sync engine. Submitting writes an immutable snapshot and the calls that carry it out
//! into the store's outbox in one transaction (`koodesk_api::sync`); the engine drains the outbox
//! exactly once per client token — through crashes, dropped connections and a gateway's 5xx after
//! it applied a write — and pulls applications, products and events into the store's remote
//! tables, never into a draft.
//!
//! - [`plan`]: the pure planner (what to send and pull now).
//! - [`engine`]: the executor, the sender's lease, the marketplace trait.
//! - [`calls`]: what each outbox row does and what its answer changes locally.
//! - [`submission`]: the calls that carry out a submission.
//! - [`probe`]: which contract operations an account's gateway serves.
//! - [`backoff`]: when to try again.

pub mod backoff;
pub mod calls;
pub mod engine;
pub mod plan;
pub mod probe;
pub mod reach;
pub mod submission;

pub use calls::Call;
pub use engine::{Config, Engine, Marketplace, Report};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] koodesk_store::StoreError),
    #[error(transparent)]
    Market(#[from] koodesk_market::MarketError),
    /// Something in the data folder is missing or changed (a file to upload); the row waits.
    #[error("{0}")]
    Local(String),
    /// The outbox holds something this version cannot read.
    #[error("{0}")]
    Corrupt(String),
}

/// A new client token: a UUIDv7, so tokens sort by the time they were made.
pub fn client_token() -> String {
    uuid::Uuid::now_v7().to_string()
}
