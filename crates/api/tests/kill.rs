//! `kill -9` at random moments while the editor writes through and saves: every edit the store
//! acknowledged is there after a restart (recovered from the staged write-through when it never
//! became a revision), and SQLite's `integrity_check` says `ok`.
//!
//! The writer is this test binary, re-entered as a child. `KOODESK_KILL_TRIALS` sets how many
//! trials run (`cargo xtask soak` runs 500; the regular tests a few dozen).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use koodesk_api::paths::DataDir;
use koodesk_api::{drafts, Context};
use serde_json::json;

const CHILD_ENV: &str = "KOODESK_KILL_CHILD";
const DRAFT_ENV: &str = "KOODESK_KILL_DRAFT";

/// The child: types edits into one draft as fast as it can — a write-through per keystroke and
/// a saved revision every few — and prints `ack N` once edit N is committed.
#[test]
fn kill_child_entry() {
    let (Some(dir), Some(id)) = (std::env::var_os(CHILD_ENV), std::env::var(DRAFT_ENV).ok()) else {
        return;
    };
    let ctx = Context::open(DataDir::at(dir)).expect("open");
    let mut view = drafts::get(&ctx, &id).expect("draft");
    let mut out = std::io::stdout().lock();
    for i in 1u64.. {
        let mut doc = view.doc.clone();
        doc["product"]["basic"]["name"] = json!(format!("Edit {i}"));
        if i % 8 == 0 {
            view = drafts::save(&ctx, &id, Some(view.revision), doc).expect("save");
        } else {
            drafts::stage(&ctx, &id, view.revision, &doc).expect("stage");
        }
        writeln!(out, "\nack {i}").expect("stdout");
        out.flush().expect("stdout");
    }
}

fn edit_number(name: &str) -> u64 {
    name.strip_prefix("Edit ")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn every_acknowledged_edit_survives_kill_9_at_random_moments() {
    let trials: u32 = std::env::var("KOODESK_KILL_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(dir.path());
    let id = {
        let ctx = Context::open(data.clone()).unwrap();
        drafts::create(&ctx, "professional_service").unwrap().id
    };
    let exe = std::env::current_exe().unwrap();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut recovered_total = 0;
    for trial in 0..trials {
        let mut child = Command::new(&exe)
            .args([
                "kill_child_entry",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .env(DRAFT_ENV, &id)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line.trim().strip_prefix("ack ") {
                    if tx.send(n.parse::<u64>().unwrap_or(0)).is_err() {
                        break;
                    }
                }
            }
        });
        // Wait for the writer to be under way, then kill it at a random moment.
        let first = rx.recv_timeout(Duration::from_secs(30));
        assert!(
            first.is_ok(),
            "trial {trial}: the writer never acknowledged an edit"
        );
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_micros(rng % 60_000));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        let last_ack = rx.try_iter().last().or(first.ok()).unwrap_or(0);

        // What the app does at start, then what the seller would see.
        let ctx = Context::open(data.clone()).unwrap();
        recovered_total += drafts::recover_staged(&ctx).unwrap();
        let name = drafts::get(&ctx, &id).unwrap().doc["product"]["basic"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        drop(ctx);
        assert!(
            edit_number(&name) >= last_ack,
            "trial {trial}: edit {last_ack} was acknowledged, the draft shows {name:?}"
        );
        koodesk_store::backup::verify(&data.database())
            .unwrap_or_else(|e| panic!("trial {trial}: integrity_check: {e}"));
    }
    assert!(
        recovered_total > 0,
        "some trials must have ended between two saves (write-through recovered nothing)"
    );
}
