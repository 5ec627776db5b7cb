//! `koodesk api request` against `koodesk-sandbox` (both real binaries), and `--dry-run`'s output.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use koodesk_market::sign::{self, Incoming};

const ORDER_QUERY: &str = "/api/mkp-openapi-public/global/v1/order/query";

fn koodesk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_koodesk"));
    c.env_remove("KOODESK_AK").env_remove("KOODESK_SK");
    c
}

#[test]
fn a_dry_run_prints_a_request_the_gateway_would_accept() {
    let out = koodesk()
        .args(["api", "request", "--site", "intl", "--path", ORDER_QUERY])
        .args([
            "--query",
            "orderId=MOCKPERIODYEARNEW",
            "--query",
            "note=a b/ü",
        ])
        .args([
            "--header",
            "Content-Type: application/json",
            "--sdk-date",
            "20261122T101500Z",
            "--dry-run",
        ])
        .env("KOODESK_AK", "AKEXAMPLE")
        .env("KOODESK_SK", "SKEXAMPLE")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("GET https://mkt-intl.myhuaweicloud.com/api/mkp-openapi-public/global/v1/order/query?note=a%20b%2F%C3%BC&orderId=MOCKPERIODYEARNEW")
    );
    let headers: Vec<(String, String)> = lines
        .by_ref()
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(": ").expect("Name: value");
            (n.to_owned(), v.to_owned())
        })
        .collect();
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Content-Type", "X-Sdk-Date", "Host", "Authorization"]
    );
    let auth = &headers[3].1;
    assert!(
        auth.starts_with("SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature="),
        "{auth}"
    );
    // The printed request verifies with the secret at the signing time, and not with another.
    let at = sign::parse_sdk_date("20261122T101500Z").expect("date");
    let req = Incoming {
        method: "GET",
        path: ORDER_QUERY,
        query: "note=a%20b%2F%C3%BC&orderId=MOCKPERIODYEARNEW",
        headers: &headers,
        body: b"",
    };
    assert_eq!(
        sign::verify(&req, |_| Some("SKEXAMPLE".into()), at),
        Ok("AKEXAMPLE".into())
    );
    assert!(sign::verify(&req, |_| Some("other".into()), at).is_err());
}

#[test]
fn without_a_key_it_says_where_to_put_one() {
    let data = tempfile::tempdir().expect("tmp");
    let out = koodesk()
        .args(["api", "request", "--path", ORDER_QUERY, "--dry-run"])
        .env("KOODESK_DATA_DIR", data.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KOODESK_AK"));
    let out = koodesk()
        .args([
            "api",
            "request",
            "--site",
            "http://example.com",
            "--path",
            "/",
            "--dry-run",
        ])
        .env("KOODESK_AK", "a")
        .env("KOODESK_SK", "b")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only HTTPS"));
}

/// Kills the sandbox when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_sandbox_answers_the_documented_mock_order() {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_koodesk"))
        .parent()
        .expect("target dir");
    let sandbox_bin = bin_dir.join(format!("koodesk-sandbox{}", std::env::consts::EXE_SUFFIX));
    assert!(
        sandbox_bin.exists(),
        "{} is missing: build it with `cargo build -p koodesk-sandbox` (cargo xtask test does)",
        sandbox_bin.display()
    );
    let mut child = Child(
        Command::new(&sandbox_bin)
            .args(["--seed", "7", "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("sandbox starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = lines.next().expect("a first line").expect("text");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let ak = lines.next().expect("AK line").expect("text");
    let sk = lines.next().expect("SK line").expect("text");
    let ak = ak.strip_prefix("AK=").expect("AK=");
    let sk = sk.strip_prefix("SK=").expect("SK=");

    let out = koodesk()
        .args(["api", "request", "--site", &url, "--path", ORDER_QUERY])
        .args([
            "--query",
            "orderId=MOCKPERIODYEARNEW",
            "--query",
            "orderLineId=MOCKPERIODYEARNEW-000001",
        ])
        .env("KOODESK_AK", ak)
        .env("KOODESK_SK", sk)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("HTTP 200\n"), "{text}");
    assert!(text.contains("\"orderId\":\"MOCKPERIODYEARNEW\""), "{text}");
    assert!(text.contains("\"resultCode\":\"000000\""), "{text}");

    let out = koodesk()
        .args([
            "api",
            "request",
            "--site",
            &url,
            "--path",
            ORDER_QUERY,
            "--query",
            "orderId=MOCKPERIODYEARNEW",
        ])
        .env("KOODESK_AK", ak)
        .env("KOODESK_SK", "wrong")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "a refusal exits with 1");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP 401"));
}
