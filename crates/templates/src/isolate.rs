//! Reading files from outside in a child process under fixed limits, so that even an abort or a
//! runaway in a parser (ours or a library's) cannot take the caller down.
//!
//! The caller's own binary is the child: it is started with [`CHILD_ARG`] as its first argument
//! and hands over to [`child_main`] before doing anything else. The job travels as one JSON line
//! on standard input, the answer as one line on standard output starting with [`ANSWER_PREFIX`]
//! (anything else the child prints is ignored). In the child, the address space may grow by at
//! most [`ADDRESS_SPACE_BUDGET`] over what the process had mapped when it started (Linux), and
//! CPU time is capped; the parent kills a child that has not answered within its timeout.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use koodesk_domain::form::RequestForm;
use serde::{Deserialize, Serialize};

use crate::{ReadReport, TemplateError};

/// The first argument that turns a Koodesk binary into a template-reading child.
pub const CHILD_ARG: &str = "__koodesk-read-file";
/// How the answer line starts.
pub const ANSWER_PREFIX: &str = "KOODESK-ANSWER ";
/// How much the child's address space may grow while it reads.
pub const ADDRESS_SPACE_BUDGET: u64 = 512 * 1024 * 1024;
/// CPU seconds a child may use.
const CPU_SECONDS: u64 = 20;
/// How long a caller waits for an answer by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What the child is asked to do with a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Job {
    /// Which form and version the file was made from.
    Identify { path: PathBuf },
    /// Read the file against a form (its JSON).
    Read { path: PathBuf, form: String },
    /// Read the file's answers by key without its form (see [`crate::read::stand_in_form`]).
    ReadRaw { path: PathBuf },
}

/// The child's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answer {
    pub outcome: Outcome,
    /// The child's peak resident memory, in KiB (Linux; 0 elsewhere).
    pub peak_rss_kib: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Identified { form_id: String, version: u32 },
    Report { report: ReadReport },
    Error { error: ErrorKind, message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    WrongForm,
    Unreadable,
    TooLarge,
    Internal,
}

impl From<&TemplateError> for ErrorKind {
    fn from(e: &TemplateError) -> Self {
        match e {
            TemplateError::WrongForm(_) => ErrorKind::WrongForm,
            TemplateError::Unreadable(_) => ErrorKind::Unreadable,
            TemplateError::TooLarge(_) => ErrorKind::TooLarge,
            TemplateError::Xlsx(_) | TemplateError::Docx(_) => ErrorKind::Internal,
        }
    }
}

impl Outcome {
    /// The outcome as the in-process reader would have returned it.
    pub fn into_result(self) -> Result<Outcome, TemplateError> {
        match self {
            Outcome::Error { error, message } => Err(match error {
                ErrorKind::WrongForm => TemplateError::WrongForm(message),
                ErrorKind::Unreadable => TemplateError::Unreadable(message),
                ErrorKind::TooLarge => TemplateError::TooLarge(message),
                ErrorKind::Internal => TemplateError::Xlsx(message),
            }),
            ok => Ok(ok),
        }
    }
}

/// Carries out `job` in this process (what the child does).
pub fn perform(job: &Job) -> Outcome {
    let result = match job {
        Job::Identify { path } => crate::read_file_bounded(path)
            .and_then(|bytes| crate::identify(&bytes))
            .map(|(form_id, version)| Outcome::Identified { form_id, version }),
        Job::Read { path, form } => RequestForm::from_json(form)
            .map_err(|e| TemplateError::Unreadable(format!("the request form is invalid: {e}")))
            .and_then(|form| {
                let bytes = crate::read_file_bounded(path)?;
                crate::read(&form, &bytes)
            })
            .map(|report| Outcome::Report { report }),
        Job::ReadRaw { path } => crate::read_file_bounded(path)
            .and_then(|bytes| {
                let form = crate::read::stand_in_form(&bytes)?;
                crate::read(&form, &bytes)
            })
            .map(|report| Outcome::Report { report }),
    };
    result.unwrap_or_else(|e| Outcome::Error {
        error: ErrorKind::from(&e),
        message: e.to_string(),
    })
}

/// The child's side: limits itself, reads the job from standard input, answers on standard
/// output. Call it first thing in `main` when the first argument is [`CHILD_ARG`].
pub fn child_main() -> ExitCode {
    limit_self(ADDRESS_SPACE_BUDGET, CPU_SECONDS);
    let mut line = String::new();
    let read = std::io::stdin()
        .lock()
        .take(16 * 1024 * 1024)
        .read_line(&mut line);
    let outcome = match read
        .map_err(|e| e.to_string())
        .and_then(|_| serde_json::from_str::<Job>(&line).map_err(|e| e.to_string()))
    {
        Ok(job) => perform(&job),
        Err(e) => Outcome::Error {
            error: ErrorKind::Internal,
            message: format!("the reading process got no valid job: {e}"),
        },
    };
    let answer = Answer {
        outcome,
        peak_rss_kib: peak_rss_kib(),
    };
    let Ok(json) = serde_json::to_string(&answer) else {
        return ExitCode::FAILURE;
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "\n{ANSWER_PREFIX}{json}")
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Runs `job` in a child: `exe` started with `args` (normally just [`CHILD_ARG`]; a test binary
/// passes its own filter), killed when it has not answered within `timeout`.
pub fn run_in_child(
    exe: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    job: &Job,
    timeout: Duration,
) -> Result<Answer, TemplateError> {
    let internal = |what: String| TemplateError::Unreadable(what);
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| internal(format!("the reading process could not start: {e}")))?;
    let json = serde_json::to_string(job).map_err(|e| internal(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A child that died at once closes the pipe; its exit status tells what happened.
        let _ = writeln!(stdin, "{json}");
    }
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(out) = stdout {
            let _ = out.take(64 * 1024 * 1024).read_to_string(&mut text);
        }
        text
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = reader.join();
                return Err(TemplateError::TooLarge(format!(
                    "reading the file took longer than {} s and was stopped",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(internal(format!("the reading process was lost: {e}"))),
        }
    };
    let text = reader.join().unwrap_or_default();
    let answer = text
        .lines()
        .find_map(|l| {
            l.find(ANSWER_PREFIX)
                .map(|at| &l[at + ANSWER_PREFIX.len()..])
        })
        .and_then(|json| serde_json::from_str::<Answer>(json).ok());
    match answer {
        Some(a) => Ok(a),
        None => Err(TemplateError::TooLarge(format!(
            "the file could not be read: the reading process stopped ({}) — the file is \
             probably built to exhaust memory",
            describe(&status)
        ))),
    }
}

static CHILD_EXE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Makes [`run`] read files in a child of this program (its `main` must hand [`CHILD_ARG`] to
/// [`child_main`]). The app and the CLI call this at start; libraries and tests that do not read
/// in-process.
pub fn use_child_process() {
    if let Ok(exe) = std::env::current_exe() {
        let _ = CHILD_EXE.set(exe);
    }
}

/// Carries out `job`: in a child of this program when [`use_child_process`] was called, else
/// in this process.
pub fn run(job: &Job) -> Result<Outcome, TemplateError> {
    match CHILD_EXE.get() {
        Some(exe) => run_in_child(exe, &[CHILD_ARG], &[], job, DEFAULT_TIMEOUT)?
            .outcome
            .into_result(),
        None => perform(job).into_result(),
    }
}

fn describe(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("signal {sig}");
        }
    }
    match status.code() {
        Some(c) => format!("exit code {c}"),
        None => "no exit code".into(),
    }
}

/// Caps this process: its address space may grow by `budget` bytes over what is mapped now, and
/// it may use `cpu_seconds` of CPU. Linux only; elsewhere the parent's timeout is the guard.
pub fn limit_self(budget: u64, cpu_seconds: u64) {
    #[cfg(target_os = "linux")]
    {
        let mapped = proc_status_kib("VmSize:").unwrap_or(0) * 1024;
        let limits = [
            (libc::RLIMIT_AS, mapped.saturating_add(budget)),
            (libc::RLIMIT_CPU, cpu_seconds),
        ];
        for (resource, value) in limits {
            let lim = libc::rlimit {
                rlim_cur: value as libc::rlim_t,
                rlim_max: value as libc::rlim_t,
            };
            // SAFETY: setrlimit reads the struct we pass and changes only this process's limits.
            unsafe {
                libc::setrlimit(resource, &lim);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (budget, cpu_seconds);
}

/// This process's peak resident memory in KiB (Linux; 0 elsewhere).
pub fn peak_rss_kib() -> u64 {
    proc_status_kib("VmHWM:").unwrap_or(0)
}

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
