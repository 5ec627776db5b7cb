//! Desktop end-to-end harness: drives the real `koodesk-app` binary through `tauri-driver` and
//! `WebKitWebDriver`, under the X server and D-Bus session the caller provides
//! (`cargo xtask test` wraps the run in `xvfb-run` and `dbus-run-session`).
//!
//! Environment: `KOODESK_E2E_APP` (absolute path of the app binary, required),
//! `KOODESK_TAURI_DRIVER` (path of tauri-driver, default `tauri-driver` on PATH),
//! `KOODESK_E2E_SCREENSHOTS` (where page screenshots go, default `target/e2e-screenshots`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use tokio::process::{Child, Command};

/// One running tauri-driver whose app instances all use `data_dir`.
pub struct Driver {
    child: Child,
    port: u16,
    app: PathBuf,
    dialog_answer: PathBuf,
    data_dir: PathBuf,
    home: PathBuf,
}

impl Driver {
    /// Starts tauri-driver on a free port; every app it launches gets `KOODESK_DATA_DIR=data_dir`
    /// and XDG folders inside `home`, so nothing is written outside the test's temp dir.
    pub async fn start(data_dir: &Path, home: &Path) -> Result<Self> {
        Self::start_with_env(data_dir, home, &[]).await
    }

    /// As [`Driver::start`], with more environment for the apps it launches (test seams).
    pub async fn start_with_env(
        data_dir: &Path,
        home: &Path,
        env: &[(&str, String)],
    ) -> Result<Self> {
        let app = PathBuf::from(std::env::var_os("KOODESK_E2E_APP").context(
            "KOODESK_E2E_APP must name the koodesk-app binary (cargo xtask test sets it)",
        )?);
        if !app.is_file() {
            bail!("KOODESK_E2E_APP={} is not a file", app.display());
        }
        let driver =
            std::env::var_os("KOODESK_TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let port = free_port()?;
        // The app's file dialogs answer with what this file says (debug builds' test seam).
        let dialog_answer = home.join("dialog-answer");
        std::fs::create_dir_all(home).context("creating the test home")?;
        std::fs::write(&dialog_answer, "").context("writing the dialog answer")?;
        let native_port = free_port()?;
        let mut cmd = Command::new(&driver);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("KOODESK_REPORT_READY", "1")
        .env("KOODESK_TEST_DIALOG_ANSWER", &dialog_answer)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        let child = app_env(&mut cmd, data_dir, home)
            .spawn()
            .with_context(|| format!("starting {}", Path::new(&driver).display()))?;
        let d = Driver {
            child,
            port,
            app,
            dialog_answer,
            data_dir: data_dir.to_path_buf(),
            home: home.to_path_buf(),
        };
        d.wait_listening().await?;
        Ok(d)
    }

    async fn wait_listening(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("tauri-driver did not listen on port {}", self.port)
    }

    /// Launches the app and connects a WebDriver session to its window.
    /// Starts the app in a new WebDriver session. A session that does not come up within 45 s
    /// (the app exited at start, e.g. handing over to an instance still shutting down) is tried
    /// once more rather than waited for forever.
    pub async fn launch(&self) -> Result<Client> {
        for attempt in 1..=2 {
            match tokio::time::timeout(Duration::from_secs(45), self.connect()).await {
                Ok(r) => return r,
                Err(_) => {
                    eprintln!("e2e: no WebDriver session after 45 s (attempt {attempt}); retrying");
                    kill_app(&self.data_dir);
                }
            }
        }
        bail!("koodesk-app did not start a WebDriver session twice in a row")
    }

    async fn connect(&self) -> Result<Client> {
        // More than one rustls crypto provider is compiled in: pick one for the process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": self.app.display().to_string() }),
        );
        let client = ClientBuilder::rustls()
            .context("TLS setup")?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .context("connecting a WebDriver session to koodesk-app")?;
        Ok(client)
    }

    /// Starts the app a second time outside WebDriver, as a seller does from the launcher while
    /// it runs: the new process hands over to the running one (which shows its window) and
    /// exits. Fails if it does not exit within 20 s.
    pub async fn second_launch(&self) -> Result<()> {
        let mut child = app_env(&mut Command::new(&self.app), &self.data_dir, &self.home)
            .spawn()
            .context("starting koodesk-app a second time")?;
        let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
            .await
            .context("the second koodesk-app did not hand over and exit")??;
        if !status.success() {
            bail!("the second koodesk-app exited with {status}");
        }
        Ok(())
    }

    /// Starts the app outside WebDriver with `args`, as the desktop does at login, on the given
    /// data folder (the same environment otherwise). The process is killed when dropped.
    pub fn start_outside(&self, args: &[&str], data_dir: &Path) -> Result<Child> {
        app_env(&mut Command::new(&self.app), data_dir, &self.home)
            .args(args)
            .spawn()
            .context("starting koodesk-app outside WebDriver")
    }

    /// The next file dialogs the app opens pick `path` (`None`: the seller cancels).
    pub fn answer_dialogs(&self, path: Option<&Path>) -> Result<()> {
        let text = path.map(|p| p.display().to_string()).unwrap_or_default();
        std::fs::write(&self.dialog_answer, text).context("writing the dialog answer")
    }

    /// Stops tauri-driver and waits until this driver's app has quit (it saves pending edits
    /// first, up to 2 s), killing it after 10 s: the next test's app must not find this one still
    /// holding the single-instance lock and hand over to it.
    ///
    /// tauri-driver's own WebDriver (`WebKitWebDriver`) outlives it; it is stopped last, once
    /// the app it started is gone.
    pub async fn stop(mut self) {
        let helpers = self.child.id().map(children_of).unwrap_or_default();
        let _ = self.child.kill().await;
        if wait_app_exit(&self.data_dir, Duration::from_secs(10))
            .await
            .is_err()
        {
            kill_app(&self.data_dir);
        }
        for pid in helpers {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }
}

impl Drop for Driver {
    /// A test that failed half-way leaves no app behind for the next one.
    fn drop(&mut self) {
        kill_app(&self.data_dir);
    }
}

/// What every app process of a test gets: its data folder, a home and XDG folders inside the
/// test's home (login items are written under `$HOME/.config/autostart`), English, and no output
/// on the test's terminal.
fn app_env<'c>(cmd: &'c mut Command, data_dir: &Path, home: &Path) -> &'c mut Command {
    cmd.env("KOODESK_DATA_DIR", data_dir)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LANG", "en_US.UTF-8")
        .env("LC_ALL", "en_US.UTF-8")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until `css` matches an element and returns its text.
pub async fn wait_text(c: &Client, css: &str) -> Result<String> {
    let el = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))?;
    Ok(el.text().await?)
}

/// Polls until the element's text equals `want` (the UI updates asynchronously).
pub async fn wait_for_text(c: &Client, css: &str, want: &str) -> Result<()> {
    wait_text_where(c, css, want, |text| text.trim() == want).await
}

/// Polls until the element's text contains `part`.
pub async fn wait_text_contains(c: &Client, css: &str, part: &str) -> Result<()> {
    wait_text_where(c, css, part, |text| text.contains(part)).await
}

async fn wait_text_where(
    c: &Client,
    css: &str,
    want: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            if let Ok(text) = el.text().await {
                if ok(&text) {
                    return Ok(());
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = screenshot(c, "failure-text").await;
    bail!("{css}: wanted {want:?}, still {last:?}")
}

/// Saves a PNG of the window's content for a person to look at.
pub async fn screenshot(c: &Client, name: &str) -> Result<PathBuf> {
    let dir = std::env::var_os("KOODESK_E2E_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots")
        });
    std::fs::create_dir_all(&dir)?;
    // Let the page paint what the test just did: two animation frames, or 300 ms where WebKit
    // sends none (a window it does not think is on screen).
    let _ = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             let once = false;
             const painted = () => { if (!once) { once = true; setTimeout(done, 50); } };
             requestAnimationFrame(() => requestAnimationFrame(painted));
             setTimeout(painted, 300);",
            vec![],
        )
        .await;
    // WebDriver's screenshot waits for the next paint, and a page drawn in software (as Koodesk
    // draws on Linux) paints only when something changes: an idle page would hold it for a
    // minute. A corner pixel changes, all but invisibly, until the shot is taken.
    let _ = c
        .execute(
            "const d = document.createElement('div');
             d.id = 'koodesk-e2e-tick';
             d.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none';
             document.body.appendChild(d);
             let n = 0;
             const i = setInterval(() => {
               d.style.background = n++ % 2 ? 'rgba(128,128,128,0.02)' : 'rgba(128,128,128,0.01)';
               if (n > 100) { clearInterval(i); d.remove(); }
             }, 40);
             d.dataset.interval = String(i);",
            vec![],
        )
        .await;
    let png = c.screenshot().await;
    let _ = c
        .execute(
            "const d = document.getElementById('koodesk-e2e-tick');
             if (d) { clearInterval(Number(d.dataset.interval)); d.remove(); }",
            vec![],
        )
        .await;
    let png = png?;
    if png.len() < 8 || &png[1..4] != b"PNG" {
        bail!("the screenshot of {name} is not a PNG");
    }
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// The processes whose parent is `parent`.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|st| {
                st.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

/// The environment the page's process (WebKit's web process under the app instance of
/// `data_dir`) was started with, as `KEY=value` strings.
pub fn web_process_environment(data_dir: &Path) -> Vec<String> {
    for pid in app_instances(data_dir) {
        for child in children_of(pid) {
            let comm = std::fs::read_to_string(format!("/proc/{child}/comm")).unwrap_or_default();
            if comm.trim() == "WebKitWebProces" {
                return std::fs::read(format!("/proc/{child}/environ"))
                    .unwrap_or_default()
                    .split(|b| *b == 0)
                    .map(|kv| String::from_utf8_lossy(kv).into_owned())
                    .collect();
            }
        }
    }
    Vec::new()
}

/// Kills (SIGKILL: no shutdown, no flushing) every app instance whose data folder is `data_dir`.
/// Returns how many were killed.
pub fn kill_app(data_dir: &Path) -> usize {
    signal_app(data_dir, "KILL")
}

/// Sends `signal` (`KILL`, `TERM`, `0` to only count) to every app instance whose data folder
/// is `data_dir` (see [`app_instances`]). Returns to how many it was sent.
pub fn signal_app(data_dir: &Path, signal: &str) -> usize {
    app_instances(data_dir)
        .into_iter()
        .filter(|pid| {
            std::process::Command::new("kill")
                .args([format!("-{signal}"), pid.to_string()])
                .status()
                .is_ok_and(|s| s.success())
        })
        .count()
}

/// The live app processes whose data folder is `data_dir`.
///
/// Only instances count: a process whose parent is one of them is the app's own child — a
/// template reader, or a helper caught between `fork` and `exec` (it still shows the app's
/// binary and environment for that moment, which a busy machine can stretch).
fn app_instances(data_dir: &Path) -> Vec<u32> {
    let needle = format!("KOODESK_DATA_DIR={}", data_dir.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    // (pid, parent) of every live app process on this data folder.
    let mut found: Vec<(u32, u32)> = Vec::new();
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let is_app = std::fs::read_link(format!("/proc/{pid}/exe"))
            .is_ok_and(|p| p.file_name().is_some_and(|n| n == "koodesk-app"));
        let ours = std::fs::read(format!("/proc/{pid}/environ"))
            .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()));
        // A zombie (exited, not yet reaped by the driver) no longer counts.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let alive = fields.next().is_some_and(|state| state != "Z");
        let parent = fields.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        if is_app && ours && alive {
            found.push((pid, parent));
        }
    }
    found
        .iter()
        .filter(|(_, parent)| !found.iter().any(|(other, _)| other == parent))
        .map(|(pid, _)| *pid)
        .collect()
}

/// Waits until no app process of `data_dir` is left (it quit on its own).
pub async fn wait_app_exit(data_dir: &Path, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    while signal_app(data_dir, "0") > 0 {
        if Instant::now() > deadline {
            bail!("the app did not quit within {} s", within.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Waits until an element matching `css` exists and returns it.
pub async fn wait_for(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))
}

/// Polls until `css` matches nothing.
pub async fn wait_gone(c: &Client, css: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if c.find_all(Locator::Css(css)).await?.is_empty() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = screenshot(c, "failure-still-there").await;
    bail!("{css} is still there")
}

/// Polls until the element's attribute equals `want`.
pub async fn wait_attr(c: &Client, css: &str, attr: &str, want: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            last = el.attr(attr).await.ok().flatten();
            if last.as_deref() == Some(want) {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = screenshot(c, "failure-attr").await;
    bail!("{css}[{attr}]: wanted {want:?}, still {last:?}")
}

/// Replaces the text of an input as a person would: select all (Ctrl+A), then type over it, so
/// every change fires the input events the UI listens to.
pub async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    const CTRL: char = '\u{E009}';
    const BACKSPACE: char = '\u{E003}';
    let el = wait_for(c, css).await?;
    scroll_to(c, &el).await?;
    el.click()
        .await
        .with_context(|| format!("focusing {css}"))?;
    el.send_keys(&format!("{CTRL}a{CTRL}{BACKSPACE}"))
        .await
        .with_context(|| format!("emptying {css}"))?;
    el.send_keys(text)
        .await
        .with_context(|| format!("typing into {css}"))?;
    Ok(())
}

/// Clicks the element matching `css` once it exists.
pub async fn click(c: &Client, css: &str) -> Result<()> {
    let el = wait_for(c, css).await?;
    scroll_to(c, &el).await?;
    el.click().await.with_context(|| format!("clicking {css}"))
}

/// Scrolls the element to the middle of the window, as a person would before using it.
pub async fn scroll_to(c: &Client, el: &fantoccini::elements::Element) -> Result<()> {
    let arg = serde_json::to_value(el)?;
    c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
        .await?;
    Ok(())
}

/// Runs `f` on every top-level X window titled `title` (or `title (n)`: unread alerts), mapped or
/// not, and returns its answers.
fn with_windows<T>(
    title: &str,
    mut f: impl FnMut(&x11_dl::xlib::Xlib, *mut x11_dl::xlib::Display, x11_dl::xlib::Window) -> T,
) -> Result<Vec<T>> {
    use std::ffi::CStr;
    use x11_dl::xlib;
    let x = xlib::Xlib::open().context("loading libX11")?;
    // SAFETY: plain Xlib calls on a display this function opens and closes; every pointer Xlib
    // hands back is checked for null and freed with XFree as Xlib documents.
    unsafe {
        let display = (x.XOpenDisplay)(std::ptr::null());
        if display.is_null() {
            bail!("cannot open the X display");
        }
        let root = (x.XDefaultRootWindow)(display);
        let (mut root_ret, mut parent) = (0, 0);
        let mut children: *mut xlib::Window = std::ptr::null_mut();
        let mut n = 0u32;
        (x.XQueryTree)(
            display,
            root,
            &mut root_ret,
            &mut parent,
            &mut children,
            &mut n,
        );
        let windows = if children.is_null() {
            &[][..]
        } else {
            std::slice::from_raw_parts(children, n as usize)
        };
        let mut answers = Vec::new();
        for &w in windows {
            let mut name: *mut std::os::raw::c_char = std::ptr::null_mut();
            if (x.XFetchName)(display, w, &mut name) == 0 || name.is_null() {
                continue;
            }
            // The unread alerts may follow the name: "Koodesk (3)".
            let shown = CStr::from_ptr(name).to_string_lossy().into_owned();
            let matches = shown == title
                || shown
                    .strip_prefix(title)
                    .is_some_and(|rest| rest.starts_with(" (") && rest.ends_with(')'));
            (x.XFree)(name.cast());
            if matches {
                answers.push(f(&x, display, w));
            }
        }
        if !children.is_null() {
            (x.XFree)(children.cast());
        }
        (x.XFlush)(display);
        (x.XCloseDisplay)(display);
        Ok(answers)
    }
}

/// Asks every top-level X window titled `title` to close the way a window manager does when the
/// seller clicks the window's close button (a `WM_DELETE_WINDOW` client message). WebDriver's
/// own "close window" tears the web view down instead, which no seller can do.
/// Returns how many windows were asked.
pub fn close_window_like_a_user(title: &str) -> Result<usize> {
    use std::ffi::CString;
    use x11_dl::xlib;
    let protocols = CString::new("WM_PROTOCOLS")?;
    let delete = CString::new("WM_DELETE_WINDOW")?;
    let asked = with_windows(title, |x, display, w| {
        // SAFETY: `display` and `w` come from `with_windows`, valid for this call.
        unsafe {
            let wm_protocols = (x.XInternAtom)(display, protocols.as_ptr(), xlib::False);
            let wm_delete = (x.XInternAtom)(display, delete.as_ptr(), xlib::False);
            let mut ev: xlib::XEvent = std::mem::zeroed();
            ev.client_message.type_ = xlib::ClientMessage;
            ev.client_message.window = w;
            ev.client_message.message_type = wm_protocols;
            ev.client_message.format = 32;
            ev.client_message
                .data
                .set_long(0, wm_delete as std::os::raw::c_long);
            ev.client_message
                .data
                .set_long(1, xlib::CurrentTime as std::os::raw::c_long);
            (x.XSendEvent)(display, w, xlib::False, xlib::NoEventMask, &mut ev);
        }
    })?;
    Ok(asked.len())
}

/// How many top-level windows titled `title` are shown on screen (mapped and viewable).
pub fn windows_shown(title: &str) -> Result<usize> {
    use x11_dl::xlib;
    let shown = with_windows(title, |x, display, w| {
        // SAFETY: `display` and `w` come from `with_windows`; the attributes are plain data.
        unsafe {
            let mut attrs: xlib::XWindowAttributes = std::mem::zeroed();
            (x.XGetWindowAttributes)(display, w, &mut attrs) != 0
                && attrs.map_state == xlib::IsViewable
        }
    })?;
    Ok(shown.into_iter().filter(|s| *s).count())
}

/// For each top-level window titled `title` that is shown: whether it asked to start minimised
/// (`WM_HINTS` initial state Iconic, what a window manager honours by keeping it minimised).
pub fn windows_minimised(title: &str) -> Result<Vec<bool>> {
    use x11_dl::xlib;
    /// ICCCM 4.1.3.1 (x11-dl does not name it).
    const ICONIC_STATE: i32 = 3;
    let found = with_windows(title, |x, display, w| {
        // SAFETY: `display` and `w` come from `with_windows`; the hints Xlib returns are checked
        // for null, read, and freed with XFree.
        unsafe {
            let mut attrs: xlib::XWindowAttributes = std::mem::zeroed();
            if (x.XGetWindowAttributes)(display, w, &mut attrs) == 0
                || attrs.map_state != xlib::IsViewable
            {
                return None;
            }
            let hints = (x.XGetWMHints)(display, w);
            if hints.is_null() {
                return Some(false);
            }
            let iconic =
                (*hints).flags & xlib::StateHint != 0 && (*hints).initial_state == ICONIC_STATE;
            (x.XFree)(hints.cast());
            Some(iconic)
        }
    })?;
    Ok(found.into_iter().flatten().collect())
}

/// Waits until `windows_shown(title)` is `want`.
pub async fn wait_windows_shown(title: &str, want: usize, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    loop {
        let now = windows_shown(title)?;
        if now == want {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{now} window(s) titled {title:?} shown, not {want}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs axe-core (the copy the UI's Playwright gate uses, `ui/node_modules/axe-core`) in the real
/// window with the same rules, and returns its serious and critical violations, one line each.
pub async fn axe_violations(c: &Client) -> Result<Vec<String>> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path)
        .with_context(|| format!("axe-core is not installed at {}", path.display()))?;
    c.execute(&source, vec![])
        .await
        .context("loading axe-core")?;
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values:
                 ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .context("running axe-core")?;
    Ok(found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// The desktop's services on the test's private session bus (python-dbusmock).

/// A `Notify` call the notification server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    /// The id the server answered with (what `ActionInvoked` names).
    pub id: u32,
    pub app_name: String,
    pub icon: String,
    pub summary: String,
    pub body: String,
    /// (identifier, label) pairs.
    pub actions: Vec<(String, String)>,
}

/// The desktop's services (tests/e2e/py/desktop_bus.py: a notification server, with `--tray` a
/// tray host, with `--actions` a server that shows action buttons), stopped when dropped.
pub struct DesktopBus {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl DesktopBus {
    pub fn start(args: &[&str]) -> Result<Self> {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py/desktop_bus.py");
        let mut child = std::process::Command::new("/usr/bin/python3")
            .arg(script)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("starting python-dbusmock (apt: python3-dbusmock)")?;
        let stdin = child.stdin.take();
        let mut stdout = std::io::BufReader::new(child.stdout.take().context("stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        if line.trim() != "ready" {
            anyhow::bail!("the desktop services did not start: {line:?}");
        }
        Ok(DesktopBus {
            child,
            stdin,
            stdout,
        })
    }

    fn ask(&mut self, command: &str) -> Result<String> {
        use std::io::{BufRead, Write};
        let stdin = self.stdin.as_mut().context("stopped")?;
        writeln!(stdin, "{command}")?;
        stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        Ok(line)
    }

    /// Every notification shown so far, in order.
    pub fn notifications(&mut self) -> Result<Vec<Notified>> {
        let line = self.ask("notifications")?;
        let calls: Vec<serde_json::Value> =
            serde_json::from_str(&line).context("the notification list")?;
        let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        Ok(calls
            .iter()
            .map(|c| Notified {
                id: c["id"].as_u64().unwrap_or(0) as u32,
                app_name: s(&c["app_name"]),
                icon: s(&c["icon"]),
                summary: s(&c["summary"]),
                body: s(&c["body"]),
                actions: c["actions"]
                    .as_array()
                    .map(|a| {
                        a.chunks(2)
                            .map(|p| (s(&p[0]), p.get(1).map(s).unwrap_or_default()))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// The seller clicks notification `id` (`action` "default": the notification itself).
    pub fn invoke(&mut self, id: u32, action: &str) -> Result<()> {
        let line = self.ask(&format!("invoke {id} {action}"))?;
        anyhow::ensure!(line.trim() == "ok", "the click was not sent: {line:?}");
        Ok(())
    }

    /// Waits until a notification matching `want` has been shown.
    pub async fn wait_notified(
        &mut self,
        within: Duration,
        want: impl Fn(&Notified) -> bool,
    ) -> Result<Notified> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(n) = self.notifications()?.into_iter().find(|n| want(n)) {
                return Ok(n);
            }
            if Instant::now() > deadline {
                let all = self.notifications()?;
                anyhow::bail!("no such notification within {within:?}: {all:?}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for DesktopBus {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}
