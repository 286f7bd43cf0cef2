//! Lambda event-source-mapping filter criteria (SQS, Kinesis, DynamoDB
//! streams).
//!
//! Lambda documents a subset of EventBridge's operators: plain values
//! (strings, numbers, `true`, `false`, `null`, `""`), `prefix` and `suffix`
//! (each also with `equals-ignore-case`), `equals-ignore-case`,
//! `anything-but` with a value or a list, `numeric`, `exists` and `$or`.
//! `wildcard`, `cidr` and `anything-but` with an object are refused (the
//! EventBridge operators that its documentation marks as unsupported by
//! Pipes, which shares Lambda's filtering). Lambda documents no numeric
//! range of its own; EventBridge's (±5.0e9, six decimals) applies, as both
//! run AWS's matcher, and so does its limit of 1000 `$or` combinations.
//!
//! Each record is matched as Lambda documents for its source:
//! - SQS: the record's keys (`messageId`, `attributes`, …) and `body`. A
//!   body that is JSON (an object or an array; a bare `"42"` counts as a
//!   plain string) is matched by a JSON `body` pattern (`{"body": {…}}`),
//!   a plain-string body by a value pattern (`{"body": ["…"]}`); any other
//!   pairing drops the record, as Lambda's table says.
//! - Kinesis: only `data`, the base64 payload decoded and parsed as JSON
//!   (AWS: "Kinesis event source mappings only support filtering on the
//!   `data` key"); a record whose data is not JSON is dropped. A pattern
//!   that matches `data` as a plain value is refused, as Lambda refuses it
//!   when the mapping is created.
//! - DynamoDB: the record as it is, `dynamodb` being an object of keys.
//!   AWS's newest page says only `dynamodb` is supported, but its own
//!   examples filter on `eventName`; record keys like that are accepted.

use base64::Engine as _;
use serde_json::Value;

use super::compile::{Dialect, Entry, Node, Obj, SubRule};
use super::eval::{self, Failure, closer};
use super::path::JsonPath;
use super::value::FlatEvent;
use super::{EVENTBRIDGE, Mismatch, PatternError, Reason, Subject, Verdict, length, preview};

/// Most characters in one filter's pattern.
pub const FILTER_PATTERN_MAX_LENGTH: usize = 4096;
/// Filters per event source mapping without a quota increase.
pub const DEFAULT_MAX_FILTERS: usize = 5;
/// Filters per event source mapping with the largest quota increase.
pub const MAX_FILTERS_WITH_QUOTA: usize = 10;

/// The event sources whose mappings take filter criteria here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordSource {
    Sqs,
    Kinesis,
    DynamoDb,
}

impl RecordSource {
    /// The key under which a record's payload is matched.
    pub fn data_key(self) -> &'static str {
        match self {
            RecordSource::Sqs => "body",
            RecordSource::Kinesis => "data",
            RecordSource::DynamoDb => "dynamodb",
        }
    }

    fn name(self) -> &'static str {
        match self {
            RecordSource::Sqs => "SQS",
            RecordSource::Kinesis => "Kinesis",
            RecordSource::DynamoDb => "DynamoDB",
        }
    }

    fn dialect(self) -> &'static Dialect {
        const fn lambda(example: &'static str) -> Dialect {
            Dialect {
                kind: "filter pattern",
                service: "Lambda",
                described: "a Lambda filter pattern",
                prefix_ignore_case: true,
                suffix_ignore_case: true,
                wildcard: false,
                cidr: false,
                anything_but_prefix: false,
                anything_but_suffix: false,
                anything_but_ignore_case: false,
                anything_but_wildcard: false,
                numeric_limit: EVENTBRIDGE.numeric_limit,
                numeric_limit_text: EVENTBRIDGE.numeric_limit_text,
                numeric_decimals: EVENTBRIDGE.numeric_decimals,
                no_nesting: None,
                example,
            }
        }
        const SQS: Dialect = lambda(r#"{"body": {"type": ["create"]}}"#);
        const KINESIS: Dialect = lambda(r#"{"data": {"type": ["create"]}}"#);
        const DYNAMODB: Dialect = lambda(r#"{"dynamodb": {"NewImage": {"status": {"S": ["done"]}}}}"#);
        match self {
            RecordSource::Sqs => &SQS,
            RecordSource::Kinesis => &KINESIS,
            RecordSource::DynamoDb => &DYNAMODB,
        }
    }
}

/// One filter of a mapping's criteria.
#[derive(Clone, Debug)]
pub struct FilterPattern {
    source: RecordSource,
    rules: Vec<SubRule>,
}

impl FilterPattern {
    /// Validates `text` as Lambda does when the mapping is created.
    pub fn parse(source: RecordSource, text: &str) -> Result<FilterPattern, PatternError> {
        let d = source.dialect();
        let root = JsonPath::root();
        let len = length(text);
        if len > FILTER_PATTERN_MAX_LENGTH {
            return Err(d.error(
                &root,
                format!("the pattern is {len} characters; Lambda allows {FILTER_PATTERN_MAX_LENGTH}"),
                "shorten it, or split it into several filters (a record passes if any filter matches)",
            ));
        }
        let map = d.parse_document(text)?;
        let obj = d.compile(&map)?;
        check_keys(source, d, &obj, &root)?;
        let combinations = obj.combinations();
        if combinations > super::EVENT_PATTERN_MAX_COMBINATIONS {
            return Err(d.error(
                &root,
                format!(
                    "the `$or` arrays expand to {combinations} combinations; AWS's matcher allows {}",
                    super::EVENT_PATTERN_MAX_COMBINATIONS
                ),
                "use fewer `$or` alternatives, or split the pattern into several filters",
            ));
        }
        Ok(FilterPattern {
            source,
            rules: obj.expand(),
        })
    }

    pub fn source(&self) -> RecordSource {
        self.source
    }

    /// The alternatives `$or` expands the pattern into, in document order.
    pub(super) fn rules(&self) -> &[SubRule] {
        &self.rules
    }

    /// Whether Lambda would pass `record` (one element of the event's
    /// `Records`) to the function.
    pub fn matches(&self, record: &Value) -> Verdict {
        match self.evaluate(record) {
            Ok(()) => Verdict::Match,
            Err(f) => Verdict::NoMatch(Mismatch::new(Subject::LambdaFilter, f)),
        }
    }

    fn evaluate(&self, record: &Value) -> Result<(), Failure> {
        match self.source {
            RecordSource::DynamoDb => eval::evaluate(&self.rules, &FlatEvent::from_json(record)),
            RecordSource::Sqs => self.evaluate_sqs(record),
            RecordSource::Kinesis => self.evaluate_kinesis(record),
        }
    }

    fn evaluate_sqs(&self, record: &Value) -> Result<(), Failure> {
        let body = record.get("body").and_then(Value::as_str);
        let parsed = body.and_then(json_document);
        let raw = FlatEvent::from_json(record);
        let mut with_json: Option<FlatEvent> = None;
        let mut best: Option<Failure> = None;
        for rule in &self.rules {
            let result = match (form(rule, "body"), &parsed) {
                (Form::Json, Some(doc)) => {
                    let view = with_json.get_or_insert_with(|| {
                        let mut view = record.clone();
                        view["body"] = doc.clone();
                        FlatEvent::from_json(&view)
                    });
                    eval::evaluate_one(rule, view)
                }
                (Form::Json, None) if body.is_some() => Err(format_failure("body", true, body.unwrap_or_default())),
                (Form::Plain, Some(_)) => Err(format_failure("body", false, body.unwrap_or_default())),
                _ => eval::evaluate_one(rule, &raw),
            };
            match result {
                Ok(()) => return Ok(()),
                Err(f) => best = Some(closer(best, f)),
            }
        }
        Err(best.expect("a pattern has at least one alternative"))
    }

    fn evaluate_kinesis(&self, record: &Value) -> Result<(), Failure> {
        let encoded = record
            .pointer("/kinesis/data")
            .or_else(|| record.get("data"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (doc, shown) = match base64::engine::general_purpose::STANDARD.decode(encoded) {
            Err(_) => (None, format!("not base64: {}", preview(encoded))),
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => (json_document(&text), preview(&text)),
                Err(e) => (None, format!("{} bytes, not UTF-8", e.as_bytes().len())),
            },
        };
        let Some(doc) = doc else {
            return Err(Failure {
                satisfied: 0,
                path: "data".to_string(),
                reason: Reason::DataFormat {
                    json_expected: true,
                    found: shown,
                },
            });
        };
        eval::evaluate(&self.rules, &FlatEvent::from_json(&serde_json::json!({ "data": doc })))
    }
}

/// How an alternative uses the payload key: not at all, as JSON keys, or
/// as a plain value.
#[derive(PartialEq)]
pub(super) enum Form {
    Unused,
    Json,
    Plain,
}

pub(super) fn form(rule: &SubRule, key: &str) -> Form {
    let below = format!("{key}.");
    if rule.fields.iter().any(|f| f.path.starts_with(&below)) {
        Form::Json
    } else if rule.fields.iter().any(|f| f.path == key) {
        Form::Plain
    } else {
        Form::Unused
    }
}

fn format_failure(path: &str, json_expected: bool, found: &str) -> Failure {
    Failure {
        satisfied: 0,
        path: path.to_string(),
        reason: Reason::DataFormat {
            json_expected,
            found: preview(found),
        },
    }
}

/// A payload that is a JSON object or array.
pub(super) fn json_document(text: &str) -> Option<Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => Some(v),
        _ => None,
    }
}

/// The per-source rules on top-level keys (`$or` alternatives included).
fn check_keys(source: RecordSource, d: &Dialect, obj: &Obj, path: &JsonPath) -> Result<(), PatternError> {
    let key = source.data_key();
    for entry in &obj.entries {
        match entry {
            Entry::Or(branches) => {
                for (i, branch) in branches.iter().enumerate() {
                    check_keys(source, d, branch, &path.key("$or").index(i))?;
                }
            }
            Entry::Field { key: k, node } => {
                let here = path.key(k);
                if source == RecordSource::Kinesis && k != key {
                    return Err(d.error(
                        &here,
                        format!("a Kinesis event source mapping only filters on `data`, not `{k}`"),
                        "match keys of the record's JSON payload under `data`, e.g. `{\"data\": {\"type\": [\"create\"]}}`",
                    ));
                }
                if k == key && source != RecordSource::Sqs && matches!(node, Node::Leaf(_)) {
                    return Err(d.error(
                        &here,
                        format!(
                            "`{k}` must be an object of keys: Lambda only filters {} `{k}` as JSON and refuses a plain-value pattern for it",
                            source.name()
                        ),
                        format!("write e.g. `{}`", d.example),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A mapping's filter criteria: a record passes if any filter matches.
#[derive(Clone, Debug)]
pub struct FilterCriteria {
    filters: Vec<FilterPattern>,
}

impl FilterCriteria {
    /// Validates every pattern, and that there are at most `max_filters`
    /// ([`DEFAULT_MAX_FILTERS`], or up to [`MAX_FILTERS_WITH_QUOTA`] with a
    /// quota increase). Errors name the filter when there are several.
    pub fn parse<S: AsRef<str>>(
        source: RecordSource,
        patterns: &[S],
        max_filters: usize,
    ) -> Result<FilterCriteria, PatternError> {
        if patterns.len() > max_filters {
            return Err(PatternError {
                kind: "filter criteria",
                filter: None,
                path: String::new(),
                message: format!(
                    "there are {} filters; Lambda allows {max_filters} per event source mapping",
                    patterns.len()
                ),
                help: format!(
                    "combine filters with `$or`, or request a quota increase (up to {MAX_FILTERS_WITH_QUOTA} filters)"
                ),
            });
        }
        let several = patterns.len() > 1;
        let filters = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| {
                FilterPattern::parse(source, p.as_ref()).map_err(|e| PatternError {
                    filter: several.then_some(i),
                    ..e
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(FilterCriteria { filters })
    }

    pub fn filters(&self) -> &[FilterPattern] {
        &self.filters
    }

    /// No filters: every record passes.
    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// Whether Lambda would pass `record` to the function. A dropped
    /// record's mismatch comes from the filter that came closest, and names
    /// it when there are several.
    pub fn matches(&self, record: &Value) -> Verdict {
        let mut best: Option<(usize, Failure)> = None;
        for (i, filter) in self.filters.iter().enumerate() {
            match filter.evaluate(record) {
                Ok(()) => return Verdict::Match,
                Err(f) => {
                    if best.as_ref().is_none_or(|(_, b)| f.satisfied > b.satisfied) {
                        best = Some((i, f));
                    }
                }
            }
        }
        match best {
            None => Verdict::Match,
            Some((i, f)) => {
                let mut m = Mismatch::new(Subject::LambdaFilter, f);
                if self.filters.len() > 1 {
                    m.filter = Some(i);
                }
                Verdict::NoMatch(m)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinesis_record(payload: &str) -> Value {
        json!({
            "kinesis": {
                "partitionKey": "1",
                "data": base64::engine::general_purpose::STANDARD.encode(payload),
            },
            "eventSource": "aws:kinesis"
        })
    }

    #[test]
    fn kinesis_data_is_decoded_and_parsed() {
        let f = FilterPattern::parse(RecordSource::Kinesis, r#"{"data": {"order": {"type": ["buy"]}}}"#).unwrap();
        assert!(f.matches(&kinesis_record(r#"{"order": {"type": "buy"}}"#)).is_match());
        let v = f.matches(&kinesis_record(r#"{"order": {"type": "sell"}}"#));
        assert_eq!(
            v.mismatch().unwrap().to_string(),
            r#"`data.order.type` is `"sell"`, the filter wants one of `"buy"`"#
        );
        let v = f.matches(&kinesis_record("plain text"));
        assert_eq!(
            v.mismatch().unwrap().to_string(),
            "`data` is not JSON (`plain text`) and the filter matches keys inside it, so Lambda drops the record"
        );
    }

    #[test]
    fn sqs_body_formats_must_agree() {
        let json_filter = FilterPattern::parse(RecordSource::Sqs, r#"{"body": {"type": ["a"]}}"#).unwrap();
        let plain_filter = FilterPattern::parse(RecordSource::Sqs, r#"{"body": ["hello"]}"#).unwrap();
        let meta_filter =
            FilterPattern::parse(RecordSource::Sqs, r#"{"attributes": {"MessageGroupId": ["g1"]}}"#).unwrap();
        let json_body = json!({"body": "{\"type\": \"a\"}", "attributes": {"MessageGroupId": "g1"}});
        let plain_body = json!({"body": "hello", "attributes": {"MessageGroupId": "g1"}});
        assert!(json_filter.matches(&json_body).is_match());
        assert!(!json_filter.matches(&plain_body).is_match());
        assert!(plain_filter.matches(&plain_body).is_match());
        assert_eq!(
            plain_filter.matches(&json_body).mismatch().unwrap().to_string(),
            r#"`body` is JSON (`{"type": "a"}`) and the filter matches it as a plain string, so Lambda drops the record"#
        );
        assert!(meta_filter.matches(&json_body).is_match());
        assert!(meta_filter.matches(&plain_body).is_match());
    }

    #[test]
    fn criteria_pass_a_record_any_filter_matches() {
        let c = FilterCriteria::parse(
            RecordSource::DynamoDb,
            &[
                r#"{"eventName": ["INSERT"]}"#,
                r#"{"dynamodb": {"NewImage": {"s": {"S": ["x"]}}}}"#,
            ],
            DEFAULT_MAX_FILTERS,
        )
        .unwrap();
        assert!(c.matches(&json!({"eventName": "INSERT"})).is_match());
        assert!(
            c.matches(&json!({"eventName": "MODIFY", "dynamodb": {"NewImage": {"s": {"S": "x"}}}}))
                .is_match()
        );
        let v = c.matches(&json!({"eventName": "REMOVE", "dynamodb": {"OldImage": {}}}));
        assert_eq!(
            v.mismatch().unwrap().to_string(),
            r#"filter 1: `eventName` is `"REMOVE"`, the filter wants one of `"INSERT"`"#
        );
        assert!(
            FilterCriteria::parse::<&str>(RecordSource::Sqs, &[], 5)
                .unwrap()
                .matches(&json!({}))
                .is_match()
        );
    }
}
