//! What a managed user pool asks of a sign-up, as its resource keys: the
//! attributes users sign in with, those every sign-up must give and those
//! Cognito verifies, the password policy and MFA. Triggers depend on them:
//! a module that judges the email (`email-deny-list`) lets a sign-up
//! without one through unless the pool requires it, so a pool whose
//! modules judge an attribute requires it by default.

use serde_json::{Value, json};

use crate::model::cfn;
use crate::model::{KeyKind, KeySpec, Resource, Target};
use crate::scaffold::catalog;
use crate::workspace::Workspace;

/// Cognito's standard attributes (what `Schema` may require).
pub const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

/// What users can sign in with instead of a user name, and what Cognito
/// verifies by sending a code.
pub const SIGN_IN_ATTRIBUTES: &[&str] = &["email", "phone_number"];

pub const MFA: &[&str] = &["OFF", "OPTIONAL", "ON"];

pub const USERNAME_ATTRIBUTES: KeySpec = KeySpec::new(
    "username-attributes",
    KeyKind::List {
        choices: SIGN_IN_ATTRIBUTES,
        noun: "an attribute users sign in with",
        example: "e.g. `email`",
    },
)
.flag("New user pool: users sign in with these instead of a user name (email, phone_number)")
.elsewhere("it describes a new user pool");

pub const REQUIRED_ATTRIBUTES: KeySpec = KeySpec::new(
    "required-attributes",
    KeyKind::List {
        choices: STANDARD_ATTRIBUTES,
        noun: "a standard Cognito attribute",
        example: "e.g. `email`",
    },
)
.flag("New user pool: attributes every sign-up must give [default: those its modules judge, e.g. email]")
.elsewhere("it describes a new user pool");

pub const AUTO_VERIFIED_ATTRIBUTES: KeySpec = KeySpec::new(
    "auto-verified-attributes",
    KeyKind::List {
        choices: SIGN_IN_ATTRIBUTES,
        noun: "an attribute Cognito verifies",
        example: "e.g. `email`",
    },
)
.flag("New user pool: attributes Cognito verifies with a code (email, phone_number)")
.elsewhere("it describes a new user pool");

pub const PASSWORD_MIN_LENGTH: KeySpec = KeySpec::new("password-min-length", KeyKind::Int { min: 6, max: 99 })
    .flag("New user pool: the shortest password, 6 to 99 (with lower and upper case, digits and symbols)")
    .fix("Cognito accepts 6 to 99")
    .elsewhere("it describes a new user pool");

pub const MFA_CONFIGURATION: KeySpec = KeySpec::new("mfa", KeyKind::Choice(MFA))
    .flag("New user pool: multi-factor sign-in with an authenticator app [default: OFF]")
    .elsewhere("it describes a new user pool");

/// The attributes a managed pool requires at sign-up: its own
/// `required-attributes`, else those the modules of its triggers judge,
/// with the modules that judge each.
pub fn required(ws: &Workspace, r: &Resource) -> Vec<(String, Vec<String>)> {
    if r.settings.get(REQUIRED_ATTRIBUTES.key).is_some() {
        return r
            .settings
            .list(REQUIRED_ATTRIBUTES.key)
            .iter()
            .map(|a| (a.clone(), Vec::new()))
            .collect();
    }
    judged(ws, r)
}

/// The attributes the modules of the pool's triggers judge, each with the
/// modules that judge it, in the order the crates list them.
pub fn judged(ws: &Workspace, r: &Resource) -> Vec<(String, Vec<String>)> {
    let cat = catalog();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let bound = |t: &crate::workspace::TriggerMeta| {
        t.bindings
            .iter()
            .any(|b| matches!(&b.target, Target::Resource(n) if *n == r.name))
    };
    for (_, t) in ws.trigger_crates().filter(|(_, t)| bound(t)) {
        for m in t.modules.iter().filter_map(|m| cat.module(m)) {
            for a in &m.requires_attributes {
                match out.iter_mut().find(|(x, _)| x == a) {
                    Some((_, by)) if !by.contains(&m.name) => by.push(m.name.clone()),
                    Some(_) => {}
                    None => out.push((a.clone(), vec![m.name.clone()])),
                }
            }
        }
    }
    out
}

/// The pool's sign-up properties: `UsernameAttributes`, `Schema` (the
/// required attributes), `AutoVerifiedAttributes`, the password policy and
/// MFA.
pub fn apply(ws: &Workspace, r: &Resource, res: &mut cfn::Resource) {
    let s = &r.settings;
    let list = |key: &str| s.list(key).to_vec();
    if s.get(USERNAME_ATTRIBUTES.key).is_some() {
        res.prop("UsernameAttributes", json!(list(USERNAME_ATTRIBUTES.key)));
    }
    let required: Vec<Value> = required(ws, r)
        .into_iter()
        .map(|(name, _)| {
            let ty = if name == "updated_at" { "Number" } else { "String" };
            json!({"Name": name, "AttributeDataType": ty, "Mutable": true, "Required": true})
        })
        .collect();
    if !required.is_empty() {
        res.prop("Schema", Value::Array(required));
    }
    if s.get(AUTO_VERIFIED_ATTRIBUTES.key).is_some() {
        res.prop("AutoVerifiedAttributes", json!(list(AUTO_VERIFIED_ATTRIBUTES.key)));
    }
    if let Some(n) = s.int(PASSWORD_MIN_LENGTH.key) {
        // A policy given in the template replaces Cognito's defaults: keep
        // every character class required, as Cognito does.
        res.prop(
            "Policies",
            json!({"PasswordPolicy": {
                "MinimumLength": n,
                "RequireLowercase": true,
                "RequireUppercase": true,
                "RequireNumbers": true,
                "RequireSymbols": true,
            }}),
        );
    }
    match s.str(MFA_CONFIGURATION.key) {
        Some(m @ ("ON" | "OPTIONAL")) => {
            res.prop("MfaConfiguration", m);
            res.prop("EnabledMfas", json!(["SOFTWARE_TOKEN_MFA"]));
        }
        Some(m) => {
            res.prop("MfaConfiguration", m);
        }
        None => {}
    }
}
