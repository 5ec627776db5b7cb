//! Marketplace accounts: add, edit, remove, switch, test the connection. The name and site are in
//! the database; the AK/SK pair is in the OS keychain and never leaves this module except to sign.

use std::time::{Duration, Instant};

use koodesk_market::{Client, ClientConfig, Credentials, Site};

use crate::context::{CURRENT_ACCOUNT_KEY, LOCAL_ACCOUNT};
use crate::dto::{AccountDto, AccountInput, ConnectionReport, MarketplaceProfile};
use crate::{ApiError, Context, ErrorCode};

/// The mock order "Test connection" asks for (documented on every site).
pub const TEST_ORDER: &str = "MOCKPERIODYEARNEW";

fn demo_dto(ctx: &Context, current: &str) -> AccountDto {
    let demo = ctx.demo();
    AccountDto {
        id: LOCAL_ACCOUNT.into(),
        name: "Demo marketplace".into(),
        has_keys: demo.is_some(),
        site: demo.map(|d| d.base_url).unwrap_or_else(|| "demo".into()),
        demo: true,
        current: current == LOCAL_ACCOUNT,
    }
}

pub fn list(ctx: &Context) -> Result<Vec<AccountDto>, ApiError> {
    let current = ctx.account();
    let rows = ctx.store()?.accounts()?;
    let mut out = vec![demo_dto(ctx, &current)];
    for r in rows {
        // A keychain that cannot be reached does not hide the accounts (the CLI may take the
        // keys from the environment); it shows them without keys.
        let has_keys = matches!(ctx.secrets().get(&r.id), Ok(Some(_)));
        out.push(AccountDto {
            current: r.id == current,
            id: r.id,
            name: r.name,
            site: r.site,
            demo: false,
            has_keys,
        });
    }
    Ok(out)
}

fn find(ctx: &Context, id: &str) -> Result<AccountDto, ApiError> {
    list(ctx)?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("There is no account {id}.")))
}

/// Checks and normalises what the seller typed. Returns (name, site, keys if given).
fn validate(
    input: &AccountInput,
    keys_required: bool,
) -> Result<(String, String, Option<Credentials>), ApiError> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid(
            "name",
            "Give the account a name, e.g. your company's.",
        ));
    }
    if name.chars().count() > 80 {
        return Err(ApiError::invalid(
            "name",
            "The name is at most 80 characters.",
        ));
    }
    let site = input.site.trim();
    Site::parse(site).map_err(|e| ApiError::invalid("site", e.to_string()))?;
    let (ak, sk) = (input.ak.trim(), input.sk.trim());
    let keys =
        match (ak.is_empty(), sk.is_empty()) {
            (true, true) if !keys_required => None,
            (true, _) => return Err(ApiError::invalid(
                "ak",
                "Enter the access key (AK) from the Access Keys page of your Huawei Cloud account.",
            )),
            (false, true) => {
                return Err(ApiError::invalid(
                    "sk",
                    "Enter the secret key (SK) that belongs to this AK.",
                ))
            }
            (false, false) => {
                if ak.chars().any(char::is_whitespace) || sk.chars().any(char::is_whitespace) {
                    return Err(ApiError::invalid(
                        "ak",
                        "Access keys contain no spaces; check what was pasted.",
                    ));
                }
                Some(Credentials::new(ak, sk))
            }
        };
    Ok((name.to_owned(), site.to_owned(), keys))
}

pub fn add(ctx: &Context, input: &AccountInput) -> Result<AccountDto, ApiError> {
    let (name, site, keys) = validate(input, true)?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    if let Some(keys) = &keys {
        ctx.secrets().set(&id, keys)?;
    }
    if let Err(e) = ctx.store()?.save_account(&id, &name, &site) {
        // Leave nothing behind in the keychain for an account that does not exist.
        let _ = ctx.secrets().delete(&id);
        return Err(e.into());
    }
    tracing::info!(account = %id, site = %site, "account added");
    find(ctx, &id)
}

pub fn update(ctx: &Context, id: &str, input: &AccountInput) -> Result<AccountDto, ApiError> {
    if id == LOCAL_ACCOUNT {
        return Err(ApiError::invalid(
            "id",
            "The Demo marketplace cannot be edited.",
        ));
    }
    if ctx.store()?.account(id)?.is_none() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("There is no account {id}."),
        ));
    }
    let (name, site, keys) = validate(input, false)?;
    if let Some(keys) = &keys {
        ctx.secrets().set(id, keys)?;
    }
    ctx.store()?.save_account(id, &name, &site)?;
    tracing::info!(account = %id, site = %site, keys_replaced = keys.is_some(), "account changed");
    find(ctx, id)
}

/// Removes an account and its keys. Its drafts stay in the database. Removing the current
/// account switches to the Demo marketplace.
pub fn remove(ctx: &Context, id: &str) -> Result<Vec<AccountDto>, ApiError> {
    if id == LOCAL_ACCOUNT {
        return Err(ApiError::invalid(
            "id",
            "The Demo marketplace cannot be removed.",
        ));
    }
    ctx.store()?.remove_account(id)?;
    ctx.secrets().delete(id)?;
    if ctx.account() == id {
        switch(ctx, LOCAL_ACCOUNT)?;
    }
    tracing::info!(account = %id, "account removed");
    list(ctx)
}

pub fn switch(ctx: &Context, id: &str) -> Result<AccountDto, ApiError> {
    let account = find(ctx, id)?;
    ctx.store()?.set_setting(CURRENT_ACCOUNT_KEY, id)?;
    ctx.set_account(id);
    tracing::info!(account = %id, "switched account");
    Ok(AccountDto {
        current: true,
        ..account
    })
}

/// Uses an account for this session only (the CLI's `--account`), without making it the current
/// account of the app.
pub fn select(ctx: &Context, id: &str) -> Result<(), ApiError> {
    let wanted = if id == "demo" { LOCAL_ACCOUNT } else { id };
    let account = list(ctx)?
        .into_iter()
        .find(|a| a.id == wanted || a.name.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("There is no account {id} (give its id or name; `demo` is the Demo marketplace)."),
            )
        })?;
    ctx.set_account(&account.id);
    Ok(())
}

/// Where an account's requests go and with which keys.
pub fn endpoint(ctx: &Context, id: &str) -> Result<(Site, Credentials), ApiError> {
    if id == LOCAL_ACCOUNT {
        let demo = ctx.demo().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Marketplace,
                "The Demo marketplace runs inside the Koodesk desktop app; add a KooGallery account to use the network here.",
            )
        })?;
        return Ok((Site::Custom(demo.base_url), demo.credentials));
    }
    let row = ctx
        .store()?
        .account(id)?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("There is no account {id}.")))?;
    let site = Site::parse(&row.site).map_err(|e| ApiError::invalid("site", e.to_string()))?;
    // Where no keychain is reachable (cron, CI), the keys may come from the environment.
    let from_env = || match (std::env::var("KOODESK_AK"), std::env::var("KOODESK_SK")) {
        (Ok(ak), Ok(sk)) if !ak.trim().is_empty() && !sk.trim().is_empty() => {
            Some(Credentials::new(ak.trim(), sk.trim()))
        }
        _ => None,
    };
    let stored = match ctx.secrets().get(id) {
        Ok(found) => found,
        Err(e) => match from_env() {
            Some(c) => Some(c),
            None => return Err(e),
        },
    };
    let creds = stored.or_else(from_env).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Keychain,
            format!(
                "The keychain has no access key for {}; edit the account and enter it again.",
                row.name
            ),
        )
    })?;
    Ok((site, creds))
}

/// "Test connection": a signed order query for a documented mock order.
pub async fn test_connection(ctx: &Context, id: &str) -> Result<ConnectionReport, ApiError> {
    let (site, creds) = endpoint(ctx, id)?;
    let client = Client::new(
        &site,
        creds,
        ClientConfig {
            timeout: Duration::from_secs(15),
            ..Default::default()
        },
    )
    .map_err(|e| ApiError::invalid("site", e.to_string()))?;
    let base_url = client.base_url().to_string();
    let started = Instant::now();
    let found = client.order_query(TEST_ORDER, None).await.map_err(|e| {
        tracing::warn!(account = %id, class = ?e.class(), error = %e, "connection test failed");
        ApiError::new(ErrorCode::Marketplace, e.to_string())
    })?;
    let elapsed_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
    let message = match &found {
        Some(_) => format!("The gateway accepted your key and found the test order {TEST_ORDER}."),
        None => format!(
            "The gateway accepted your key (the test order {TEST_ORDER} is not on this site)."
        ),
    };
    tracing::info!(account = %id, elapsed_ms, "connection test passed");
    // Connected: find out which of Koodesk's operations this gateway serves, so Submit can say
    // at once when a submission has to go through the console.
    match koodesk_sync::probe::probe(&client, koodesk_sync::engine::now_ms()).await {
        Ok(served) => {
            let json = serde_json::to_string(&served).unwrap_or_default();
            ctx.store()?
                .set_sync_state(id, koodesk_sync::engine::keys::SERVED, Some(&json))?;
            if !served.missing().is_empty() {
                tracing::info!(account = %id, missing = ?served.missing(), "not every operation is served");
            }
        }
        Err(e) => {
            tracing::info!(account = %id, error = %e, "could not ask which operations are served")
        }
    }
    Ok(ConnectionReport {
        base_url,
        elapsed_ms,
        test_order: TEST_ORDER.into(),
        order_found: found.is_some(),
        message,
    })
}

/// What the window shows as its marketplace.
pub fn profile(ctx: &Context) -> MarketplaceProfile {
    let current = ctx.account();
    if current == LOCAL_ACCOUNT {
        return match ctx.demo() {
            Some(d) => MarketplaceProfile::Demo {
                base_url: d.base_url,
            },
            None => MarketplaceProfile::LocalOnly,
        };
    }
    match ctx
        .store()
        .ok()
        .and_then(|s| s.account(&current).ok().flatten())
    {
        Some(r) => MarketplaceProfile::Account {
            id: r.id,
            name: r.name,
            site: r.site,
        },
        None => MarketplaceProfile::LocalOnly,
    }
}
