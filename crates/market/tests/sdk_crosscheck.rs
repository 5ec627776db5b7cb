//! The Rust signer against Huawei's own: `huaweicloudsdkcore` (PyPI) signs the same requests and
//! the `Authorization` headers, the headers sent and the query must match byte for byte.
//!
//! The interpreter is `KOODESK_PYTHON` (`cargo xtask test` points it at a virtual environment with
//! tests/py/requirements.txt installed), else `python3`.

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine as _;
use koodesk_market::sign::{sign, Credentials, Headers, Unsigned};
use serde_json::{json, Value};
use time::macros::datetime;

struct Case {
    method: &'static str,
    path: &'static str,
    query: Vec<(&'static str, &'static str)>,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static [u8],
}

fn case(method: &'static str, path: &'static str) -> Case {
    Case {
        method,
        path,
        query: vec![],
        headers: vec![("X-Sdk-Date", "20261122T093015Z")],
        body: b"",
    }
}

fn cases() -> Vec<Case> {
    let order = "/api/mkp-openapi-public/global/v1/order/query";
    let sdk_like = |mut c: Case| {
        // What Huawei's SDK client adds to every call.
        c.headers
            .push(("User-Agent", "huaweicloud-usdk-python/3.0"));
        c.headers
            .push(("Content-Type", "application/json;charset=UTF-8"));
        c
    };
    vec![
        Case {
            query: vec![("orderId", "MOCKPERIODYEARNEW")],
            ..sdk_like(case("GET", order))
        },
        Case {
            query: vec![
                ("orderLineId", "MOCKPERIODYEARNEW-000001"),
                ("orderId", "MOCKPERIODYEARNEW"),
            ],
            ..case("GET", order)
        },
        // Query values that need encoding, repeated and empty keys, unsorted input.
        Case {
            query: vec![
                ("z", "last"),
                ("q", "a b+c"),
                ("q", "a b"),
                ("name", "Zürich 中文"),
                ("reserved", "x/y?z&=#%"),
                ("unreserved", "AZaz09-_.~"),
                ("pct", "%41%2F"),
                ("empty", ""),
                ("emoji", "🙂"),
                ("A", "upper sorts first"),
            ],
            ..case("GET", "/api/mkp-openapi-public/global/v1/isv/products")
        },
        // Path segments: unicode, spaces, already-encoded bytes, a trailing slash, a double slash.
        case("GET", "/api/x/中文/a b/c+d/~user/"),
        case("GET", "/api/a%2Fb/c%20d/%E4%B8%AD"),
        case("DELETE", "/api//double/slash"),
        case("GET", "/"),
        // Bodies: JSON with unicode, an unsigned payload, a body without a content type.
        Case {
            body: "{\"name\":\"Données — 数据\",\"n\":1}".as_bytes(),
            ..sdk_like(case(
                "POST",
                "/api/mkp-openapi-public/global/v1/isv/applications",
            ))
        },
        Case {
            headers: vec![
                ("X-Sdk-Date", "20261122T093015Z"),
                ("Content-Type", "application/octet-stream"),
            ],
            body: b"\x00\x01binary\xff",
            ..case("PUT", "/api/upload")
        },
        Case {
            body: b"plain body",
            ..case("POST", "/api/plain")
        },
        // Extra headers: a stage, values with spaces around and inside, unicode, an underscore
        // (not signed), two spellings of one name, a lower-case date header.
        Case {
            headers: vec![
                ("x-sdk-date", "20261122T093015Z"),
                ("x-stage", "RELEASE"),
                ("X-Project-Id", "  0a1b2c  "),
                ("X-Label", "Zürich  office"),
                ("X_Custom_Flag", "yes"),
                ("X-Dup", "first"),
                ("x-dup", "second"),
                ("Content-Type", "application/json"),
            ],
            query: vec![("limit", "20"), ("offset", "0")],
            body: b"{}",
            ..case(
                "post",
                "/api/mkp-openapi-public/global/v1/isv/service-orders/CS2207261447AUY4H/actions",
            )
        },
        Case {
            headers: vec![
                ("X-Sdk-Date", "20261122T093015Z"),
                ("Host", "mkt.myhuaweicloud.eu"),
            ],
            ..case("GET", "/api/given/host")
        },
    ]
}

const AK: &str = "HPUAQ2X5EXAMPLEAK01";
const SK: &str = "tK8qz2Wm9ExampleSecretKey+/=0123456789abcd";
const HOST: &str = "mkt-intl.myhuaweicloud.com";

fn python() -> String {
    std::env::var("KOODESK_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn run_sdk(input: &Value) -> Vec<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/py/sdk_sign.py");
    let mut child = Command::new(python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start Python (set KOODESK_PYTHON to a Python with tests/py/requirements.txt)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write cases");
    let out = child.wait_with_output().expect("Python ran");
    assert!(
        out.status.success(),
        "the SDK signer failed (is huaweicloudsdkcore installed?):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).expect("JSON from the SDK script")
}

#[test]
fn byte_identical_to_huaweis_sdk_signer() {
    let cases = cases();
    let input = Value::Array(
        cases
            .iter()
            .map(|c| {
                json!({
                    "method": c.method,
                    "host": HOST,
                    "path": c.path,
                    "query": c.query,
                    "headers": c.headers,
                    "body_b64": base64::engine::general_purpose::STANDARD.encode(c.body),
                    "ak": AK,
                    "sk": SK,
                })
            })
            .collect(),
    );
    let sdk = run_sdk(&input);
    assert_eq!(sdk.len(), cases.len());
    let creds = Credentials::new(AK, SK);
    for (c, expected) in cases.iter().zip(&sdk) {
        let query: Vec<(String, String)> = c
            .query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let headers: Headers = c.headers.iter().copied().collect();
        let ours = sign(
            &creds,
            Unsigned {
                method: c.method,
                host: HOST,
                path: c.path,
                query: &query,
                headers,
                body: c.body,
            },
            datetime!(2000-01-01 0:00 UTC), // unused: every case carries X-Sdk-Date
        )
        .expect("signs");
        let label = format!("{} {} {:?}", c.method, c.path, c.query);
        assert_eq!(
            ours.authorization(),
            expected["authorization"].as_str().expect("authorization"),
            "Authorization differs for {label}\ncanonical request:\n{}",
            ours.canonical_request
        );
        let ours_headers: Vec<Value> = ours.headers.iter().map(|(n, v)| json!([n, v])).collect();
        assert_eq!(
            Value::Array(ours_headers),
            expected["headers"],
            "headers differ for {label}"
        );
        assert_eq!(
            ours.query,
            expected["query"].as_str().expect("query"),
            "query differs for {label}"
        );
    }
}
