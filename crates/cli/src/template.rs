//! `koodesk template generate|read`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use koodesk_api::templates::{self, Format};
use koodesk_api::{ApiError, ErrorCode};

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// Write the Excel or Word request template of a request form.
    Generate {
        /// The request form (JSON, see docs/request-form.md).
        #[arg(long)]
        form: PathBuf,
        /// xlsx or docx.
        #[arg(long)]
        format: String,
        #[arg(short, long)]
        output: PathBuf,
        /// Language of labels and instructions: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: String,
        /// The product the template belongs to (recorded in the file).
        #[arg(long)]
        product: Option<String>,
    },
    /// Read a customer's filled template back and check it: prints JSON, exits with 1 when the
    /// file has errors.
    Read {
        #[arg(long)]
        form: PathBuf,
        /// The filled .xlsx or .docx.
        file: PathBuf,
    },
}

fn read_file(path: &Path) -> Result<Vec<u8>, ApiError> {
    std::fs::read(path).map_err(|e| {
        ApiError::new(
            ErrorCode::Io,
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

fn form(path: &Path) -> Result<koodesk_domain::form::RequestForm, ApiError> {
    templates::parse_form(&String::from_utf8_lossy(&read_file(path)?))
}

pub fn run(cmd: TemplateCommand) -> Result<ExitCode, ApiError> {
    match cmd {
        TemplateCommand::Generate {
            form: f,
            format,
            output,
            lang,
            product,
        } => {
            let bytes = templates::generate(&form(&f)?, Format::parse(&format)?, &lang, product)?;
            std::fs::write(&output, &bytes).map_err(|e| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("cannot write {}: {e}", output.display()),
                )
            })?;
            eprintln!("wrote {} ({} bytes)", output.display(), bytes.len());
            Ok(ExitCode::SUCCESS)
        }
        TemplateCommand::Read { form: f, file } => {
            let report = templates::read_path(&form(&f)?, &file)?;
            let text = serde_json::to_string_pretty(&report)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            println!("{text}");
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
