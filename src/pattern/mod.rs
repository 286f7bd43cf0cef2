//! AWS's event-matching languages, validated and evaluated offline.
//!
//! Three dialects share one engine, modelled on AWS's own matcher (Event
//! Ruler, which EventBridge, Lambda event filtering and SNS filter policies
//! run):
//!
//! - [`EventPattern`]: EventBridge rule patterns, every operator.
//! - [`FilterCriteria`] / [`FilterPattern`]: Lambda event-source-mapping
//!   filters for SQS, Kinesis and DynamoDB streams, with Lambda's subset of
//!   operators and its rules for `body`, `data` and `dynamodb`;
//!   [`FilterCriteria::witness`] changes a record as little as it can to pass.
//! - [`FilterPolicy`]: SNS subscription filter policies, on message
//!   attributes or on the JSON body.
//!
//! `parse` rejects what AWS rejects, naming the place as a JSON path
//! (`detail.size[0].numeric[2]`) with a fix ([`PatternError`]); `matches`
//! returns a [`Verdict`] whose [`Mismatch`] says which key failed and why:
//! ``record 2 dropped: `data.type` is `"delete"`, the filter wants one of
//! `"create"` ``.
//!
//! Semantics, as AWS documents them and as AWS's API answers (where the
//! two differ, the API wins and the doc comment says so):
//! - Keys are ANDed; the values in a key's array are ORed; `$or` ORs whole
//!   objects. Keys the pattern does not name are ignored.
//! - Nested objects and dotted keys are the same thing (`{"a": {"b": …}}`
//!   and `{"a.b": …}` both match the event `{"a": {"b": …}}` and
//!   `{"a.b": …}`), because AWS's matcher joins key paths with dots.
//! - An event array matches if any element does; keys matched inside
//!   objects of an array must come from the same element.
//! - Numbers compare by value: `[300]` matches `300.0` (AWS's docs say the
//!   opposite; `TestEventPattern` answers true).
//! - Operators other than `anything-but`, `exists` and exact `null`/`true`
//!   /`false`/number values apply to strings only; `numeric` to numbers
//!   only. `anything-but` matches any value, of any type, that is not
//!   excluded, and needs the key to be present; `exists` looks at leaves
//!   only (an object or an empty array does not "exist").
//! - A key given twice keeps its last value.
//!
//! Choices where AWS says nothing:
//! - `exists: false` holds when the key has no value anywhere in the event
//!   (array elements are not told apart for absence).
//! - `equals-ignore-case` (and the ignore-case forms of `prefix`, `suffix`
//!   and `anything-but`) compares Unicode lowercase forms.
//! - A plain string value that is an IP address also matches the same
//!   address written differently (`2001:db8::1`, `2001:0db8:0:0:0:0:0:1`),
//!   as AWS's matcher treats IP-looking strings as addresses.
//! - `{"anything-but": []}` and `{"anything-but": {"prefix": []}}` are
//!   refused (they would exclude nothing); the undocumented `exactly`
//!   operator is refused with a pointer to the plain value.
//! - Arrays of objects are searched for a consistent choice of elements up
//!   to a million combinations; past that the event is given the benefit of
//!   the doubt.
//!
//! Not reproduced: EventBridge's limit on wildcard "complexity" (`Rule is
//! too complex`), whose threshold AWS does not document.

mod compile;
mod error;
mod eval;
mod lambda;
mod matcher;
mod path;
mod sns;
mod value;
mod witness;

use std::fmt;

use serde_json::Value;

pub use error::PatternError;
pub use lambda::{
    DEFAULT_MAX_FILTERS, FILTER_PATTERN_MAX_LENGTH, FilterCriteria, FilterPattern, MAX_FILTERS_WITH_QUOTA, RecordSource,
};
pub use sns::{
    FILTER_POLICY_MAX_BYTES, FILTER_POLICY_MAX_COMBINATIONS, FILTER_POLICY_MAX_KEYS, FilterPolicy, FilterPolicyScope,
};

use compile::{Dialect, SubRule};
use value::FlatEvent;

/// Whether an event (record, message) is delivered, and if not, why.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub enum Verdict {
    Match,
    NoMatch(Mismatch),
}

impl Verdict {
    pub fn is_match(&self) -> bool {
        matches!(self, Verdict::Match)
    }

    pub fn mismatch(&self) -> Option<&Mismatch> {
        match self {
            Verdict::Match => None,
            Verdict::NoMatch(m) => Some(m),
        }
    }
}

/// The first key that failed, in the alternative (`$or` branch, Lambda
/// filter) that came closest to matching.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// Which Lambda filter (0-based) when the criteria have more than one.
    pub filter: Option<usize>,
    /// The key as AWS's matcher names it, dotted: `data.type`. Empty for
    /// the whole message (an SNS body that is not JSON).
    pub path: String,
    pub reason: Reason,
    subject: Subject,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// The key holds nothing the pattern accepts.
    Value { found: Found, wanted: String },
    /// Each key matched on its own, but in different elements of the array
    /// at `path`.
    DifferentArrayElements,
    /// The pattern looks inside JSON the record does not have (or treats as
    /// a plain string what is JSON); AWS drops such records. `found` is a
    /// short preview of the value.
    DataFormat { json_expected: bool, found: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    Missing,
    /// The key holds an object, not a value.
    Object,
    /// The values at the key (several when it is an array), as JSON text.
    Values(Vec<String>),
}

/// Who does the filtering, for the wording of a [`Mismatch`].
#[derive(Clone, Copy, Debug, PartialEq)]
enum Subject {
    EventPattern,
    LambdaFilter,
    SnsPolicy,
}

impl Subject {
    fn name(self) -> &'static str {
        match self {
            Subject::EventPattern => "the pattern",
            Subject::LambdaFilter => "the filter",
            Subject::SnsPolicy => "the filter policy",
        }
    }
}

impl Mismatch {
    fn new(subject: Subject, failure: eval::Failure) -> Mismatch {
        Mismatch {
            filter: None,
            path: failure.path,
            reason: failure.reason,
            subject,
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.filter {
            write!(f, "filter {}: ", i + 1)?;
        }
        let who = self.subject.name();
        let path = &self.path;
        match &self.reason {
            Reason::Value { found, wanted } => {
                match found {
                    Found::Missing => write!(f, "`{path}` is missing")?,
                    Found::Object => write!(f, "`{path}` is an object, not a value")?,
                    Found::Values(values) => {
                        const SHOWN: usize = 5;
                        let shown: Vec<String> = values.iter().take(SHOWN).map(|v| format!("`{v}`")).collect();
                        if values.len() == 1 {
                            write!(f, "`{path}` is {}", shown[0])?;
                        } else {
                            write!(f, "`{path}` holds {}", shown.join(", "))?;
                            if values.len() > SHOWN {
                                write!(f, " and {} more", values.len() - SHOWN)?;
                            }
                        }
                    }
                }
                write!(f, ", {who} wants {wanted}")
            }
            Reason::DifferentArrayElements => write!(
                f,
                "the keys {who} matches are in different elements of the `{path}` array, {who} wants them in the same element"
            ),
            Reason::DataFormat { json_expected, found } => {
                let (thing, consequence) = match self.subject {
                    Subject::SnsPolicy => ("the message body", "SNS does not deliver the message"),
                    _ => ("", "Lambda drops the record"),
                };
                let subject = if path.is_empty() {
                    thing.to_string()
                } else {
                    format!("`{path}`")
                };
                if *json_expected {
                    write!(
                        f,
                        "{subject} is not JSON (`{found}`) and {who} matches keys inside it, so {consequence}"
                    )
                } else {
                    write!(
                        f,
                        "{subject} is JSON (`{found}`) and {who} matches it as a plain string, so {consequence}"
                    )
                }
            }
        }
    }
}

/// A short, one-line preview of a value for messages.
fn preview(text: &str) -> String {
    const MAX: usize = 40;
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if one_line.chars().count() > MAX {
        let cut: String = one_line.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// The length of a pattern as AWS counts it: characters.
fn length(text: &str) -> usize {
    text.chars().count()
}

/// Most characters in an EventBridge event pattern by default.
pub const EVENT_PATTERN_MAX_LENGTH: usize = 2048;
/// Most characters in an EventBridge event pattern after a quota increase.
pub const EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA: usize = 4096;
/// Most rule combinations the `$or`s of an event pattern may expand to.
pub const EVENT_PATTERN_MAX_COMBINATIONS: u64 = 1000;

/// EventBridge's dialect: every operator. Numeric bounds within ±5.0e9 with
/// at most six decimals, as EventBridge documents.
pub(crate) const EVENTBRIDGE: Dialect = Dialect {
    kind: "event pattern",
    service: "EventBridge",
    described: "an EventBridge event pattern",
    prefix_ignore_case: true,
    suffix_ignore_case: true,
    wildcard: true,
    cidr: true,
    anything_but_prefix: true,
    anything_but_suffix: true,
    anything_but_ignore_case: true,
    anything_but_wildcard: true,
    numeric_limit: 5.0e9,
    numeric_limit_text: "-5.0e9 to 5.0e9",
    numeric_decimals: 6,
    no_nesting: None,
    example: r#"{"source": ["aws.ec2"], "detail": {"state": ["running"]}}"#,
};

/// An EventBridge rule's event pattern.
#[derive(Clone, Debug)]
pub struct EventPattern {
    rules: Vec<SubRule>,
}

impl EventPattern {
    /// Validates `text` as EventBridge does for a rule on a bus with the
    /// default quota ([`EVENT_PATTERN_MAX_LENGTH`] characters).
    pub fn parse(text: &str) -> Result<EventPattern, PatternError> {
        EventPattern::parse_with_max_length(text, EVENT_PATTERN_MAX_LENGTH)
    }

    /// As [`EventPattern::parse`], for an account whose pattern-size quota
    /// is `max_length` characters (at most
    /// [`EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA`]).
    pub fn parse_with_max_length(text: &str, max_length: usize) -> Result<EventPattern, PatternError> {
        let d = &EVENTBRIDGE;
        let root = path::JsonPath::root();
        let len = length(text);
        if len > max_length {
            return Err(d.error(
                &root,
                format!("the pattern is {len} characters; EventBridge allows {max_length}"),
                format!(
                    "shorten it (drop keys that don't narrow the match), or raise the `Event pattern size` quota (up to {EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA})"
                ),
            ));
        }
        let map = d.parse_document(text)?;
        let obj = d.compile(&map)?;
        let combinations = obj.combinations();
        if combinations > EVENT_PATTERN_MAX_COMBINATIONS {
            return Err(d.error(
                &root,
                format!(
                    "the `$or` arrays expand to {combinations} rule combinations; EventBridge allows {EVENT_PATTERN_MAX_COMBINATIONS}"
                ),
                "the count multiplies the alternatives of every `$or`: use fewer `$or`s or split the pattern into several rules",
            ));
        }
        Ok(EventPattern { rules: obj.expand() })
    }

    /// How many rule combinations the `$or`s expand to (1 without `$or`).
    pub fn combinations(&self) -> usize {
        self.rules.len()
    }

    /// Whether EventBridge would deliver `event` to the rule's targets.
    pub fn matches(&self, event: &Value) -> Verdict {
        match eval::evaluate(&self.rules, &FlatEvent::from_json(event)) {
            Ok(()) => Verdict::Match,
            Err(f) => Verdict::NoMatch(Mismatch::new(Subject::EventPattern, f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_match(pattern: &str, event: Value) -> String {
        match EventPattern::parse(pattern).unwrap().matches(&event) {
            Verdict::Match => panic!("{pattern} matched {event}"),
            Verdict::NoMatch(m) => m.to_string(),
        }
    }

    #[test]
    fn mismatches_explain_the_first_failing_key() {
        assert_eq!(
            no_match(r#"{"data": {"type": ["create"]}}"#, json!({"data": {"type": "delete"}})),
            r#"`data.type` is `"delete"`, the pattern wants one of `"create"`"#
        );
        assert_eq!(
            no_match(
                r#"{"source": ["a"], "detail": {"x": [{"exists": true}]}}"#,
                json!({"source": "a"})
            ),
            "`detail.x` is missing, the pattern wants the key to be present"
        );
        assert_eq!(
            no_match(
                r#"{"detail": {"c": [{"exists": true}]}}"#,
                json!({"detail": {"c": {"d": 1}}})
            ),
            "`detail.c` is an object, not a value, the pattern wants the key to be present"
        );
        assert_eq!(
            no_match(r#"{"tags": ["x"]}"#, json!({"tags": ["a", "b"]})),
            r#"`tags` holds `"a"`, `"b"`, the pattern wants one of `"x"`"#
        );
        assert_eq!(
            no_match(
                r#"{"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}"#,
                json!({"employees": [{"firstName": "Anna", "lastName": "Smith"}, {"firstName": "Peter", "lastName": "Jones"}]})
            ),
            "the keys the pattern matches are in different elements of the `employees` array, the pattern wants them in the same element"
        );
    }

    #[test]
    fn the_closest_alternative_explains() {
        let pattern = r#"{"$or": [{"a": ["1"], "b": ["2"]}, {"c": ["3"]}]}"#;
        assert_eq!(
            no_match(pattern, json!({"a": "1", "b": "9"})),
            r#"`b` is `"9"`, the pattern wants one of `"2"`"#
        );
        assert_eq!(
            no_match(pattern, json!({"c": "9"})),
            r#"`a` is missing, the pattern wants one of `"1"`"#
        );
    }
}
