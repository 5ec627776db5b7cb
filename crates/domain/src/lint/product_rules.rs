//! Rules on basic information, product details, qualification, SEO and delivery-specific fields.

use regex::Regex;

use super::ids::*;
use super::text::{self, blank, chars};
use super::{Report, Ruleset};
use crate::product::{Delivery, Product};
use crate::support::SupportInfo;

pub(super) fn check(p: &Product, support: &SupportInfo, rules: &Ruleset, r: &mut Report) {
    name(&p.basic.name, rules, r);
    version(&p.basic.version, rules, r);
    logo(p, rules, r);
    details(p, rules, r);
    seo(p, rules, r);
    qualification(p, support, r);
    delivery(p, rules, r);
}

const NAME: &str = "product.basic.name";

fn name(name: &str, rules: &Ruleset, r: &mut Report) {
    if blank(name) {
        r.add(
            NAME_REQUIRED,
            NAME,
            "Enter the product name.",
            "请输入商品名称。",
        );
        return;
    }
    let n = chars(name);
    let lim = rules.name;
    if n < lim.min_chars || n > lim.max_chars {
        r.add(
            NAME_LENGTH,
            NAME,
            format!(
                "The name has {n} characters; use {} to {}.",
                lim.min_chars, lim.max_chars
            ),
            format!(
                "名称有 {n} 个字符，应为 {}–{} 个。",
                lim.min_chars, lim.max_chars
            ),
        );
    }
    let lower = name.to_lowercase();
    let squashed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let forbidden = rules
        .name_forbidden_branding
        .iter()
        .find(|b| lower.contains(b.as_str()) || squashed.contains(&b.replace(' ', "")));
    if let Some(b) = forbidden {
        r.add(
            NAME_BRANDING,
            NAME,
            format!("The name must not present the product as a Huawei Cloud product (\"{b}\")."),
            format!("名称不得将商品表述为华为云产品（“{b}”）。"),
        );
    } else if let Some(b) = rules
        .name_cautioned_branding
        .iter()
        .find(|b| lower.contains(b.as_str()))
    {
        r.add(
            NAME_HUAWEI_MENTION,
            NAME,
            format!("The name mentions \"{b}\": make sure it does not read as a Huawei product."),
            format!("名称提到了“{b}”：请确保不会被理解为华为的产品。"),
        );
    }
    let without_hcs = text::strip_hcs_suffix(name);
    let found = |re: &Regex| re.find(&without_hcs).map(|m| m.as_str().trim().to_string());
    if let Some(m) = found(&text::PRICE_IN_NAME) {
        r.add(
            NAME_PRICE,
            NAME,
            format!("Remove the price or offer \"{m}\" from the name."),
            format!("请从名称中删除价格或优惠“{m}”。"),
        );
    } else if let Some(m) = found(&text::OFFER_IN_NAME) {
        r.add(
            NAME_OFFER,
            NAME,
            format!("\"{m}\" may read as an offer; names must not carry prices or promotions."),
            format!("“{m}”可能被理解为促销；名称中不得含价格或优惠信息。"),
        );
    }
    if let Some(m) = found(&text::VERSION_IN_NAME) {
        r.add(
            NAME_VERSION,
            NAME,
            format!("Remove the version \"{m}\" from the name; it has its own field."),
            format!("请从名称中删除版本“{m}”，版本有单独的字段。"),
        );
    } else if let Some(m) = found(&text::DOTTED_NUMBER) {
        r.add(
            NAME_VERSION_NUMBER,
            NAME,
            format!("Is \"{m}\" this product's version? Fine if it is the version of the product you work on; this product's own version goes in its field."),
            format!("“{m}”是本商品的版本吗？如果是所服务产品的版本则无妨；本商品的版本请填在版本字段。"),
        );
    }
    let phone = text::PHONE_IN_NAME
        .captures(&without_hcs)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string());
    if let Some(m) = phone {
        r.add(
            NAME_PHONE,
            NAME,
            format!("Remove the phone number \"{m}\" from the name."),
            format!("请从名称中删除电话号码“{m}”。"),
        );
    }
}

fn version(version: &str, rules: &Ruleset, r: &mut Report) {
    const PATH: &str = "product.basic.version";
    if blank(version) {
        r.add(
            VERSION_REQUIRED,
            PATH,
            "Enter the version, e.g. V1.0.",
            "请输入版本号，例如 V1.0。",
        );
        return;
    }
    // The ruleset's pattern was validated when the ruleset was loaded.
    let ok = Regex::new(&rules.version_pattern).is_ok_and(|re| re.is_match(version.trim()));
    if !ok {
        r.add(
            VERSION_FORMAT,
            PATH,
            format!("\"{version}\" is not a standard version: write it like V1.0 or V2.0.1."),
            format!("“{version}”不是标准版本号：请写成 V1.0 或 V2.0.1 的形式。"),
        );
    }
}

fn logo(p: &Product, rules: &Ruleset, r: &mut Report) {
    const PATH: &str = "product.basic.logo";
    let lim = &rules.logo;
    let Some(logo) = &p.basic.logo else {
        r.add(
            LOGO_REQUIRED,
            PATH,
            format!("Add a logo (PNG, {} × {} px).", lim.width, lim.height),
            format!("请添加 Logo（PNG，{} × {} 像素）。", lim.width, lim.height),
        );
        return;
    };
    if logo.media_type != lim.media_type || logo.image.is_none() {
        r.add(
            LOGO_FORMAT,
            PATH,
            format!(
                "The logo must be a PNG image; \"{}\" is {}.",
                logo.file_name, logo.media_type
            ),
            format!(
                "Logo 必须是 PNG 图片；“{}”的类型是 {}。",
                logo.file_name, logo.media_type
            ),
        );
    }
    if let Some(img) = logo.image {
        if img.width != lim.width || img.height != lim.height {
            r.add(
                LOGO_DIMENSIONS,
                PATH,
                format!(
                    "The logo is {} × {} px; it must be exactly {} × {} px.",
                    img.width, img.height, lim.width, lim.height
                ),
                format!(
                    "Logo 为 {} × {} 像素，必须正好是 {} × {} 像素。",
                    img.width, img.height, lim.width, lim.height
                ),
            );
        }
    }
    if logo.size > lim.max_bytes {
        let mb = lim.max_bytes as f64 / (1024.0 * 1024.0);
        r.add(
            LOGO_SIZE,
            PATH,
            format!("The logo file is larger than {mb:.0} MB."),
            format!("Logo 文件超过 {mb:.0} MB。"),
        );
    }
}

fn details(p: &Product, rules: &Ruleset, r: &mut Report) {
    let d = &p.details;
    required_text(
        &d.overview,
        "product.details.overview",
        rules.overview.min_chars,
        rules.overview.max_chars,
        (OVERVIEW_REQUIRED, OVERVIEW_LENGTH),
        ("overview", "概述"),
        r,
    );
    const DESCRIPTION: &str = "product.details.description";
    let lim = rules.description;
    if required_text(
        &d.description,
        DESCRIPTION,
        lim.min_chars,
        lim.max_chars,
        (DESCRIPTION_REQUIRED, DESCRIPTION_LENGTH),
        ("description", "描述"),
        r,
    ) {
        if text::longest_blank_run(&d.description) > lim.max_consecutive_blank_lines {
            r.add(
                DESCRIPTION_BLANK_LINES,
                DESCRIPTION,
                "Remove the long runs of blank lines from the description.",
                "请删除描述中连续的空行。",
            );
        }
        if text::PRICE_ELSEWHERE.is_match(&d.description) {
            r.add(
                DESCRIPTION_PRICE_ELSEWHERE,
                DESCRIPTION,
                "The description must not send buyers elsewhere for prices; prices belong in the specifications.",
                "描述中不得引导买家在别处询价；价格应在规格中给出。",
            );
        }
    }
    let hl = rules.highlights;
    let n = d.highlights.len();
    too_many(
        n,
        hl.max_count,
        HIGHLIGHTS_COUNT,
        "product.details.highlights",
        ("highlights", "条亮点"),
        r,
    );
    for (i, h) in d.highlights.iter().enumerate() {
        let path = format!("product.details.highlights[{i}]");
        if blank(&h.title) || blank(&h.text) {
            r.add(
                HIGHLIGHTS_INCOMPLETE,
                path.clone(),
                "Give each highlight a title and a text.",
                "每条亮点都需要标题和内容。",
            );
        }
        if chars(&h.title) > hl.title_max_chars || chars(&h.text) > hl.text_max_chars {
            r.add(
                HIGHLIGHTS_LENGTH,
                path,
                format!(
                    "Highlight titles take at most {} characters and texts {}.",
                    hl.title_max_chars, hl.text_max_chars
                ),
                format!(
                    "亮点标题最多 {} 个字符，内容最多 {} 个字符。",
                    hl.title_max_chars, hl.text_max_chars
                ),
            );
        }
    }
    let cc = rules.customer_cases;
    let n = d.customer_cases.len();
    too_many(
        n,
        cc.max_count,
        CASES_COUNT,
        "product.details.customer_cases",
        ("customer cases", "个客户案例"),
        r,
    );
    for (i, c) in d.customer_cases.iter().enumerate() {
        let path = format!("product.details.customer_cases[{i}]");
        if blank(&c.customer) || blank(&c.title) || blank(&c.text) {
            r.add(
                CASES_INCOMPLETE,
                path.clone(),
                "Give each customer case a customer, a title and a text.",
                "每个客户案例都需要客户、标题和内容。",
            );
        }
        if chars(&c.text) > cc.text_max_chars {
            r.add(
                CASES_LENGTH,
                path,
                format!(
                    "A customer case takes at most {} characters.",
                    cc.text_max_chars
                ),
                format!("客户案例最多 {} 个字符。", cc.text_max_chars),
            );
        }
    }
}

fn seo(p: &Product, rules: &Ruleset, r: &mut Report) {
    let s = &p.seo;
    let lim = rules.seo;
    if chars(&s.title) > lim.title_max_chars || chars(&s.description) > lim.description_max_chars {
        r.add(
            SEO_LENGTH,
            "product.seo",
            format!(
                "Search engines cut SEO titles after {} and descriptions after {} characters.",
                lim.title_max_chars, lim.description_max_chars
            ),
            format!(
                "搜索引擎会截断超过 {} 个字符的 SEO 标题和超过 {} 个字符的描述。",
                lim.title_max_chars, lim.description_max_chars
            ),
        );
    }
    if s.keywords.len() > lim.max_keywords {
        r.add(
            SEO_KEYWORDS,
            "product.seo.keywords",
            format!("Use at most {} SEO keywords.", lim.max_keywords),
            format!("SEO 关键词最多 {} 个。", lim.max_keywords),
        );
    }
}

fn qualification(p: &Product, support: &SupportInfo, r: &mut Report) {
    let method = p.method();
    if !method.is_traded() {
        return;
    }
    let q = &p.qualification;
    if method.is_software() {
        if q.eula.is_none() {
            r.add(
                QUAL_EULA,
                "product.qualification.eula",
                "Attach the end user license agreement.",
                "请上传最终用户许可协议。",
            );
        }
        if q.software_copyright.is_none() {
            r.add(
                QUAL_COPYRIGHT,
                "product.qualification.software_copyright",
                "Attach the software copyright certificate (its name must match the product name).",
                "请上传软件著作权证书（证书名称须与商品名称一致）。",
            );
        }
    }
    if q.user_guide.is_none() {
        r.add(
            QUAL_USER_GUIDE,
            "product.qualification.user_guide",
            "Attach the user guide: how a customer logs in and uses the product after buying it.",
            "请上传使用指南：说明客户购买后如何登录和使用商品。",
        );
    }
    const GROUP: &str = "product.qualification.after_sales_group";
    match q
        .after_sales_group
        .as_deref()
        .filter(|g| !g.trim().is_empty())
    {
        None => r.add(
            QUAL_AFTER_SALES,
            GROUP,
            "Choose an after-sales customer-service group.",
            "请选择售后客服组。",
        ),
        Some(id) if support.group(id).is_none() => r.add(
            QUAL_AFTER_SALES_UNKNOWN,
            GROUP,
            "The chosen after-sales group no longer exists in Services & support.",
            "所选的售后客服组已不在“服务与支持”中。",
        ),
        Some(_) => {}
    }
}

fn delivery(p: &Product, rules: &Ruleset, r: &mut Report) {
    const D: &str = "product.basic.delivery";
    match &p.basic.delivery {
        Delivery::ProfessionalService {
            service_flow,
            avg_delivery_days,
            request_templates,
        } => {
            if service_flow.is_none() {
                r.add(
                    PS_SERVICE_FLOW,
                    format!("{D}.service_flow"),
                    "Choose the service-flow template: standard or website building.",
                    "请选择服务流程模板：标准或网站建设。",
                );
            }
            match avg_delivery_days {
                None => r.add(
                    PS_DELIVERY_DAYS,
                    format!("{D}.avg_delivery_days"),
                    "Enter the average delivery duration in calendar days.",
                    "请输入平均交付时长（自然日）。",
                ),
                Some(days) if *days < rules.avg_delivery_days.min || *days > rules.avg_delivery_days.max => r.add(
                    PS_DELIVERY_DAYS_RANGE,
                    format!("{D}.avg_delivery_days"),
                    format!(
                        "{days} days is outside the usual {}–{} days: check it is what buyers should expect (KooGallery sets no range).",
                        rules.avg_delivery_days.min, rules.avg_delivery_days.max
                    ),
                    format!(
                        "{days} 天超出常见的 {}–{} 天：请确认这是买家应预期的时长（KooGallery 未规定范围）。",
                        rules.avg_delivery_days.min, rules.avg_delivery_days.max
                    ),
                ),
                Some(_) => {}
            }
            if request_templates.is_empty() {
                r.add(
                    PS_REQUEST_TEMPLATES,
                    format!("{D}.request_templates"),
                    "Add at least one request template (Excel or Word) for customers to fill in.",
                    "请至少添加一个供客户填写的需求模板（Excel 或 Word）。",
                );
            }
            for (i, t) in request_templates.iter().enumerate() {
                if blank(&t.title) || (t.form_id.is_none() && t.file.is_none()) {
                    r.add(
                        PS_REQUEST_TEMPLATE_INCOMPLETE,
                        format!("{D}.request_templates[{i}]"),
                        "Give the request template a title and a request form or a file: customers need something to download.",
                        "需求模板需要标题，以及需求表单或文件：客户需要可下载的模板。",
                    );
                }
                if let Some(f) = &t.file {
                    if !is_office_template(&f.file_name) {
                        r.add(
                            PS_REQUEST_TEMPLATE_FILE_TYPE,
                            format!("{D}.request_templates[{i}].file"),
                            format!("\"{}\" is not an Excel (.xlsx) or Word (.docx) file: request templates are one of the two.", f.file_name),
                            format!("“{}”不是 Excel（.xlsx）或 Word（.docx）文件：需求模板只能是这两种格式。", f.file_name),
                        );
                    }
                }
            }
        }
        Delivery::License { delivery_process } => {
            if blank(delivery_process) {
                r.add(
                    LICENSE_PROCESS,
                    format!("{D}.delivery_process"),
                    "Describe how the license is delivered.",
                    "请说明 License 的交付方式。",
                );
            }
            for (i, s) in p.specifications.iter().enumerate() {
                if !s.removed && blank(&s.application_asset) {
                    r.add(
                        LICENSE_ASSET,
                        format!("product.specifications[{i}].application_asset"),
                        "Choose the released application asset this specification delivers.",
                        "请选择该规格交付的已发布应用资产。",
                    );
                }
            }
        }
        Delivery::Saas {
            associated_asset, ..
        } => {
            if blank(associated_asset) {
                r.add(
                    SAAS_ASSET,
                    format!("{D}.associated_asset"),
                    "Choose the released SaaS asset.",
                    "请选择已发布的 SaaS 资产。",
                );
            }
        }
        Delivery::Image { image_asset } => {
            if blank(image_asset) {
                r.add(
                    IMAGE_ASSET,
                    format!("{D}.image_asset"),
                    "Choose the released image asset.",
                    "请选择已发布的镜像资产。",
                );
            }
        }
        Delivery::Hardware {} => {}
        Delivery::ConsultingService { website_url } => {
            if !crate::patterns::is_url(website_url) {
                r.add(
                    CONSULTING_URL,
                    format!("{D}.website_url"),
                    "Enter the web address (https://…) the listing links to.",
                    "请输入列表链接到的网址（https://…）。",
                );
            }
            if !p.specifications.is_empty() {
                r.add(
                    CONSULTING_SPECS,
                    "product.specifications",
                    "Consulting services are not sold on KooGallery; their specifications are ignored.",
                    "咨询服务不在云商店交易，其规格会被忽略。",
                );
            }
        }
    }
}

/// A list longer than the ruleset allows.
fn too_many(
    n: usize,
    max: usize,
    rule: &'static str,
    path: &'static str,
    (en, zh): (&str, &str),
    r: &mut Report,
) {
    if n > max {
        r.add(
            rule,
            path,
            format!("Keep at most {max} {en} (there are {n})."),
            format!("最多 {max} {zh}（现有 {n}）。"),
        );
    }
}

/// A text the product must have, within a length: "Write the <what>." when blank, the count and
/// the range when out of it. Returns whether there is text to check further.
fn required_text(
    value: &str,
    path: &'static str,
    min: usize,
    max: usize,
    (required, length): (&'static str, &'static str),
    (en, zh): (&str, &str),
    r: &mut Report,
) -> bool {
    if blank(value) {
        r.add(
            required,
            path,
            format!("Write the {en}."),
            format!("请填写商品{zh}。"),
        );
        return false;
    }
    let n = chars(value);
    if n < min || n > max {
        r.add(
            length,
            path,
            format!("The {en} has {n} characters; use {min} to {max}."),
            format!("{zh}有 {n} 个字符，应为 {min}–{max} 个。"),
        );
    }
    true
}

/// A request template file customers can open: an Excel workbook or a Word document.
fn is_office_template(file_name: &str) -> bool {
    let lower = file_name.trim().to_lowercase();
    [".xlsx", ".docx"]
        .iter()
        .any(|ext| lower.len() > ext.len() && lower.ends_with(ext))
}
