//! The marketplace: Koodesk's seller contract with KooGallery (`contract`), the API Gateway's
//! SDK-HMAC-SHA256 signature (`sign`), and the HTTP client with its error classes.

pub mod client;
pub mod contract;
pub mod error;
pub mod response;
pub mod sign;
pub mod site;

pub use client::{Client, ClientConfig, RawResponse, RequestSpec, Site};
pub use error::{ErrorClass, MarketError};
pub use sign::Credentials;
