//! The few fixed texts of a generated template, in English and 简体中文, and the words both formats
//! use for a field: its label and what it accepts.

use koodesk_domain::form::{Field, FieldType};

pub(crate) fn s(lang: &str, key: &str) -> &'static str {
    let zh = lang == "zh-CN";
    match key {
        "instructions" => {
            if zh {
                "说明"
            } else {
                "Instructions"
            }
        }
        "guide" => {
            if zh {
                "字段说明"
            } else {
                "Field guide"
            }
        }
        "request" => {
            if zh {
                "需求"
            } else {
                "Request"
            }
        }
        "purpose" => {
            if zh {
                "本表用途"
            } else {
                "What this form is for"
            }
        }
        "how_fill" => {
            if zh {
                "如何填写"
            } else {
                "How to fill it in"
            }
        }
        "how_fill_text" => {
            if zh {
                "在“需求”工作表（以及各表格工作表）的白色单元格中填写。标有 * 的字段为必填。下拉单元格只接受列出的值；数字、日期和长度会在输入时检查。每个字段的含义和示例见“字段说明”。"
            } else {
                "Type your answers in the white cells of the Request sheet (and of each table sheet). Fields marked * are required. Drop-down cells accept only the listed values; numbers, dates and lengths are checked as you type. The Field guide explains every field and gives an example."
            }
        }
        "how_return" => {
            if zh {
                "如何返回"
            } else {
                "How to return it"
            }
        }
        "how_return_text" => {
            if zh {
                "保存文件，并在云商店提交服务需求时作为附件上传。请勿重命名工作表或修改隐藏内容，以便卖家准确读取您的回答。"
            } else {
                "Save the file and attach it to your service request on KooGallery. Please do not rename sheets or change hidden content, so the seller can read your answers exactly."
            }
        }
        "contact" => {
            if zh {
                "如有疑问"
            } else {
                "Questions"
            }
        }
        "legend" => {
            if zh {
                "图例"
            } else {
                "Legend"
            }
        }
        "legend_text" => {
            if zh {
                "* 必填字段　　白色单元格：请在此填写　　灰色：说明，不可编辑"
            } else {
                "* required field      white cell: your answer      grey: guidance, locked"
            }
        }
        "required_note" => {
            if zh {
                "标有 * 的字段为必填项。"
            } else {
                "Fields marked * are required."
            }
        }
        "col_section" => {
            if zh {
                "部分"
            } else {
                "Section"
            }
        }
        "col_field" => {
            if zh {
                "字段"
            } else {
                "Field"
            }
        }
        "col_meaning" => {
            if zh {
                "含义"
            } else {
                "What it means"
            }
        }
        "col_accepted" => {
            if zh {
                "可接受的值"
            } else {
                "Accepted values"
            }
        }
        "col_example" => {
            if zh {
                "示例"
            } else {
                "Example"
            }
        }
        "col_required" => {
            if zh {
                "是否必填"
            } else {
                "Required?"
            }
        }
        "col_answer" => {
            if zh {
                "您的回答"
            } else {
                "Your answer"
            }
        }
        "col_help" => {
            if zh {
                "说明"
            } else {
                "Help"
            }
        }
        "required" => {
            if zh {
                "必填"
            } else {
                "Required"
            }
        }
        "optional" => {
            if zh {
                "选填"
            } else {
                "Optional"
            }
        }
        "yes" => {
            if zh {
                "是"
            } else {
                "Yes"
            }
        }
        "no" => {
            if zh {
                "否"
            } else {
                "No"
            }
        }
        "any_text" => {
            if zh {
                "任意文本"
            } else {
                "Any text"
            }
        }
        "not_accepted" => {
            if zh {
                "无法接受该值"
            } else {
                "Value not accepted"
            }
        }
        "table_note" => {
            if zh {
                "每行填写一项；可按需留空多余的行。"
            } else {
                "One entry per row; leave unused rows empty."
            }
        }
        "page" => {
            if zh {
                "页"
            } else {
                "Page"
            }
        }
        "form" => {
            if zh {
                "表单"
            } else {
                "form"
            }
        }
        _ => "",
    }
}

/// A field's help followed (after `sep`) by what it accepts.
pub(crate) fn help_text(f: &Field, lang: &str, sep: &str) -> String {
    let mut help = f
        .help
        .as_ref()
        .map(|h| h.get(lang).to_string())
        .unwrap_or_default();
    if !help.is_empty() {
        help.push_str(sep);
    }
    help.push_str(&accepted(f, lang));
    help
}

/// A field's label, with " *" when an answer is required.
pub(crate) fn label_text(f: &Field, lang: &str) -> String {
    let l = f.label.get(lang);
    if f.required {
        format!("{l} *")
    } else {
        l.to_string()
    }
}

/// "One of: A, B" / "A whole number from 1 to 9" …, for the guide and the input messages.
pub(crate) fn accepted(f: &Field, lang: &str) -> String {
    let zh = lang == "zh-CN";
    let range = |min: Option<String>, max: Option<String>| match (min, max) {
        (Some(a), Some(b)) => {
            if zh {
                format!("{a} 至 {b}")
            } else {
                format!("from {a} to {b}")
            }
        }
        (Some(a), None) => {
            if zh {
                format!("不小于 {a}")
            } else {
                format!("at least {a}")
            }
        }
        (None, Some(b)) => {
            if zh {
                format!("不大于 {b}")
            } else {
                format!("at most {b}")
            }
        }
        (None, None) => String::new(),
    };
    match &f.kind {
        FieldType::Text { max_length } | FieldType::Multiline { max_length } => match max_length {
            Some(m) => {
                if zh {
                    format!("文本，最多 {m} 个字符")
                } else {
                    format!("Text, at most {m} characters")
                }
            }
            None => s(lang, "any_text").to_string(),
        },
        FieldType::Integer { min, max } => {
            let r = range(min.map(|v| v.to_string()), max.map(|v| v.to_string()));
            if zh {
                format!("整数 {r}")
            } else {
                format!("A whole number {r}")
            }
            .trim()
            .to_string()
        }
        FieldType::Decimal { min, max } => {
            let r = range(min.map(|v| v.to_string()), max.map(|v| v.to_string()));
            if zh {
                format!("数字 {r}")
            } else {
                format!("A number {r}")
            }
            .trim()
            .to_string()
        }
        FieldType::Date => {
            if zh {
                "日期（YYYY-MM-DD）".into()
            } else {
                "A date (YYYY-MM-DD)".into()
            }
        }
        FieldType::Enum { options } => format!(
            "{}{}",
            if zh { "以下之一：" } else { "One of: " },
            options.join(", ")
        ),
        FieldType::MultiChoice { options } => format!(
            "{}{}",
            if zh {
                "以下一项或多项，用逗号分隔："
            } else {
                "One or more of, separated by commas: "
            },
            options.join(", ")
        ),
        FieldType::YesNo => format!("{} / {}", s(lang, "yes"), s(lang, "no")),
        FieldType::Email => {
            if zh {
                "邮箱地址".into()
            } else {
                "An e-mail address".into()
            }
        }
        FieldType::Phone => {
            if zh {
                "电话号码（可含 +、空格、-）".into()
            } else {
                "A phone number (+, spaces and - allowed)".into()
            }
        }
        FieldType::Url => {
            if zh {
                "以 http:// 或 https:// 开头的网址".into()
            } else {
                "A web address starting with http:// or https://".into()
            }
        }
    }
}
