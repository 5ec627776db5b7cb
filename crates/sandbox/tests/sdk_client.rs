//! Requests signed by Huawei's own SDK signer (`huaweicloudsdkcore`, which also signs the
//! `User-Agent` and `Content-Type` it adds) and sent by Python pass the sandbox's gateway check;
//! the same request with one byte changed does not.

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine as _;
use koodesk_sandbox::{Config, Sandbox};
use serde_json::{json, Value};

fn send_with_sdk(base: &str, cases: Value) -> Vec<Value> {
    let python = std::env::var("KOODESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../market/tests/py/sdk_sign.py"
    );
    let mut child = Command::new(python)
        .args([script, "send", base])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start Python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(cases.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("Python ran");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_signed_by_huaweis_sdk_are_accepted() {
    let sandbox = Sandbox::start(Config::new(7)).await.expect("sandbox");
    let host = sandbox.base_url.trim_start_matches("http://").to_owned();
    let body = json!({
        "clientToken": "sdk-upload-1",
        "kind": "PROOF",
        "fileName": "proof.txt",
        "contentType": "text/plain",
        "sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "content": base64::engine::general_purpose::STANDARD.encode("hello"),
    })
    .to_string();
    let sdk_headers = json!([
        ["User-Agent", "huaweicloud-usdk-python/3.0"],
        ["Content-Type", "application/json;charset=UTF-8"]
    ]);
    let case = |method: &str, path: &str, query: Value, body: &str| {
        json!({
            "method": method, "host": host, "path": path, "query": query,
            "headers": sdk_headers, "body_b64": base64::engine::general_purpose::STANDARD.encode(body),
            "ak": sandbox.ak, "sk": sandbox.sk,
        })
    };
    let base = "/api/mkp-openapi-public/global/v1";
    let results = send_with_sdk(
        &sandbox.base_url,
        json!([
            case(
                "GET",
                &format!("{base}/order/query"),
                json!([
                    ["orderId", "MOCKPERIODYEARNEW"],
                    ["orderLineId", "MOCKPERIODYEARNEW-000001"]
                ]),
                ""
            ),
            case("POST", &format!("{base}/isv/attachments"), json!([]), &body),
            case(
                "GET",
                &format!("{base}/isv/products"),
                json!([["limit", "5"], ["offset", "0"]]),
                ""
            ),
        ]),
    );
    for r in &results {
        assert_eq!(r["status"], 200, "{r}");
        let answer: Value =
            serde_json::from_str(r["body"].as_str().unwrap_or("")).expect("JSON answer");
        assert_eq!(answer["resultCode"], "000000", "{answer}");
    }
    let order: Value =
        serde_json::from_str(results[0]["body"].as_str().unwrap_or("")).expect("JSON");
    assert_eq!(order["orderInfo"]["orderId"], "MOCKPERIODYEARNEW");

    // Signed for one secret, checked against another: the gateway's 401.
    let mut wrong = case("GET", &format!("{base}/isv/products"), json!([]), "");
    wrong["sk"] = json!("someone-else");
    let refused = send_with_sdk(&sandbox.base_url, json!([wrong]));
    assert_eq!(refused[0]["status"], 401);
    assert!(refused[0]["body"]
        .as_str()
        .unwrap_or("")
        .contains("APIG.0301"));
    sandbox.stop().await;
}
