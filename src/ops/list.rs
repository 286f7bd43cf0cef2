//! `cargo trigger list`: every trigger crate and every declared resource.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{Binding, FieldValue, Grant, Resource, Source};
use crate::sources::{CognitoEvent, TokenVersion};
use crate::workspace::{LambdaSettings, Workspace};

/// The `--format json` document. Its shape is documented in `docs/list-json.md`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListReport {
    pub version: u32,
    pub workspace_root: String,
    pub trigger_dir: String,
    pub triggers: Vec<TriggerEntry>,
    /// Keyed by resource name, with the keys of the metadata schema.
    pub resources: IndexMap<String, Map<String, Value>>,
    #[serde(skip)]
    pub typed_resources: Vec<Resource>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TriggerEntry {
    pub name: String,
    /// The crate's directory relative to the workspace root.
    pub path: String,
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<CognitoEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_version: Option<TokenVersion>,
    /// Cognito only: whether federated sign-in invokes this trigger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub federated_sign_in: Option<bool>,
    /// Cognito triggers that only federated sign-in invokes: `false`
    /// (sign-in with the pool's own credentials does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub native_sign_in: Option<bool>,
    pub modules: Vec<String>,
    /// Each binding with the keys of the metadata schema.
    pub bindings: Vec<Map<String, Value>>,
    #[serde(skip)]
    pub typed_bindings: Vec<Binding>,
    pub permissions: Vec<Map<String, Value>>,
    #[serde(skip)]
    pub typed_permissions: Vec<Grant>,
    /// cargo-lambda's settings for the function, as cargo-lambda reads them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<LambdaSettings>,
    /// What `export` deploys the function with, defaults filled in.
    pub deployed: Deployed,
}

/// The settings `export` gives a function where its metadata is silent:
/// each with the value it will have.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Deployed {
    /// X-Ray tracing: cargo-lambda's `deploy.tracing`, else `Active`.
    pub tracing: String,
    /// Days its log group keeps logs: `deploy.log_retention`, else 30.
    pub log_retention: u32,
    /// Where what fails after Lambda's retries goes, per binding (`null`
    /// where the service keeps it: an SQS queue's redrive policy, Cognito's
    /// synchronous caller): a binding's or the function's `on-failure`, else
    /// the function's own failure queue (its logical id).
    pub on_failure: Vec<Option<String>>,
}

fn deployed(m: &crate::workspace::Member, t: &crate::workspace::TriggerMeta) -> Deployed {
    use crate::ops::export::{log_retention, tracing};
    use crate::sources::{asynchronous, export, stream};
    let lambda = m.lambda.clone().unwrap_or_default();
    let own = || export::failure_queue_id(&m.name);
    let on_failure = t
        .bindings
        .iter()
        .map(|b| {
            if asynchronous::applies(t.source) {
                Some(asynchronous::on_failure(t).map_or_else(own, str::to_string))
            } else if stream::applies(t.source) {
                Some(b.settings.str("on-failure").map_or_else(own, str::to_string))
            } else {
                None
            }
        })
        .collect();
    Deployed {
        tracing: tracing(&lambda).to_string(),
        log_retention: log_retention(&lambda),
        on_failure,
    }
}

pub fn report(ws: &Workspace) -> ListReport {
    let triggers = ws
        .trigger_crates()
        .map(|(m, t)| TriggerEntry {
            name: m.name.clone(),
            path: m.rel_dir.clone(),
            source: t.source,
            event: t.event,
            token_version: t.token_version,
            federated_sign_in: t.event.map(|e| !e.skipped_by_federation()),
            native_sign_in: t.event.filter(|e| e.only_for_federation()).map(|_| false),
            modules: t.modules.clone(),
            bindings: t
                .bindings
                .iter()
                .map(|b| fields_json(&b.fields(t.source.binding_key())))
                .collect(),
            typed_bindings: t.bindings.clone(),
            permissions: t.permissions.iter().map(|g| fields_json(&g.fields())).collect(),
            typed_permissions: t.permissions.clone(),
            lambda: m.lambda.clone(),
            deployed: deployed(m, t),
        })
        .collect();
    ListReport {
        version: 1,
        workspace_root: ws.root.to_string_lossy().into_owned(),
        trigger_dir: ws.meta.dir.clone(),
        triggers,
        resources: ws
            .meta
            .resources
            .iter()
            .map(|(n, r)| (n.clone(), fields_json(&r.fields(r.kind.as_str()))))
            .collect(),
        typed_resources: ws.meta.resources.values().cloned().collect(),
    }
}

/// Schema fields as a JSON object.
pub fn fields_json(fields: &[(&str, FieldValue)]) -> Map<String, Value> {
    fields.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect()
}
