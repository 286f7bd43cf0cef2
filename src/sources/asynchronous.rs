//! Asynchronous invocation: S3 notifications, SNS subscriptions and
//! EventBridge rules and schedules invoke a function asynchronously, and
//! Lambda retries what fails and then sends it to a destination. The keys
//! of those bindings (`maximum-retry-attempts` 0-2,
//! `maximum-event-age-seconds` 60-21600, `on-failure`, `on-success`), the
//! function's one `EventInvokeConfig` made from them, and the check that a
//! function's bindings agree on them (Lambda has one configuration per
//! function).

use std::path::Path;

use serde_json::{Map, Value, json};

use super::destination;
use super::export::{ExportCx, FunctionCx};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::cfn;
use crate::model::{FieldValue, KeyKind, KeySpec, ResourceKind, Source};
use crate::workspace::TriggerMeta;

/// Lambda's most retries of an asynchronous event (and its default).
pub const RETRY_MAX: i64 = 2;
/// The shortest and longest an asynchronous event is kept for retries.
pub const EVENT_AGE_MIN: i64 = 60;
pub const EVENT_AGE_MAX: i64 = 21_600;

const ELSEWHERE: &str =
    "it configures the retries of an asynchronously invoked (S3, SNS or EventBridge) trigger; streams have their own";

pub const RETRY: KeySpec = KeySpec::new("maximum-retry-attempts", KeyKind::Int { min: 0, max: RETRY_MAX })
    .flag("S3, SNS and EventBridge: retries of a failed event, 0 to 2 [default: 2]")
    .fix("Lambda retries an asynchronous event 0 to 2 times")
    .elsewhere(ELSEWHERE);

pub const EVENT_AGE: KeySpec = KeySpec::new(
    "maximum-event-age-seconds",
    KeyKind::Int {
        min: EVENT_AGE_MIN,
        max: EVENT_AGE_MAX,
    },
)
.flag("S3, SNS and EventBridge: give up on an event this old, 60 to 21600 seconds [default: 21600]")
.fix("Lambda keeps an asynchronous event 60 to 21600 seconds (6 hours)")
.elsewhere(ELSEWHERE);

pub const ON_FAILURE: KeySpec = KeySpec::new(
    "on-failure",
    KeyKind::Str {
        check: Some(destination::check_any),
        what: "an on-failure destination",
    },
)
.flag("S3, SNS and EventBridge: where events that fail every retry go, a declared SQS queue, SNS topic or S3 bucket, or an ARN [default: the function's own failure queue]")
.fix("name a declared `sqs-queue`, `sns-topic` or `s3-bucket` resource, or give its ARN")
.refers_to(&[
    ResourceKind(Source::Sqs),
    ResourceKind(Source::Sns),
    ResourceKind(Source::S3),
]);

pub const ON_SUCCESS: KeySpec = KeySpec::new(
    "on-success",
    KeyKind::Str {
        check: Some(destination::check_no_bucket),
        what: "an on-success destination",
    },
)
.flag("S3, SNS and EventBridge: where a record of each event handled goes, a declared SQS queue or SNS topic, or an ARN [default: none]")
.fix("name a declared `sqs-queue` or `sns-topic` resource, or give its ARN")
.elsewhere(ELSEWHERE)
.refers_to(&[ResourceKind(Source::Sqs), ResourceKind(Source::Sns)]);

/// The four keys, as the asynchronous sources list them.
const KEYS: [&KeySpec; 4] = [&RETRY, &EVENT_AGE, &ON_FAILURE, &ON_SUCCESS];

/// Whether `source`'s bindings take the asynchronous keys.
pub fn applies(source: Source) -> bool {
    source.spec().binding_keys().iter().any(|k| k.key == EVENT_AGE.key)
}

/// The function's value of `key`: the first binding's that sets it.
fn value<'t>(t: &'t TriggerMeta, key: &str) -> Option<&'t FieldValue> {
    t.bindings.iter().find_map(|b| b.settings.get(key))
}

/// The function's asynchronous `on-failure`, where a binding sets one (else
/// its failure queue is the destination).
pub fn on_failure(t: &TriggerMeta) -> Option<&str> {
    value(t, ON_FAILURE.key).and_then(FieldValue::as_str)
}

/// Bindings of one function that give a key different values: Lambda has
/// one asynchronous configuration per function, so `check` reports it (the
/// export takes the first binding's).
pub fn check_crate(file: &Path, name: &str, t: &TriggerMeta, d: &mut Diagnostics) {
    if !applies(t.source) {
        return;
    }
    for k in KEYS {
        let mut seen: Vec<&FieldValue> = Vec::new();
        for b in &t.bindings {
            if let Some(v) = b.settings.get(k.key)
                && !seen.contains(&v)
            {
                seen.push(v);
            }
        }
        if let [first, second, ..] = seen.as_slice() {
            d.push(
                Diagnostic::error(
                    "async-config",
                    file,
                    "package.metadata.trigger.bindings",
                    format!(
                        "`{name}`'s bindings give `{}` as `{first}` and `{second}`, but Lambda has one asynchronous configuration per function",
                        k.key
                    ),
                )
                .with_help(format!(
                    "give `{}` one value on every binding that sets it (the export uses the first binding's)",
                    k.key
                )),
            );
        }
    }
}

/// The function's `EventInvokeConfig`: its retries, event age, on-failure
/// destination (the function's own failure queue unless a binding names
/// one) and on-success destination. SAM's is a property of the function;
/// plain CloudFormation's an `AWS::Lambda::EventInvokeConfig` on `$LATEST`.
pub fn export(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>) {
    let t = f.trigger;
    let on_failure = match on_failure(t) {
        Some(v) => destination::resolve(cx, f, v),
        None => destination::Resolved {
            kind: Source::Sqs,
            arn: f.failure_queue(cx),
        },
    };
    let on_success = value(t, ON_SUCCESS.key)
        .and_then(FieldValue::as_str)
        .map(|v| destination::resolve(cx, f, v));
    let sam = cx.sam();
    let dest = |d: &destination::Resolved| {
        if sam {
            json!({"Type": d.sam_type(), "Destination": d.arn})
        } else {
            json!({"Destination": d.arn})
        }
    };
    let mut destinations = Map::new();
    destinations.insert("OnFailure".into(), dest(&on_failure));
    if let Some(s) = &on_success {
        destinations.insert("OnSuccess".into(), dest(s));
    }
    let mut props = Map::new();
    if !sam {
        props.insert("FunctionName".into(), f.arn().into());
        props.insert("Qualifier".into(), json!("$LATEST"));
    }
    for (k, prop) in [
        (&RETRY, "MaximumRetryAttempts"),
        (&EVENT_AGE, "MaximumEventAgeInSeconds"),
    ] {
        if let Some(FieldValue::Int(v)) = value(t, k.key) {
            props.insert(prop.into(), json!(v));
        }
    }
    props.insert("DestinationConfig".into(), Value::Object(destinations));
    if sam {
        f.invoke_config = Some(Value::Object(props));
        return;
    }
    cx.add(
        format!("{}InvokeConfig", f.logical()),
        cfn::Resource::with_properties("AWS::Lambda::EventInvokeConfig", Value::Object(props)),
    );
}
