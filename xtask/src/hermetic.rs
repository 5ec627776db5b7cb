//! Proof that tests leave the seller's real Koodesk folders alone: a listing of every file under
//! them (size and modification time) before and after the run must be identical.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{bail, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    files: BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
}

impl Snapshot {
    /// Where Koodesk (or its webview) would write if a test forgot `KOODESK_DATA_DIR`.
    pub fn user_dirs() -> Vec<PathBuf> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let xdg = |var: &str, fallback: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(fallback)))
        };
        let names = ["Koodesk", "io.koodesk.desktop", "koodesk-app"];
        let mut roots = Vec::new();
        if cfg!(target_os = "macos") {
            if let Some(h) = &home {
                roots.push(h.join("Library/Application Support"));
                roots.push(h.join("Library/Caches"));
            }
        } else if cfg!(windows) {
            roots.extend(std::env::var_os("APPDATA").map(PathBuf::from));
            roots.extend(std::env::var_os("LOCALAPPDATA").map(PathBuf::from));
        } else {
            roots.extend(xdg("XDG_DATA_HOME", ".local/share"));
            roots.extend(xdg("XDG_CACHE_HOME", ".cache"));
            roots.extend(xdg("XDG_CONFIG_HOME", ".config"));
        }
        roots
            .iter()
            .flat_map(|r| names.iter().map(move |n| r.join(n)))
            .collect()
    }

    pub fn of_user_dirs() -> Self {
        Self::of(&Self::user_dirs())
    }

    pub fn of(roots: &[PathBuf]) -> Self {
        let mut files = BTreeMap::new();
        for r in roots {
            walk(r, &mut files);
        }
        Snapshot { files }
    }

    /// Fails with the list of paths that appeared, vanished or changed.
    pub fn ensure_same_as(&self, after: &Snapshot) -> Result<()> {
        let mut changed: Vec<String> = Vec::new();
        for (path, meta) in &after.files {
            match self.files.get(path) {
                None => changed.push(format!("created  {}", path.display())),
                Some(m) if m != meta => changed.push(format!("modified {}", path.display())),
                Some(_) => {}
            }
        }
        for path in self.files.keys() {
            if !after.files.contains_key(path) {
                changed.push(format!("deleted  {}", path.display()));
            }
        }
        if !changed.is_empty() {
            bail!(
                "tests wrote to the real user data folders:\n  {}",
                changed.join("\n  ")
            );
        }
        println!("    {} paths checked, none changed", self.files.len());
        Ok(())
    }
}

fn walk(path: &Path, out: &mut BTreeMap<PathBuf, (u64, Option<SystemTime>)>) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    out.insert(path.to_path_buf(), (meta.len(), meta.modified().ok()));
    if meta.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for e in entries.flatten() {
                walk(&e.path(), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_written_under_a_watched_folder_is_reported() {
        let dir = std::env::temp_dir().join(format!("xtask-hermetic-{}", std::process::id()));
        let watched = dir.join("Koodesk");
        let _ = std::fs::remove_dir_all(&dir);
        let roots = vec![watched.clone()];

        let before = Snapshot::of(&roots);
        assert!(before.ensure_same_as(&Snapshot::of(&roots)).is_ok());

        std::fs::create_dir_all(&watched).unwrap();
        std::fs::write(watched.join("koodesk.sqlite3"), b"x").unwrap();
        let err = before.ensure_same_as(&Snapshot::of(&roots)).unwrap_err();
        assert!(err.to_string().contains("created"), "{err}");
        assert!(err.to_string().contains("koodesk.sqlite3"), "{err}");

        let with_file = Snapshot::of(&roots);
        std::fs::write(watched.join("koodesk.sqlite3"), b"xyz").unwrap();
        let err = with_file.ensure_same_as(&Snapshot::of(&roots)).unwrap_err();
        assert!(err.to_string().contains("modified"), "{err}");

        std::fs::remove_dir_all(&dir).unwrap();
    }
}
