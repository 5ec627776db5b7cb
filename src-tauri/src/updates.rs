//! Updates. Tauri's updater plugin reads the manifest (which version is newest, where its
//! artifact for this system and installer is, and its signature) and finally installs; in
//! between, Koodesk downloads the artifact itself within fixed limits (size, time, a stall) and
//! checks its minisign signature against the public key this build carries, and the version the
//! signature was made for, before anything is handed to the installer. A tampered artifact or
//! one signed with another key is refused with a message and nothing is installed.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use koodesk_api::{ApiError, ErrorCode};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_updater::UpdaterExt;
use tauri_specta::Event as _;

use crate::events::{UpdateAvailable, UpdateProgress};
use crate::Shell;

/// What an update download may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    /// The whole download.
    pub total: Duration,
    /// Between two pieces of it (and for the server's first answer).
    pub stall: Duration,
}

pub const LIMITS: Limits = Limits {
    max_bytes: 400 * 1024 * 1024,
    total: Duration::from_secs(20 * 60),
    stall: Duration::from_secs(60),
};

/// A newer version, as the Settings page shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct UpdateInfo {
    pub version: String,
    pub current_version: String,
    /// The release notes.
    pub notes: Option<String>,
    /// When it was published (RFC 3339), if the manifest says.
    pub date: Option<String>,
}

/// The update found by the last check, until it is installed.
#[derive(Default)]
pub struct Pending(Mutex<Option<tauri_plugin_updater::Update>>);

fn failed(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Update, message)
}

/// Test seams, in debug builds only: another manifest, key and "installed app" file.
fn seam(name: &str) -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    } else {
        None
    }
}

/// The public key updates must be signed with: the one this build was made with.
fn public_key(app: &AppHandle) -> Option<String> {
    seam("KOODESK_UPDATE_PUBKEY").or_else(|| {
        app.config()
            .plugins
            .0
            .get("updater")
            .and_then(|u| u.get("pubkey"))
            .and_then(|k| k.as_str())
            .map(str::to_owned)
    })
}

fn updater(app: &AppHandle) -> Result<tauri_plugin_updater::Updater, ApiError> {
    let mut builder = app.updater_builder().timeout(LIMITS.stall);
    if let Some(endpoint) = seam("KOODESK_UPDATE_ENDPOINT") {
        let url = endpoint
            .parse()
            .map_err(|e| failed(format!("{endpoint} is not an address: {e}")))?;
        builder = builder
            .endpoints(vec![url])
            .map_err(|e| failed(e.to_string()))?;
    }
    if let Some(key) = seam("KOODESK_UPDATE_PUBKEY") {
        builder = builder.pubkey(key);
    }
    if let Some(exe) = seam("KOODESK_UPDATE_EXE") {
        builder = builder.executable_path(exe);
    }
    builder
        .build()
        .map_err(|e| failed(format!("Updates are not available: {e}")))
}

/// Asks the update manifest whether a newer version exists.
pub async fn check(app: &AppHandle) -> Result<Option<UpdateInfo>, ApiError> {
    let found = updater(app)?
        .check()
        .await
        .map_err(|e| failed(format!("Could not look for updates: {e}")))?;
    if let Ok(ctx) = app.state::<Shell>().ctx() {
        let _ = koodesk_api::updates::checked(&ctx, time::OffsetDateTime::now_utc());
    }
    let info = found.as_ref().map(|u| UpdateInfo {
        version: u.version.clone(),
        current_version: u.current_version.clone(),
        notes: u.body.clone(),
        date: u.date.and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
    });
    if let Some(i) = &info {
        tracing::info!(version = %i.version, "an update is available");
    }
    *app.state::<Pending>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = found;
    Ok(info)
}

/// What installing did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Installed {
    pub version: String,
}

/// Downloads the update found by the last check, checks it, and installs it. Refused while the
/// outbox is sending.
pub async fn install(app: &AppHandle) -> Result<Installed, ApiError> {
    let ctx = app.state::<Shell>().ctx()?;
    tauri::async_runtime::spawn_blocking(move || koodesk_api::updates::may_install(&ctx))
        .await
        .map_err(|e| failed(e.to_string()))??;
    let update = app
        .state::<Pending>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| failed("Look for updates first."))?;
    if cfg!(debug_assertions) && seam("KOODESK_UPDATE_EXE").is_none() {
        return Err(failed(
            "A development build does not install updates over itself.",
        ));
    }
    let key = public_key(app).ok_or_else(|| failed("This build has no update key."))?;
    let handle = app.clone();
    let mut last = Instant::now();
    let bytes = download(&update.download_url, &LIMITS, |downloaded, total| {
        // A progress event at most every 100 ms, and the last one.
        if last.elapsed() >= Duration::from_millis(100) || Some(downloaded) == total {
            last = Instant::now();
            let _ = UpdateProgress {
                downloaded: downloaded as f64,
                total: total.map(|t| t as f64),
            }
            .emit(&handle);
        }
    })
    .await?;
    verify(&bytes, &update.signature, &key, &update.version)?;
    tracing::info!(version = %update.version, bytes = bytes.len(), "update verified; installing");
    let version = update.version.clone();
    tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|e| failed(e.to_string()))?
        .map_err(|e| failed(format!("The update could not be installed: {e}")))?;
    *app.state::<Pending>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = None;
    tracing::info!(%version, "update installed");
    Ok(Installed { version })
}

/// The opt-in daily check: a minute after start (off the start-up path), then hourly whether a
/// day has passed since the last look.
pub fn start_daily(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        loop {
            let due = app
                .state::<Shell>()
                .ctx()
                .ok()
                .and_then(|ctx| koodesk_api::updates::settings(&ctx).ok())
                .is_some_and(|s| {
                    koodesk_api::updates::daily_due(&s, time::OffsetDateTime::now_utc())
                });
            if due {
                match check(&app).await {
                    Ok(Some(info)) => {
                        let _ = UpdateAvailable(info).emit(&app);
                    }
                    Ok(None) => {}
                    Err(e) => tracing::info!(error = %e, "the daily update check failed"),
                }
            }
            tokio::time::sleep(Duration::from_secs(60 * 60)).await;
        }
    });
}

/// Downloads `url` within `limits`, calling `progress(bytes so far, announced total)`.
pub async fn download(
    url: &reqwest::Url,
    limits: &Limits,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Vec<u8>, ApiError> {
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let started = Instant::now();
    let client = reqwest::Client::builder()
        .connect_timeout(limits.stall)
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let mut response = tokio::time::timeout(limits.stall, client.get(url.clone()).send())
        .await
        .map_err(|_| failed("The update server did not answer in time."))?
        .map_err(|e| failed(format!("The update could not be downloaded: {e}")))?;
    if !response.status().is_success() {
        return Err(failed(format!(
            "The update server answered {}.",
            response.status()
        )));
    }
    let total = response.content_length();
    let too_big = || {
        failed(format!(
            "The update is larger than the {:.0} MiB Koodesk accepts; nothing was installed.",
            mib(limits.max_bytes)
        ))
    };
    if total.is_some_and(|t| t > limits.max_bytes) {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(total.unwrap_or(0).min(64 * 1024 * 1024) as usize);
    loop {
        let left = limits.total.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(failed(format!(
                "The update did not arrive within {} minutes; nothing was installed.",
                limits.total.as_secs() / 60
            )));
        }
        let chunk = tokio::time::timeout(left.min(limits.stall), response.chunk())
            .await
            .map_err(|_| failed("The update stopped arriving; nothing was installed."))?
            .map_err(|e| {
                failed(format!(
                    "The download broke off ({e}); nothing was installed."
                ))
            })?;
        let Some(chunk) = chunk else { break };
        if bytes.len() as u64 + chunk.len() as u64 > limits.max_bytes {
            return Err(too_big());
        }
        bytes.extend_from_slice(&chunk);
        progress(bytes.len() as u64, total);
    }
    if total.is_some_and(|t| t != bytes.len() as u64) {
        return Err(failed(
            "The update arrived incomplete; nothing was installed.",
        ));
    }
    Ok(bytes)
}

/// Checks `bytes` against `signature` (base64 of a minisign signature, as the manifest carries
/// it) with `public_key` (base64 of a minisign public key, as tauri.conf.json carries it), and
/// that the signature was made for `version`.
pub fn verify(
    bytes: &[u8],
    signature: &str,
    public_key: &str,
    version: &str,
) -> Result<(), ApiError> {
    let unwrap_base64 = |b64: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok())
    };
    let key = unwrap_base64(public_key)
        .and_then(|text| minisign_verify::PublicKey::decode(&text).ok())
        .ok_or_else(|| failed("This build's update key is unreadable; nothing was installed."))?;
    let signature = unwrap_base64(signature)
        .and_then(|text| minisign_verify::Signature::decode(&text).ok())
        .ok_or_else(|| failed("The update's signature is unreadable; nothing was installed."))?;
    key.verify(bytes, &signature, false).map_err(|e| match e {
        minisign_verify::Error::UnexpectedKeyId => {
            failed("The update is signed with another key than Koodesk's; nothing was installed.")
        }
        minisign_verify::Error::InvalidSignature => failed(
            "The update does not match its signature (it was changed after it was signed); \
             nothing was installed.",
        ),
        other => failed(format!(
            "The update's signature could not be checked ({other}); nothing was installed."
        )),
    })?;
    // Only now is the signed comment trusted: it must name the version announced.
    let signed_for = signature
        .trusted_comment()
        .split('\t')
        .find_map(|f| f.strip_prefix("version:"));
    match signed_for {
        Some(v) if v.trim_start_matches('v') == version.trim_start_matches('v') => Ok(()),
        Some(v) => Err(failed(format!(
            "The update announced as {version} was signed as {v}; nothing was installed."
        ))),
        None => Err(failed(
            "The update's signature does not say which version it is; nothing was installed.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    struct Key {
        pk: minisign::PublicKey,
        sk: minisign::SecretKey,
    }

    fn key() -> Key {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().expect("key pair");
        Key {
            pk: kp.pk,
            sk: kp.sk,
        }
    }

    impl Key {
        fn public(&self) -> String {
            b64(&self.pk.to_box().expect("box").to_string())
        }
        fn sign(&self, data: &[u8], trusted: &str) -> String {
            let sig = minisign::sign(
                Some(&self.pk),
                &self.sk,
                std::io::Cursor::new(data),
                Some(trusted),
                Some("signature from the test"),
            )
            .expect("sign");
            b64(&sig.to_string())
        }
    }

    #[test]
    fn only_an_untouched_artifact_signed_with_our_key_for_its_version_passes() {
        let ours = key();
        let theirs = key();
        let artifact = b"Koodesk 9.9.9 for Linux".to_vec();
        let good = ours.sign(&artifact, "timestamp:1\tfile:koodesk.deb\tversion:9.9.9");
        verify(&artifact, &good, &ours.public(), "9.9.9").expect("good");

        let mut tampered = artifact.clone();
        tampered[3] ^= 1;
        let e = verify(&tampered, &good, &ours.public(), "9.9.9").expect_err("tampered");
        assert!(
            e.message.contains("changed after it was signed"),
            "{}",
            e.message
        );

        let other = theirs.sign(&artifact, "timestamp:1\tfile:koodesk.deb\tversion:9.9.9");
        let e = verify(&artifact, &other, &ours.public(), "9.9.9").expect_err("other key");
        assert!(e.message.contains("another key"), "{}", e.message);

        // An older release's signature presented as a newer version.
        let old = ours.sign(&artifact, "timestamp:1\tfile:koodesk.deb\tversion:9.9.8");
        let e = verify(&artifact, &old, &ours.public(), "9.9.9").expect_err("version");
        assert!(e.message.contains("signed as 9.9.8"), "{}", e.message);
        let bare = ours.sign(&artifact, "timestamp:1\tfile:koodesk.deb");
        assert!(verify(&artifact, &bare, &ours.public(), "9.9.9").is_err());

        for garbage in ["", "not base64!", &b64("untrusted comment: x\nnonsense")] {
            let e = verify(&artifact, garbage, &ours.public(), "9.9.9").expect_err("garbage");
            assert!(e.message.contains("unreadable"), "{}", e.message);
            assert_eq!(e.code, ErrorCode::Update);
        }
    }

    /// A one-connection HTTP server on loopback answering with `head` then `body`, slowly if
    /// asked. Returns its URL.
    fn serve(head: String, body: Vec<u8>, pause: Duration) -> reqwest::Url {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut req = [0u8; 2048];
                let _ = s.read(&mut req);
                let _ = s.write_all(head.as_bytes());
                for piece in body.chunks(4096) {
                    if s.write_all(piece).is_err() {
                        return;
                    }
                    std::thread::sleep(pause);
                }
            }
        });
        format!("http://127.0.0.1:{port}/koodesk.deb")
            .parse()
            .expect("url")
    }

    fn ok_head(len: usize) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
    }

    #[tokio::test]
    async fn downloads_report_progress_and_keep_to_their_limits() {
        let limits = Limits {
            max_bytes: 64 * 1024,
            total: Duration::from_secs(5),
            stall: Duration::from_millis(500),
        };
        let body: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
        let mut seen = Vec::new();
        let got = download(
            &serve(ok_head(body.len()), body.clone(), Duration::ZERO),
            &limits,
            |n, total| seen.push((n, total)),
        )
        .await
        .expect("download");
        assert_eq!(got, body);
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
        assert_eq!(seen.last(), Some(&(40_000, Some(40_000))));

        // Announced too big: refused before reading.
        let e = download(
            &serve(ok_head(1 << 30), vec![], Duration::ZERO),
            &limits,
            |_, _| {},
        )
        .await
        .expect_err("too big");
        assert!(e.message.contains("larger than"), "{}", e.message);
        // Not announced, and endless: stopped at the limit.
        let endless = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_owned();
        let e = download(
            &serve(endless, vec![7; 200_000], Duration::ZERO),
            &limits,
            |_, _| {},
        )
        .await
        .expect_err("endless");
        assert!(e.message.contains("larger than"), "{}", e.message);
        // A trickle that stalls.
        let e = download(
            &serve(ok_head(body.len()), body.clone(), Duration::from_secs(2)),
            &limits,
            |_, _| {},
        )
        .await
        .expect_err("stalled");
        assert!(e.message.contains("stopped arriving"), "{}", e.message);
        // Cut short of what it announced.
        let e = download(
            &serve(ok_head(body.len() + 10), body.clone(), Duration::ZERO),
            &limits,
            |_, _| {},
        )
        .await
        .expect_err("short");
        assert!(
            e.message.contains("incomplete") || e.message.contains("broke off"),
            "{}",
            e.message
        );
        // An error answer.
        let e = download(
            &serve(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".into(),
                vec![],
                Duration::ZERO,
            ),
            &limits,
            |_, _| {},
        )
        .await
        .expect_err("404");
        assert!(e.message.contains("404"), "{}", e.message);
    }
}
