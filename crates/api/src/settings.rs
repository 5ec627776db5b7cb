//! The seller's preferences.

use crate::dto::{AppInfo, Language, LanguagePref, Settings};
use crate::{ApiError, Context};

const LANGUAGE_KEY: &str = "ui.language";

/// Maps an OS locale tag (`zh-Hans-CN`, `zh_CN.UTF-8`, `en-US`, `de`) to a supported language.
/// Every Chinese locale maps to 简体中文 (the only Chinese the UI has); everything else to English.
pub fn language_for_locale(locale: &str) -> Language {
    let primary = locale
        .split(['-', '_', '.', '@'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if primary == "zh" {
        Language::ZhCn
    } else {
        Language::En
    }
}

/// The OS's preferred language, mapped to a supported one.
pub fn system_language() -> Language {
    sys_locale::get_locale()
        .map(|l| language_for_locale(&l))
        .unwrap_or(Language::En)
}

fn parse_pref(stored: &str) -> Option<LanguagePref> {
    match stored {
        "system" => Some(LanguagePref::System),
        "en" => Some(LanguagePref::En),
        "zh-CN" => Some(LanguagePref::ZhCn),
        _ => None,
    }
}

fn pref_tag(pref: LanguagePref) -> &'static str {
    match pref {
        LanguagePref::System => "system",
        LanguagePref::En => "en",
        LanguagePref::ZhCn => "zh-CN",
    }
}

fn resolve(pref: LanguagePref, system: Language) -> Settings {
    let effective_language = match pref {
        LanguagePref::System => system,
        LanguagePref::En => Language::En,
        LanguagePref::ZhCn => Language::ZhCn,
    };
    Settings {
        language: pref,
        effective_language,
        system_language: system,
    }
}

pub fn get_settings(ctx: &Context) -> Result<Settings, ApiError> {
    let stored = ctx.store()?.setting(LANGUAGE_KEY)?;
    // An unreadable value (hand-edited, or from a future version) falls back to following the OS.
    let pref = stored
        .as_deref()
        .and_then(parse_pref)
        .unwrap_or(LanguagePref::System);
    Ok(resolve(pref, system_language()))
}

pub fn set_language(ctx: &Context, pref: LanguagePref) -> Result<Settings, ApiError> {
    ctx.store()?.set_setting(LANGUAGE_KEY, pref_tag(pref))?;
    tracing::info!(language = pref_tag(pref), "language changed");
    Ok(resolve(pref, system_language()))
}

pub fn app_info(ctx: &Context) -> AppInfo {
    AppInfo {
        version: crate::VERSION.to_string(),
        data_dir: ctx.data_dir().root().display().to_string(),
        log_dir: ctx.data_dir().logs().display().to_string(),
        marketplace: crate::accounts::profile(ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::DataDir;

    #[test]
    fn chinese_locales_map_to_simplified_chinese_and_others_to_english() {
        for l in ["zh-CN", "zh_CN.UTF-8", "zh-Hans-CN", "zh-TW", "ZH"] {
            assert_eq!(language_for_locale(l), Language::ZhCn, "{l}");
        }
        for l in ["en-US", "en_GB.UTF-8", "de-DE", "C", "POSIX", "", "zu"] {
            assert_eq!(language_for_locale(l), Language::En, "{l}");
        }
    }

    #[test]
    fn the_language_choice_is_remembered_and_system_follows_the_os() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open(DataDir::at(dir.path())).unwrap();
        let s = get_settings(&ctx).unwrap();
        assert_eq!(s.language, LanguagePref::System);
        assert_eq!(s.effective_language, s.system_language);

        let s = set_language(&ctx, LanguagePref::ZhCn).unwrap();
        assert_eq!(s.effective_language, Language::ZhCn);
        drop(ctx);

        let ctx = Context::open(DataDir::at(dir.path())).unwrap();
        assert_eq!(get_settings(&ctx).unwrap().language, LanguagePref::ZhCn);
        set_language(&ctx, LanguagePref::En).unwrap();
        assert_eq!(get_settings(&ctx).unwrap().effective_language, Language::En);
    }

    #[test]
    fn an_unknown_stored_language_falls_back_to_the_system() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open(DataDir::at(dir.path())).unwrap();
        ctx.store()
            .unwrap()
            .set_setting(LANGUAGE_KEY, "klingon")
            .unwrap();
        assert_eq!(get_settings(&ctx).unwrap().language, LanguagePref::System);
    }
}
