//! SNS cases (`tests/testsuite/sns/<case>/`): `new` with each kind of
//! topic and binding, `wire`/`unwire`, `list`, `check`, `export`,
//! `grant`/`revoke` and `event`, each malformed filter policy from a flag
//! and from Cargo.toml, and both sides of the SNS rules.

use crate::case;
use crate::support::case::{Case, TableCase, table};
use crate::support::validate_template;

use serde_json::{Value, json};

const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const LEGACY: &str = "arn:aws:sns:us-east-1:123456789012:legacy-alerts";

#[test]
fn new_managed_topic_with_a_body_policy() {
    case!()
        .run(&[
            "new",
            "--source",
            "sns",
            "--topic",
            "orders",
            "--resource-name",
            "orders-events",
            "--kms-key-arn",
            KEY,
            "--filter-policy-scope",
            "messagebody",
            "--filter-policy",
            r#"{"kind": [{"prefix": "order."}], "data": {"total": [{"numeric": [">=", 100]}]}}"#,
        ])
        .ok();
}

#[test]
fn new_existing_topic_without_a_dead_letter_queue() {
    case!()
        .run(&[
            "new",
            "--source",
            "sns",
            "--arn",
            LEGACY,
            "--dead-letter-queue",
            "false",
            "--filter-policy",
            r#"{"severity": ["high", "critical"]}"#,
        ])
        .ok();
}

#[test]
fn new_defaults_dry_run() {
    case!()
        .run(&["new", "--source", "sns", "--topic", "orders", "--dry-run"])
        .ok();
}

/// Every malformed filter policy class, and the other bad input of an SNS
/// binding: one error naming the flag and the place in the JSON, a
/// `help:`, nothing written.
const ERRORS: &[TableCase] = &[
    (
        "error_policy_not_json",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"store": ["a""#,
        ],
        101,
    ),
    (
        "error_policy_not_an_object",
        &["new", "--source", "sns", "--topic", "t", "--filter-policy", r#"["a"]"#],
        101,
    ),
    (
        "error_policy_value_not_an_array",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"store": "example_corp"}"#,
        ],
        101,
    ),
    (
        "error_policy_empty_values",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"store": []}"#,
        ],
        101,
    ),
    (
        "error_policy_unknown_operator",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"store": [{"begins-with": "ex"}]}"#,
        ],
        101,
    ),
    (
        "error_policy_wildcard",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"file": [{"wildcard": "*.png"}]}"#,
        ],
        101,
    ),
    (
        "error_policy_anything_but_suffix",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"store": [{"anything-but": {"suffix": "_corp"}}]}"#,
        ],
        101,
    ),
    (
        "error_policy_numeric_out_of_range",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"price": [{"numeric": ["<", 1000000001]}]}"#,
        ],
        101,
    ),
    (
        "error_policy_numeric_bounds",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"price": [{"numeric": [">", 10, "<", 1]}]}"#,
        ],
        101,
    ),
    (
        "error_policy_cidr",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"ip": [{"cidr": "10.0.0.0"}]}"#,
        ],
        101,
    ),
    (
        "error_policy_exists_not_a_bool",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"store": [{"exists": "yes"}]}"#,
        ],
        101,
    ),
    (
        "error_policy_nested_on_attributes",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"order": {"kind": ["created"]}}"#,
        ],
        101,
    ),
    (
        "error_policy_too_many_keys",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"a": ["1"], "b": ["2"], "c": ["3"], "d": ["4"], "e": ["5"], "f": ["6"]}"#,
        ],
        101,
    ),
    (
        "error_policy_too_many_combinations",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy",
            r#"{"a": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], "b": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}"#,
        ],
        101,
    ),
    (
        "error_policy_of_another_source",
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "b",
            "--filter-policy",
            r#"{"a": ["1"]}"#,
        ],
        101,
    ),
    (
        "error_scope_unknown",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "t",
            "--filter-policy-scope",
            "Body",
        ],
        2,
    ),
    (
        "error_dead_letter_queue_not_a_bool",
        &["new", "--source", "sns", "--topic", "t", "--dead-letter-queue", "maybe"],
        2,
    ),
    (
        "error_subscription_arn",
        &[
            "new",
            "--source",
            "sns",
            "--arn",
            "arn:aws:sns:us-east-1:123456789012:orders:5f3e0c6a-1d2b-4c3d-9e8f-0a1b2c3d4e5f",
        ],
        101,
    ),
    (
        "error_fifo_topic",
        &[
            "new",
            "--source",
            "sns",
            "--arn",
            "arn:aws:sns:us-east-1:123456789012:orders.fifo",
        ],
        101,
    ),
    (
        "error_fifo_topic_name",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "orders",
            "--resource-name",
            "orders.fifo",
        ],
        101,
    ),
    (
        "error_kms_key",
        &[
            "new",
            "--source",
            "sns",
            "--topic",
            "orders",
            "--kms-key-arn",
            "arn:aws:kms:us-east-1:123456789012:nope",
        ],
        101,
    ),
];

#[test]
fn errors() {
    table("sns", "", ERRORS);
}

/// A workspace whose SNS bindings are written by hand, with a malformed
/// policy of each class, a FIFO topic and a second subscription of one
/// crate to one topic: `check` reports each at its key and line, and
/// `export` and `wire` refuse the workspace.
fn hand_written(case: Case) -> Case {
    case.file(
        "Cargo.toml",
        r#"[workspace]
resolver = "3"
members = ["triggers/alerts", "triggers/audit"]

[workspace.metadata.trigger.resources.orders]
type = "sns-topic"

[workspace.metadata.trigger.resources.ledger]
type = "sns-topic"
arn = "arn:aws:sns:us-east-1:123456789012:ledger.fifo"
"#,
    )
    .file(
        "triggers/alerts/Cargo.toml",
        r#"[package]
name = "alerts"
version = "0.1.0"
edition = "2024"

[package.metadata.trigger]
source = "sns"

[[package.metadata.trigger.bindings]]
topic = "orders"
filter-policy = '{"store": "example_corp"}'

[[package.metadata.trigger.bindings]]
arn = "arn:aws:sns:us-east-1:123456789012:a"
filter-policy = '{"order": {"kind": ["created"]}}'

[[package.metadata.trigger.bindings]]
arn = "arn:aws:sns:us-east-1:123456789012:b"
filter-policy-scope = "MessageBody"
filter-policy = '{"order": {"kind": [{"wildcard": "created*"}]}}'

[[package.metadata.trigger.bindings]]
arn = "arn:aws:sns:us-east-1:123456789012:c"
filter-policy-scope = "Attributes"
filter-policy = 42
dead-letter-queue = "yes"
"#,
    )
    .file("triggers/alerts/src/main.rs", "fn main() {}\n")
    .file(
        "triggers/audit/Cargo.toml",
        r#"[package]
name = "audit"
version = "0.1.0"
edition = "2024"

[package.metadata.trigger]
source = "sns"

[[package.metadata.trigger.bindings]]
topic = "ledger"

[[package.metadata.trigger.bindings]]
topic = "orders"

[[package.metadata.trigger.bindings]]
topic = "orders"
filter-policy = '{"store": ["example_corp"]}'
"#,
    )
    .file("triggers/audit/src/main.rs", "fn main() {}\n")
}

#[test]
fn check_reads_malformed_policies_and_the_rules() {
    let case = hand_written(case!());
    case.run(&["check"]).named("check").code(1);
    case.run(&["check", "--format", "json"]).named("check-json").code(1);
    case.run(&["export"]).named("export").code(101);
    case.run(&["wire", "audit", "--topic", "orders"])
        .named("wire")
        .code(101);
}

/// The same rules, the other side: with the problems fixed, `check` is
/// clean (two crates on one topic are a fan-out, not a conflict).
#[test]
fn check_passes_a_fan_out() {
    let case = case!()
        .setup(&["new", "--source", "sns", "--topic", "orders"])
        .setup(&["new", "audit", "--source", "sns", "--topic", "orders"])
        .setup(&[
            "wire",
            "audit",
            "--arn",
            LEGACY,
            "--filter-policy",
            r#"{"order": {"kind": ["created"]}}"#,
            "--filter-policy-scope",
            "MessageBody",
        ]);
    case.run(&["check"]).named("check").ok();
}

#[test]
fn wire_refuses_a_second_subscription_to_one_topic() {
    case!()
        .setup(&["new", "--source", "sns", "--topic", "orders"])
        .run(&[
            "wire",
            "orders-sns-trigger",
            "--topic",
            "orders",
            "--filter-policy",
            r#"{"a": ["b"]}"#,
        ])
        .code(101);
}

#[test]
fn wire_refuses_a_fifo_topic() {
    case!()
        .setup(&["new", "--source", "sns", "--topic", "orders"])
        .run(&[
            "wire",
            "orders-sns-trigger",
            "--arn",
            "arn:aws:sns:us-east-1:123456789012:orders.fifo",
        ])
        .code(101);
}

#[test]
fn wire_refuses_a_malformed_policy() {
    case!()
        .setup(&["new", "--source", "sns", "--topic", "orders"])
        .run(&[
            "wire",
            "orders-sns-trigger",
            "--arn",
            LEGACY,
            "--filter-policy",
            r#"{"price": [{"numeric": [">", "ten"]}]}"#,
        ])
        .code(101);
}

#[test]
fn wire_list_and_unwire() {
    let case = case!().setup(&[
        "new",
        "--source",
        "sns",
        "--topic",
        "orders",
        "--filter-policy",
        r#"{"store": ["example_corp"]}"#,
    ]);
    case.run(&[
        "wire",
        "orders-sns-trigger",
        "--arn",
        LEGACY,
        "--filter-policy-scope",
        "MessageBody",
        "--filter-policy",
        r#"{"severity": [{"anything-but": ["low"]}]}"#,
        "--dead-letter-queue=false",
    ])
    .named("wire")
    .ok();
    case.run(&["list"]).named("list").ok();
    case.run(&["list", "--format", "json"]).named("list-json").ok();
    case.run(&["check"]).named("check").ok();
    case.run(&["unwire", "orders-sns-trigger", LEGACY]).named("unwire").ok();
}

#[test]
fn grant_publish_and_revoke() {
    let case = case!()
        .file(
            "Cargo.toml",
            &format!(
                "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.metadata.trigger.resources.legacy]\ntype = \"sns-topic\"\narn = \"{LEGACY}\"\n"
            ),
        )
        .setup(&["new", "--source", "sns", "--topic", "orders", "--kms-key-arn", KEY])
        .setup(&["new", "--source", "s3", "--bucket", "photos"]);
    case.run(&[
        "grant",
        "photos-s3-trigger",
        "--resource",
        "orders",
        "--access",
        "publish",
    ])
    .named("grant")
    .ok();
    case.run(&[
        "grant",
        "photos-s3-trigger",
        "--resource",
        "legacy",
        "--access",
        "publish",
    ])
    .named("grant-existing")
    .ok();
    case.run(&[
        "grant",
        "orders-sns-trigger",
        "--resource",
        "legacy",
        "--access",
        "read",
    ])
    .named("grant-read")
    .code(101);
    case.run(&["list"]).named("list").ok();
    case.run(&["revoke", "photos-s3-trigger", "--resource", "orders"])
        .named("revoke")
        .ok();
}

/// Managed topics (default key, own key, by alias), an existing topic,
/// filter policies of each scope, with and without a dead-letter queue,
/// and publish grants: both templates pass AWS's translator and linter,
/// and every policy names the exact topic.
#[test]
fn export_sam_and_cloudformation() {
    let alias = "arn:aws:kms:us-east-1:123456789012:alias/billing";
    let case = case!()
        .file(
            "Cargo.toml",
            &format!(
                "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.metadata.trigger.resources.billing]\ntype = \"sns-topic\"\nname = \"billing-events\"\nkms-key-arn = \"{alias}\"\n\n[workspace.metadata.trigger.resources.legacy]\ntype = \"sns-topic\"\narn = \"{LEGACY}\"\n"
            ),
        )
        .setup(&[
            "new",
            "--source",
            "sns",
            "--topic",
            "orders",
            "--kms-key-arn",
            KEY,
            "--filter-policy",
            r#"{"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}]}"#,
        ])
        .setup(&[
            "new",
            "alerts",
            "--source",
            "sns",
            "--topic",
            "legacy",
            "--filter-policy-scope",
            "MessageBody",
            "--filter-policy",
            r#"{"alarm": {"state": [{"anything-but": "OK"}]}}"#,
            "--dead-letter-queue",
            "false",
        ])
        .setup(&["wire", "alerts", "--topic", "billing"])
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
        .setup(&["grant", "todos-dynamodb-trigger", "--resource", "orders", "--access", "publish"])
        .setup(&["grant", "alerts", "--resource", "billing", "--access", "publish"])
        .setup(&["grant", "orders-sns-trigger", "--resource", "legacy", "--access", "publish"]);
    case.run(&["export", "-o", "sam.yaml"]).named("sam").ok();
    case.run(&["export", "--format", "cloudformation", "-o", "cloudformation.yaml"])
        .named("cloudformation")
        .ok();
    for file in ["sam.yaml", "cloudformation.yaml"] {
        validate_template(&case.path().join(file));
    }
    let sam = template(&case, "sam");
    let cfn = template(&case, "cloudformation");
    let get_att = |id: &str| json!({"Fn::GetAtt": [id, "Arn"]});
    let orders = json!({"Ref": "OrdersTopic"});
    let attributes_policy = json!({"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}]});
    let body_policy = json!({"alarm": {"state": [{"anything-but": "OK"}]}});

    // SAM: each binding is an SNS event on the exact topic, with its
    // filter policy, its scope and (unless turned off) its dead-letter queue.
    let events = |f: &str| sam["Resources"][f]["Properties"]["Events"].clone();
    assert_eq!(
        events("OrdersSnsTriggerFunction")["Orders0"],
        json!({"Type": "SNS", "Properties": {
            "Topic": orders,
            "FilterPolicy": attributes_policy,
            "FilterPolicyScope": "MessageAttributes",
            "RedrivePolicy": {"deadLetterTargetArn": get_att("OrdersSnsTriggerOrders0DeadLetterQueue")},
        }})
    );
    assert_eq!(
        events("AlertsFunction")["Legacy0"],
        json!({"Type": "SNS", "Properties": {"Topic": LEGACY, "FilterPolicy": body_policy, "FilterPolicyScope": "MessageBody"}})
    );
    assert_eq!(
        events("AlertsFunction")["Billing1"]["Properties"]["Topic"],
        json!({"Ref": "BillingTopic"})
    );
    // CloudFormation: the subscription, and the invoke permission on the
    // exact topic.
    let r = &cfn["Resources"];
    assert_eq!(
        r["OrdersSnsTriggerOrders0Subscription"],
        json!({"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda",
            "Endpoint": get_att("OrdersSnsTriggerFunction"),
            "TopicArn": orders,
            "FilterPolicy": attributes_policy,
            "FilterPolicyScope": "MessageAttributes",
            "RedrivePolicy": {"deadLetterTargetArn": get_att("OrdersSnsTriggerOrders0DeadLetterQueue")},
        }, "DependsOn": ["OrdersSnsTriggerOrders0DeadLetterQueuePolicy"]})
    );
    for (permission, topic) in [
        ("OrdersSnsTriggerOrders0Permission", orders.clone()),
        ("AlertsLegacy0Permission", json!(LEGACY)),
        ("AlertsBilling1Permission", json!({"Ref": "BillingTopic"})),
    ] {
        assert_eq!(r[permission]["Properties"]["Principal"], "sns.amazonaws.com");
        assert_eq!(r[permission]["Properties"]["SourceArn"], topic, "{permission}");
    }
    assert!(r.get("AlertsLegacy0DeadLetterQueue").is_none());
    for t in [&sam, &cfn] {
        let r = &t["Resources"];
        // The dead-letter queue takes messages from its topic only.
        let statement =
            &r["OrdersSnsTriggerOrders0DeadLetterQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(statement["Principal"], json!({"Service": "sns.amazonaws.com"}));
        assert_eq!(statement["Action"], "sqs:SendMessage");
        assert_eq!(statement["Resource"], get_att("OrdersSnsTriggerOrders0DeadLetterQueue"));
        assert_eq!(statement["Condition"], json!({"ArnEquals": {"aws:SourceArn": orders}}));
        assert_eq!(
            r["OrdersSnsTriggerOrders0DeadLetterQueue"]["Properties"]["SqsManagedSseEnabled"],
            true
        );
        // Topics: encrypted at rest with their own key, else SNS's.
        assert_eq!(r["OrdersTopic"]["Properties"], json!({"KmsMasterKeyId": KEY}));
        assert_eq!(
            r["BillingTopic"]["Properties"],
            json!({"TopicName": "billing-events", "KmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:alias/billing"})
        );
        // Publish grants name the exact topic (and its key), and put its
        // ARN in the function's environment.
        let statements = |role: &str| r[role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].clone();
        let todos = statements("TodosDynamodbTriggerRole");
        assert!(
            todos
                .as_array()
                .unwrap()
                .contains(&json!({"Effect": "Allow", "Action": ["sns:Publish"], "Resource": orders})),
            "{todos}"
        );
        assert!(
            todos.as_array().unwrap().contains(
                &json!({"Effect": "Allow", "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": KEY})
            ),
            "{todos}"
        );
        let own = statements("OrdersSnsTriggerRole");
        assert!(
            own.as_array()
                .unwrap()
                .contains(&json!({"Effect": "Allow", "Action": ["sns:Publish"], "Resource": LEGACY})),
            "{own}"
        );
        assert!(!own.to_string().contains("kms:"), "{own}");
        let env = |f: &str| r[f]["Properties"]["Environment"]["Variables"].clone();
        assert_eq!(env("TodosDynamodbTriggerFunction")["ORDERS_TOPIC_ARN"], orders);
        assert_eq!(env("OrdersSnsTriggerFunction")["LEGACY_TOPIC_ARN"], LEGACY);
        assert_eq!(
            env("AlertsFunction")["BILLING_TOPIC_ARN"],
            json!({"Ref": "BillingTopic"})
        );
    }
}

/// The template of `case` as JSON (written outside its workspace).
fn template(case: &Case, format: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.json");
    crate::support::run(
        case.path(),
        &["export", "--format", format, "-q", "-o", out.to_str().unwrap()],
    )
    .success();
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

const EVENTS: &[TableCase] = &[
    ("event_default", &["event", "sns"], 0),
    (
        "event_fields",
        &[
            "event",
            "sns",
            "notification",
            "--topic",
            "orders",
            "--region",
            "eu-west-1",
            "--subject",
            "Order update",
            "--message",
            r#"{"id": "o-1", "kind": "order.created"}"#,
            "--message",
            "plain text",
            "--message-attribute",
            "store=example_corp",
            "--message-attribute",
            "price_usd:Number=210.75",
            "--message-attribute",
            r#"tags:String.Array=["rugby", "soccer"]"#,
            "--message-attribute",
            "thumb:Binary=iVBORw0KGgo=",
        ],
        0,
    ),
    (
        "event_records",
        &["event", "sns", "--records", "3", "--topic", "orders"],
        0,
    ),
    ("error_event_kind", &["event", "sns", "publish"], 101),
    (
        "error_event_attribute",
        &["event", "sns", "--message-attribute", "price:Number=cheap"],
        101,
    ),
    (
        "error_event_attribute_type",
        &["event", "sns", "--message-attribute", "price:Float=1.5"],
        101,
    ),
    (
        "error_event_attribute_twice",
        &[
            "event",
            "sns",
            "--message-attribute",
            "a=1",
            "--message-attribute",
            "a=2",
        ],
        101,
    ),
    ("error_event_topic", &["event", "sns", "--topic", LEGACY], 101),
    (
        "error_event_subject",
        &["event", "sns", "--subject", "line one\nline two"],
        101,
    ),
];

#[test]
fn events() {
    table("sns", "", EVENTS);
}

#[test]
fn event_for_a_crate() {
    let case = case!().setup(&["new", "--source", "sns", "--arn", LEGACY]).setup(&[
        "new",
        "--source",
        "sns",
        "--topic",
        "orders",
        "--resource-name",
        "orders-events",
    ]);
    case.run(&["event", "--for", "legacy-alerts-sns-trigger"])
        .named("existing")
        .ok();
    case.run(&["event", "--for", "orders-sns-trigger", "--message", "hi"])
        .named("managed")
        .ok();
}
