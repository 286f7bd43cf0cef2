//! SNS subscription filter policies.
//!
//! SNS takes plain values, `prefix`, `suffix`, `equals-ignore-case`,
//! `anything-but` (a value, a list, or `{"prefix": …}`), `numeric`,
//! `exists`, `cidr` and `$or`; not `wildcard`, nor `suffix`/`prefix` with
//! `equals-ignore-case`, nor `anything-but` with `suffix`,
//! `equals-ignore-case` or `wildcard` (SNS answers `Unsupported anything-but
//! pattern`). Numeric bounds lie within ±1.0e9 with at most five decimals.
//!
//! Limits, as SNS documents and answers them:
//! - at most [`FILTER_POLICY_MAX_KEYS`] keys, counting only top-level keys
//!   of a nested policy; an `$or` counts as the keys of its largest
//!   alternative (SNS does not say; this is the reading that agrees with
//!   its examples);
//! - at most [`FILTER_POLICY_MAX_COMBINATIONS`] combinations: the values of
//!   each key multiplied together, a nested key's count multiplied by its
//!   depth, and `$or` alternatives added (SNS's worked examples: 3 × 4 × 2
//!   × 3 = 72 for its nested policy);
//! - at most [`FILTER_POLICY_MAX_BYTES`] bytes.
//!
//! `{}` is the policy that accepts every message (it is how SNS removes a
//! filter).
//!
//! Message attributes are matched by type: `String` as a string,
//! `String.Array` as its JSON array's elements, `Number` as a number;
//! `Binary` attributes are ignored, as SNS ignores them.

use std::fmt;
use std::str::FromStr;

use serde_json::{Number, Value};

use super::compile::{Dialect, Entry, Node, Obj, SubRule};
use super::eval::{self, Failure};
use super::path::JsonPath;
use super::value::{FlatEvent, Leaf};
use super::{Mismatch, PatternError, Reason, Subject, Verdict, preview};

/// Most keys in a filter policy.
pub const FILTER_POLICY_MAX_KEYS: usize = 5;
/// Most value combinations in a filter policy.
pub const FILTER_POLICY_MAX_COMBINATIONS: u64 = 150;
/// Most bytes in a filter policy (256 KB).
pub const FILTER_POLICY_MAX_BYTES: usize = 256 * 1024;

/// What a subscription's filter policy looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FilterPolicyScope {
    /// The message attributes (SNS's default); no nesting.
    #[default]
    MessageAttributes,
    /// The message body, which must be a JSON object; nesting allowed.
    MessageBody,
}

impl FilterPolicyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            FilterPolicyScope::MessageAttributes => "MessageAttributes",
            FilterPolicyScope::MessageBody => "MessageBody",
        }
    }

    fn dialect(self) -> &'static Dialect {
        const fn sns(no_nesting: Option<(&'static str, &'static str)>) -> Dialect {
            Dialect {
                kind: "filter policy",
                service: "SNS",
                described: "an SNS filter policy",
                prefix_ignore_case: false,
                suffix_ignore_case: false,
                wildcard: false,
                cidr: true,
                anything_but_prefix: true,
                anything_but_suffix: false,
                anything_but_ignore_case: false,
                anything_but_wildcard: false,
                numeric_limit: 1.0e9,
                numeric_limit_text: "-1.0e9 to 1.0e9",
                numeric_decimals: 5,
                no_nesting,
                example: r#"{"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}]}"#,
            }
        }
        const ATTRIBUTES: Dialect = sns(Some((
            "a filter policy with scope `MessageAttributes` can't nest keys",
            "match the attribute itself (`\"store\": [\"example_corp\"]`), or set the scope to `MessageBody` to filter on the JSON body",
        )));
        const BODY: Dialect = sns(None);
        match self {
            FilterPolicyScope::MessageAttributes => &ATTRIBUTES,
            FilterPolicyScope::MessageBody => &BODY,
        }
    }
}

impl fmt::Display for FilterPolicyScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FilterPolicyScope {
    type Err = PatternError;

    /// `MessageAttributes` or `MessageBody`, spelled as SNS spells them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "MessageAttributes" => Ok(FilterPolicyScope::MessageAttributes),
            "MessageBody" => Ok(FilterPolicyScope::MessageBody),
            other => Err(PatternError {
                kind: "filter policy scope",
                filter: None,
                path: String::new(),
                message: format!("`{other}` is not a scope"),
                help: "use `MessageAttributes` (the default) or `MessageBody`".to_string(),
            }),
        }
    }
}

/// A subscription's filter policy with its scope.
#[derive(Clone, Debug)]
pub struct FilterPolicy {
    scope: FilterPolicyScope,
    /// Empty for `{}`, which accepts everything.
    rules: Vec<SubRule>,
}

impl FilterPolicy {
    /// Validates `text` as SNS does when the subscription is created.
    pub fn parse(text: &str, scope: FilterPolicyScope) -> Result<FilterPolicy, PatternError> {
        let d = scope.dialect();
        let root = JsonPath::root();
        if text.len() > FILTER_POLICY_MAX_BYTES {
            return Err(d.error(
                &root,
                format!(
                    "the policy is {} bytes; SNS allows {FILTER_POLICY_MAX_BYTES} (256 KB)",
                    text.len()
                ),
                "shorten it",
            ));
        }
        let map = d.parse_document(text)?;
        if map.is_empty() {
            return Ok(FilterPolicy {
                scope,
                rules: Vec::new(),
            });
        }
        let obj = d.compile(&map)?;
        let keys = key_count(&obj);
        if keys > FILTER_POLICY_MAX_KEYS {
            return Err(d.error(
                &root,
                format!("the policy has {keys} keys; SNS allows {FILTER_POLICY_MAX_KEYS}"),
                "drop keys, or split the policy over several subscriptions",
            ));
        }
        let combinations = combinations(&obj, 1, 1);
        if combinations > FILTER_POLICY_MAX_COMBINATIONS {
            return Err(d.error(
                &root,
                format!(
                    "the policy has {combinations} value combinations; SNS allows {FILTER_POLICY_MAX_COMBINATIONS}"
                ),
                "SNS multiplies the number of values of every key (times the depth of nested keys, adding `$or` alternatives): list fewer values, or use `prefix`/`anything-but` instead of long lists",
            ));
        }
        Ok(FilterPolicy {
            scope,
            rules: obj.expand(),
        })
    }

    pub fn scope(&self) -> FilterPolicyScope {
        self.scope
    }

    /// `{}`: every message is delivered.
    pub fn accepts_everything(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether SNS would deliver the message to this subscription.
    /// `message_attributes` is the attribute map as a Lambda SNS record
    /// carries it (`{"name": {"Type": "String", "Value": "x"}}`) or as
    /// `Publish` takes it (`DataType`/`StringValue`); `body` is the message.
    pub fn matches(&self, message_attributes: &Value, body: &str) -> Verdict {
        if self.rules.is_empty() {
            return Verdict::Match;
        }
        let result = match self.scope {
            FilterPolicyScope::MessageAttributes => {
                eval::evaluate(&self.rules, &flatten_attributes(message_attributes))
            }
            FilterPolicyScope::MessageBody => match serde_json::from_str::<Value>(body) {
                Ok(doc @ Value::Object(_)) => eval::evaluate(&self.rules, &FlatEvent::from_json(&doc)),
                _ => Err(Failure {
                    satisfied: 0,
                    path: String::new(),
                    reason: Reason::DataFormat {
                        json_expected: true,
                        found: preview(body),
                    },
                }),
            },
        };
        match result {
            Ok(()) => Verdict::Match,
            Err(f) => Verdict::NoMatch(Mismatch::new(Subject::SnsPolicy, f)),
        }
    }
}

/// Top-level keys; an `$or` counts as its largest alternative.
fn key_count(obj: &Obj) -> usize {
    obj.entries
        .iter()
        .map(|e| match e {
            Entry::Field { .. } => 1,
            Entry::Or(branches) => branches.iter().map(key_count).max().unwrap_or(0),
        })
        .sum()
}

/// SNS's combination count (see the module docs).
fn combinations(obj: &Obj, depth: u64, current: u64) -> u64 {
    let mut count = current;
    for entry in &obj.entries {
        count = match entry {
            Entry::Field {
                node: Node::Obj(inner), ..
            } => combinations(inner, depth + 1, count),
            Entry::Field {
                node: Node::Leaf(values),
                ..
            } => count.saturating_mul(values.len() as u64).saturating_mul(depth),
            Entry::Or(branches) => branches
                .iter()
                .fold(0u64, |acc, b| acc.saturating_add(combinations(b, depth, count))),
        };
    }
    count
}

fn flatten_attributes(attributes: &Value) -> FlatEvent {
    let mut flat = FlatEvent::default();
    let Some(map) = attributes.as_object() else {
        return flat;
    };
    for (name, attribute) in map {
        let field = |a: &str, b: &str| attribute.get(a).or_else(|| attribute.get(b));
        let kind = field("Type", "DataType").and_then(Value::as_str).unwrap_or("String");
        let value = field("Value", "StringValue").unwrap_or(&Value::Null);
        let text = value.as_str();
        if kind.starts_with("Binary") {
            continue;
        }
        if kind.starts_with("String.Array")
            && let Some(Value::Array(items)) = text.and_then(|t| serde_json::from_str(t).ok())
        {
            let id = flat.array_paths.len();
            flat.array_paths.push(name.clone());
            for (i, item) in items.iter().enumerate() {
                if let Some(leaf) = Leaf::from_value(item) {
                    flat.push(name.clone(), leaf, vec![(id, i)]);
                }
            }
            continue;
        }
        let leaf = if kind.starts_with("Number") {
            match value {
                Value::Number(n) => Leaf::Num(n.clone()),
                _ => text
                    .and_then(|t| t.trim().parse::<Number>().ok())
                    .map_or_else(|| Leaf::Str(text.unwrap_or_default().to_string()), Leaf::Num),
            }
        } else {
            match Leaf::from_value(value) {
                Some(leaf) => leaf,
                None => continue,
            }
        };
        flat.push(name.clone(), leaf, Vec::new());
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attributes_match_by_type() {
        let p = FilterPolicy::parse(
            r#"{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}"#,
            FilterPolicyScope::MessageAttributes,
        )
        .unwrap();
        let attrs = json!({
            "customer_interests": {"Type": "String.Array", "Value": "[\"soccer\", \"rugby\"]"},
            "price_usd": {"Type": "Number", "Value": "210.75"},
            "blob": {"Type": "Binary", "Value": "AAEC"}
        });
        assert!(p.matches(&attrs, "").is_match());
        let publish_form = json!({
            "customer_interests": {"DataType": "String", "StringValue": "rugby"},
            "price_usd": {"DataType": "Number", "StringValue": "99"}
        });
        assert_eq!(
            p.matches(&publish_form, "").mismatch().unwrap().to_string(),
            "`price_usd` is `99`, the filter policy wants a number > 100"
        );
        let as_string = json!({
            "customer_interests": {"Type": "String", "Value": "rugby"},
            "price_usd": {"Type": "String", "Value": "210.75"}
        });
        assert!(!p.matches(&as_string, "").is_match());
    }

    #[test]
    fn binary_attributes_are_ignored() {
        let p = FilterPolicy::parse(r#"{"blob": [{"exists": false}]}"#, FilterPolicyScope::MessageAttributes).unwrap();
        assert!(
            p.matches(&json!({"blob": {"Type": "Binary", "Value": "AAEC"}}), "")
                .is_match()
        );
    }

    #[test]
    fn body_scope_needs_a_json_object() {
        let p = FilterPolicy::parse(r#"{"a": {"b": ["c"]}}"#, FilterPolicyScope::MessageBody).unwrap();
        assert!(p.matches(&Value::Null, r#"{"a": {"b": "c"}}"#).is_match());
        assert_eq!(
            p.matches(&Value::Null, "hello").mismatch().unwrap().to_string(),
            "the message body is not JSON (`hello`) and the filter policy matches keys inside it, so SNS does not deliver the message"
        );
    }

    #[test]
    fn empty_policy_accepts_everything() {
        let p = FilterPolicy::parse("{}", FilterPolicyScope::MessageBody).unwrap();
        assert!(p.accepts_everything());
        assert!(p.matches(&Value::Null, "not json").is_match());
    }

    #[test]
    fn scope_names() {
        assert_eq!(
            "MessageBody".parse::<FilterPolicyScope>().unwrap(),
            FilterPolicyScope::MessageBody
        );
        let e = "RandomValue".parse::<FilterPolicyScope>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid filter policy scope: `RandomValue` is not a scope"
        );
        assert_eq!(FilterPolicyScope::default().to_string(), "MessageAttributes");
    }
}
