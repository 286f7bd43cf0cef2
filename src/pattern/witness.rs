//! Witnesses: a record changed as little as possible so that a mapping's
//! filter criteria pass it, for sample events that must reach the function.
//!
//! Each `$or` alternative of each filter is tried in order. A key whose
//! value already satisfies the alternative is kept; any other key gets a
//! value from the first of its operators that can produce one, or is
//! removed for `{"exists": false}`. Keys are edited in the view Lambda
//! matches for the source (an SQS body's JSON, a Kinesis record's decoded
//! `data`), which is then written back. The result is checked with
//! [`FilterCriteria::matches`] before it is returned.
//!
//! Not attempted (the check fails and the next alternative is tried): a
//! value at a path through an array or another non-object (it is replaced
//! by an object), keys the record writes with dots (`{"a.b": 1}`), keys
//! of one alternative that overlap (`a` and `a.b`), and `anything-but`
//! prefixes or suffixes that exclude every `example…` string. `wildcard`
//! and `cidr`, which Lambda refuses, produce no value.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::compile::{FieldRule, SubRule};
use super::lambda::{FilterCriteria, Form, RecordSource, form, json_document};
use super::matcher::{AnythingBut, Bound, Matcher, Range};
use super::value::{FlatEvent, Leaf};

impl FilterCriteria {
    /// `record` changed as little as possible so that the first filter that
    /// can be satisfied matches it; `None` when no filter can be satisfied
    /// this way. A record that already matches comes back unchanged.
    pub fn witness(&self, record: &Value) -> Option<Value> {
        if self.matches(record).is_match() {
            return Some(record.clone());
        }
        self.filters()
            .iter()
            .flat_map(|filter| filter.rules().iter().map(move |rule| (filter.source(), rule)))
            .filter_map(|(source, rule)| candidate(source, rule, record))
            .find(|candidate| self.matches(candidate).is_match())
    }
}

/// `record` edited to satisfy one alternative, not yet checked; `None` when
/// some key's operators produce no value.
fn candidate(source: RecordSource, rule: &SubRule, record: &Value) -> Option<Value> {
    match source {
        RecordSource::Sqs if form(rule, "body") == Form::Json => {
            let body = record
                .get("body")
                .and_then(Value::as_str)
                .and_then(json_document)
                .filter(Value::is_object);
            let mut view = record.clone();
            set(&mut view, "body", body.clone().unwrap_or_else(|| json!({})));
            satisfy(&mut view, rule, None)?;
            let doc = view["body"].take();
            let text = if Some(&doc) == body.as_ref() {
                record["body"].clone()
            } else {
                Value::String(doc.to_string())
            };
            set(&mut view, "body", text);
            Some(view)
        }
        RecordSource::Sqs => {
            let mut out = record.clone();
            satisfy(&mut out, rule, Some("body"))?;
            Some(out)
        }
        RecordSource::Kinesis => {
            let (slot, encoded) = match (record.pointer("/kinesis/data"), record.get("data")) {
                (None, Some(data)) => ("data", Some(data)),
                (kinesis, _) => ("kinesis.data", kinesis),
            };
            let payload = encoded.and_then(Value::as_str).and_then(decode);
            let mut view = json!({ "data": payload.clone().unwrap_or_else(|| json!({})) });
            satisfy(&mut view, rule, None)?;
            let doc = view["data"].take();
            let mut out = record.clone();
            if Some(&doc) != payload.as_ref() {
                set(&mut out, slot, Value::String(STANDARD.encode(doc.to_string())));
            }
            Some(out)
        }
        RecordSource::DynamoDb => {
            let mut out = record.clone();
            satisfy(&mut out, rule, None)?;
            Some(out)
        }
    }
}

/// A Kinesis payload that is a JSON object.
fn decode(encoded: &str) -> Option<Value> {
    let bytes = STANDARD.decode(encoded).ok()?;
    serde_json::from_slice::<Value>(&bytes).ok().filter(Value::is_object)
}

/// Gives every key of `rule` a value its operators accept, keeping those
/// that already have one; `None` when a key's operators produce none. At
/// the key `plain` only strings that are not JSON documents count (an SQS
/// body matched as a plain value).
fn satisfy(view: &mut Value, rule: &SubRule, plain: Option<&str>) -> Option<()> {
    for field in &rule.fields {
        let accept =
            |v: &Value| plain != Some(field.path.as_str()) || v.as_str().is_some_and(|s| json_document(s).is_none());
        if holds(view, field, accept) {
            continue;
        }
        match field.matchers.iter().find_map(|m| produce(m, accept))? {
            Edit::Set(value) => set(view, &field.path, value),
            Edit::Remove => remove(view, &field.path.split('.').collect::<Vec<_>>()),
        }
    }
    Some(())
}

/// Whether the key's current value satisfies it, as the matcher judges one
/// key: a leaf some operator accepts, or no leaf and `exists: false`.
fn holds(view: &Value, field: &FieldRule, accept: impl Fn(&Value) -> bool) -> bool {
    let flat = FlatEvent::from_json(view);
    let at = flat.at(&field.path);
    if at.is_empty() {
        return field.matchers.contains(&Matcher::Exists(false));
    }
    at.iter().any(|&i| {
        let leaf = &flat.leaves[i].value;
        accept(&to_value(leaf)) && field.matchers.iter().any(|m| m.matches(leaf))
    })
}

/// What to do at a key to satisfy one operator.
enum Edit {
    Set(Value),
    Remove,
}

/// The edit for an operator: its first candidate value that `accept` and
/// the operator itself accept, or removal for `exists: false`.
fn produce(matcher: &Matcher, accept: impl Fn(&Value) -> bool) -> Option<Edit> {
    if *matcher == Matcher::Exists(false) {
        return Some(Edit::Remove);
    }
    candidates(matcher)
        .into_iter()
        .find(|v| accept(v) && Leaf::from_value(v).is_some_and(|leaf| matcher.matches(&leaf)))
        .map(Edit::Set)
}

/// Values to try for an operator, best first.
fn candidates(matcher: &Matcher) -> Vec<Value> {
    match matcher {
        Matcher::Exact(leaf) => vec![to_value(leaf)],
        Matcher::Prefix {
            value,
            ignore_case: false,
        } => vec![format!("{value}-example").into()],
        Matcher::Prefix {
            value,
            ignore_case: true,
        }
        | Matcher::EqualsIgnoreCase(value) => vec![value.as_str().into()],
        Matcher::Suffix { value, .. } => vec![format!("example{value}").into()],
        Matcher::AnythingBut(AnythingBut::Values(values)) if values.iter().all(|v| matches!(v, Leaf::Num(_))) => {
            let max = values
                .iter()
                .filter_map(|v| match v {
                    Leaf::Num(n) => n.as_f64(),
                    _ => None,
                })
                .fold(f64::MIN, f64::max);
            vec![number(max.floor() + 1.0)]
        }
        Matcher::AnythingBut(but) => {
            let excluded = match but {
                AnythingBut::Values(v) => v.len(),
                AnythingBut::Prefixes(v) | AnythingBut::Suffixes(v) | AnythingBut::IgnoreCase(v) => v.len(),
                AnythingBut::Wildcards(v) => v.len(),
            };
            let mut strings = vec!["example".into()];
            strings.extend((1..=excluded).map(|i| format!("example-{i}").into()));
            strings
        }
        Matcher::Numeric(range) => numbers_in(range).into_iter().map(number).collect(),
        Matcher::Exists(true) => vec!["example".into()],
        Matcher::Exists(false) | Matcher::Wildcard(_) | Matcher::Cidr(_) => Vec::new(),
    }
}

/// Numbers to try in a range: the whole number after the lower bound (or
/// before the upper one), the lower bound rounded up, then the midpoint.
fn numbers_in(range: &Range) -> Vec<f64> {
    let at = |bound: Bound| match bound {
        Bound::Inclusive(x) | Bound::Exclusive(x) => Some(x),
        Bound::Unbounded => None,
    };
    match (at(range.lower), at(range.upper)) {
        (Some(lo), Some(hi)) => vec![lo.floor() + 1.0, lo.ceil(), (lo + hi) / 2.0],
        (Some(lo), None) => vec![lo.floor() + 1.0],
        (None, Some(hi)) => vec![hi.ceil() - 1.0],
        (None, None) => vec![0.0],
    }
}

/// A JSON number, written as an integer when it is one.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

fn to_value(leaf: &Leaf) -> Value {
    match leaf {
        Leaf::Str(s) => Value::String(s.clone()),
        Leaf::Num(n) => Value::Number(n.clone()),
        Leaf::Bool(b) => Value::Bool(*b),
        Leaf::Null => Value::Null,
    }
}

/// Puts `value` at the dotted path, making an object of anything on the way
/// that is not one.
fn set(view: &mut Value, path: &str, value: Value) {
    let mut here = view;
    for key in path.split('.') {
        if !here.is_object() {
            *here = Value::Object(Map::new());
        }
        let Value::Object(map) = here else {
            unreachable!("just made an object")
        };
        here = map.entry(key).or_insert(Value::Null);
    }
    *here = value;
}

/// Removes the key at the path (given as its keys), from every element of
/// the arrays on the way; the other keys keep their order.
fn remove(view: &mut Value, keys: &[&str]) {
    match (view, keys) {
        (Value::Array(items), _) => items.iter_mut().for_each(|item| remove(item, keys)),
        (Value::Object(map), [last]) => {
            map.shift_remove(*last);
        }
        (Value::Object(map), [first, rest @ ..]) => {
            if let Some(child) = map.get_mut(*first) {
                remove(child, rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::MAX_FILTERS_WITH_QUOTA;

    fn criteria(source: RecordSource, patterns: &[&str]) -> FilterCriteria {
        FilterCriteria::parse(source, patterns, MAX_FILTERS_WITH_QUOTA).unwrap()
    }

    /// The witness, which must differ from `record` (it does not match) and
    /// pass the criteria.
    fn witness(c: &FilterCriteria, record: &Value) -> Value {
        assert!(!c.matches(record).is_match(), "{record} already matches");
        let w = c.witness(record).unwrap_or_else(|| panic!("no witness for {record}"));
        assert!(c.matches(&w).is_match(), "the witness {w} does not match");
        w
    }

    fn body(record: &Value) -> Value {
        serde_json::from_str(record["body"].as_str().unwrap()).unwrap()
    }

    fn payload(record: &Value) -> Value {
        decode(record.pointer("/kinesis/data").unwrap().as_str().unwrap()).unwrap()
    }

    /// AWS's documented SQS record, with a JSON body.
    fn sqs_record() -> Value {
        json!({
            "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
            "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
            "body": "{\n \"RecordNumber\": 1234,\n \"TimeStamp\": \"yyyy-mm-ddThh:mm:ss\",\n \"RequestCode\": \"AAAA\"\n}",
            "attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1545082649183",
                "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                "ApproximateFirstReceiveTimestamp": "1545082649185"
            },
            "messageAttributes": {},
            "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
            "awsRegion": "us-east-2"
        })
    }

    fn kinesis_record(payload: &str) -> Value {
        json!({
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": "1",
                "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
                "data": STANDARD.encode(payload),
                "approximateArrivalTimestamp": 1545084650.987
            },
            "eventSource": "aws:kinesis",
            "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898"
        })
    }

    /// AWS's documented DynamoDB stream record.
    fn dynamodb_record() -> Value {
        json!({
            "eventID": "c9fbe7d0261a5163fcb6940593e41797",
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-2",
            "dynamodb": {
                "ApproximateCreationDateTime": 1664559083.0,
                "Keys": {"CustomerName": {"S": "AnyCompany Industries"}},
                "NewImage": {
                    "AccountManager": {"S": "Pat Candella"},
                    "PaymentTerms": {"S": "60 days"},
                    "CustomerName": {"S": "AnyCompany Industries"}
                },
                "SequenceNumber": "111",
                "SizeBytes": 26,
                "StreamViewType": "NEW_IMAGE"
            }
        })
    }

    /// The value the witness gives `x` in a DynamoDB record that has none,
    /// for a filter putting `operator` on it.
    fn value_for(operator: &str) -> Value {
        let c = criteria(
            RecordSource::DynamoDb,
            &[&format!(r#"{{"dynamodb": {{"x": [{operator}]}}}}"#)],
        );
        let w = witness(&c, &json!({"dynamodb": {}}));
        w["dynamodb"]["x"].clone()
    }

    #[test]
    fn sqs_json_body_keys_are_set_inside_the_body() {
        let c = criteria(RecordSource::Sqs, &[r#"{"body": {"RequestCode": ["BBBB"]}}"#]);
        let record = sqs_record();
        let w = witness(&c, &record);
        assert_eq!(
            body(&w),
            json!({"RecordNumber": 1234, "TimeStamp": "yyyy-mm-ddThh:mm:ss", "RequestCode": "BBBB"})
        );
        let mut rest = w.clone();
        rest["body"] = record["body"].clone();
        assert_eq!(rest, record, "only the body changes");

        // A body that is not JSON is replaced by an object of the keys.
        let plain = json!({"messageId": "1", "body": "hello"});
        let w = witness(&c, &plain);
        assert_eq!(body(&w), json!({"RequestCode": "BBBB"}));
        assert_eq!(w["messageId"], "1");
        let w = witness(&c, &json!({"messageId": "1"}));
        assert_eq!(body(&w), json!({"RequestCode": "BBBB"}));
    }

    #[test]
    fn sqs_plain_body_is_set_as_a_string() {
        let c = criteria(RecordSource::Sqs, &[r#"{"body": [{"prefix": "This is"}]}"#]);
        let w = witness(&c, &sqs_record());
        assert_eq!(w["body"], "This is-example");
        assert_eq!(w["md5OfBody"], sqs_record()["md5OfBody"]);

        // An SQS body is a string: a number can't be it, the next value can.
        let c = criteria(RecordSource::Sqs, &[r#"{"body": [42, "forty-two"]}"#]);
        assert_eq!(witness(&c, &json!({"body": "x"}))["body"], "forty-two");

        // A JSON body fails a plain-value pattern even when the operator
        // would take it.
        let c = criteria(RecordSource::Sqs, &[r#"{"body": [{"anything-but": "x"}]}"#]);
        assert_eq!(witness(&c, &sqs_record())["body"], "example");
    }

    #[test]
    fn sqs_record_keys_are_set_on_the_record() {
        let c = criteria(
            RecordSource::Sqs,
            &[
                r#"{"attributes": {"MessageGroupId": ["g1"]}, "messageAttributes": {"kind": {"stringValue": ["order"]}}}"#,
            ],
        );
        let record = sqs_record();
        let w = witness(&c, &record);
        assert_eq!(w["attributes"]["MessageGroupId"], "g1");
        assert_eq!(w["attributes"]["SenderId"], "AIDAIENQZJOLO23YVJ4VO");
        assert_eq!(w["messageAttributes"], json!({"kind": {"stringValue": "order"}}));
        assert_eq!(w["body"], record["body"], "the body text is untouched");

        // Record keys next to body keys: the body is re-serialised only when
        // one of its keys changes.
        let c = criteria(
            RecordSource::Sqs,
            &[r#"{"body": {"RequestCode": ["AAAA"]}, "attributes": {"MessageGroupId": ["g1"]}}"#],
        );
        let w = witness(&c, &record);
        assert_eq!(w["body"], record["body"]);
        assert_eq!(w["attributes"]["MessageGroupId"], "g1");
    }

    #[test]
    fn kinesis_data_is_decoded_edited_and_encoded() {
        let c = criteria(RecordSource::Kinesis, &[r#"{"data": {"order": {"type": ["buy"]}}}"#]);
        let record =
            kinesis_record(r#"{"record": 12345, "order": {"type": "sell", "stock": "ANYCO", "quantity": 1000}}"#);
        let w = witness(&c, &record);
        assert_eq!(
            payload(&w),
            json!({"record": 12345, "order": {"type": "buy", "stock": "ANYCO", "quantity": 1000}})
        );
        let mut rest = w.clone();
        rest["kinesis"]["data"] = record["kinesis"]["data"].clone();
        assert_eq!(rest, record, "only the data changes");

        // Data that is not JSON is replaced by an object of the keys.
        let w = witness(&c, &kinesis_record("plain text"));
        assert_eq!(payload(&w), json!({"order": {"type": "buy"}}));

        // A record with `data` at the top level keeps it there.
        let top = json!({"partitionKey": "1", "data": STANDARD.encode(r#"{"order": {}}"#)});
        let w = witness(&c, &top);
        assert_eq!(w.get("kinesis"), None);
        assert_eq!(
            decode(w["data"].as_str().unwrap()).unwrap(),
            json!({"order": {"type": "buy"}})
        );
        assert_eq!(w["partitionKey"], "1");
    }

    #[test]
    fn dynamodb_keys_are_set_on_the_record() {
        let c = criteria(
            RecordSource::DynamoDb,
            &[r#"{"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"status": {"S": ["done"]}}}}"#],
        );
        let record = dynamodb_record();
        let w = witness(&c, &record);
        assert_eq!(w["eventName"], "MODIFY");
        let mut expected = record.clone();
        expected["eventName"] = json!("MODIFY");
        expected["dynamodb"]["NewImage"]["status"] = json!({"S": "done"});
        assert_eq!(w, expected);

        // Intermediate objects are created.
        let w = witness(&c, &json!({"eventID": "1"}));
        assert_eq!(
            w,
            json!({"eventID": "1", "eventName": "MODIFY", "dynamodb": {"NewImage": {"status": {"S": "done"}}}})
        );
    }

    #[test]
    fn each_operator_produces_a_value_it_accepts() {
        assert_eq!(value_for(r#""INSERT""#), "INSERT");
        assert_eq!(value_for("42"), 42);
        assert_eq!(value_for("2.5"), 2.5);
        assert_eq!(value_for("true"), true);
        assert_eq!(value_for("null"), Value::Null);
        assert_eq!(value_for(r#""""#), "");
        assert_eq!(value_for(r#""a", "b""#), "a", "the first value");
        assert_eq!(value_for(r#"{"prefix": "us-"}"#), "us--example");
        assert_eq!(value_for(r#"{"prefix": {"equals-ignore-case": "US-"}}"#), "US-");
        assert_eq!(value_for(r#"{"suffix": ".png"}"#), "example.png");
        assert_eq!(
            value_for(r#"{"suffix": {"equals-ignore-case": ".PNG"}}"#),
            "example.PNG"
        );
        assert_eq!(value_for(r#"{"equals-ignore-case": "Alice"}"#), "Alice");
        assert_eq!(value_for(r#"{"anything-but": "x"}"#), "example");
        assert_eq!(
            value_for(r#"{"anything-but": ["example", "example-1", "z"]}"#),
            "example-2"
        );
        assert_eq!(value_for(r#"{"anything-but": [100, 200.5, -3]}"#), 201);
        assert_eq!(value_for(r#"{"anything-but": 7}"#), 8);
        assert_eq!(value_for(r#"{"exists": true}"#), "example");
        assert_eq!(
            value_for(r#"{"exists": true}, {"prefix": "p"}"#),
            "example",
            "the first operator that produces a value"
        );
    }

    #[test]
    fn numeric_ranges_give_a_number_inside() {
        let cases = [
            (r#"[">", 0]"#, json!(1)),
            (r#"[">=", 10]"#, json!(11)),
            (r#"[">", -2.5]"#, json!(-2)),
            (r#"["<", 5]"#, json!(4)),
            (r#"["<=", 0]"#, json!(-1)),
            (r#"["<", 0.5]"#, json!(0)),
            (r#"[">", 0, "<=", 5]"#, json!(1)),
            (r#"[">=", 1, "<", 2]"#, json!(1)),
            (r#"[">", 1, "<=", 2]"#, json!(2)),
            (r#"[">", 1, "<", 2]"#, json!(1.5)),
            (r#"[">=", 0.25, "<=", 0.75]"#, json!(0.5)),
            (r#"["=", 100]"#, json!(100)),
            (r#"["=", 2.5]"#, json!(2.5)),
        ];
        for (range, expected) in cases {
            assert_eq!(value_for(&format!(r#"{{"numeric": {range}}}"#)), expected, "{range}");
        }
    }

    #[test]
    fn exists_false_removes_the_key() {
        let c = criteria(
            RecordSource::DynamoDb,
            &[r#"{"dynamodb": {"NewImage": {"PaymentTerms": {"S": [{"exists": false}]}}}}"#],
        );
        let record = dynamodb_record();
        let w = witness(&c, &record);
        let mut expected = record.clone();
        expected["dynamodb"]["NewImage"]["PaymentTerms"] = json!({});
        assert_eq!(w, expected);

        // `exists` looks at leaves: an object at the key already passes.
        let c = criteria(
            RecordSource::DynamoDb,
            &[r#"{"dynamodb": {"NewImage": {"PaymentTerms": [{"exists": false}]}}}"#],
        );
        assert_eq!(c.witness(&record), Some(record));

        // Inside an SQS body, the other keys keeping their order.
        let c = criteria(RecordSource::Sqs, &[r#"{"body": {"TimeStamp": [{"exists": false}]}}"#]);
        let w = witness(&c, &sqs_record());
        assert_eq!(w["body"], r#"{"RecordNumber":1234,"RequestCode":"AAAA"}"#);
    }

    #[test]
    fn values_that_already_satisfy_a_key_are_kept() {
        let c = criteria(
            RecordSource::Sqs,
            &[
                r#"{"body": {"RecordNumber": [{"numeric": [">", 1000]}], "RequestCode": [{"prefix": "B"}], "TimeStamp": [{"exists": true}]}}"#,
            ],
        );
        let w = witness(&c, &sqs_record());
        assert_eq!(
            body(&w),
            json!({"RecordNumber": 1234, "TimeStamp": "yyyy-mm-ddThh:mm:ss", "RequestCode": "B-example"})
        );

        // `exists: true` keeps a leaf but not an object.
        let c = criteria(
            RecordSource::DynamoDb,
            &[
                r#"{"eventName": ["REMOVE"], "dynamodb": {"Keys": [{"exists": true}], "SequenceNumber": [{"exists": true}]}}"#,
            ],
        );
        let w = witness(&c, &dynamodb_record());
        assert_eq!(w["dynamodb"]["SequenceNumber"], "111");
        assert_eq!(w["dynamodb"]["Keys"], "example");
    }

    #[test]
    fn or_alternatives_are_tried_in_order() {
        let c = criteria(
            RecordSource::DynamoDb,
            &[r#"{"dynamodb": {"$or": [{"a": [{"numeric": [">", 10]}]}, {"b": ["x"]}]}}"#],
        );
        assert_eq!(witness(&c, &json!({"dynamodb": {}})), json!({"dynamodb": {"a": 11}}));

        // The first alternative can't be satisfied (an SQS body is a string).
        let c = criteria(
            RecordSource::Sqs,
            &[r#"{"$or": [{"body": [{"numeric": [">", 1]}]}, {"body": {"RequestCode": ["CCCC"]}}]}"#],
        );
        let w = witness(&c, &sqs_record());
        assert_eq!(body(&w)["RequestCode"], "CCCC");
        assert_eq!(body(&w)["RecordNumber"], 1234);
    }

    #[test]
    fn the_first_satisfiable_filter_is_used() {
        let c = criteria(
            RecordSource::Sqs,
            &[
                r#"{"body": [{"numeric": [">", 10]}]}"#,
                r#"{"body": {"RequestCode": ["BBBB"]}}"#,
                r#"{"body": {"RecordNumber": [1]}}"#,
            ],
        );
        let w = witness(&c, &sqs_record());
        assert_eq!(body(&w)["RequestCode"], "BBBB");
        assert_eq!(body(&w)["RecordNumber"], 1234);
        assert!(c.filters()[1].matches(&w).is_match());
        assert!(!c.filters()[2].matches(&w).is_match());
    }

    #[test]
    fn a_matching_record_is_returned_unchanged() {
        let record = sqs_record();
        let c = criteria(
            RecordSource::Sqs,
            &[
                r#"{"body": {"RequestCode": ["BBBB"]}}"#,
                r#"{"body": {"RequestCode": ["AAAA"]}}"#,
            ],
        );
        assert_eq!(c.witness(&record), Some(record.clone()));
        let none = criteria(RecordSource::Sqs, &[]);
        assert_eq!(none.witness(&record), Some(record));
        let record = kinesis_record(r#"{"order": {"type": "buy"}}"#);
        let c = criteria(RecordSource::Kinesis, &[r#"{"data": {"order": {"type": ["buy"]}}}"#]);
        assert_eq!(c.witness(&record), Some(record));
    }

    #[test]
    fn unsatisfiable_filters_give_none() {
        // The parser refuses an empty range outright.
        assert!(
            FilterCriteria::parse(
                RecordSource::Sqs,
                &[r#"{"body": {"n": [{"numeric": [">", 10, "<", 5]}]}}"#],
                5
            )
            .is_err()
        );
        // An SQS body is a string: never a number, nor `null`.
        let c = criteria(
            RecordSource::Sqs,
            &[r#"{"body": [{"numeric": [">", 10]}]}"#, r#"{"body": [null, 3]}"#],
        );
        assert_eq!(c.witness(&sqs_record()), None);
        assert_eq!(c.witness(&json!({"body": "12"})), None);
        // `a` must be a value and an object at once: the candidate fails the
        // check and is not returned.
        let c = criteria(RecordSource::DynamoDb, &[r#"{"dynamodb": {"a": ["x"], "a.b": ["y"]}}"#]);
        assert_eq!(c.witness(&dynamodb_record()), None);
    }
}
