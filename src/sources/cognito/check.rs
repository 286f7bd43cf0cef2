//! `check` for Cognito crates: the timeout Cognito allows, the module list
//! against the files in `src/modules/`, and the rules among the triggers of
//! one pool (its feature plan, its one KMS key for custom senders).

use std::collections::BTreeSet;

use super::event::CognitoEvent;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::errors::{CargoResult, user_error};
use crate::model::names::snake;
use crate::model::{Resource, Target};
use crate::sources::Site;
use crate::workspace::{Member, TriggerMeta, Workspace};

/// Cognito waits 5 s for a trigger.
pub fn check_crate(d: &mut Diagnostics, ws: &Workspace, m: &Member, t: &TriggerMeta) {
    let file = m.rel_manifest();
    if let Some(timeout) = m.lambda.as_ref().and_then(|l| l.timeout)
        && timeout > 5
    {
        d.push(
            Diagnostic::warning(
                "cognito-timeout",
                &file,
                "package.metadata.lambda.deploy.timeout",
                format!(
                    "`{}` has a {timeout} s timeout, but Cognito waits 5 s for a trigger",
                    m.name
                ),
            )
            .with_help("set `timeout = 5`"),
        );
    }
    check_modules(d, ws, m, &t.modules, &file);
}

/// The module list against the files in `src/modules/`.
pub fn check_modules(d: &mut Diagnostics, ws: &Workspace, m: &Member, modules: &[String], file: &std::path::Path) {
    let dir = m.dir.join("src/modules");
    if modules.is_empty() {
        d.push(
            Diagnostic::error(
                "no-modules",
                file,
                "package.metadata.trigger.modules",
                format!("`{}` runs no module", m.name),
            )
            .with_help("list its modules, e.g. `modules = [\"custom\"]`"),
        );
        return;
    }
    let mut listed = BTreeSet::new();
    for (i, name) in modules.iter().enumerate() {
        let ident = snake(name);
        listed.insert(format!("{ident}.rs"));
        let path = dir.join(format!("{ident}.rs"));
        if !path.is_file() {
            d.push(
                Diagnostic::error(
                    "module-file",
                    file,
                    format!("package.metadata.trigger.modules[{i}]"),
                    format!("module `{name}` of `{}` has no file `{}`", m.name, ws.rel(&path)),
                )
                .with_help(format!(
                    "restore it, or remove `{name}` from the list (and its `pub mod` line from src/modules/mod.rs)"
                )),
            );
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".rs") && n != "mod.rs" && !listed.contains(n))
            .collect();
        extra.sort();
        for n in extra {
            d.push(
                Diagnostic::warning(
                    "module-unlisted",
                    file,
                    "package.metadata.trigger.modules",
                    format!("`{}` is in src/modules/ of `{}` but not in its module list", n, m.name),
                )
                .with_help("add it to `modules` (and src/modules/mod.rs), or delete the file"),
            );
        }
    }
    // mod.rs declares each listed module.
    if let Ok(text) = std::fs::read_to_string(dir.join("mod.rs")) {
        for name in modules {
            let line = format!("pub mod {};", snake(name));
            if !text.contains(&line) {
                d.push(
                    Diagnostic::error(
                        "module-not-run",
                        file,
                        "package.metadata.trigger.modules",
                        format!(
                            "src/modules/mod.rs of `{}` does not declare module `{name}`, so it never runs",
                            m.name
                        ),
                    )
                    .with_help(format!(
                        "add `{line}` and the module to `Pipeline` in src/modules/mod.rs"
                    )),
                );
            }
        }
    }
}

/// Pre-token generation v2 and v3 customize access tokens, which a user
/// pool on the Lite feature plan does not offer.
pub fn tier_rule(on_one_pool: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
    for s in on_one_pool {
        let Some(event) = s.event else { continue };
        if !event.needs_essentials(s.token_version) {
            continue;
        }
        let Some(r) = s.resource.filter(|r| r.settings.str("tier") == Some("lite")) else {
            continue;
        };
        out.push(
            Diagnostic::error(
                "cognito-tier",
                &s.file,
                s.key(),
                format!(
                    "`{}` gets pre-token-generation {} events, which need the Essentials or Plus feature plan, but user pool `{}` is declared `tier = \"lite\"`",
                    s.crate_name,
                    s.token_version.as_str(),
                    r.name
                ),
            )
            .with_help(format!(
                "set `tier = \"essentials\"` (or `\"plus\"`) on resource `{}`, or use `token-version = \"v1\"`",
                r.name
            )),
        );
    }
}

/// The KMS key a custom sender decrypts with (`KEY_ARN`), if its config sets one.
fn sender_key<'a>(s: &Site<'a>) -> Option<&'a str> {
    s.function_env
        .and_then(|env| env.get(SENDER_KEY_SETTING))
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
}

/// The setting the `custom-sender` module reads its key from.
pub const SENDER_KEY_SETTING: &str = "KEY_ARN";

/// Who names the KMS key of a pool first: its `kms-key-arn`, else the first
/// custom sender that sets `KEY_ARN`.
fn first_sender_key<'a>(on_one_pool: &[&Site<'a>]) -> Option<(String, &'a str)> {
    on_one_pool
        .iter()
        .find_map(|s| {
            let r = s.resource?;
            Some((
                format!("user pool `{}` (`kms-key-arn`)", r.name),
                r.settings.str("kms-key-arn")?,
            ))
        })
        .or_else(|| {
            on_one_pool.iter().find_map(|s| {
                let key = sender_key(s).filter(|_| s.event.is_some_and(CognitoEvent::is_custom_sender))?;
                Some((format!("`{}`", s.crate_name), key))
            })
        })
}

/// A user pool has one KMS key for its custom email and SMS senders
/// (`LambdaConfig.KMSKeyID`): every sender of the pool must decrypt with it.
pub fn sender_key_rule(on_one_pool: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
    let Some((who, key)) = first_sender_key(on_one_pool) else {
        return;
    };
    for s in on_one_pool {
        if !s.event.is_some_and(CognitoEvent::is_custom_sender) {
            continue;
        }
        let Some(own) = sender_key(s) else { continue };
        if own == key {
            continue;
        }
        out.push(
            Diagnostic::error(
                "cognito-sender-key",
                &s.file,
                s.key(),
                format!(
                    "`{}` decrypts with KMS key `{own}` (`{SENDER_KEY_SETTING}`), but {who} names `{key}`: the custom email and SMS senders of user pool `{}` share its one KMS key",
                    s.crate_name,
                    s.binding.target.label()
                ),
            )
            .with_help(format!(
                "set `{SENDER_KEY_SETTING} = \"{key}\"` in `[package.metadata.lambda.env]` of `{}` (or remove it: export sets it from the pool)",
                s.crate_name
            )),
        );
    }
}

/// `new` of a custom sender with `KEY_ARN` set: the pool's key must be that
/// key, if the pool (or another of its senders) names one already.
pub fn new_sender_key(ws: &Workspace, target: &Target, resource: Option<&Resource>, key: &str) -> CargoResult<()> {
    let sites = super::super::rules::sites(ws);
    let on_pool: Vec<&Site<'_>> = sites.iter().filter(|s| &s.binding.target == target).collect();
    let named = resource
        .and_then(|r| {
            Some((
                format!("user pool `{}` (`kms-key-arn`)", r.name),
                r.settings.str("kms-key-arn")?,
            ))
        })
        .or_else(|| first_sender_key(&on_pool));
    match named {
        Some((who, existing)) if existing != key.trim() => Err(user_error(
            format!(
                "`{SENDER_KEY_SETTING}={key}` is not the KMS key of user pool `{}`: {who} names `{existing}`, and a pool's custom email and SMS senders share its one key",
                target.label()
            ),
            format!(
                "pass `--set {SENDER_KEY_SETTING}={existing}`, or leave `{SENDER_KEY_SETTING}` out (export sets it from the pool)"
            ),
        )),
        _ => Ok(()),
    }
}
