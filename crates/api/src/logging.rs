//! `tracing` to a daily-rotating log file in the data folder (a week of files is kept).

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::paths::DataDir;
use crate::{ApiError, ErrorCode};

const KEEP_FILES: usize = 7;

/// Installs the global subscriber. Keep the guard alive for the life of the process: dropping it
/// flushes the log. `KOODESK_LOG` (e.g. `debug`) overrides the default `info` level.
pub fn init(data: &DataDir, file_prefix: &str) -> Result<WorkerGuard, ApiError> {
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(file_prefix)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(data.logs())
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot open the log file: {e}")))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("KOODESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(writer).with_ansi(false))
        .try_init();
    Ok(guard)
}
