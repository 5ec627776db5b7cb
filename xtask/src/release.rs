//! What the release pipeline (.github/workflows) and the Tauri config must keep: checked by the
//! tests below, run by `cargo xtask test`, since the hosted runners that execute the workflows
//! are not these machines.

#[cfg(test)]
mod release_pipeline {
    use std::collections::BTreeSet;
    use std::path::Path;

    use yaml_rust2::{Yaml, YamlLoader};

    fn root() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    fn workflow(name: &str) -> Yaml {
        let path = root().join(".github/workflows").join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is missing: {e}", path.display()));
        let mut docs = YamlLoader::load_from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
        assert_eq!(docs.len(), 1, "{name}: one document");
        docs.remove(0)
    }

    fn tauri_config() -> serde_json::Value {
        let text = std::fs::read_to_string(root().join("src-tauri/tauri.conf.json"))
            .expect("src-tauri/tauri.conf.json");
        serde_json::from_str(&text).expect("tauri.conf.json is JSON")
    }

    fn str_of(y: &Yaml) -> &str {
        y.as_str().unwrap_or_default()
    }

    fn steps(job: &Yaml) -> Vec<&Yaml> {
        job["steps"]
            .as_vec()
            .map(|v| v.iter().collect())
            .unwrap_or_default()
    }

    /// Every bundle each release job builds, by the system it runs on.
    fn release_bundles(release: &Yaml) -> Vec<(String, String, BTreeSet<String>)> {
        let include = release["jobs"]["package"]["strategy"]["matrix"]["include"]
            .as_vec()
            .expect("jobs.package.strategy.matrix.include");
        include
            .iter()
            .map(|entry| {
                let args: Vec<&str> = str_of(&entry["args"]).split_whitespace().collect();
                let after = |flag: &str| {
                    args.iter()
                        .position(|a| *a == flag)
                        .and_then(|i| args.get(i + 1))
                        .map(|s| s.to_string())
                        .unwrap_or_default()
                };
                let bundles = after("--bundles")
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                (str_of(&entry["os"]).to_owned(), after("--target"), bundles)
            })
            .collect()
    }

    #[test]
    fn every_platform_and_installer_is_built() {
        let release = workflow("release.yml");
        let jobs = release_bundles(&release);
        let has = |os: &str, target: &str, bundles: &[&str]| {
            jobs.iter().any(|(o, t, b)| {
                o.starts_with(os) && t.contains(target) && bundles.iter().all(|x| b.contains(*x))
            })
        };
        assert!(has("windows", "", &["msi", "nsis"]), "{jobs:?}");
        assert!(
            has("macos", "aarch64-apple-darwin", &["app", "dmg"]),
            "{jobs:?}"
        );
        assert!(
            has("macos", "x86_64-apple-darwin", &["app", "dmg"]),
            "{jobs:?}"
        );
        assert!(has("ubuntu", "", &["deb", "rpm", "appimage"]), "{jobs:?}");
        // The Tauri config knows every one of them.
        let config = tauri_config();
        let targets: BTreeSet<&str> = config["bundle"]["targets"]
            .as_array()
            .expect("bundle.targets")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        for (_, _, bundles) in &jobs {
            for b in bundles {
                assert!(targets.contains(b.as_str()), "bundle.targets lacks {b}");
            }
        }
    }

    #[test]
    fn updater_artifacts_are_signed_and_published_with_a_manifest() {
        let release = workflow("release.yml");
        let job = &release["jobs"]["package"];
        let action = steps(job)
            .into_iter()
            .find(|s| str_of(&s["uses"]).starts_with("tauri-apps/tauri-action@"))
            .expect("a tauri-action step");
        assert_eq!(action["with"]["includeUpdaterJson"].as_bool(), Some(true));
        let env = &action["env"];
        for secret in [
            "TAURI_SIGNING_PRIVATE_KEY",
            "TAURI_SIGNING_PRIVATE_KEY_PASSWORD",
            "APPLE_CERTIFICATE",
            "APPLE_CERTIFICATE_PASSWORD",
            "APPLE_SIGNING_IDENTITY",
            "APPLE_ID",
            "APPLE_PASSWORD",
            "APPLE_TEAM_ID",
        ] {
            assert_eq!(
                str_of(&env[secret]),
                format!("${{{{ secrets.{secret} }}}}"),
                "{secret} comes from the repository's secrets"
            );
        }
        // Windows code signing is named too.
        let text = std::fs::read_to_string(root().join(".github/workflows/release.yml"))
            .expect("release.yml");
        for name in ["WINDOWS_CERTIFICATE", "WINDOWS_CERTIFICATE_PASSWORD"] {
            assert!(text.contains(&format!("secrets.{name}")), "{name}");
        }
        // No key material in the workflow itself.
        assert!(
            !text.contains("PRIVATE KEY-----") && !text.contains("RWQ"),
            "a key in release.yml"
        );

        let config = tauri_config();
        assert_eq!(config["bundle"]["createUpdaterArtifacts"], true);
        let updater = &config["plugins"]["updater"];
        let pubkey = updater["pubkey"].as_str().expect("plugins.updater.pubkey");
        let decoded = decode_base64(pubkey).expect("the public key is base64");
        assert!(
            String::from_utf8_lossy(&decoded).starts_with("untrusted comment: minisign public key"),
            "plugins.updater.pubkey is a minisign public key"
        );
        let endpoints = updater["endpoints"]
            .as_array()
            .expect("plugins.updater.endpoints");
        assert!(!endpoints.is_empty());
        for e in endpoints {
            let url = e.as_str().unwrap_or_default();
            assert!(
                url.starts_with("https://"),
                "release endpoints are https: {url}"
            );
        }
        assert!(
            updater.get("dangerousInsecureTransportProtocol").is_none(),
            "plain HTTP is for test builds only (a config overlay)"
        );
    }

    #[test]
    fn every_system_the_code_names_is_built_and_tested_on_each_push() {
        let ci = workflow("ci.yml");
        let mut built: BTreeSet<String> = BTreeSet::new();
        let mut checks = String::new();
        for (_, job) in ci["jobs"].as_hash().expect("jobs") {
            let oses: Vec<String> = match job["strategy"]["matrix"]["os"].as_vec() {
                Some(v) => v.iter().map(|o| str_of(o).to_owned()).collect(),
                None => vec![str_of(&job["runs-on"]).to_owned()],
            };
            for step in steps(job) {
                checks.push_str(str_of(&step["run"]));
                checks.push('\n');
            }
            for os in oses {
                built.insert(
                    os.split('-')
                        .next()
                        .unwrap_or_default()
                        .replace("ubuntu", "linux"),
                );
            }
        }
        assert!(checks.contains("cargo clippy"), "{checks}");
        assert!(checks.contains("cargo test"), "{checks}");
        let on: BTreeSet<String> = ci["on"]
            .as_hash()
            .map(|h| h.keys().map(|k| str_of(k).to_owned()).collect())
            .unwrap_or_default();
        assert!(on.contains("push"), "{on:?}");

        // Every `cfg(target_os = "…")` in the code names a system the workflow builds.
        let mut named = BTreeSet::new();
        for dir in ["crates", "src-tauri/src", "xtask/src", "tests", "bench"] {
            collect_target_oses(&root().join(dir), &mut named);
        }
        assert!(
            named.contains("linux") && named.contains("macos"),
            "{named:?}"
        );
        for os in &named {
            assert!(
                built.contains(os),
                "cfg(target_os = {os:?}) is not built by ci.yml: {built:?}"
            );
        }
        for os in ["linux", "macos", "windows"] {
            assert!(built.contains(os), "{os} is not built: {built:?}");
        }
    }

    fn collect_target_oses(dir: &Path, found: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                if !path.ends_with("target") && !path.ends_with("node_modules") {
                    collect_target_oses(&path, found);
                }
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for part in text.split("target_os = \"").skip(1) {
                    match part.split('"').next() {
                        Some(os)
                            if !os.is_empty() && os.bytes().all(|b| b.is_ascii_lowercase()) =>
                        {
                            found.insert(os.to_owned());
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Standard base64 (the Tauri key format).
    fn decode_base64(text: &str) -> Option<Vec<u8>> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()
    }
}
