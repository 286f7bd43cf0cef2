//! The pattern engine and schedule expressions through the library API,
//! on AWS's documented examples: for every operator the documented pattern
//! with an event that matches and one that does not; every class of
//! validation error with its message; every limit at the edge and one past.

use cargo_trigger::pattern::{
    DEFAULT_MAX_FILTERS, EVENT_PATTERN_MAX_LENGTH, EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA, EventPattern,
    FILTER_PATTERN_MAX_LENGTH, FILTER_POLICY_MAX_BYTES, FilterCriteria, FilterPattern, FilterPolicy, FilterPolicyScope,
    MAX_FILTERS_WITH_QUOTA, PatternError, RecordSource, Verdict,
};
use serde_json::{Value, json};

fn pattern(text: &str) -> EventPattern {
    EventPattern::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn rejected(text: &str) -> PatternError {
    match EventPattern::parse(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e,
    }
}

#[track_caller]
fn matches(p: &EventPattern, event: Value) {
    if let Verdict::NoMatch(m) = p.matches(&event) {
        panic!("{event} did not match: {m}");
    }
}

#[track_caller]
fn no_match(p: &EventPattern, event: Value) -> String {
    match p.matches(&event) {
        Verdict::Match => panic!("{event} matched"),
        Verdict::NoMatch(m) => m.to_string(),
    }
}

/// The EC2 state-change event of EventBridge's "Event patterns" page.
fn ec2_event(state: &str) -> Value {
    json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "account": "111122223333",
        "time": "2017-12-22T18:43:48Z",
        "region": "us-west-1",
        "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
        "detail": {"instance-id": "i-1234567890abcdef0", "state": state}
    })
}

mod eventbridge {
    use super::*;

    #[test]
    fn exact_values_and_the_documented_ec2_example() {
        let p = pattern(
            r#"{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["terminated"]}}"#,
        );
        matches(&p, ec2_event("terminated"));
        assert_eq!(
            no_match(&p, ec2_event("running")),
            r#"`detail.state` is `"running"`, the pattern wants one of `"terminated"`"#
        );
        // Arrays of values are ORs: aws.ec2 or aws.fargate.
        let either = pattern(r#"{"source": ["aws.ec2", "aws.fargate"]}"#);
        matches(&either, ec2_event("x"));
        no_match(&either, json!({"source": "aws.s3"}));
    }

    #[test]
    fn nested_values_macie_example() {
        let p = pattern(
            r#"{"source": ["aws.macie"], "detail-type": ["Macie Finding"], "detail": {"severity": {"score": [1]}, "count": [2]}}"#,
        );
        let finding = |score: i64| {
            json!({"source": "aws.macie", "detail-type": "Macie Finding",
                   "detail": {"severity": {"score": score, "description": "Low"}, "count": 2}})
        };
        matches(&p, finding(1));
        assert_eq!(
            no_match(&p, finding(3)),
            "`detail.severity.score` is `3`, the pattern wants one of `1`"
        );
    }

    #[test]
    fn null_and_empty_string_are_different() {
        let event = json!({"source": "aws.autoscaling", "resources": [],
                           "detail": {"eventVersion": "", "responseElements": null}});
        matches(&pattern(r#"{"detail": {"eventVersion": [""]}}"#), event.clone());
        matches(&pattern(r#"{"detail": {"responseElements": [null]}}"#), event.clone());
        no_match(&pattern(r#"{"detail": {"responseElements": [""]}}"#), event.clone());
        no_match(&pattern(r#"{"detail": {"eventVersion": [null]}}"#), event.clone());
        // An empty array in the event holds no value at all.
        no_match(&pattern(r#"{"resources": [null]}"#), event);
    }

    #[test]
    fn arrays_in_the_event_match_if_any_element_does() {
        let p = pattern(
            r#"{"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
                              "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
                              "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}"#,
        );
        matches(
            &p,
            json!({"resources": [
                "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
                "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}),
        );
        no_match(
            &p,
            json!({"resources": ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"]}),
        );
    }

    #[test]
    fn keys_inside_an_array_of_objects_must_share_an_element() {
        // Event Ruler's documented example.
        let employees = json!({"employees": [
            {"firstName": "John", "lastName": "Doe"},
            {"firstName": "Anna", "lastName": "Smith"},
            {"firstName": "Peter", "lastName": "Jones"}]});
        matches(&pattern(r#"{"employees": {"firstName": ["Anna"]}}"#), employees.clone());
        matches(
            &pattern(r#"{"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}"#),
            employees.clone(),
        );
        assert_eq!(
            no_match(
                &pattern(r#"{"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}"#),
                employees
            ),
            "the keys the pattern matches are in different elements of the `employees` array, the pattern wants them in the same element"
        );
    }

    #[test]
    fn prefix() {
        let p = pattern(r#"{"time": [{"prefix": "2017-10-02"}]}"#);
        matches(&p, json!({"time": "2017-10-02T18:43:48Z"}));
        assert_eq!(
            no_match(&p, json!({"time": "2017-10-03T18:43:48Z"})),
            r#"`time` is `"2017-10-03T18:43:48Z"`, the pattern wants a string starting with `"2017-10-02"`"#
        );
        // Prefix matching only works on strings.
        no_match(&pattern(r#"{"n": [{"prefix": "12"}]}"#), json!({"n": 123}));
    }

    #[test]
    fn prefix_ignoring_case() {
        let p = pattern(r#"{"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}}"#);
        matches(&p, json!({"detail": {"service": "eventbridge"}}));
        matches(&p, json!({"detail": {"service": "EVENTBRIDGE"}}));
        no_match(&p, json!({"detail": {"service": "lambda"}}));
    }

    #[test]
    fn suffix_and_suffix_ignoring_case() {
        let p = pattern(r#"{"FileName": [{"suffix": ".png"}]}"#);
        matches(&p, json!({"FileName": "image.png"}));
        no_match(&p, json!({"FileName": "image.PNG"}));
        let p = pattern(r#"{"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}"#);
        matches(&p, json!({"detail": {"FileName": "image.PNG"}}));
        no_match(&p, json!({"detail": {"FileName": "image.jpg"}}));
    }

    #[test]
    fn anything_but() {
        let state = |s: Value| json!({"detail": {"state": s}});
        let p = pattern(r#"{"detail": {"state": [{"anything-but": "initializing"}]}}"#);
        matches(&p, state(json!("pending")));
        assert_eq!(
            no_match(&p, state(json!("initializing"))),
            r#"`detail.state` is `"initializing"`, the pattern wants anything but `"initializing"`"#
        );
        // It needs the key: a missing key does not match, a null value does.
        no_match(&p, json!({"detail": {}}));
        matches(&p, state(Value::Null));

        let p = pattern(r#"{"detail": {"x-limit": [{"anything-but": 123}]}}"#);
        matches(&p, json!({"detail": {"x-limit": 789}}));
        no_match(&p, json!({"detail": {"x-limit": 123}}));

        let p = pattern(r#"{"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}"#);
        matches(&p, state(json!("pending")));
        no_match(&p, state(json!("stopped")));

        let p = pattern(r#"{"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}}"#);
        matches(&p, json!({"detail": {"x-limit": 999}}));
        no_match(&p, json!({"detail": {"x-limit": 100}}));
    }

    #[test]
    fn anything_but_prefix_suffix_ignore_case_and_wildcard() {
        let state = |s: &str| json!({"detail": {"state": s}});
        let p = pattern(r#"{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}"#);
        matches(&p, state("post-init"));
        no_match(&p, state("initializing"));
        let p = pattern(r#"{"detail": {"state": [{"anything-but": {"prefix": ["init", "error"]}}]}}"#);
        no_match(&p, state("error-42"));

        let p = pattern(r#"{"FileName": [{"anything-but": {"suffix": ".png"}}]}"#);
        matches(&p, json!({"FileName": "notes.txt"}));
        no_match(&p, json!({"FileName": "image.png"}));

        let p = pattern(r#"{"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]}"#);
        matches(&p, json!({"state": "pending"}));
        no_match(&p, json!({"state": "INITIALIZING"}));

        let p = pattern(r#"{"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}"#);
        matches(&p, json!({"FilePath": "/usr/bin/tool"}));
        no_match(&p, json!({"FilePath": "/usr/lib/libc.so"}));
    }

    #[test]
    fn numeric() {
        let p = pattern(
            r#"{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}],
                           "d-count": [{"numeric": ["<", 10]}],
                           "x-limit": [{"numeric": ["=", 3.018e2]}]}}"#,
        );
        let event = |c: f64| json!({"detail": {"c-count": c, "d-count": 9, "x-limit": 301.8}});
        matches(&p, event(5.0));
        assert_eq!(
            no_match(&p, event(42.0)),
            "`detail.c-count` is `42.0`, the pattern wants a number > 0 and <= 5"
        );
        no_match(&p, event(0.0));
        // Numeric matching only works on JSON numbers.
        no_match(&pattern(r#"{"n": [{"numeric": [">", 100]}]}"#), json!({"n": "300"}));
        // Numbers compare by value, as EventBridge's TestEventPattern answers.
        matches(&pattern(r#"{"number": [300]}"#), json!({"number": 300.0}));
    }

    #[test]
    fn ip_addresses() {
        let p = pattern(r#"{"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}}"#);
        matches(&p, json!({"detail": {"sourceIPAddress": "10.0.0.255"}}));
        assert_eq!(
            no_match(&p, json!({"detail": {"sourceIPAddress": "10.0.1.0"}})),
            r#"`detail.sourceIPAddress` is `"10.0.1.0"`, the pattern wants an IP address in `10.0.0.0/24`"#
        );
        let v6 = pattern(r#"{"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}"#);
        matches(&v6, json!({"ip": "2001:0db8:1234:1a00:0000:0000:0000:0000"}));
        no_match(&v6, json!({"ip": "2001:0db8:123f:1a01:0000:0000:0000:0000"}));
    }

    #[test]
    fn exists_works_on_leaves() {
        let p = pattern(r#"{"detail": {"state": [{"exists": true}]}}"#);
        matches(&p, ec2_event("pending"));
        assert_eq!(
            no_match(&p, json!({"detail": {"c-count": {"c1": 100}}})),
            "`detail.state` is missing, the pattern wants the key to be present"
        );
        // Not on intermediate nodes: an object does not "exist".
        no_match(
            &pattern(r#"{"detail": {"c-count": [{"exists": true}]}}"#),
            json!({"detail": {"c-count": {"c1": 100}}}),
        );
        let absent = pattern(r#"{"detail": {"c-count": [{"exists": false}]}}"#);
        matches(&absent, json!({"detail": {"state": "x"}}));
        matches(&absent, json!({"detail": {"c-count": {"c1": 100}}}));
        assert_eq!(
            no_match(&absent, json!({"detail": {"c-count": 5}})),
            "`detail.c-count` is `5`, the pattern wants the key to be absent"
        );
    }

    #[test]
    fn equals_ignore_case() {
        let p = pattern(r#"{"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}"#);
        matches(&p, ec2_event("x"));
        no_match(&p, json!({"detail-type": "EC2 Instance Launch Successful"}));
    }

    #[test]
    fn wildcard() {
        let p = pattern(r#"{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]}"#);
        matches(
            &p,
            json!({"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus"}),
        );
        no_match(
            &p,
            json!({"EventBusArn": "arn:aws:events:us-west-2:123456789012:event-bus/myEventBus"}),
        );
        let png = pattern(r#"{"FilePath": [{"wildcard": "dir/*.png"}]}"#);
        matches(&png, json!({"FilePath": "dir/folder/file.png"}));
        no_match(&png, json!({"FilePath": "dir/folder/file.jpg"}));
        // `\*` is a literal star.
        let star = pattern(r#"{"x": [{"wildcard": "a\\*b"}]}"#);
        matches(&star, json!({"x": "a*b"}));
        no_match(&star, json!({"x": "aXb"}));
    }

    #[test]
    fn complex_example_and_duplicate_keys() {
        let p = pattern(
            r#"{"time": [{"prefix": "2017-10-02"}],
                "detail": {"state": [{"anything-but": "initializing"}],
                           "c-count": [{"numeric": [">", 0, "<=", 5]}],
                           "d-count": [{"numeric": ["<", 10]}],
                           "x-limit": [{"anything-but": [100, 200, 300]}]}}"#,
        );
        let event = |x: i64| {
            json!({"time": "2017-10-02T18:43:48Z",
                   "detail": {"state": "running", "c-count": 3, "d-count": 9, "x-limit": x}})
        };
        matches(&p, event(999));
        no_match(&p, event(300));
        // A key given twice: the last one counts.
        let twice =
            pattern(r#"{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}"#);
        matches(&twice, json!({"detail": {"location": "eu-west"}}));
        no_match(&twice, json!({"detail": {"location": "us-east"}}));
    }

    #[test]
    fn or_across_fields() {
        let p = pattern(
            r#"{"detail": {"$or": [{"c-count": [{"numeric": [">", 0, "<=", 5]}]},
                                   {"d-count": [{"numeric": ["<", 10]}]},
                                   {"x-limit": [{"numeric": ["=", 3.018e2]}]}]}}"#,
        );
        assert_eq!(p.combinations(), 3);
        matches(&p, json!({"detail": {"c-count": 0, "d-count": 0, "x-limit": 901.8}}));
        no_match(&p, json!({"detail": {"c-count": 0, "d-count": 10, "x-limit": 901.8}}));
        // Event Ruler's "Or has an And inside".
        let p = pattern(
            r#"{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]},
                {"metricType": ["MetricType"], "namespace": ["AWS/EC2", "AWS/ES"]}, {"scope": ["Service"]}]}"#,
        );
        matches(
            &p,
            json!({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/ES"}),
        );
        assert_eq!(
            no_match(
                &p,
                json!({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/S3"})
            ),
            r#"`namespace` is `"AWS/S3"`, the pattern wants one of `"AWS/EC2"`, `"AWS/ES"`"#
        );
    }

    #[test]
    fn nested_and_dotted_keys_are_the_same() {
        // AWS's matcher joins key paths with dots.
        matches(
            &pattern(r#"{"detail": {"state.status": ["running"]}}"#),
            json!({"detail": {"state": {"status": "running"}}}),
        );
        matches(
            &pattern(r#"{"detail": {"state": {"status": ["running"]}}}"#),
            json!({"detail": {"state.status": "running"}}),
        );
        // A JSON string is not parsed.
        no_match(
            &pattern(r#"{"detail": {"my-key": ["my-value"]}}"#),
            json!({"detail": "{\"my-key\": \"my-value\"}"}),
        );
    }

    /// Each class of error EventBridge answers `InvalidEventPatternException`
    /// for, with where and what.
    #[test]
    fn validation_errors() {
        let cases: &[(&str, &str, &str)] = &[
            (
                r#"{"not": closed"#,
                "",
                "not valid JSON: expected value at line 1 column 9",
            ),
            (r#"["not", "a", "dict"]"#, "", "it must be a JSON object, not an array"),
            (r#"{}"#, "", "empty objects are not allowed"),
            (r#"{"detail": {}}"#, "detail", "empty objects are not allowed"),
            (
                r#"{"int": 42}"#,
                "int",
                "`int` must be an array of values to match or an object of keys, not a number (`42`)",
            ),
            (
                r#"{"resources": []}"#,
                "resources",
                "empty arrays are not allowed: an empty array matches nothing",
            ),
            (
                r#"{"key": [["value"]]}"#,
                "key[0]",
                "a value to match must be a string, a number, `true`, `false`, `null` or an operator object, not an array",
            ),
            (r#"{"key": [{}]}"#, "key[0]", "an operator object needs an operator"),
            (
                r#"{"key": [{"suffix": "a", "prefix": "b"}]}"#,
                "key[0]",
                "an operator object holds exactly one operator, this one has `suffix`, `prefix`",
            ),
            (
                r#"{"detail": {"equal": [{"NUMERIC": ["=", 5]}]}}"#,
                "detail.equal[0].NUMERIC",
                "unknown operator `NUMERIC`",
            ),
            (
                r#"{"k": [{"exactly": "x"}]}"#,
                "k[0].exactly",
                "`exactly` is not a documented operator",
            ),
            (
                r#"{"time": [{"prefix": 123}]}"#,
                "time[0].prefix",
                "`prefix` takes a string, not a number (`123`)",
            ),
            (
                r#"{"k": [{"prefix": {"exists": true}}]}"#,
                "k[0].prefix.exists",
                "`prefix` can only be combined with `equals-ignore-case`, not `exists`",
            ),
            (
                r#"{"FileName": [{"suffix": [".png"]}]}"#,
                "FileName[0].suffix",
                "`suffix` takes a string, not an array",
            ),
            (
                r#"{"k": [{"equals-ignore-case": ["x"]}]}"#,
                "k[0].equals-ignore-case",
                "`equals-ignore-case` takes a string, not an array",
            ),
            (
                r#"{"k": [{"wildcard": 123}]}"#,
                "k[0].wildcard",
                "`wildcard` takes a string, not a number (`123`)",
            ),
            (
                r#"{"k": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}"#,
                "k[0].wildcard",
                "`arn:aws:events:us-east-1:**:event-bus/*` has two `*` in a row at character 25",
            ),
            (
                r#"{"k": [{"wildcard": "a\\b"}]}"#,
                "k[0].wildcard",
                "`a\\b` has a `\\` at character 1 that escapes neither `*` nor `\\`",
            ),
            (
                r#"{"k": [{"anything-but": null}]}"#,
                "k[0].anything-but",
                "`anything-but` takes a string, a number, a list of them or an object, not `null`",
            ),
            (
                r#"{"k": [{"anything-but": []}]}"#,
                "k[0].anything-but",
                "`anything-but` needs at least one value",
            ),
            (
                r#"{"k": [{"anything-but": ["stopped", null]}]}"#,
                "k[0].anything-but[1]",
                "an `anything-but` list holds strings or numbers, not `null`",
            ),
            (
                r#"{"k": [{"anything-but": ["a", 1]}]}"#,
                "k[0].anything-but[1]",
                "an `anything-but` list must be all strings or all numbers, this one mixes them",
            ),
            (
                r#"{"k": [{"anything-but": {"exists": false}}]}"#,
                "k[0].anything-but.exists",
                "`exists` can't be used inside `anything-but`",
            ),
            (
                r#"{"k": [{"anything-but": {"prefix": ""}}]}"#,
                "k[0].anything-but.prefix",
                "an empty `prefix` inside `anything-but` is not allowed",
            ),
            (
                r#"{"k": [{"anything-but": {"suffix": [123, ".txt"]}}]}"#,
                "k[0].anything-but.suffix[0]",
                "`suffix` takes a string, not a number (`123`)",
            ),
            (
                r#"{"k": [{"anything-but": {"prefix": {"equals-ignore-case": "file"}}}]}"#,
                "k[0].anything-but.prefix",
                "`prefix` inside `anything-but` takes a string or a list of strings, not an object",
            ),
            (
                r#"{"k": [{"numeric": 10}]}"#,
                "k[0].numeric",
                "`numeric` takes an array of comparisons, not a number (`10`)",
            ),
            (
                r#"{"k": [{"numeric": []}]}"#,
                "k[0].numeric",
                "`numeric` needs a comparison and a number",
            ),
            (
                r#"{"k": [{"numeric": [1, "<="]}]}"#,
                "k[0].numeric[0]",
                "expected a comparison (`=`, `<`, `<=`, `>`, `>=`), found `1`",
            ),
            (
                r#"{"k": [{"numeric": ["operator"]}]}"#,
                "k[0].numeric[0]",
                "unknown comparison `operator`",
            ),
            (
                r#"{"k": [{"numeric": ["=", "000"]}]}"#,
                "k[0].numeric[1]",
                "`=` must be followed by a number, not `\"000\"`",
            ),
            (
                r#"{"k": [{"numeric": [">="]}]}"#,
                "k[0].numeric",
                "`>=` must be followed by a number",
            ),
            (
                r#"{"k": [{"numeric": ["=", 5, "<", 6]}]}"#,
                "k[0].numeric[2]",
                "`=` takes exactly one number; remove what follows it",
            ),
            (
                r#"{"k": [{"numeric": ["<", 100, ">", 10]}]}"#,
                "k[0].numeric[2]",
                "an upper bound (`<`, `<=`) ends the comparison; a range starts with the lower bound",
            ),
            (
                r#"{"detail": {"size": [{"numeric": [">", 0, ">", 5]}]}}"#,
                "detail.size[0].numeric[2]",
                "a range is a lower bound then an upper bound: expected `<` or `<=`, found `>`",
            ),
            (
                r#"{"k": [{"numeric": [">", 20, 30]}]}"#,
                "k[0].numeric[2]",
                "expected `<` or `<=` after the lower bound, found `30`",
            ),
            (
                r#"{"k": [{"numeric": [">", 20, "<="]}]}"#,
                "k[0].numeric",
                "`<=` must be followed by a number",
            ),
            (
                r#"{"k": [{"numeric": [">", 3, "<", 1]}]}"#,
                "k[0].numeric[3]",
                "the upper bound 1 must be greater than the lower bound 3",
            ),
            (
                r#"{"k": [{"numeric": [">=", 5, "<=", 5]}]}"#,
                "k[0].numeric[3]",
                "the upper bound 5 must be greater than the lower bound 5",
            ),
            (
                r#"{"k": [{"numeric": [">", 20, "<", 30, "<", 50]}]}"#,
                "k[0].numeric[4]",
                "a range has at most four elements: a lower and an upper bound",
            ),
            (
                r#"{"k": [{"exists": "no"}]}"#,
                "k[0].exists",
                "`exists` takes `true` or `false`, not a string (`\"no\"`)",
            ),
            (
                r#"{"k": [{"cidr": ["bad-type"]}]}"#,
                "k[0].cidr",
                "`cidr` takes a string, not an array",
            ),
            (
                r#"{"k": [{"cidr": "bad-filter"}]}"#,
                "k[0].cidr",
                "`bad-filter` is not a CIDR block: it needs exactly one `/`",
            ),
            (
                r#"{"k": [{"cidr": "bad-/64filter"}]}"#,
                "k[0].cidr",
                "the mask of `bad-/64filter` must be a whole number of bits",
            ),
            (
                r#"{"k": [{"cidr": "xx.11.xx/8"}]}"#,
                "k[0].cidr",
                "`xx.11.xx` is not an IPv4 or IPv6 address",
            ),
            (
                r#"{"k": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}"#,
                "k[0].cidr",
                "`xxxx:db8:1234:1a00::` is not an IPv4 or IPv6 address",
            ),
            (
                r#"{"k": [{"cidr": "10.0.0.1/32"}]}"#,
                "k[0].cidr",
                "an IPv4 mask must be at most 31 bits, not 32",
            ),
            (
                r#"{"$or": {"a": [1]}}"#,
                "$or",
                "`$or` takes an array of objects, not an object",
            ),
            (
                r#"{"$or": [{"a": [1]}]}"#,
                "$or",
                "`$or` needs at least two objects, found 1",
            ),
            (
                r#"{"$or": [{"a": [1]}, "b"]}"#,
                "$or[1]",
                "each `$or` alternative must be an object, not a string (`\"b\"`)",
            ),
            (
                r#"{"$or": [{"numeric": [123]}, {"prefix": ["abc"]}]}"#,
                "$or[0].numeric",
                "`numeric` is an operator name and can't be a key inside `$or`",
            ),
        ];
        for (text, path, message) in cases {
            let e = rejected(text);
            assert_eq!((e.path.as_str(), e.message.as_str()), (*path, *message), "{text}");
            assert!(!e.help.is_empty(), "{text} has no help");
        }
        let e = rejected(r#"{"detail": {"size": [{"numeric": [">", 0, ">", 5]}]}}"#);
        assert_eq!(
            e.to_string(),
            "invalid event pattern at `detail.size[0].numeric[2]`: a range is a lower bound then an upper bound: expected `<` or `<=`, found `>`"
        );
        assert_eq!(e.help, "write e.g. `[\">=\", 1, \"<\", 2]`");
        assert_eq!(
            rejected(r#"{"equal": [{"NUMERIC": ["=", 5]}]}"#).help,
            "operators are lowercase: write `numeric`"
        );
    }

    #[test]
    fn pattern_length_limit() {
        let of_length = |n: usize| format!(r#"{{"k": ["{}"]}}"#, "x".repeat(n - r#"{"k": [""]}"#.len()));
        assert_eq!(
            of_length(EVENT_PATTERN_MAX_LENGTH).chars().count(),
            EVENT_PATTERN_MAX_LENGTH
        );
        pattern(&of_length(EVENT_PATTERN_MAX_LENGTH));
        let e = rejected(&of_length(EVENT_PATTERN_MAX_LENGTH + 1));
        assert_eq!(e.message, "the pattern is 2049 characters; EventBridge allows 2048");
        EventPattern::parse_with_max_length(
            &of_length(EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA),
            EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA,
        )
        .unwrap();
        assert!(
            EventPattern::parse_with_max_length(
                &of_length(EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA + 1),
                EVENT_PATTERN_MAX_LENGTH_WITH_QUOTA
            )
            .is_err()
        );
    }

    #[test]
    fn or_combination_limit() {
        let or = |n: usize| {
            let branches: Vec<String> = (0..n).map(|i| format!(r#"{{"k{i}": [1]}}"#)).collect();
            format!(r#"{{"$or": [{}]}}"#, branches.join(","))
        };
        let three = |a: usize, b: usize, c: usize| format!(r#"{{"a": {}, "b": {}, "c": {}}}"#, or(a), or(b), or(c));
        let at_limit = EventPattern::parse_with_max_length(&three(10, 10, 10), 4096).unwrap();
        assert_eq!(at_limit.combinations(), 1000);
        let e = EventPattern::parse_with_max_length(&three(7, 11, 13), 4096).unwrap_err();
        assert_eq!(
            e.message,
            "the `$or` arrays expand to 1001 rule combinations; EventBridge allows 1000"
        );
    }

    #[test]
    fn numeric_bounds_limits() {
        pattern(r#"{"k": [{"numeric": [">=", -5.0e9, "<=", 5.0e9]}]}"#);
        pattern(r#"{"k": [{"numeric": ["=", 0.123456]}]}"#);
        assert_eq!(
            rejected(r#"{"k": [{"numeric": ["<", 5000000001]}]}"#).message,
            "5000000001 is outside the range EventBridge compares: -5.0e9 to 5.0e9"
        );
        assert_eq!(
            rejected(r#"{"k": [{"numeric": ["=", 0.1234567]}]}"#).message,
            "0.1234567 has 7 digits after the decimal point; EventBridge compares 6 at most"
        );
    }
}

mod lambda {
    use super::*;
    use base64::Engine as _;

    fn filter(source: RecordSource, text: &str) -> FilterPattern {
        FilterPattern::parse(source, text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn refused(source: RecordSource, text: &str) -> PatternError {
        FilterPattern::parse(source, text).expect_err(text)
    }

    fn dropped(v: Verdict) -> String {
        match v {
            Verdict::Match => panic!("the record passed"),
            Verdict::NoMatch(m) => m.to_string(),
        }
    }

    /// The Kinesis record of Lambda's "Kinesis event filtering basics".
    fn kinesis(payload: &str) -> Value {
        json!({
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": "1",
                "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
                "data": base64::engine::general_purpose::STANDARD.encode(payload),
                "approximateArrivalTimestamp": 1545084650.987
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
            "eventName": "aws:kinesis:record",
            "awsRegion": "us-east-2",
            "eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
        })
    }

    /// The DynamoDB record of Lambda's "Using event filtering with a
    /// DynamoDB event source".
    fn dynamodb(manager: &str) -> Value {
        json!({
            "eventID": "1",
            "eventVersion": "1.0",
            "eventName": "INSERT",
            "dynamodb": {
                "ApproximateCreationDateTime": "1678831218.0",
                "Keys": {"CustomerName": {"S": "AnyCompany Industries"}},
                "NewImage": {
                    "AccountManager": {"S": manager},
                    "PaymentTerms": {"S": "60 days"},
                    "CustomerName": {"S": "AnyCompany Industries"}
                },
                "SequenceNumber": "111",
                "SizeBytes": 26,
                "StreamViewType": "NEW_IMAGE"
            }
        })
    }

    fn sqs(body: &str) -> Value {
        json!({
            "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
            "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
            "body": body,
            "attributes": {"ApproximateReceiveCount": "1", "SenderId": "AIDAIENQZJOLO23YVJ4VO"},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "awsRegion": "us-east-2"
        })
    }

    #[test]
    fn kinesis_filters_on_the_decoded_json_data() {
        let f = filter(RecordSource::Kinesis, r#"{"data": {"order": {"type": ["buy"]}}}"#);
        assert!(
            f.matches(&kinesis(
                r#"{"record": 12345, "order": {"type": "buy", "stock": "ANYCO", "quantity": 1000}}"#
            ))
            .is_match()
        );
        assert_eq!(
            dropped(f.matches(&kinesis(r#"{"record": 12345, "order": {"type": "sell"}}"#))),
            r#"`data.order.type` is `"sell"`, the filter wants one of `"buy"`"#
        );
        // Data that is not JSON is dropped.
        assert_eq!(
            dropped(f.matches(&kinesis("Hello, this is a test."))),
            "`data` is not JSON (`Hello, this is a test.`) and the filter matches keys inside it, so Lambda drops the record"
        );
        // The documented numeric example.
        let t = filter(
            RecordSource::Kinesis,
            r#"{"data": {"Temperature": [{"numeric": [">", 50, "<=", 60]}]}}"#,
        );
        assert!(t.matches(&kinesis(r#"{"Temperature": 55}"#)).is_match());
        assert!(!t.matches(&kinesis(r#"{"Temperature": 61}"#)).is_match());
    }

    #[test]
    fn kinesis_patterns_must_look_inside_data() {
        let e = refused(
            RecordSource::Kinesis,
            r#"{"partitionKey": ["1"], "data": {"Location": ["Los Angeles"]}}"#,
        );
        assert_eq!(e.path, "partitionKey");
        assert_eq!(
            e.message,
            "a Kinesis event source mapping only filters on `data`, not `partitionKey`"
        );
        let e = refused(RecordSource::Kinesis, r#"{"data": ["plain"]}"#);
        assert_eq!(e.path, "data");
        assert!(
            e.message.starts_with("`data` must be an object of keys"),
            "{}",
            e.message
        );
        let e = refused(
            RecordSource::Kinesis,
            r#"{"$or": [{"data": {"a": [1]}}, {"eventName": ["x"]}]}"#,
        );
        assert_eq!(e.path, "$or[1].eventName");
    }

    #[test]
    fn dynamodb_keys_and_images() {
        let keys = filter(
            RecordSource::DynamoDb,
            r#"{"dynamodb": {"Keys": {"CustomerName": {"S": ["AnyCompany Industries"]}}}}"#,
        );
        assert!(keys.matches(&dynamodb("Pat Candella")).is_match());
        let images = filter(
            RecordSource::DynamoDb,
            r#"{"dynamodb": {"NewImage": {"AccountManager": {"S": ["Pat Candella", "Shirley Rodriguez"]}}}}"#,
        );
        assert!(images.matches(&dynamodb("Shirley Rodriguez")).is_match());
        assert_eq!(
            dropped(images.matches(&dynamodb("Alex Kim"))),
            r#"`dynamodb.NewImage.AccountManager.S` is `"Alex Kim"`, the filter wants one of `"Pat Candella"`, `"Shirley Rodriguez"`"#
        );
        // Boolean and numeric attributes, as AWS's examples filter them.
        let b = filter(
            RecordSource::DynamoDb,
            r#"{"dynamodb": {"NewImage": {"id": {"BOOL": [true]}}}}"#,
        );
        assert!(
            b.matches(&json!({"dynamodb": {"NewImage": {"id": {"BOOL": true}}}}))
                .is_match()
        );
        assert!(
            !b.matches(&json!({"dynamodb": {"NewImage": {"id": {"BOOL": false}}}}))
                .is_match()
        );
        // Record metadata such as eventName, as AWS's own examples use it.
        let inserts = filter(RecordSource::DynamoDb, r#"{"eventName": ["INSERT"]}"#);
        assert!(inserts.matches(&dynamodb("x")).is_match());
        let e = refused(RecordSource::DynamoDb, r#"{"dynamodb": ["x"]}"#);
        assert_eq!((e.path.as_str(), e.kind), ("dynamodb", "filter pattern"));
    }

    #[test]
    fn sqs_bodies_and_formats() {
        let f = filter(RecordSource::Sqs, r#"{"body": {"RequestCode": ["BBBB"]}}"#);
        assert!(
            f.matches(&sqs(r#"{"RecordNumber": "0001", "RequestCode": "BBBB"}"#))
                .is_match()
        );
        assert_eq!(
            dropped(f.matches(&sqs(r#"{"RecordNumber": "0001", "RequestCode": "AAAA"}"#))),
            r#"`body.RequestCode` is `"AAAA"`, the filter wants one of `"BBBB"`"#
        );
        // Plain string body, JSON pattern: dropped.
        assert_eq!(
            dropped(f.matches(&sqs("a plain message"))),
            "`body` is not JSON (`a plain message`) and the filter matches keys inside it, so Lambda drops the record"
        );
        // Plain string pattern: matches plain bodies, drops JSON ones.
        let plain = filter(RecordSource::Sqs, r#"{"body": [{"prefix": "a plain"}]}"#);
        assert!(plain.matches(&sqs("a plain message")).is_match());
        assert!(!plain.matches(&sqs(r#"{"a": 1}"#)).is_match());
        // No body pattern: only the other keys count, whatever the body.
        let meta = filter(
            RecordSource::Sqs,
            r#"{"attributes": {"ApproximateReceiveCount": ["1"]}}"#,
        );
        assert!(meta.matches(&sqs("anything")).is_match());
        assert!(meta.matches(&sqs("{}")).is_match());
    }

    /// The comparison operators Lambda documents, each with a match and a
    /// record it drops.
    #[test]
    fn documented_operators() {
        let cases: &[(&str, Value, Value)] = &[
            (
                r#"{"body": {"UserID": [null]}}"#,
                json!({"UserID": null}),
                json!({"UserID": "u1"}),
            ),
            (
                r#"{"body": {"LastName": [""]}}"#,
                json!({"LastName": ""}),
                json!({"LastName": "Doe"}),
            ),
            (
                r#"{"body": {"Name": ["Alice"]}}"#,
                json!({"Name": "Alice"}),
                json!({"Name": "alice"}),
            ),
            (
                r#"{"body": {"Name": [{"equals-ignore-case": "alice"}]}}"#,
                json!({"Name": "ALICE"}),
                json!({"Name": "Bob"}),
            ),
            (
                r#"{"body": {"Location": ["New York"], "Day": ["Monday"]}}"#,
                json!({"Location": "New York", "Day": "Monday"}),
                json!({"Location": "New York", "Day": "Tuesday"}),
            ),
            (
                r#"{"body": {"PaymentType": ["Credit", "Debit"]}}"#,
                json!({"PaymentType": "Debit"}),
                json!({"PaymentType": "Cash"}),
            ),
            (
                r#"{"body": {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}}"#,
                json!({"Location": "Paris", "Day": "Monday"}),
                json!({"Location": "Paris", "Day": "Sunday"}),
            ),
            (
                r#"{"body": {"Weather": [{"anything-but": ["Raining"]}]}}"#,
                json!({"Weather": "Sunny"}),
                json!({"Weather": "Raining"}),
            ),
            (
                r#"{"body": {"Price": [{"numeric": ["=", 100]}]}}"#,
                json!({"Price": 100}),
                json!({"Price": 101}),
            ),
            (
                r#"{"body": {"Price": [{"numeric": [">", 10, "<=", 20]}]}}"#,
                json!({"Price": 20}),
                json!({"Price": 10}),
            ),
            (
                r#"{"body": {"ProductName": [{"exists": true}]}}"#,
                json!({"ProductName": "p"}),
                json!({"Other": "p"}),
            ),
            (
                r#"{"body": {"ProductName": [{"exists": false}]}}"#,
                json!({"Other": "p"}),
                json!({"ProductName": "p"}),
            ),
            (
                r#"{"body": {"Region": [{"prefix": "us-"}]}}"#,
                json!({"Region": "us-east-1"}),
                json!({"Region": "eu-west-1"}),
            ),
            (
                r#"{"body": {"FileName": [{"suffix": ".png"}]}}"#,
                json!({"FileName": "a.png"}),
                json!({"FileName": "a.jpg"}),
            ),
        ];
        for (text, yes, no) in cases {
            let f = filter(RecordSource::Sqs, text);
            assert!(f.matches(&sqs(&yes.to_string())).is_match(), "{text} dropped {yes}");
            assert!(!f.matches(&sqs(&no.to_string())).is_match(), "{text} passed {no}");
        }
    }

    #[test]
    fn operators_lambda_does_not_support() {
        for (text, path, message) in [
            (
                r#"{"body": {"f": [{"wildcard": "*.png"}]}}"#,
                "body.f[0].wildcard",
                "`wildcard` is not supported in a Lambda filter pattern",
            ),
            (
                r#"{"body": {"ip": [{"cidr": "10.0.0.0/24"}]}}"#,
                "body.ip[0].cidr",
                "`cidr` is not supported in a Lambda filter pattern",
            ),
            (
                r#"{"body": {"r": [{"anything-but": {"prefix": "us-"}}]}}"#,
                "body.r[0].anything-but.prefix",
                "`anything-but` with `prefix` is not supported in a Lambda filter pattern",
            ),
        ] {
            let e = refused(RecordSource::Sqs, text);
            assert_eq!((e.path.as_str(), e.message.as_str()), (path, message), "{text}");
            assert!(e.help.starts_with("Lambda supports"), "{}", e.help);
        }
    }

    #[test]
    fn criteria_limits() {
        let p = r#"{"body": {"a": [1]}}"#;
        FilterCriteria::parse(RecordSource::Sqs, &[p; DEFAULT_MAX_FILTERS], DEFAULT_MAX_FILTERS).unwrap();
        let e =
            FilterCriteria::parse(RecordSource::Sqs, &[p; DEFAULT_MAX_FILTERS + 1], DEFAULT_MAX_FILTERS).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid filter criteria: there are 6 filters; Lambda allows 5 per event source mapping"
        );
        FilterCriteria::parse(RecordSource::Sqs, &[p; MAX_FILTERS_WITH_QUOTA], MAX_FILTERS_WITH_QUOTA).unwrap();
        assert!(
            FilterCriteria::parse(
                RecordSource::Sqs,
                &[p; MAX_FILTERS_WITH_QUOTA + 1],
                MAX_FILTERS_WITH_QUOTA
            )
            .is_err()
        );
        // Errors name the filter.
        let e = FilterCriteria::parse(RecordSource::Sqs, &[p, r#"{"body": {"a": []}}"#], 5).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid filter pattern 2 at `body.a`: empty arrays are not allowed: an empty array matches nothing"
        );
        // Pattern length: 4096 characters.
        let of_length = |n: usize| format!(r#"{{"body": ["{}"]}}"#, "x".repeat(n - r#"{"body": [""]}"#.len()));
        assert_eq!(
            of_length(FILTER_PATTERN_MAX_LENGTH).chars().count(),
            FILTER_PATTERN_MAX_LENGTH
        );
        filter(RecordSource::Sqs, &of_length(FILTER_PATTERN_MAX_LENGTH));
        assert_eq!(
            refused(RecordSource::Sqs, &of_length(FILTER_PATTERN_MAX_LENGTH + 1)).message,
            "the pattern is 4097 characters; Lambda allows 4096"
        );
    }

    #[test]
    fn criteria_report_the_closest_filter() {
        let c = FilterCriteria::parse(
            RecordSource::Sqs,
            &[
                r#"{"body": {"type": ["create"]}}"#,
                r#"{"body": {"type": ["update"], "id": [{"exists": true}]}}"#,
            ],
            DEFAULT_MAX_FILTERS,
        )
        .unwrap();
        assert!(c.matches(&sqs(r#"{"type": "create"}"#)).is_match());
        assert!(c.matches(&sqs(r#"{"type": "update", "id": 7}"#)).is_match());
        assert_eq!(
            dropped(c.matches(&sqs(r#"{"type": "update"}"#))),
            "filter 2: `body.id` is missing, the filter wants the key to be present"
        );
        assert_eq!(
            dropped(c.matches(&sqs(r#"{"type": "delete"}"#))),
            r#"filter 1: `body.type` is `"delete"`, the filter wants one of `"create"`"#
        );
    }
}

mod sns {
    use super::*;

    fn policy(text: &str, scope: FilterPolicyScope) -> FilterPolicy {
        FilterPolicy::parse(text, scope).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn attributes(pairs: &[(&str, &str, &str)]) -> Value {
        let mut map = serde_json::Map::new();
        for (name, kind, value) in pairs {
            map.insert(name.to_string(), json!({"Type": kind, "Value": value}));
        }
        Value::Object(map)
    }

    /// SNS's example message, as attributes and as a body.
    fn example_attributes() -> Value {
        attributes(&[
            ("customer_interests", "String.Array", r#"["soccer", "rugby", "hockey"]"#),
            ("store", "String", "example_corp"),
            ("event", "String", "order_placed"),
            ("price_usd", "Number", "210.75"),
        ])
    }

    const EXAMPLE_BODY: &str = r#"{"customer_interests": ["soccer", "rugby", "hockey"], "store": "example_corp", "event": "order_placed", "price_usd": 210.75}"#;

    #[test]
    fn documented_accepting_and_rejecting_policies() {
        let accepts = r#"{"store": ["example_corp"], "event": [{"anything-but": "order_cancelled"}],
                          "customer_interests": ["rugby", "football", "baseball"], "price_usd": [{"numeric": [">=", 100]}]}"#;
        let rejects = r#"{"store": ["example_corp"], "event": ["order_cancelled"], "encrypted": [false],
                          "customer_interests": ["basketball", "baseball"]}"#;
        for scope in [FilterPolicyScope::MessageAttributes, FilterPolicyScope::MessageBody] {
            let attrs = example_attributes();
            assert!(
                policy(accepts, scope).matches(&attrs, EXAMPLE_BODY).is_match(),
                "{scope}"
            );
            let v = policy(rejects, scope).matches(&attrs, EXAMPLE_BODY);
            assert_eq!(
                v.mismatch().unwrap().to_string(),
                r#"`event` is `"order_placed"`, the filter policy wants one of `"order_cancelled"`"#
            );
        }
    }

    #[test]
    fn string_matching() {
        let a = FilterPolicyScope::MessageAttributes;
        let interests = |v: &str| attributes(&[("customer_interests", "String", v)]);
        let exact = policy(r#"{"customer_interests": ["rugby", "tennis"]}"#, a);
        assert!(exact.matches(&interests("tennis"), "").is_match());
        assert!(!exact.matches(&interests("baseball"), "").is_match());
        let prefix = policy(r#"{"customer_interests": [{"prefix": "bas"}]}"#, a);
        assert!(prefix.matches(&interests("basketball"), "").is_match());
        assert!(!prefix.matches(&interests("rugby"), "").is_match());
        let suffix = policy(r#"{"customer_interests": [{"suffix": "ball"}]}"#, a);
        assert!(suffix.matches(&interests("baseball"), "").is_match());
        assert!(!suffix.matches(&interests("rugby"), "").is_match());
        let case = policy(r#"{"customer_interests": [{"equals-ignore-case": "tennis"}]}"#, a);
        assert!(case.matches(&interests("TeNnIs"), "").is_match());
        assert!(!case.matches(&interests("rugby"), "").is_match());
        let but = policy(r#"{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}"#, a);
        assert!(but.matches(&interests("baseball"), "").is_match());
        // An array matches if it holds a value that is not excluded.
        let array = attributes(&[("customer_interests", "String.Array", r#"["rugby", "baseball"]"#)]);
        assert!(but.matches(&array, "").is_match());
        assert!(!but.matches(&interests("rugby"), "").is_match());
        let body = FilterPolicyScope::MessageBody;
        assert!(
            policy(
                r#"{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}"#,
                body
            )
            .matches(&Value::Null, r#"{"customer_interests": ["rugby", "baseball"]}"#)
            .is_match()
        );
        assert!(
            !policy(
                r#"{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}"#,
                body
            )
            .matches(&Value::Null, r#"{"customer_interests": ["rugby"]}"#)
            .is_match()
        );
        let but_prefix = policy(r#"{"event": [{"anything-but": {"prefix": "order-"}}]}"#, a);
        assert!(
            but_prefix
                .matches(&attributes(&[("event", "String", "order_number")]), "")
                .is_match()
        );
        assert!(
            !but_prefix
                .matches(&attributes(&[("event", "String", "order-cancelled")]), "")
                .is_match()
        );
        let ip = policy(r#"{"source_ip": [{"cidr": "10.0.0.0/24"}]}"#, a);
        assert!(
            ip.matches(&attributes(&[("source_ip", "String", "10.0.0.255")]), "")
                .is_match()
        );
        assert!(
            !ip.matches(&attributes(&[("source_ip", "String", "10.1.1.0")]), "")
                .is_match()
        );
    }

    #[test]
    fn numeric_matching() {
        let a = FilterPolicyScope::MessageAttributes;
        let p = policy(r#"{"price_usd": [{"numeric": ["=", 301.5]}]}"#, a);
        assert!(
            p.matches(&attributes(&[("price_usd", "Number", "301.5")]), "")
                .is_match()
        );
        assert!(
            p.matches(&attributes(&[("price_usd", "Number", "3.015e2")]), "")
                .is_match()
        );
        assert!(
            policy(
                r#"{"price_usd": [{"numeric": ["=", 301.5]}]}"#,
                FilterPolicyScope::MessageBody
            )
            .matches(&Value::Null, r#"{"price_usd": 3.015e2}"#)
            .is_match()
        );
        let but = policy(r#"{"price": [{"anything-but": [100, 500]}]}"#, a);
        assert!(but.matches(&attributes(&[("price", "Number", "100.1")]), "").is_match());
        assert!(!but.matches(&attributes(&[("price", "Number", "100")]), "").is_match());
        let range = policy(r#"{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}"#, a);
        assert!(
            range
                .matches(&attributes(&[("price_usd", "Number", "150")]), "")
                .is_match()
        );
        assert_eq!(
            range
                .matches(&attributes(&[("price_usd", "Number", "-1")]), "")
                .mismatch()
                .unwrap()
                .to_string(),
            "`price_usd` is `-1`, the filter policy wants a number > 0 and <= 150"
        );
    }

    #[test]
    fn key_matching() {
        let a = FilterPolicyScope::MessageAttributes;
        let with = attributes(&[
            ("store", "String", "fans"),
            ("customer_interests", "String.Array", r#"["baseball", "basketball"]"#),
        ]);
        let without = attributes(&[("customer_interests", "String.Array", r#"["baseball", "basketball"]"#)]);
        let exists = policy(r#"{"store": [{"exists": true}]}"#, a);
        assert!(exists.matches(&with, "").is_match());
        assert_eq!(
            exists.matches(&without, "").mismatch().unwrap().to_string(),
            "`store` is missing, the filter policy wants the key to be present"
        );
        let absent = policy(r#"{"store": [{"exists": false}]}"#, a);
        assert!(absent.matches(&without, "").is_match());
        assert!(!absent.matches(&with, "").is_match());
    }

    #[test]
    fn or_and_nested_body_keys() {
        let p = policy(
            r#"{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}"#,
            FilterPolicyScope::MessageAttributes,
        );
        let attrs =
            |metric: &str| attributes(&[("source", "String", "aws.cloudwatch"), ("metricName", "String", metric)]);
        assert!(p.matches(&attrs("CPUUtilization"), "").is_match());
        assert!(!p.matches(&attrs("ReadLatency"), "").is_match());
        let nested = policy(
            r#"{"key_a": {"key_b": {"key_c": ["value_one"]}}}"#,
            FilterPolicyScope::MessageBody,
        );
        assert!(
            nested
                .matches(&Value::Null, r#"{"key_a": {"key_b": {"key_c": "value_one"}}}"#)
                .is_match()
        );
        assert_eq!(
            nested
                .matches(&Value::Null, r#"{"key_a": {"key_b": {"key_c": "value_two"}}}"#)
                .mismatch()
                .unwrap()
                .to_string(),
            r#"`key_a.key_b.key_c` is `"value_two"`, the filter policy wants one of `"value_one"`"#
        );
    }

    #[test]
    fn validation_errors() {
        let a = FilterPolicyScope::MessageAttributes;
        let cases: &[(&str, FilterPolicyScope, &str, &str)] = &[
            (
                r#"{"key": [["value"]]}"#,
                a,
                "key[0]",
                "a value to match must be a string, a number, `true`, `false`, `null` or an operator object, not an array",
            ),
            (
                r#"{"key": [{"wrong-operator": true}]}"#,
                a,
                "key[0].wrong-operator",
                "unknown operator `wrong-operator`",
            ),
            (
                r#"{"key": [{"suffix": "value", "prefix": "value2"}]}"#,
                a,
                "key[0]",
                "an operator object holds exactly one operator, this one has `suffix`, `prefix`",
            ),
            (
                r#"{"key": []}"#,
                a,
                "key",
                "empty arrays are not allowed: an empty array matches nothing",
            ),
            (
                r#"{"key": [{"suffix": 100}]}"#,
                a,
                "key[0].suffix",
                "`suffix` takes a string, not a number (`100`)",
            ),
            (
                r#"{"key_a": "value_one"}"#,
                a,
                "key_a",
                "`key_a` must be an array of values to match or an object of keys, not a string (`\"value_one\"`)",
            ),
            (
                r#"{"key": {"suffix": "value"}}"#,
                a,
                "key",
                "a filter policy with scope `MessageAttributes` can't nest keys",
            ),
            (
                r#"{"key": [{"cidr": "bad-filter"}]}"#,
                a,
                "key[0].cidr",
                "`bad-filter` is not a CIDR block: it needs exactly one `/`",
            ),
            (
                r#"{"key": [{"numeric": ["<", 100, ">", 10]}]}"#,
                a,
                "key[0].numeric[2]",
                "an upper bound (`<`, `<=`) ends the comparison; a range starts with the lower bound",
            ),
            (
                r#"{"key": [{"numeric": [">", 3, "<", 1]}]}"#,
                a,
                "key[0].numeric[3]",
                "the upper bound 1 must be greater than the lower bound 3",
            ),
            (
                r#"{"key": [{"exists": null}]}"#,
                a,
                "key[0].exists",
                "`exists` takes `true` or `false`, not `null`",
            ),
            (
                r#"{"key": [{"anything-but": {"wrong-operator": null}}]}"#,
                a,
                "key[0].anything-but.wrong-operator",
                "`wrong-operator` can't be used inside `anything-but`",
            ),
            (
                r#"{"key": [{"anything-but": {"suffix": "test"}}]}"#,
                a,
                "key[0].anything-but.suffix",
                "`anything-but` with `suffix` is not supported in an SNS filter policy",
            ),
            (
                r#"{"key": [{"anything-but": {"prefix": false}}]}"#,
                a,
                "key[0].anything-but.prefix",
                "`prefix` inside `anything-but` takes a string or a list of strings, not `false`",
            ),
            (
                r#"{"key": [{"wildcard": "*.png"}]}"#,
                a,
                "key[0].wildcard",
                "`wildcard` is not supported in an SNS filter policy",
            ),
            (
                r#"{"key": [{"prefix": {"equals-ignore-case": "a"}}]}"#,
                a,
                "key[0].prefix",
                "`prefix` with `equals-ignore-case` is not supported in an SNS filter policy",
            ),
        ];
        for (text, scope, path, message) in cases {
            let e = FilterPolicy::parse(text, *scope).expect_err(text);
            assert_eq!((e.path.as_str(), e.message.as_str()), (*path, *message), "{text}");
        }
        // Nesting is fine in the body scope.
        policy(r#"{"key": {"suffix": ["value"]}}"#, FilterPolicyScope::MessageBody);
    }

    #[test]
    fn key_limit() {
        let keys = |n: usize| {
            let pairs: Vec<String> = (1..=n).map(|i| format!(r#""key{i}": ["value{i}"]"#)).collect();
            format!("{{{}}}", pairs.join(","))
        };
        for scope in [FilterPolicyScope::MessageAttributes, FilterPolicyScope::MessageBody] {
            policy(&keys(5), scope);
            let e = FilterPolicy::parse(&keys(6), scope).unwrap_err();
            assert_eq!(
                e.to_string(),
                "invalid filter policy: the policy has 6 keys; SNS allows 5"
            );
        }
        // Only parent keys count in a nested policy.
        policy(
            r#"{"a": {"b1": ["x"], "b2": ["x"], "b3": ["x"]}, "c": {"d1": ["x"], "d2": ["x"], "d3": ["x"]}}"#,
            FilterPolicyScope::MessageBody,
        );
    }

    #[test]
    fn combination_limit() {
        let values = |n: usize| (0..n).map(|i| format!(r#""value{i}""#)).collect::<Vec<_>>().join(",");
        let a = FilterPolicyScope::MessageAttributes;
        policy(&format!(r#"{{"key": [{}]}}"#, values(150)), a);
        let e = FilterPolicy::parse(&format!(r#"{{"key": [{}]}}"#, values(151)), a).unwrap_err();
        assert_eq!(e.message, "the policy has 151 value combinations; SNS allows 150");
        assert!(
            FilterPolicy::parse(
                &format!(r#"{{"key1": [{}], "key2": [{}]}}"#, values(100), values(51)),
                a
            )
            .is_err()
        );
        // SNS's nested example: 3 × 4 × 2 × 3 = 72.
        let body = FilterPolicyScope::MessageBody;
        policy(
            r#"{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
                "key_d": {"key_e": ["value_one", "value_two", "value_three"]}}"#,
            body,
        );
        // With another three-value key: 216.
        let e = FilterPolicy::parse(
            r#"{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
                "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
                "key_f": ["value_one", "value_two", "value_three"]}"#,
            body,
        )
        .unwrap_err();
        assert_eq!(e.message, "the policy has 216 value combinations; SNS allows 150");
        // `$or` alternatives add up: (3 × 6) + (3 × 4 × 4) + (3 × 4 × 7) = 150 …
        let or = |space: usize| {
            format!(
                r#"{{"source": ["aws.cloudwatch", "aws.events", "aws.test"],
                    "$or": [{{"metricName": [{}]}},
                            {{"metricType": [{}], "$or": [{{"metricId": [1234, 4321, 5678, 9012]}}, {{"spaceId": [{}]}}]}}]}}"#,
                values(6),
                values(4),
                (1..=space).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
            )
        };
        policy(&or(7), a);
        // … and one more space id makes 162.
        assert_eq!(
            FilterPolicy::parse(&or(8), a).unwrap_err().message,
            "the policy has 162 value combinations; SNS allows 150"
        );
    }

    #[test]
    fn size_and_numeric_limits() {
        let a = FilterPolicyScope::MessageAttributes;
        let of_size = |n: usize| format!(r#"{{"k": ["{}"]}}"#, "x".repeat(n - r#"{"k": [""]}"#.len()));
        assert_eq!(of_size(FILTER_POLICY_MAX_BYTES).len(), FILTER_POLICY_MAX_BYTES);
        policy(&of_size(FILTER_POLICY_MAX_BYTES), a);
        assert_eq!(
            FilterPolicy::parse(&of_size(FILTER_POLICY_MAX_BYTES + 1), a)
                .unwrap_err()
                .message,
            "the policy is 262145 bytes; SNS allows 262144 (256 KB)"
        );
        policy(r#"{"k": [{"numeric": [">=", -1000000000, "<=", 1000000000]}]}"#, a);
        policy(r#"{"k": [{"numeric": ["=", 0.12345]}]}"#, a);
        assert_eq!(
            FilterPolicy::parse(r#"{"k": [{"numeric": ["<", 1000000001]}]}"#, a)
                .unwrap_err()
                .message,
            "1000000001 is outside the range SNS compares: -1.0e9 to 1.0e9"
        );
        assert_eq!(
            FilterPolicy::parse(r#"{"k": [{"numeric": ["=", 0.123456]}]}"#, a)
                .unwrap_err()
                .message,
            "0.123456 has 6 digits after the decimal point; SNS compares 5 at most"
        );
    }

    #[test]
    fn scopes() {
        assert_eq!(
            "RandomValue".parse::<FilterPolicyScope>().unwrap_err().help,
            "use `MessageAttributes` (the default) or `MessageBody`"
        );
        let p = policy("{}", FilterPolicyScope::MessageAttributes);
        assert!(p.accepts_everything());
        assert_eq!(p.scope(), FilterPolicyScope::MessageAttributes);
    }
}

mod schedule {
    use cargo_trigger::schedule::{FlexibleTimeWindow, ScheduleExpression, parse, parse_timezone};
    use chrono::{DateTime, Utc};

    fn rejected(text: &str) -> String {
        parse(text).expect_err(text).to_string()
    }

    #[test]
    fn documented_examples_parse() {
        for text in [
            "rate(1 minute)",
            "rate(5 minutes)",
            "rate(1 hour)",
            "rate(1 day)",
            "cron(0 10 * * ? *)",
            "cron(15 12 * * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/10 * ? * MON-FRI *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0/30 20-2 ? * MON-FRI *)",
            "cron(0 12 * * ? *)",
            "cron(5,35 14 * * ? *)",
            "cron(15 10 ? * 6L 2019-2022)",
            "at(2022-12-31T23:59:59)",
        ] {
            parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    /// What Scheduler answers `Invalid Schedule Expression` for.
    #[test]
    fn invalid_expressions_point_at_the_field() {
        assert_eq!(
            rejected("cron(0 1 * * * *)"),
            "invalid schedule expression: day-of-month and day-of-week can't both be set: one of them must be `?`\n  cron(0 1 * * * *)\n           ^   ^"
        );
        assert_eq!(
            rejected("cron(7 20 ? * NOT *)"),
            "invalid schedule expression: `NOT` is not a value of day-of-week\n  cron(7 20 ? * NOT *)\n                ^^^"
        );
        assert_eq!(
            rejected("cron(0 dummy ? * MON-FRI *)"),
            "invalid schedule expression: `dummy` is not a value of hours\n  cron(0 dummy ? * MON-FRI *)\n         ^^^^^"
        );
        assert_eq!(
            rejected("cron(71 8 1 * ? *)"),
            "invalid schedule expression: 71 is out of range for minutes (0-59)\n  cron(71 8 1 * ? *)\n       ^^"
        );
        assert!(rejected("cron(INVALID)").contains("six fields"));
        assert!(rejected("cron()").contains("this one has 0"));
        assert!(rejected("rate(10 seconds)").contains("`seconds` is not a rate unit"));
        assert!(rejected("rate(10 years)").contains("`years` is not a rate unit"));
        assert!(rejected("rate()").contains("a rate needs a value and a unit"));
        assert!(rejected("rate(10)").contains("separated by one space"));
        assert!(rejected("rate(10 minutess)").contains("`minutess` is not a rate unit"));
        assert!(rejected("rate(foo minutes)").contains("`foo` is not a positive whole number"));
        assert!(rejected("rate(-10 minutes)").contains("`-10` is not a positive whole number"));
        assert!(rejected("rate( 10 minutes )").contains("no spaces are allowed just inside the parentheses"));
        assert_eq!(
            rejected(" rate(10 minutes)"),
            "invalid schedule expression: spaces around the expression are not allowed\n   rate(10 minutes)\n  ^"
        );
        assert!(rejected("at(2021-12-31T23:59:59Z)").contains("without a zone suffix"));
        assert!(rejected("at(2021-12-31)").contains("is not a date and time"));
        assert!(rejected("rate(1 hours)").contains("singular unit `hour`"));
        assert!(rejected("rate(5 hour)").contains("plural unit `hours`"));
        assert!(rejected("every(5 minutes)").contains("`every` is not a kind of schedule"));
        assert!(rejected("cron(0 8 ? * 3#1,6#3 *)").contains("one expression only"));
        assert_eq!(
            rejected("rate(5 minutesé"),
            "invalid schedule expression: the expression must end with `)`\n  rate(5 minutesé\n                ^"
        );
    }

    #[test]
    fn field_ranges_at_the_edges() {
        for (ok, bad) in [
            ("cron(59 0 * * ? *)", "cron(60 0 * * ? *)"),
            ("cron(0 23 * * ? *)", "cron(0 24 * * ? *)"),
            ("cron(0 0 31 * ? *)", "cron(0 0 32 * ? *)"),
            ("cron(0 0 1 * ? *)", "cron(0 0 0 * ? *)"),
            ("cron(0 0 1 12 ? *)", "cron(0 0 1 13 ? *)"),
            ("cron(0 0 ? * 7 *)", "cron(0 0 ? * 8 *)"),
            ("cron(0 0 ? * 1 *)", "cron(0 0 ? * 0 *)"),
            ("cron(0 0 1 1 ? 1970)", "cron(0 0 1 1 ? 1969)"),
            ("cron(0 0 1 1 ? 2199)", "cron(0 0 1 1 ? 2200)"),
            ("cron(0 0 ? * 2#5 *)", "cron(0 0 ? * 2#6 *)"),
        ] {
            parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(
                rejected(bad).contains("out of range") || rejected(bad).contains("week of the month"),
                "{bad}"
            );
        }
    }

    #[test]
    fn expression_length_limit() {
        // `cron(0,0,…,0 * * * ? *)`: each extra `,0` adds two characters.
        let of_length = |n: usize| {
            let base = "cron(0 * * * ? *)".len();
            let extra = (n - base) / 2;
            let text = format!("cron(0{} * * * ? *)", ",0".repeat(extra));
            assert_eq!(text.len(), n);
            text
        };
        parse(&of_length(255)).unwrap();
        let at_limit = format!("cron(00{} * * * ? *)", ",0".repeat((256 - 18) / 2));
        assert_eq!(at_limit.len(), 256);
        parse(&at_limit).unwrap();
        assert!(rejected(&of_length(257)).contains("it is 257 characters; Scheduler allows 256"));
    }

    #[test]
    fn time_zones() {
        assert_eq!(parse_timezone("America/New_York").unwrap().name(), "America/New_York");
        let e = parse_timezone("Europe/Berln").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid time zone `Europe/Berln`: it is not an IANA time zone name"
        );
        assert_eq!(
            e.help,
            "use an IANA time zone name such as `UTC`, `Europe/Berlin` or `America/New_York`"
        );
    }

    #[test]
    fn flexible_window_limits() {
        assert_eq!(
            FlexibleTimeWindow::new("FLEXIBLE", Some(1)).unwrap(),
            FlexibleTimeWindow::Flexible {
                maximum_window_minutes: 1
            }
        );
        FlexibleTimeWindow::new("FLEXIBLE", Some(1440)).unwrap();
        for (mode, minutes) in [
            ("FLEXIBLE", Some(0)),
            ("FLEXIBLE", Some(1441)),
            ("FLEXIBLE", None),
            ("OFF", Some(15)),
            ("ON", None),
        ] {
            assert!(FlexibleTimeWindow::new(mode, minutes).is_err(), "{mode} {minutes:?}");
        }
        assert_eq!(
            FlexibleTimeWindow::new("FLEXIBLE", Some(1441)).unwrap_err().message,
            "the maximum window must be 1 to 1440 minutes, not 1441"
        );
    }

    #[test]
    fn next_fires_in_the_schedule_time_zone() {
        let after: DateTime<Utc> = "2026-01-05T00:00:00Z".parse().unwrap();
        let expr: ScheduleExpression = "cron(0 18 ? * MON-FRI *)".parse().unwrap();
        let tokyo = parse_timezone("Asia/Tokyo").unwrap();
        let fires: Vec<String> = expr
            .next_fires(tokyo, after, 3)
            .iter()
            .map(|t| t.to_rfc3339())
            .collect();
        // 18:00 in Tokyo is 09:00 UTC; 2026-01-05 is a Monday.
        assert_eq!(
            fires,
            [
                "2026-01-05T09:00:00+00:00",
                "2026-01-06T09:00:00+00:00",
                "2026-01-07T09:00:00+00:00"
            ]
        );
    }
}
