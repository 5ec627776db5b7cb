//! Updates in the real window, from a loopback server serving an update manifest and its
//! artifact: Settings finds the newer version with its notes; installing a tampered artifact, or
//! one signed with another key, is refused with a clear message and the installed app file is
//! untouched; the untouched artifact signed with the build's key is installed (the plugin's
//! AppImage path rewrites the "installed app" file the test names).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use koodesk_e2e::{click, screenshot, wait_for, wait_text_contains, Driver};

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

struct Key(minisign::KeyPair);

impl Key {
    fn new() -> Key {
        Key(minisign::KeyPair::generate_unencrypted_keypair().expect("key pair"))
    }
    fn public(&self) -> String {
        b64(&self.0.pk.to_box().expect("box").to_string())
    }
    fn sign(&self, data: &[u8], version: &str) -> String {
        let trusted = format!("timestamp:1764547200\tfile:Koodesk.AppImage\tversion:{version}");
        let sig = minisign::sign(
            Some(&self.0.pk),
            &self.0.sk,
            std::io::Cursor::new(data),
            Some(&trusted),
            Some("signature from the updater test"),
        )
        .expect("sign");
        b64(&sig.to_string())
    }
}

/// What the update server serves now: the artifact's bytes and the signature in the manifest.
#[derive(Clone, Default)]
struct Release {
    artifact: Vec<u8>,
    signature: String,
}

/// A loopback HTTP server: `/latest.json` (the manifest, pointing at `/Koodesk.AppImage`) and the
/// artifact, answering from `release` as it is at each request.
fn serve(release: Arc<Mutex<Release>>) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let artifact_url = format!("{base}/Koodesk.AppImage");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut s = stream;
            let mut req = [0u8; 4096];
            let n = s.read(&mut req).unwrap_or(0);
            let line = String::from_utf8_lossy(&req[..n])
                .lines()
                .next()
                .unwrap_or("")
                .to_owned();
            let now = release.lock().map(|r| r.clone()).unwrap_or_default();
            let (kind, body) = if line.contains("/latest.json") {
                let manifest = serde_json::json!({
                    "version": "9.9.9",
                    "notes": "Faster start.\nThe inbox groups orders by customer.",
                    "pub_date": "2026-12-01T00:00:00Z",
                    "platforms": {
                        "linux-x86_64": { "url": artifact_url, "signature": now.signature }
                    }
                });
                ("application/json", manifest.to_string().into_bytes())
            } else if line.contains("/Koodesk.AppImage") {
                ("application/octet-stream", now.artifact)
            } else {
                let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                continue;
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    Ok(format!("{base}/latest.json"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "desktop E2E: `cargo xtask test` runs it under Xvfb with tauri-driver"]
async fn updates_are_found_and_only_the_rightly_signed_artifact_is_installed() -> anyhow::Result<()>
{
    let ours = Key::new();
    let theirs = Key::new();
    // The new version's file: a few MiB, so the download takes some pieces; an AppImage is an
    // ELF executable (the plugin checks that before it writes it).
    let mut artifact: Vec<u8> = b"\x7fELF\x02\x01\x01".to_vec();
    artifact.extend((0..3_000_000u32).map(|i| (i % 253) as u8));
    let mut tampered = artifact.clone();
    tampered[1_500_000] ^= 0x40;

    let release = Arc::new(Mutex::new(Release {
        artifact: tampered.clone(),
        signature: ours.sign(&artifact, "9.9.9"),
    }));
    let manifest = serve(release.clone())?;

    let tmp = tempfile::tempdir()?;
    let installed = tmp.path().join("installed/Koodesk.AppImage");
    std::fs::create_dir_all(installed.parent().unwrap_or(tmp.path()))?;
    std::fs::write(&installed, b"the installed Koodesk 0.1.0")?;
    let driver = Driver::start_with_env(
        &tmp.path().join("data"),
        &tmp.path().join("home"),
        &[
            ("KOODESK_UPDATE_ENDPOINT", manifest),
            ("KOODESK_UPDATE_PUBKEY", ours.public()),
            ("KOODESK_UPDATE_EXE", installed.display().to_string()),
        ],
    )
    .await?;
    let c = driver.launch().await?;
    wait_for(&c, "nav a[data-page=products]").await?;
    click(&c, "nav a[data-page=settings]").await?;
    click(&c, "[data-testid=update-check]").await?;
    wait_text_contains(
        &c,
        "[data-testid=update-available]",
        "Koodesk 9.9.9 is available",
    )
    .await?;
    wait_text_contains(
        &c,
        "[data-testid=update-notes]",
        "groups orders by customer",
    )
    .await?;
    screenshot(&c, "update-available").await?;

    let untouched =
        || std::fs::read(&installed).unwrap_or_default() == b"the installed Koodesk 0.1.0";
    let install = |expect: &'static str| {
        let c = c.clone();
        async move {
            click(&c, "[data-testid=update-install]").await?;
            click(&c, "[data-testid=update-confirm]").await?;
            wait_text_contains(&c, "[data-testid=update-error]", expect).await
        }
    };
    // 1. Changed after it was signed.
    install("changed after it was signed").await?;
    assert!(untouched(), "a tampered artifact installed nothing");

    // 2. The untouched file, signed with another key.
    *release.lock().expect("lock") = Release {
        artifact: artifact.clone(),
        signature: theirs.sign(&artifact, "9.9.9"),
    };
    click(&c, "[data-testid=update-check]").await?;
    wait_for(&c, "[data-testid=update-install]").await?;
    install("signed with another key").await?;
    assert!(
        untouched(),
        "an artifact signed with another key installed nothing"
    );

    // 3. Signed with the build's key: installed.
    *release.lock().expect("lock") = Release {
        artifact: artifact.clone(),
        signature: ours.sign(&artifact, "9.9.9"),
    };
    click(&c, "[data-testid=update-check]").await?;
    wait_for(&c, "[data-testid=update-install]").await?;
    click(&c, "[data-testid=update-install]").await?;
    click(&c, "[data-testid=update-confirm]").await?;
    if let Err(e) = wait_text_contains(
        &c,
        "[data-testid=update-installed]",
        "Koodesk 9.9.9 is installed",
    )
    .await
    {
        let said = koodesk_e2e::wait_text(&c, "[data-testid=update-error]").await;
        anyhow::bail!("{e}; the page says: {said:?}");
    }
    assert_eq!(
        std::fs::read(&installed)?,
        artifact,
        "the new version is in place"
    );
    screenshot(&c, "update-installed").await?;

    let _ = c.close().await;
    driver.stop().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(())
}
