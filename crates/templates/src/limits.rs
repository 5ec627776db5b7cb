//! Limits that keep the reader's time and memory bounded whatever file it is given.

/// The largest file the reader opens.
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
/// Entries in the zip container.
pub const MAX_ENTRIES: usize = 2_000;
/// Uncompressed size of any one entry.
pub const MAX_ENTRY_BYTES: u64 = 40 * 1024 * 1024;
/// Uncompressed size of all entries together.
pub const MAX_TOTAL_BYTES: u64 = 120 * 1024 * 1024;
/// Compression ratio above which a large entry is treated as a zip bomb.
pub const MAX_RATIO: u64 = 200;
/// Rows read from a repeating table.
pub const MAX_ROWS: u32 = 10_000;
/// Characters kept from any one answer.
pub const MAX_ANSWER_CHARS: usize = 100_000;
