//! Hostile marketplace answers: a body that claims 100 GB, one that never ends, one that trickles
//! a byte at a time, silence, JSON nested a million deep, a flood of headers, and an error
//! message of 60 MB. Each call is made in a child process (this test binary, re-entered) under an
//! address-space limit, so a runaway fails the test instead of taking the runner down; each must
//! end with a clear error within the client's time limit and 256 MiB peak memory.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use koodesk_market::client::MAX_MESSAGE_CHARS;
use koodesk_market::{Client, ClientConfig, Credentials, Site};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CASE_ENV: &str = "KOODESK_HOSTILE_ANSWER_CASE";
const URL_ENV: &str = "KOODESK_HOSTILE_ANSWER_URL";
/// What every call must stay under (the child's peak resident memory).
const PEAK_LIMIT_KIB: u64 = 256 * 1024;
/// The client's time limit in the child.
const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy)]
enum Case {
    Claims100Gb,
    Endless,
    Trickle,
    Silent,
    DeepJson,
    HeaderFlood,
    HugeMessage,
}

const CASES: [Case; 7] = [
    Case::Claims100Gb,
    Case::Endless,
    Case::Trickle,
    Case::Silent,
    Case::DeepJson,
    Case::HeaderFlood,
    Case::HugeMessage,
];

/// Reads the request's head (the body is not needed) and answers as `case` does.
async fn serve(case: Case, mut s: TcpStream) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let json = "Content-Type: application/json;charset=UTF-8\r\n";
    match case {
        Case::Claims100Gb => {
            s.write_all(
                format!("HTTP/1.1 200 OK\r\n{json}Content-Length: 107374182400\r\n\r\n").as_bytes(),
            )
            .await?;
            s.write_all(&[b'['; 1 << 20]).await?;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Case::Endless => {
            s.write_all(
                format!("HTTP/1.1 200 OK\r\n{json}Transfer-Encoding: chunked\r\n\r\n").as_bytes(),
            )
            .await?;
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b'a', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            // Until the client hangs up.
            loop {
                s.write_all(&chunk).await?;
            }
        }
        Case::Trickle => {
            s.write_all(
                format!("HTTP/1.1 200 OK\r\n{json}Content-Length: 1000000\r\n\r\n").as_bytes(),
            )
            .await?;
            loop {
                s.write_all(b" ").await?;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Case::Silent => tokio::time::sleep(Duration::from_secs(30)).await,
        Case::DeepJson => {
            let body = "[".repeat(5_000_000);
            s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\n{json}Content-Length: {}\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            )
            .await?;
            s.write_all(body.as_bytes()).await?;
        }
        Case::HeaderFlood => {
            let mut r = String::from("HTTP/1.1 200 OK\r\n");
            for i in 0..200_000 {
                r.push_str(&format!("X-Flood-{i}: {}\r\n", "v".repeat(40)));
            }
            r.push_str("Content-Length: 2\r\n\r\n{}");
            s.write_all(r.as_bytes()).await?;
        }
        Case::HugeMessage => {
            let body = format!(
                r#"{{"resultCode":"{}","resultMsg":"{}"}}"#,
                "9".repeat(10_000),
                "m".repeat(60 << 20)
            );
            s.write_all(
                format!(
                    "HTTP/1.1 400 Bad Request\r\n{json}Content-Length: {}\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            )
            .await?;
            s.write_all(body.as_bytes()).await?;
        }
    }
    Ok(())
}

/// The child's entry point: makes one call to the hostile server and reports what came of it
/// (does nothing in a normal run).
#[test]
fn hostile_answer_child() {
    let (Ok(case), Ok(url)) = (std::env::var(CASE_ENV), std::env::var(URL_ENV)) else {
        return;
    };
    limit_address_space();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = rt.block_on(async {
        let client = Client::new(
            &Site::Custom(url),
            Credentials::new("AK", "SK"),
            ClientConfig {
                timeout: TIMEOUT,
                connect_timeout: Duration::from_secs(2),
            },
        )
        .expect("client");
        client
            .call_bytes::<serde_json::Value>(
                "POST",
                "/isv/applications",
                Vec::new(),
                b"{}".to_vec(),
            )
            .await
    });
    let line = match outcome {
        Ok(v) => format!("OK {}", v.to_string().len()),
        Err(e) => format!("ERR {:?} {}", e.class(), e),
    };
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\nHWM {hwm}\nCASE {case}\n{line}\nEND");
    let _ = out.flush();
    std::process::exit(0);
}

/// The child may not map more than what it has now plus 512 MiB.
fn limit_address_space() {
    #[cfg(unix)]
    {
        let vm_kib = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmSize:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
            .unwrap_or(1 << 20);
        let bytes = (vm_kib * 1024 + (512 << 20)) as libc::rlim_t;
        let lim = libc::rlimit {
            rlim_cur: bytes,
            rlim_max: bytes,
        };
        // SAFETY: setrlimit reads the struct it is given; nothing else is touched.
        unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) };
    }
}

struct Report {
    peak_kib: u64,
    line: String,
    took: Duration,
}

fn call_in_child(case: Case, url: &str) -> Result<Report, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args([
            "hostile_answer_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CASE_ENV, format!("{case:?}"))
        .env(URL_ENV, url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    // A watchdog for a runaway, not a timing assertion.
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(_) => break,
            None if started.elapsed() > Duration::from_secs(60) => {
                let _ = child.kill();
                return Err(format!("{case:?}: the child ran away"));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let took = started.elapsed();
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{case:?}: the child died: {}", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let peak_kib = text
        .lines()
        .find_map(|l| l.strip_prefix("HWM "))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{case:?}: no report in {text:?}"))?;
    let line = text
        .lines()
        .find(|l| l.starts_with("OK ") || l.starts_with("ERR "))
        .ok_or_else(|| format!("{case:?}: no outcome in {text:?}"))?
        .to_owned();
    Ok(Report {
        peak_kib,
        line,
        took,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_end_in_a_clear_error_within_fixed_memory_and_time() {
    for case in CASES {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let _ = serve(case, s).await;
                });
            }
        });
        let report = tokio::task::spawn_blocking(move || call_in_child(case, &url))
            .await
            .expect("joined")
            .unwrap_or_else(|e| panic!("{e}"));
        server.abort();
        let line = &report.line;
        assert!(
            report.peak_kib < PEAK_LIMIT_KIB,
            "{case:?}: peak {} KiB",
            report.peak_kib
        );
        // The client's limit plus the child's start, generously: a watchdog, not a benchmark.
        assert!(
            report.took < TIMEOUT + Duration::from_secs(20),
            "{case:?}: {:?}",
            report.took
        );
        assert!(line.starts_with("ERR "), "{case:?}: {line}");
        match case {
            Case::Claims100Gb | Case::Endless => {
                assert!(line.contains("larger than 64 MB"), "{case:?}: {line}")
            }
            Case::Trickle | Case::Silent => {
                assert!(line.contains("time limit"), "{case:?}: {line}")
            }
            Case::DeepJson => assert!(line.contains("ERR UnknownOutcome"), "{case:?}: {line}"),
            Case::HeaderFlood => {}
            Case::HugeMessage => {
                assert!(line.contains("ERR Rejected"), "{case:?}: {line}");
                assert!(
                    line.len() < MAX_MESSAGE_CHARS + 400,
                    "{case:?}: the message is clipped, not {} bytes",
                    line.len()
                );
            }
        }
        eprintln!(
            "{case:?}: {} KiB peak, {:?}: {}",
            report.peak_kib,
            report.took,
            &line[..line.len().min(160)]
        );
    }
}
