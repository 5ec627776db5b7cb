//! Where access keys live: the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows), one entry per account, and nowhere else.

use std::collections::HashMap;
use std::sync::Mutex;

use koodesk_market::Credentials;

use crate::{ApiError, ErrorCode};

/// The keychain's service name for Koodesk's entries.
pub const SERVICE: &str = "Koodesk";

pub trait SecretStore: Send + Sync {
    fn set(&self, account_id: &str, creds: &Credentials) -> Result<(), ApiError>;
    fn get(&self, account_id: &str) -> Result<Option<Credentials>, ApiError>;
    fn delete(&self, account_id: &str) -> Result<(), ApiError>;
}

/// Encodes a key pair as one keychain secret.
fn encode(c: &Credentials) -> String {
    serde_json::json!({ "ak": c.ak, "sk": c.secret() }).to_string()
}

fn decode(s: &str) -> Option<Credentials> {
    let v: serde_json::Value = serde_json::from_str(s).ok()?;
    Some(Credentials::new(v["ak"].as_str()?, v["sk"].as_str()?))
}

/// The operating system's keychain, through the `keyring` crate.
pub struct OsKeychain;

#[cfg(any(target_os = "linux", target_os = "macos", windows))]
impl OsKeychain {
    fn entry(account_id: &str) -> Result<keyring::Entry, ApiError> {
        keyring::Entry::new(SERVICE, &format!("account:{account_id}")).map_err(unavailable)
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", windows))]
fn unavailable(e: keyring::Error) -> ApiError {
    let hint = if cfg!(target_os = "linux") {
        " Koodesk keeps access keys in the Secret Service (GNOME Keyring or KWallet); make sure one is running and unlocked."
    } else {
        ""
    };
    ApiError::new(
        ErrorCode::Keychain,
        format!("The system keychain is not available: {e}.{hint}"),
    )
}

#[cfg(any(target_os = "linux", target_os = "macos", windows))]
impl SecretStore for OsKeychain {
    fn set(&self, account_id: &str, creds: &Credentials) -> Result<(), ApiError> {
        Self::entry(account_id)?
            .set_password(&encode(creds))
            .map_err(unavailable)
    }

    fn get(&self, account_id: &str) -> Result<Option<Credentials>, ApiError> {
        match Self::entry(account_id)?.get_password() {
            Ok(s) => Ok(decode(&s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn delete(&self, account_id: &str) -> Result<(), ApiError> {
        match Self::entry(account_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
impl SecretStore for OsKeychain {
    fn set(&self, _: &str, _: &Credentials) -> Result<(), ApiError> {
        Err(ApiError::new(
            ErrorCode::Keychain,
            "no keychain on this platform",
        ))
    }
    fn get(&self, _: &str) -> Result<Option<Credentials>, ApiError> {
        Ok(None)
    }
    fn delete(&self, _: &str) -> Result<(), ApiError> {
        Ok(())
    }
}

/// A keychain in memory, for tests of everything around the keychain.
#[derive(Default)]
pub struct MemoryKeychain(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryKeychain {
    fn set(&self, account_id: &str, creds: &Credentials) -> Result<(), ApiError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account_id.to_owned(), encode(creds));
        Ok(())
    }

    fn get(&self, account_id: &str) -> Result<Option<Credentials>, ApiError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(account_id)
            .and_then(|s| decode(s)))
    }

    fn delete(&self, account_id: &str) -> Result<(), ApiError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account_id);
        Ok(())
    }
}
