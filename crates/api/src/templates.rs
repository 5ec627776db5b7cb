//! Request templates: generate .xlsx/.docx from a request form, read a filled one back.

use koodesk_domain::form::RequestForm;
use koodesk_templates::{Options, ReadReport, TemplateError};

use crate::{ApiError, ErrorCode};

/// Template file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Docx,
}

impl Format {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        match s.to_ascii_lowercase().as_str() {
            "xlsx" | "excel" => Ok(Format::Xlsx),
            "docx" | "word" => Ok(Format::Docx),
            other => Err(ApiError::invalid(
                "format",
                format!("unknown format {other:?}: use xlsx or docx"),
            )),
        }
    }
}

pub fn parse_form(text: &str) -> Result<RequestForm, ApiError> {
    RequestForm::from_json(text).map_err(|e| ApiError::invalid("form", e.to_string()))
}

fn template_error(e: TemplateError) -> ApiError {
    let code = match e {
        TemplateError::WrongForm(_) | TemplateError::Unreadable(_) | TemplateError::TooLarge(_) => {
            ErrorCode::InvalidInput
        }
        TemplateError::Xlsx(_) | TemplateError::Docx(_) => ErrorCode::Internal,
    };
    ApiError::new(code, e.to_string())
}

pub fn generate(
    form: &RequestForm,
    format: Format,
    lang: &str,
    product_id: Option<String>,
) -> Result<Vec<u8>, ApiError> {
    let opts = Options {
        lang: if lang == "zh-CN" {
            "zh-CN".into()
        } else {
            "en".into()
        },
        product_id,
        ..Options::default()
    };
    match format {
        Format::Xlsx => koodesk_templates::xlsx::generate(form, &opts),
        Format::Docx => koodesk_templates::docx::generate(form, &opts),
    }
    .map_err(template_error)
}

pub fn read(form: &RequestForm, bytes: &[u8]) -> Result<ReadReport, ApiError> {
    koodesk_templates::read(form, bytes).map_err(template_error)
}
