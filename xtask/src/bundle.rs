//! `cargo xtask bundle [--check]`: the release app and its Linux packages (.deb, .rpm) with
//! Tauri's bundler, and (with `--check`) installing the .deb, starting the installed app on an
//! empty data folder, a screenshot of its Products page, and removing the package again.
//!
//! The bundler is Tauri's CLI from its prebuilt Linux x64 module on the npm registry
//! (`tools/tauri-cli`, locked apart from ui/ so `npm ci` there is the same on every system);
//! `cargo install tauri-cli` would take ~13 minutes on two cores, and the bundler crate alone
//! would mean re-implementing the CLI's reading of tauri.conf.json.
//!
//! The bare Tauri window (the bench's baseline) is packaged too, with `tauri bundle` over the
//! bench's release build, for the size rows of `cargo xtask bench`.
//!
//! Updater artifacts are signed: with `TAURI_SIGNING_PRIVATE_KEY` set (the release pipeline),
//! that key signs them; without it a throwaway pair is made under target/bundle-keys and its
//! public half is given to the build through a config overlay, never committed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::setup::{self, Purpose};
use crate::sh::{self, cmd, step};

const PACKAGE: &str = "koodesk";

pub fn run(args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        bail!("`cargo xtask bundle` builds the Linux x64 packages; other systems use the release workflow (docs/release.md)");
    }
    let packages = build()?;
    if check {
        check_deb(&packages.deb)?;
    }
    Ok(())
}

pub struct Packages {
    pub deb: PathBuf,
}

/// Builds the release app and its .deb and .rpm; returns where they are.
pub fn build() -> Result<Packages> {
    setup::prepare(Purpose::Run)?;
    let cli = tauri_cli()?;
    setup::build_ui()?;
    let keys = signing_keys(&cli)?;

    step("release build and packages (tauri build --bundles deb,rpm), signed for the updater");
    let bundle_dir = crate::target_dir().join("release/bundle");
    let _ = std::fs::remove_dir_all(&bundle_dir);
    let mut build = Command::new("node");
    build
        .arg(&cli)
        .args(["build", "--ci", "--bundles", "deb,rpm", "--config"])
        .arg(&keys.overlay)
        .current_dir(crate::root())
        .env("TAURI_SIGNING_PRIVATE_KEY", &keys.private)
        .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", &keys.password);
    sh::run(&mut build)?;
    // The bench's own release build (the same packages in one invocation, so `cargo xtask bench`
    // finds it done), which has the bare window the size rows compare with.
    crate::bench::release_build()?;
    // The baseline's packages, for `cargo xtask bench`: a bare Tauri 2 window, same bundler.
    step("packages: the bare Tauri window (the baseline for sizes)");
    let mut bare = Command::new("node");
    bare.arg(&cli)
        .args(["bundle", "--bundles", "deb,rpm", "--config"])
        .arg(r#"{"bundle":{"active":true}}"#)
        .current_dir(crate::root().join("bench/bare-tauri"));
    sh::run(&mut bare)?;

    let deb = package(&bundle_dir, "Koodesk", "deb")?;
    let rpm = package(&bundle_dir, "Koodesk", "rpm")?;
    for p in [&deb, &rpm] {
        let sig = PathBuf::from(format!("{}.sig", p.display()));
        if !sig.is_file() {
            bail!("{} has no updater signature beside it", p.display());
        }
        println!(
            "    {} ({:.1} MiB, signed)",
            p.display(),
            size_mib(p).unwrap_or(0.0)
        );
    }
    Ok(Packages { deb })
}

fn size_mib(p: &Path) -> Option<f64> {
    Some(std::fs::metadata(p).ok()?.len() as f64 / (1024.0 * 1024.0))
}

/// The size in MiB of the `ext` package (deb, rpm) that `cargo xtask bundle` made for Koodesk and
/// for the bare Tauri window, if it made them.
pub fn built_sizes(ext: &str) -> Option<(f64, f64)> {
    let dir = crate::target_dir().join("release/bundle");
    let koodesk = package(&dir, "Koodesk", ext).ok()?;
    let bare = package(&dir, "bare-tauri", ext).ok()?;
    Some((size_mib(&koodesk)?, size_mib(&bare)?))
}

/// The one `<name>….<ext>` package in the bundle folder.
fn package(bundle_dir: &Path, name: &str, ext: &str) -> Result<PathBuf> {
    let dir = bundle_dir.join(ext);
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("no {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(name) && n.ends_with(&format!(".{ext}"))
            })
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one {name} .{ext} in {}, found {}",
            dir.display(),
            found.len()
        ),
    }
}

/// Installs tools/tauri-cli's locked packages when missing; returns its runner script.
fn tauri_cli() -> Result<PathBuf> {
    step("Tauri CLI (tools/tauri-cli)");
    let dir = crate::root().join("tools/tauri-cli");
    let module = dir.join("node_modules/@tauri-apps/cli-linux-x64-gnu/package.json");
    if !module.is_file() {
        let mut ci = cmd(
            if cfg!(windows) { "npm.cmd" } else { "npm" },
            &["ci", "--no-audit", "--no-fund"],
        );
        ci.current_dir(&dir);
        sh::run(&mut ci)?;
    }
    let runner = dir.join("tauri.cjs");
    let version = sh::output(Command::new("node").arg(&runner).arg("--version"))
        .context("the Tauri CLI does not start")?;
    println!("    {version}");
    Ok(runner)
}

struct Keys {
    private: String,
    password: String,
    /// The config overlay: the public key matching `private` (and no pre-build command: the UI
    /// is built already).
    overlay: PathBuf,
}

fn signing_keys(cli: &Path) -> Result<Keys> {
    let dir = crate::target_dir().join("bundle-keys");
    std::fs::create_dir_all(&dir)?;
    let overlay = dir.join("tauri.overlay.json");
    let mut config = serde_json::json!({ "build": { "beforeBuildCommand": "" } });
    if let Ok(private) = std::env::var("TAURI_SIGNING_PRIVATE_KEY") {
        step("updater signing key: TAURI_SIGNING_PRIVATE_KEY");
        std::fs::write(&overlay, serde_json::to_vec_pretty(&config)?)?;
        return Ok(Keys {
            private,
            password: std::env::var("TAURI_SIGNING_PRIVATE_KEY_PASSWORD").unwrap_or_default(),
            overlay,
        });
    }
    step("updater signing key: a throwaway pair (no TAURI_SIGNING_PRIVATE_KEY)");
    let key = dir.join("throwaway.key");
    sh::run(
        Command::new("node")
            .arg(cli)
            .args([
                "signer",
                "generate",
                "--ci",
                "--force",
                "--password",
                "",
                "--write-keys",
            ])
            .arg(&key)
            .stdout(Stdio::null()),
    )?;
    let private = std::fs::read_to_string(&key).context("reading the throwaway key")?;
    let public = std::fs::read_to_string(dir.join("throwaway.key.pub"))
        .context("reading the throwaway public key")?;
    config["plugins"] = serde_json::json!({ "updater": { "pubkey": public.trim() } });
    std::fs::write(&overlay, serde_json::to_vec_pretty(&config)?)?;
    println!(
        "    {} (public key given through {})",
        key.display(),
        overlay.display()
    );
    Ok(Keys {
        private: private.trim().to_owned(),
        password: String::new(),
        overlay,
    })
}

/// Installs the .deb, starts the installed app under Xvfb on an empty data folder, waits for
/// its Products page, saves a screenshot, quits it and removes the package.
fn check_deb(deb: &Path) -> Result<()> {
    step("install the .deb (apt-get install ./…deb)");
    let root = sh::output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let sudo = |args: &[&str]| {
        let mut c = if root {
            cmd(args[0], &args[1..])
        } else {
            cmd("sudo", args)
        };
        c.env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    let deb_arg = deb.display().to_string();
    sh::run(&mut sudo(&[
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        &deb_arg,
    ]))?;
    let outcome = run_installed();
    step("remove the package");
    let removed = sh::run(&mut sudo(&["apt-get", "remove", "-y", "-qq", PACKAGE]));
    let shot = outcome?;
    removed?;
    if Path::new("/usr/bin/koodesk-app").exists() {
        bail!("/usr/bin/koodesk-app is still there after removing the package");
    }
    println!(
        "    installed, started, Products page shown, removed; screenshot: {}",
        shot.display()
    );
    Ok(())
}

fn run_installed() -> Result<PathBuf> {
    step("start the installed koodesk-app under Xvfb on an empty data folder");
    let installed = Path::new("/usr/bin/koodesk-app");
    if !installed.is_file() {
        bail!("the package did not install /usr/bin/koodesk-app");
    }
    for must in [
        "/usr/share/applications/Koodesk.desktop",
        "/usr/share/icons/hicolor/128x128/apps/koodesk-app.png",
    ] {
        if !Path::new(must).exists() {
            bail!("the package did not install {must}");
        }
    }
    let desktop = std::fs::read_to_string("/usr/share/applications/Koodesk.desktop")?;
    for line in ["Exec=koodesk-app", "Categories="] {
        if !desktop.contains(line) {
            bail!("the desktop entry lacks {line}:\n{desktop}");
        }
    }
    let tmp = crate::target_dir().join("bundle-check");
    let _ = std::fs::remove_dir_all(&tmp);
    let fb = tmp.join("fb");
    std::fs::create_dir_all(&fb)?;
    // Start, wait up to 60 s for the Products page, let it settle, copy the screen, quit.
    let script = tmp.join("check.sh");
    std::fs::write(
        &script,
        "\"$APP\" > \"$OUT\" 2>&1 &\n\
         app=$!\n\
         i=0\n\
         while [ $i -lt 600 ] && ! grep -q KOODESK_READY \"$OUT\"; do sleep 0.1; i=$((i+1)); done\n\
         sleep 3\n\
         cp \"$FB/Xvfb_screen0\" \"$FB/shot.xwd\"\n\
         kill -TERM $app\n\
         wait $app\n",
    )?;
    let out = tmp.join("app.out");
    let started = Instant::now();
    let status = Command::new("xvfb-run")
        .args(["-a", "-s"])
        .arg(format!("-screen 0 1400x900x24 -fbdir {}", fb.display()))
        .args(["dbus-run-session", "--", "sh"])
        .arg(&script)
        .env("APP", installed)
        .env("OUT", &out)
        .env("FB", &fb)
        .env("KOODESK_DATA_DIR", tmp.join("data"))
        .env("KOODESK_REPORT_READY", "1")
        .env("XDG_CONFIG_HOME", tmp.join("config"))
        .env("XDG_CACHE_HOME", tmp.join("cache"))
        .env("XDG_DATA_HOME", tmp.join("share"))
        .status()
        .context("running xvfb-run (apt: xvfb xauth)")?;
    let log = std::fs::read_to_string(&out).unwrap_or_default();
    let ready = log
        .lines()
        .find_map(|l| l.strip_prefix("KOODESK_READY "))
        .map(str::to_owned);
    let Some(ms) = ready else {
        bail!("the installed app never showed its Products page ({status}):\n{log}");
    };
    println!(
        "    Products page interactive {ms} ms after start ({:.1} s in all)",
        started.elapsed().as_secs_f64()
    );
    let shots = crate::root().join("docs/screenshots");
    std::fs::create_dir_all(&shots)?;
    let png = shots.join("installed-deb.png");
    let xwd = std::fs::read(fb.join("shot.xwd")).context("the screen was not captured")?;
    std::fs::write(&png, xwd_to_png(&xwd)?)?;
    Ok(png)
}

/// Converts an X window dump of a 24/32-bit TrueColor screen (what Xvfb's `-fbdir` keeps) to PNG.
pub fn xwd_to_png(xwd: &[u8]) -> Result<Vec<u8>> {
    let field = |i: usize, big: bool| -> Option<u32> {
        let b: [u8; 4] = xwd.get(i * 4..i * 4 + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    // The header's own byte order: its size field is small in the right one.
    let big = field(0, true).is_some_and(|s| (100..4096).contains(&s));
    let f = |i: usize| field(i, big).context("the screen dump is cut short");
    let (header, version, format) = (f(0)? as usize, f(1)?, f(2)?);
    let (width, height) = (f(4)? as usize, f(5)? as usize);
    let (byte_order, bpp, line) = (f(7)?, f(11)?, f(12)? as usize);
    let (red, green, blue) = (f(14)?, f(15)?, f(16)?);
    let colors = f(19)? as usize;
    if version != 7 || format != 2 || bpp != 32 || width == 0 || height == 0 {
        bail!("not a 32-bit ZPixmap screen dump (version {version}, format {format}, {bpp} bpp)");
    }
    let start = header + colors * 12;
    let pixels = xwd
        .get(start..start + line * height)
        .context("the screen dump's pixels are cut short")?;
    let channel = |px: u32, mask: u32| ((px & mask) >> mask.trailing_zeros()) as u8;
    let mut rgb = Vec::with_capacity(width * height * 3);
    for row in pixels.chunks_exact(line) {
        for px in row[..width * 4].chunks_exact(4) {
            let b: [u8; 4] = [px[0], px[1], px[2], px[3]];
            let v = if byte_order == 0 {
                u32::from_le_bytes(b)
            } else {
                u32::from_be_bytes(b)
            };
            rgb.extend([channel(v, red), channel(v, green), channel(v, blue)]);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width as u32, height as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header()?;
        w.write_image_data(&rgb)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×1 dump, header big-endian, pixels least significant byte first: red then blue.
    #[test]
    fn a_screen_dump_becomes_a_png_with_its_colours() {
        let mut h = [0u32; 25];
        h[0] = 100 + 4; // header + "xvfb" name
        h[1] = 7;
        h[2] = 2;
        h[3] = 24;
        h[4] = 2;
        h[5] = 1;
        h[7] = 0;
        h[11] = 32;
        h[12] = 8;
        h[14] = 0xff0000;
        h[15] = 0x00ff00;
        h[16] = 0x0000ff;
        h[19] = 1; // one colour map entry to skip
        let mut xwd: Vec<u8> = h.iter().flat_map(|v| v.to_be_bytes()).collect();
        xwd.extend(b"xvfb");
        xwd.extend([0u8; 12]);
        xwd.extend(0xff0000u32.to_le_bytes());
        xwd.extend(0x0000ffu32.to_le_bytes());
        let png = xwd_to_png(&xwd).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (2, 1));
        assert_eq!(&buf[..6], &[255, 0, 0, 0, 0, 255]);
        // Cut short: an error, not a panic.
        assert!(xwd_to_png(&xwd[..120]).is_err());
    }
}
