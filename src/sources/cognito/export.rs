//! Cognito in templates: a managed pool's `LambdaConfig` (directly, or
//! through SAM's `Cognito` event where SAM can) and feature plan, the
//! invoke permission, a KMS key for custom senders, and what each module's
//! scaffold declares.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::cfn::{self, Expr, get_att, ref_, sub};
use crate::model::names::pascal;
use crate::model::{Binding, Resource};
use crate::scaffold::catalog;
use crate::sources::export::{ExportCx, FunctionCx, Place, arn_or_att, logical, resource_id};

/// What the pools of this workspace need, worked out once per export.
#[derive(Default)]
pub struct PoolState {
    ready: bool,
    /// Managed pools whose triggers must all be configured directly (V2
    /// and V3 token generation, custom senders, inbound federation), by
    /// logical id.
    direct: Vec<String>,
    /// The KMS key of each managed pool with a custom sender.
    keys: BTreeMap<String, Expr>,
    /// Managed pools with a trigger that needs the Essentials (or Plus)
    /// feature plan.
    essentials: Vec<String>,
}

/// The KMS key a custom sender crate's config names (`KEY_ARN`), if any.
fn crate_sender_key(m: &crate::workspace::Member) -> Option<&str> {
    m.lambda
        .as_ref()
        .and_then(|l| l.env.get(super::check::SENDER_KEY_SETTING))
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
}

fn sender_key_id(r: &Resource) -> String {
    format!("{}SenderKey", logical(&r.name))
}

fn pool_state<'c>(cx: &'c mut ExportCx<'_>) -> &'c mut PoolState {
    let ws = cx.ws;
    let st = cx.state::<PoolState>();
    if !st.ready {
        st.ready = true;
        for (m, t) in ws.trigger_crates() {
            let Some(event) = t.event else { continue };
            for b in &t.bindings {
                let Some(r) = Place::of(ws, &b.target).managed() else {
                    continue;
                };
                let id = resource_id(r);
                if event.needs_direct_config(t.token_version()) && !st.direct.contains(&id) {
                    st.direct.push(id.clone());
                }
                if event.needs_essentials(t.token_version()) && !st.essentials.contains(&id) {
                    st.essentials.push(id.clone());
                }
                if event.is_custom_sender() {
                    // One key per pool (`check` holds its senders to it).
                    let key = match (r.settings.str("kms-key-arn"), crate_sender_key(m)) {
                        (Some(a), _) | (None, Some(a)) => Expr::lit(a),
                        (None, None) => get_att(&sender_key_id(r), "Arn"),
                    };
                    let declared = !matches!(st.keys.get(&id), None | Some(Expr::GetAtt(..)));
                    if !declared {
                        st.keys.insert(id, key);
                    }
                }
            }
        }
    }
    st
}

/// The pool's ARN, for policies.
pub fn pool_arn(p: &Place<'_>) -> Expr {
    arn_or_att(p, "Arn")
}

/// One pool binding: the trigger in the pool's `LambdaConfig` (or a SAM
/// `Cognito` event) and the pool's permission to invoke the function.
pub fn binding(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
    let Some(event) = f.trigger.event else { return };
    let version = f.trigger.token_version();
    let key = event.lambda_config_key(version);
    let p = Place::of(cx.ws, &b.target);
    let Some(r) = p.managed() else {
        let arn = p.arn().map(|a| a.to_string()).unwrap_or_default();
        cx.add(
            format!("{}CognitoPermission", f.logical()),
            f.permission("cognito-idp.amazonaws.com", Expr::lit(arn.as_str()), false),
        );
        let entry = match event.lambda_version(version) {
            Some(v) => format!(" with `LambdaVersion` `{v}`"),
            None => String::new(),
        };
        let plan = if event.needs_essentials(version) {
            "; the pool must be on the Essentials or Plus feature plan"
        } else {
            ""
        };
        cx.warn(format!(
            "user pool `{arn}` exists outside the template: the template lets it invoke `{}`, but its `{key}` trigger{entry} must be set on the pool itself (`aws cognito-idp update-user-pool` replaces the whole LambdaConfig: include the pool's other triggers){plan}",
            f.member.name
        ));
        return;
    };
    let pool_id = resource_id(r);
    let direct = !cx.sam() || pool_state(cx).direct.contains(&pool_id);
    if !direct {
        f.events.insert(
            f.event_name(b, index),
            json!({"Type": "Cognito", "Properties": {"UserPool": ref_(&pool_id), "Trigger": key}}),
        );
        return;
    }
    let entry = match event.lambda_version(version) {
        Some(v) => json!({"LambdaArn": f.arn(), "LambdaVersion": v}),
        None => f.arn().into(),
    };
    cx.patch(&pool_id, json!({"LambdaConfig": {key: entry}}));
    cx.add(
        format!("{}CognitoPermission", f.logical()),
        f.permission("cognito-idp.amazonaws.com", get_att(&pool_id, "Arn"), false),
    );
}

/// What the function's modules declare: actions on the pool (in a separate
/// policy when the pool is managed, since it points back at the function),
/// the pool's KMS key, and secrets as `NoEcho` parameters.
pub fn modules(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>) {
    let cat = catalog();
    for name in &f.trigger.modules {
        let Some(module) = cat.module(name) else { continue };
        for perm in &module.permissions {
            let actions: Vec<&str> = perm.actions.iter().map(String::as_str).collect();
            for b in &f.trigger.bindings {
                let p = Place::of(cx.ws, &b.target);
                match perm.resource.as_str() {
                    "user-pool" => {
                        let st = cfn::Statement::allow(&actions, vec![pool_arn(&p)]);
                        if p.managed().is_some() {
                            f.late_statements.push(st);
                        } else {
                            f.statements.push(st);
                        }
                    }
                    "kms-key" => kms_key(cx, f, &p, b, &actions),
                    other => cx.warn(format!("module `{name}` asks for unknown resource `{other}`")),
                }
            }
        }
        for s in module.settings.iter().filter(|s| s.secret) {
            let param = pascal(&s.env.to_lowercase());
            cx.template.parameters.insert(
                param.clone(),
                json!({"Type": "String", "NoEcho": true, "Description": format!("{} ({}): {}", s.env, name, s.prompt)}),
            );
            f.env.insert(s.env.clone(), ref_(&param).into());
        }
    }
}

/// The pool's KMS key: in `KEY_ARN`, with `actions` on it.
fn kms_key(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, p: &Place<'_>, b: &Binding, actions: &[&str]) {
    let key = match p.managed() {
        Some(r) => pool_state(cx).keys.get(&resource_id(r)).cloned(),
        None => p
            .resource
            .and_then(|r| r.settings.str("kms-key-arn"))
            .or_else(|| crate_sender_key(f.member))
            .map(Expr::lit),
    };
    match key {
        Some(k) => {
            f.env.insert("KEY_ARN".into(), k.clone().into());
            f.allow(actions, vec![k]);
        }
        None => cx.warn(format!(
            "`{}` needs the KMS key of user pool `{}`: set `kms-key-arn` on the resource",
            f.member.name,
            b.target.label()
        )),
    }
}

/// The key a pool's custom senders decrypt with, when the pool declares none.
fn sender_key(r: &Resource) -> cfn::Resource {
    cfn::Resource::with_properties(
        "AWS::KMS::Key",
        json!({
            "Description": format!("Encrypts the codes user pool `{}` hands its custom sender triggers", r.name),
            "EnableKeyRotation": true,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AccountAdministers",
                        "Effect": "Allow",
                        "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "CognitoEncryptsCodes",
                        "Effect": "Allow",
                        "Principal": {"Service": "cognito-idp.amazonaws.com"},
                        "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": sub("${AWS::AccountId}")}},
                    },
                ],
            },
        }),
    )
}

/// A managed pool, with the triggers its bindings configure directly.
pub fn pool(cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
    let id = resource_id(r);
    let mut res = cfn::Resource::new("AWS::Cognito::UserPool");
    res.retain = true;
    if let Some(n) = &r.physical_name {
        res.prop("UserPoolName", n.as_str());
    }
    // ---- sign-up: what the pool asks of users (its keys, and the
    // attributes its modules judge; `sign_up.rs`) ----
    super::sign_up::apply(cx.ws, r, &mut res);
    // ---- end of sign-up ----
    cx.apply_patches(&id, &mut res);
    if let Some(key) = pool_state(cx).keys.get(&id).cloned() {
        cx.patch(&id, json!({"LambdaConfig": {"KMSKeyID": key}}));
        cx.apply_patches(&id, &mut res);
        if r.settings.str("kms-key-arn").is_none() && matches!(key, Expr::GetAtt(..)) {
            cx.add(sender_key_id(r), sender_key(r));
        }
    }
    if let Some(tier) = pool_tier(cx, r) {
        res.prop("UserPoolTier", tier);
    }
    let out = json!({"Value": ref_(&id), "Description": format!("User pool `{}`", r.name)});
    (res, out)
}

/// The feature plan a managed pool is exported on: its declared `tier`, else
/// Essentials when one of its triggers needs it, else AWS's default.
fn pool_tier(cx: &mut ExportCx<'_>, r: &Resource) -> Option<String> {
    match r.settings.str("tier") {
        Some(t) => Some(t.to_ascii_uppercase()),
        None => pool_state(cx)
            .essentials
            .contains(&resource_id(r))
            .then(|| "ESSENTIALS".to_string()),
    }
}

/// Is `event` configured on a pool whose LambdaConfig this function's
/// binding points back at? (Grants on it must wait.)
pub fn grant_is_late(p: &Place<'_>, f: &FunctionCx<'_>) -> bool {
    p.managed().is_some() && f.is_bound_to(p.target.label())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_versioned_triggers_are_direct() {
        use super::super::event::{CognitoEvent, TokenVersion};
        assert!(CognitoEvent::CustomSmsSender.needs_direct_config(TokenVersion::V1));
        assert!(CognitoEvent::PreTokenGeneration.needs_direct_config(TokenVersion::V2));
        assert!(CognitoEvent::PreTokenGeneration.needs_direct_config(TokenVersion::V3));
        assert!(CognitoEvent::InboundFederation.needs_direct_config(TokenVersion::V1));
        assert!(!CognitoEvent::PreTokenGeneration.needs_direct_config(TokenVersion::V1));
        assert!(!CognitoEvent::PreSignUp.needs_direct_config(TokenVersion::V1));
    }
}
