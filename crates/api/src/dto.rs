//! Transport types: what crosses IPC and what `--json` prints. Only these derive TypeScript.

use serde::{Deserialize, Serialize};

/// A language the UI is complete in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum Language {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhCn => "zh-CN",
        }
    }
}

/// The seller's language choice: follow the OS, or a fixed language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum LanguagePref {
    #[serde(rename = "system")]
    System,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Settings {
    /// What the seller chose.
    pub language: LanguagePref,
    /// The language the UI shows now.
    pub effective_language: Language,
    /// What the OS asks for, mapped to a supported language.
    pub system_language: Language,
}

/// Which marketplace this window talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarketplaceProfile {
    /// No account configured and no demo marketplace yet: local drafts only.
    LocalOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub marketplace: MarketplaceProfile,
}
