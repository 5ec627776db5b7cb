//! Koodesk's domain: products, specifications, SKUs, Services & support information, the draft
//! document format, the release-requirements linter and readable diffs.
//!
//! Pure types and rules: no I/O, no async, no SQLite. Everything that depends on time takes it as
//! an argument.

pub mod alerts;
pub mod diff;
pub mod draft;
pub mod form;
pub mod lint;
pub mod money;
pub mod patterns;
pub mod product;
pub mod spec;
pub mod supervision;
pub mod support;

pub use draft::{DraftDocument, DraftKind};
pub use money::Money;
pub use product::{DeliveryMethod, Product};
