//! The real OS keychain (Secret Service on Linux). Ignored in the plain test run: `cargo xtask
//! test` runs it in the desktop step, inside a D-Bus session with GNOME Keyring unlocked.

use koodesk_api::keychain::{OsKeychain, SecretStore};
use koodesk_market::Credentials;

#[test]
#[ignore = "needs a Secret Service; cargo xtask test runs it under gnome-keyring"]
fn keys_round_trip_through_the_os_keychain() {
    let id = format!("test-{}", std::process::id());
    let keys = Credentials::new("AKROUNDTRIP", "SK with spaces and ünicode");
    let k = OsKeychain;
    assert_eq!(k.get(&id).expect("reachable"), None);
    k.set(&id, &keys).expect("stored");
    assert_eq!(k.get(&id).expect("read"), Some(keys));
    let newer = Credentials::new("AKNEWER", "SKNEWER");
    k.set(&id, &newer).expect("replaced");
    assert_eq!(k.get(&id).expect("read"), Some(newer));
    k.delete(&id).expect("deleted");
    assert_eq!(k.get(&id).expect("read"), None);
    k.delete(&id).expect("deleting twice is fine");
}
