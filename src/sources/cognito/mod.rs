//! Cognito user-pool triggers: one crate per event per pool, modules run in
//! the declared order (`modules.rs`), the events and their AWS names
//! (`event.rs`), sample events (`sample.rs`) and templates (`export.rs`).

pub mod check;
pub mod event;
pub mod export;
pub mod modules;
pub mod sample;
pub mod sign_up;

use serde_json::Value;

pub use self::event::{CognitoEvent, CognitoOptions, TokenVersion};
use self::sample::{CognitoUser, ProviderType};
use super::export::{ExportCx, FunctionCx, GrantExport, Place, grant_env_name, name_expr};
use super::sample::{EventFlag, EventRequest};
use super::{KeyProblem, NameRule, ResourceInfo, Site, SourceSpec, TargetSpec, TriggerFields, TriggerKeys};
use crate::diagnostics::Diagnostic;
use crate::errors::{CargoResult, user_error};
use crate::model::arn::{ArnKind, KMS_KEY};
use crate::model::cfn::{self, Expr};
use crate::model::{Binding, FieldValue, KeyKind, KeySpec, Resource, Source, quoted};
use crate::scaffold::{CrateScaffold, SampleSpec};
use crate::sources::draft::{NewOptions, Planned};
use crate::workspace::Workspace;

pub struct Cognito;

pub const USER_POOL_ARN: ArnKind = ArnKind {
    service: Some("cognito-idp"),
    describe: "a Cognito user pool ARN (`arn:aws:cognito-idp:REGION:ACCOUNT:userpool/REGION_ID`)",
    check: |arn| {
        arn.regional()?;
        let id = arn
            .resource()
            .strip_prefix("userpool/")
            .ok_or("the resource must be `userpool/POOL_ID`")?;
        let (id_region, suffix) = id
            .split_once('_')
            .ok_or("a pool id is `REGION_ID`, e.g. `eu-west-1_AbC123`")?;
        if id_region != arn.region() || suffix.is_empty() || !suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("a pool id is `REGION_ID` with the ARN's region, e.g. `eu-west-1_AbC123`".into());
        }
        Ok(())
    },
};

/// The feature plans (`UserPoolTier`) a user pool is on.
pub const TIERS: &[&str] = &["lite", "essentials", "plus"];

const RESOURCE_KEYS: &[KeySpec] = &[
    KeySpec::new("kms-key-arn", KeyKind::Arn(KMS_KEY))
        .flag("New user pool or queue: its KMS key (custom senders decrypt with it; a queue is encrypted with it)")
        .elsewhere("it names the key of a user pool's custom sender triggers"),
    KeySpec::new("tier", KeyKind::Choice(TIERS))
        .flag("New user pool: its feature plan (export picks `essentials` where a trigger needs it)")
        .elsewhere("it is a user pool's feature plan")
        .list_label("tier"),
    // What the pool asks of a sign-up (`sign_up.rs`).
    sign_up::USERNAME_ATTRIBUTES,
    sign_up::REQUIRED_ATTRIBUTES,
    sign_up::AUTO_VERIFIED_ATTRIBUTES,
    sign_up::PASSWORD_MIN_LENGTH,
    sign_up::MFA_CONFIGURATION,
];

/// A user pool's name as Cognito takes it (`PoolName`: `[\w\s+=,.@-]+`,
/// 1-128 characters); of white space only the space, as a name is one line.
fn is_pool_name(n: &str) -> bool {
    (1..=128).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric() || b" _+=,.@-".contains(&b))
}

static TARGET: TargetSpec = TargetSpec {
    key: "user-pool",
    help: "Cognito: the user pool (a declared resource name)",
    question: "Which user pool?",
    default_name: "users",
    default_label: None,
};

static RESOURCE: ResourceInfo = ResourceInfo {
    kind: "cognito-user-pool",
    arn: USER_POOL_ARN,
    name: NameRule {
        check: is_pool_name,
        what: "a pool name (1-128 letters, digits, spaces and `_+=,.@-`)",
        help: "pool names have 1-128 letters, digits, spaces and `_`, `+`, `=`, `,`, `.`, `@`, `-`",
    },
    keys: RESOURCE_KEYS,
    logical_suffix: "UserPool",
    env_suffix: "USER_POOL_ID",
    access: &[
        (
            "read",
            &[
                "cognito-idp:AdminGetUser",
                "cognito-idp:ListUsers",
                "cognito-idp:ListUsersInGroup",
                "cognito-idp:GetGroup",
            ],
        ),
        (
            "write",
            &[
                "cognito-idp:AdminUpdateUserAttributes",
                "cognito-idp:AdminAddUserToGroup",
                "cognito-idp:AdminRemoveUserFromGroup",
                "cognito-idp:CreateGroup",
            ],
        ),
    ],
};

static EVENT_FLAGS: &[EventFlag] = &[
    EventFlag::new("email", "EMAIL", "Cognito: the user's email"),
    EventFlag::new("username", "USERNAME", "Cognito: the user name"),
    EventFlag::new("user-pool-id", "USER_POOL_ID", "Cognito: the user pool id (REGION_ID)"),
    EventFlag::new("client-id", "CLIENT_ID", "Cognito: the app client id"),
    EventFlag::new(
        "attribute",
        "NAME=VALUE",
        "Cognito: a user attribute (inbound-federation: a claim of the provider), NAME=VALUE (repeat for several)",
    )
    .repeat(),
    EventFlag::new("token-version", "VERSION", "Cognito pre-token-generation: v1, v2 or v3"),
    EventFlag::new(
        "scope",
        "SCOPE",
        "Cognito pre-token-generation v2/v3: a scope of the access token (repeat for several)",
    )
    .repeat(),
    EventFlag::new(
        "provider-type",
        "TYPE",
        "Cognito inbound-federation: OIDC, SAML, Facebook, Google, SignInWithApple or LoginWithAmazon",
    ),
    EventFlag::new(
        "provider-name",
        "NAME",
        "Cognito inbound-federation: the identity provider's name in the pool",
    ),
];

/// "federated sign-in does not invoke the `custom-message` trigger", or
/// that only federated sign-in invokes `inbound-federation`.
pub fn federation_caveat(event: CognitoEvent) -> Option<String> {
    if event.only_for_federation() {
        return Some(format!(
            "only federated sign-in (SAML, OIDC and social identity providers) invokes the `{event}` trigger: users who sign in with the pool's own credentials never reach it"
        ));
    }
    event
        .skipped_by_federation()
        .then(|| format!("federated sign-in does not invoke the `{event}` trigger"))
}

/// Which trigger and trigger source a `cargo trigger event cognito KIND`
/// asks for (KIND is an event or a trigger source), or the crate's.
fn event_and_source(req: &EventRequest<'_>) -> CargoResult<(CognitoEvent, String)> {
    let crate_event = req.from_crate.and_then(|c| c.trigger.event);
    let (event, source) = match req.kind {
        Some(k) => {
            if let Some(e) = CognitoEvent::parse(k) {
                (e, e.trigger_sources()[0].to_string())
            } else if let Some(e) = CognitoEvent::of_trigger_source(k) {
                (e, k.to_string())
            } else {
                let all: Vec<&str> = CognitoEvent::ALL
                    .iter()
                    .flat_map(|e| e.all_trigger_sources().iter().copied())
                    .collect();
                return Err(user_error(
                    format!("unknown Cognito trigger source `{k}`"),
                    format!(
                        "use an event ({}) or a trigger source ({})",
                        CognitoEvent::names(),
                        all.join(", ")
                    ),
                ));
            }
        }
        None => match crate_event {
            Some(e) => (e, e.trigger_sources()[0].to_string()),
            None => {
                return Err(user_error(
                    "which Cognito event?",
                    "pass KIND: an event such as `pre-sign-up` or a trigger source such as `PreSignUp_SignUp`",
                ));
            }
        },
    };
    if let (Some(e), Some(c)) = (crate_event, req.from_crate)
        && e != event
    {
        return Err(user_error(
            format!("`{}` handles `{e}`, not `{event}`", c.name),
            format!("use one of {}", quoted(e.all_trigger_sources())),
        ));
    }
    Ok((event, source))
}

impl SourceSpec for Cognito {
    fn source(&self) -> Source {
        Source::Cognito
    }

    fn label(&self) -> &'static str {
        "cognito   Cognito user-pool triggers (sign-up, sign-in, tokens, messages)"
    }

    fn display_name(&self) -> &'static str {
        "Cognito"
    }

    fn has_events(&self) -> bool {
        true
    }

    fn adoption_fields(&self, event: Option<CognitoEvent>, version: TokenVersion) -> Vec<(&'static str, FieldValue)> {
        let mut out = Vec::new();
        if let Some(e) = event {
            out.push(("event", FieldValue::Str(e.as_str().into())));
            if e == CognitoEvent::PreTokenGeneration && version != TokenVersion::V1 {
                out.push(("token-version", FieldValue::Str(version.as_str().into())));
            }
        }
        out
    }

    fn target(&self) -> &'static TargetSpec {
        &TARGET
    }

    fn describe(&self, b: &Binding) -> String {
        format!("`{}`", b.target.label())
    }

    fn trigger_fields(&self, keys: &TriggerKeys, table: &str) -> Result<TriggerFields, Vec<KeyProblem>> {
        let mut problems: Vec<KeyProblem> = Vec::new();
        let mut out = TriggerFields::default();
        match keys.event.as_deref() {
            None if !keys.event_present => problems.push((
                "event",
                format!("`{table}.event` is missing: a Cognito trigger crate handles one event"),
                Some(format!("write `event = ` one of {}", CognitoEvent::names())),
            )),
            None => {}
            Some(e) => match CognitoEvent::parse(e) {
                Some(ev) => out.event = Some(ev),
                None => problems.push((
                    "event",
                    format!("`{table}.event` is `{e}`, expected one of {}", CognitoEvent::names()),
                    crate::model::suggest::closest(e, CognitoEvent::ALL.iter().map(|x| x.as_str()))
                        .map(|c| format!("did you mean `{c}`?")),
                )),
            },
        }
        if let Some(t) = &keys.token_version {
            match TokenVersion::parse(t) {
                Some(v) if out.event == Some(CognitoEvent::PreTokenGeneration) => out.token_version = Some(v),
                Some(_) => problems.push((
                    "token-version",
                    match out.event {
                        // Its `LambdaConfig` entry takes `LambdaVersion` `V1_0` only.
                        Some(e) if e.lambda_version(TokenVersion::V1).is_some() => format!(
                            "`{table}.token-version` only applies to `pre-token-generation`: Cognito invokes `{e}` with event version `V1_0` only"
                        ),
                        _ => format!("`{table}.token-version` only applies to `pre-token-generation`"),
                    },
                    Some("remove `token-version`".into()),
                )),
                None => problems.push((
                    "token-version",
                    format!("`{table}.token-version` is `{t}`, expected `v1`, `v2` or `v3`"),
                    None,
                )),
            }
        }
        if problems.is_empty() { Ok(out) } else { Err(problems) }
    }

    fn rules(&self, on_one_target: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
        check::tier_rule(on_one_target, out);
        check::sender_key_rule(on_one_target, out);
        // A pool has one function per LambdaConfig key.
        for (j, b) in on_one_target.iter().enumerate() {
            for a in &on_one_target[..j] {
                let (Some(ea), Some(eb)) = (a.event, b.event) else {
                    continue;
                };
                if ea.slot() != eb.slot() {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        "cognito-slot",
                        &b.file,
                        b.key(),
                        format!(
                            "user pool `{}` already runs `{}` for `{}`; a pool has one function per trigger",
                            b.binding.target.label(),
                            a.crate_name,
                            eb.lambda_config_key(b.token_version)
                        ),
                    )
                    .with_help(format!(
                        "add modules to `{}` instead (`cargo trigger new --source cognito --event {eb} --module …`), or bind another pool",
                        a.crate_name
                    )),
                );
            }
        }
    }

    fn resource(&self) -> &'static ResourceInfo {
        &RESOURCE
    }

    fn check_crate(
        &self,
        ws: &Workspace,
        m: &crate::workspace::Member,
        t: &crate::workspace::TriggerMeta,
        d: &mut crate::diagnostics::Diagnostics,
    ) {
        check::check_crate(d, ws, m, t);
    }

    fn self_reference_note(&self, r: &Resource, crate_name: &str, var: &str) -> Option<String> {
        r.arn.is_none().then(|| {
            format!(
                "`{crate_name}` is triggered by user pool `{}`: read the pool id from each event's `userPoolId` (no `{var}` variable)",
                r.name
            )
        })
    }

    /// A pool's id is only known from its ARN (its name is not its id).
    fn local_name(&self, r: &Resource) -> Option<String> {
        r.arn.as_ref().map(|a| a.resource_name().to_string())
    }

    fn event_kinds(&self) -> Vec<String> {
        CognitoEvent::ALL
            .iter()
            .map(|e| e.as_str().to_string())
            .chain(
                CognitoEvent::ALL
                    .iter()
                    .flat_map(|e| e.all_trigger_sources().iter().map(|s| s.to_string())),
            )
            .collect()
    }

    fn crate_event_kinds(&self, t: &crate::workspace::TriggerMeta) -> Vec<String> {
        match t.event {
            Some(e) => std::iter::once(e.as_str())
                .chain(e.trigger_sources().iter().copied())
                .map(str::to_string)
                .collect(),
            None => self.event_kinds(),
        }
    }

    /// One sample per trigger source: the event's first (`PreSignUp_SignUp`).
    fn sample_file(&self, t: &crate::workspace::TriggerMeta) -> Option<String> {
        t.event.map(|e| format!("events/{}.json", e.trigger_sources()[0]))
    }

    fn event_kinds_help(&self) -> String {
        format!(
            "a Cognito kind is an event ({}) or one of its trigger sources, e.g. `PreSignUp_SignUp` (`--for CRATE` names a crate's)",
            CognitoEvent::names()
        )
    }

    fn event_flags(&self) -> &'static [EventFlag] {
        EVENT_FLAGS
    }

    fn sample_event(&self, req: &EventRequest<'_>) -> CargoResult<Value> {
        let (event, trigger_source) = event_and_source(req)?;
        let mut attributes = Vec::new();
        for a in req.flags.all("attribute") {
            let (k, v) = a.split_once('=').ok_or_else(|| {
                user_error(
                    format!("`--attribute {a}` is not NAME=VALUE"),
                    "e.g. `--attribute custom:plan=pro`",
                )
            })?;
            attributes.push((k.to_string(), v.to_string()));
        }
        let version = match req.flags.get("token-version") {
            Some(v) => TokenVersion::parse(v).ok_or_else(|| {
                user_error(
                    format!("unknown token version `{v}`"),
                    "`--token-version` is `v1`, `v2` or `v3`",
                )
            })?,
            None => req
                .from_crate
                .and_then(|c| c.trigger.token_version)
                .unwrap_or_else(|| CognitoEvent::min_version_for(&trigger_source)),
        };
        let provider_type = match req.flags.get("provider-type") {
            Some(p) => ProviderType::parse(p).ok_or_else(|| {
                user_error(
                    format!("unknown identity provider type `{p}`"),
                    format!("`--provider-type` is one of {}", ProviderType::names()),
                )
            })?,
            None => ProviderType::Oidc,
        };
        if event != CognitoEvent::InboundFederation {
            for flag in ["provider-type", "provider-name"] {
                if req.flags.get(flag).is_some() {
                    return Err(user_error(
                        format!("`--{flag}` only applies to `inbound-federation` events"),
                        format!("remove it, or ask for `cargo trigger event cognito inbound-federation --{flag} …`"),
                    ));
                }
            }
        }
        let scopes: Vec<String> = req.flags.all("scope").iter().map(|s| s.to_string()).collect();
        if !scopes.is_empty() && (event != CognitoEvent::PreTokenGeneration || version == TokenVersion::V1) {
            return Err(user_error(
                "`--scope` only applies to pre-token-generation events of version 2 or 3",
                "add `--token-version v2` (or `v3`), or remove `--scope`",
            ));
        }
        let d = CognitoUser::default();
        let pool_id = req
            .flags
            .get("user-pool-id")
            .map(str::to_string)
            .or_else(|| req.crate_arn().map(|a| a.resource_name().to_string()))
            .unwrap_or_else(|| format!("{}_EXAMPLE1", req.origin.region));
        let user = CognitoUser {
            username: req.flags.get("username").map(str::to_string).unwrap_or(d.username),
            email: req.flags.get("email").map(str::to_string).unwrap_or(d.email),
            user_pool_id: pool_id,
            client_id: req.flags.get("client-id").map(str::to_string).unwrap_or(d.client_id),
            attributes,
            provider_type,
            provider_name: req.flags.get("provider-name").map(str::to_string),
            scopes,
        };
        sample::cognito(event, &trigger_source, version, &user, req.origin)
    }

    fn scaffold_sample(
        &self,
        _scaffold: &CrateScaffold,
        _spec: &SampleSpec,
        path: &str,
        _b: &Binding,
        _r: Option<&Resource>,
    ) -> CargoResult<(Value, Value)> {
        anyhow::bail!(
            "scaffold sample `{path}`: Cognito crates get one sample per trigger source of their event, not scaffold samples"
        )
    }

    fn new_crate_names(&self, ws: &Workspace, opts: &NewOptions) -> Vec<String> {
        modules::planned(ws, opts)
            .map(|p| p.into_iter().filter(|c| c.is_new).map(|c| c.name).collect())
            .unwrap_or_default()
    }

    fn plan_new(&self, ws: &Workspace, opts: &NewOptions) -> Option<CargoResult<Planned>> {
        Some(modules::plan_new(ws, opts))
    }

    fn caveat(&self, event: Option<CognitoEvent>) -> Option<String> {
        event.and_then(federation_caveat)
    }

    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
        export::binding(cx, f, b, index);
    }

    fn export_function(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>) {
        export::modules(cx, f);
    }

    fn export_resource(&self, cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
        export::pool(cx, r)
    }

    fn arn_expr(&self, p: &Place<'_>) -> Expr {
        export::pool_arn(p)
    }

    /// A managed pool that triggers this function points back at it:
    /// naming it in the role (or its id in the environment) would be a cycle.
    fn export_grant(&self, p: &Place<'_>, f: &FunctionCx<'_>) -> GrantExport {
        let late = export::grant_is_late(p, f).then(|| {
            let var = p.resource.map(grant_env_name).unwrap_or_default();
            format!(
                "`{}`: the id of user pool `{}` is in each event (`userPoolId`), so no `{var}` variable is set",
                f.member.name,
                p.target.label()
            )
        });
        GrantExport {
            resources: vec![self.arn_expr(p)],
            name: name_expr(p),
            late,
        }
    }
}
