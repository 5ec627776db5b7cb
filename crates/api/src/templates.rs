//! Request templates: generate .xlsx/.docx from a request form, read a filled one back.

use std::path::Path;

use koodesk_domain::form::RequestForm;
pub use koodesk_templates::isolate;
use koodesk_templates::isolate::{Job, Outcome};
use koodesk_templates::{Options, ReadReport, TemplateError};

use crate::{ApiError, ErrorCode};

/// Template file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename = "TemplateFormat", rename_all = "lowercase")]
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

/// Reads the filled template at `path` against `form`, in a child process when enabled.
pub fn read_path(form: &RequestForm, path: &Path) -> Result<ReadReport, ApiError> {
    let form_json = serde_json::to_string(form)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    match isolate::run(&Job::Read {
        path: path.to_path_buf(),
        form: form_json,
    })
    .map_err(template_error)?
    {
        Outcome::Report { report } => Ok(report),
        _ => Err(ApiError::new(
            ErrorCode::Internal,
            "the reader answered out of turn",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Request forms kept in the app, and files generated from and checked against them.

use crate::dto::{FormSummary, FormView, TemplateCheck, TemplateProblem};
use crate::Context;

fn form_view(row: koodesk_store::FormRow) -> Result<FormView, ApiError> {
    let form: serde_json::Value = serde_json::from_str(&row.doc).map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("form {} is unreadable: {e}", row.id),
        )
    })?;
    let problems = match RequestForm::from_json(&row.doc) {
        Ok(_) => Vec::new(),
        Err(e) => vec![e.to_string()],
    };
    Ok(FormView {
        id: row.id,
        version: row.version,
        issued: row.issued,
        form,
        problems,
    })
}

pub fn list_forms(ctx: &Context) -> Result<Vec<FormSummary>, ApiError> {
    let rows = ctx.store()?.latest_forms(&ctx.account())?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.doc).unwrap_or_default();
            let title = match &v["title"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(m) => m
                    .get("en")
                    .or_else(|| m.values().next())
                    .and_then(|t| t.as_str())
                    .unwrap_or("")
                    .to_string(),
                _ => String::new(),
            };
            let fields = v["sections"]
                .as_array()
                .map(|ss| {
                    ss.iter()
                        .map(|s| s["fields"].as_array().map_or(0, Vec::len))
                        .sum::<usize>()
                })
                .unwrap_or(0);
            FormSummary {
                id: r.id,
                version: r.version,
                title,
                fields: fields as u32,
                issued: r.issued,
                updated_at: r.updated_at,
            }
        })
        .collect())
}

/// The newest version of a form of the current account.
fn latest_form(ctx: &Context, id: &str) -> Result<koodesk_store::FormRow, ApiError> {
    ctx.store()?.form(&ctx.account(), id, None)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("there is no request form {id}"),
        )
    })
}

pub fn get_form(ctx: &Context, id: &str) -> Result<FormView, ApiError> {
    let row = latest_form(ctx, id)?;
    form_view(row)
}

/// A new form with one section and one field, under a fresh id.
pub fn new_form(ctx: &Context) -> Result<FormView, ApiError> {
    let taken: Vec<String> = list_forms(ctx)?.into_iter().map(|f| f.id).collect();
    let id = (1..)
        .map(|n| format!("request-form-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| "request-form".into());
    let form = serde_json::json!({
        "id": id, "version": 1,
        "title": { "en": "Service request", "zh-CN": "服务需求" },
        "instructions": { "en": "Fill in every field marked * and attach this file to your service request.",
                          "zh-CN": "请填写所有标有 * 的字段，并将本文件附在服务需求中提交。" },
        "contact": "",
        "sections": [ { "key": "details", "title": { "en": "Details", "zh-CN": "详细信息" }, "repeating": false,
            "fields": [ { "key": "company", "label": { "en": "Company name", "zh-CN": "公司名称" }, "type": "text", "required": true } ] } ]
    });
    save_form(ctx, form)
}

/// Saves the form being edited. Incomplete forms are kept (with their problems listed); a version
/// that templates were issued from is never changed — the edit becomes the next version.
pub fn save_form(ctx: &Context, form: serde_json::Value) -> Result<FormView, ApiError> {
    let id = form["id"].as_str().unwrap_or_default().to_string();
    if id.is_empty() {
        return Err(ApiError::invalid("id", "a request form needs an id"));
    }
    let row = ctx.store()?.save_form(&ctx.account(), &id, |version| {
        let mut shaped = form.clone();
        shaped["version"] = serde_json::Value::from(version);
        shaped.to_string()
    })?;
    form_view(row)
}

/// Writes the template of a form's newest version to `path` (through a temporary file beside it,
/// so a failed write leaves nothing half-written) and marks that version issued.
pub fn export_template(
    ctx: &Context,
    id: &str,
    format: Format,
    lang: &str,
    path: &Path,
) -> Result<String, ApiError> {
    let row = latest_form(ctx, id)?;
    let form = parse_form(&row.doc)?;
    let bytes = generate(&form, format, lang, None)?;
    let shown = path.display().to_string();
    let tmp = path.with_extension("koodesk-part");
    std::fs::write(&tmp, &bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            ApiError::new(ErrorCode::Io, format!("cannot write {shown}: {e}"))
        })?;
    ctx.store()?
        .mark_form_issued(&ctx.account(), id, row.version)?;
    Ok(shown)
}

/// Reads a filled template: finds the form version it was made from and checks every answer.
/// The file is read in a child process under fixed limits (see [`isolate`]) when the program
/// enabled it, so a hostile file cannot take the caller down.
pub fn check_template(ctx: &Context, path: &Path) -> Result<TemplateCheck, ApiError> {
    let (id, version) = match isolate::run(&Job::Identify {
        path: path.to_path_buf(),
    })
    .map_err(template_error)?
    {
        Outcome::Identified { form_id, version } => (form_id, version),
        _ => {
            return Err(ApiError::new(
                ErrorCode::Internal,
                "the reader answered out of turn",
            ))
        }
    };
    let row = ctx.store()?.form(&ctx.account(), &id, Some(version))?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("this file was made from version {version} of the form \"{id}\", which Koodesk does not have"),
        )
    })?;
    let form = parse_form(&row.doc)?;
    let report = read_path(&form, path)?;
    let label = |key: &str| {
        form.fields()
            .find(|(_, f)| f.key == key)
            .map(|(_, f)| f.label.get("en").to_string())
            .unwrap_or_default()
    };
    Ok(TemplateCheck {
        file: path.display().to_string(),
        form_id: report.form_id.clone(),
        version: report.version,
        form_title: form.title.get("en").to_string(),
        values: serde_json::Value::Object(report.values),
        errors: report
            .errors
            .into_iter()
            .map(|p| TemplateProblem {
                label: label(&p.key),
                key: p.key,
                row: p.row,
                location: p.location,
                message: p.message,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::DataDir;

    #[test]
    fn a_form_is_saved_exported_then_edited_into_a_new_version_and_old_files_still_check() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open(DataDir::at(dir.path().join("data"))).unwrap();
        let v1 = new_form(&ctx).unwrap();
        assert_eq!((v1.version, v1.problems.len()), (1, 0));
        let file = dir.path().join("t.xlsx");
        export_template(&ctx, &v1.id, Format::Xlsx, "en", &file).unwrap();
        assert!(get_form(&ctx, &v1.id).unwrap().issued);

        let mut edited = v1.form.clone();
        edited["sections"][0]["fields"][0]["label"] = serde_json::json!("Organisation");
        let v2 = save_form(&ctx, edited).unwrap();
        assert_eq!((v2.version, v2.issued), (2, false));

        let check = check_template(&ctx, &file).unwrap();
        assert_eq!((check.form_id.as_str(), check.version), (v1.id.as_str(), 1));
        assert_eq!(check.errors.len(), 1, "the required company name is empty");
        assert_eq!(
            check.errors[0].label, "Company name",
            "labels come from the version the file was made from"
        );

        let mut broken = v2.form.clone();
        broken["sections"][0]["fields"][0]["key"] = serde_json::json!("");
        let saved = save_form(&ctx, broken).unwrap();
        assert_eq!(
            saved.problems.len(),
            1,
            "incomplete forms are kept, with their problem"
        );
        let err = export_template(&ctx, &v1.id, Format::Docx, "en", &dir.path().join("x.docx"))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }
}
