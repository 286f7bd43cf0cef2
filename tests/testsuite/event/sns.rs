//! SNS notifications deserialise into `aws_lambda_events::sns::SnsEvent`
//! and serialise back without losing a field, whatever the flags.

use aws_lambda_events::event::sns;

use super::round_trip;

#[test]
fn sns_events() {
    let e: sns::SnsEvent = round_trip(&["sns"]);
    assert_eq!(e.records.len(), 1);
    let m = &e.records[0].sns;
    assert_eq!(m.sns_message_type, "Notification");
    assert_eq!(m.subject, None);
    assert!(m.message_attributes.is_empty());
    assert!(
        e.records[0]
            .event_subscription_arn
            .starts_with(&format!("{}:", m.topic_arn))
    );

    let e: sns::SnsEvent = round_trip(&[
        "sns",
        "notification",
        "--topic",
        "orders",
        "--region",
        "eu-west-1",
        "--subject",
        "Order update",
        "--message",
        r#"{"id": "o-1"}"#,
        "--message",
        "plain text",
        "--records",
        "3",
        "--message-attribute",
        "store=example_corp",
        "--message-attribute",
        "price_usd:Number=210.75",
        "--message-attribute",
        r#"tags:String.Array=["rugby", "soccer"]"#,
        "--message-attribute",
        "thumb:Binary=iVBORw0KGgo=",
    ]);
    assert_eq!(e.records.len(), 3);
    let m = &e.records[1].sns;
    assert_eq!(m.topic_arn, "arn:aws:sns:eu-west-1:123456789012:orders");
    assert_eq!(m.message, "plain text");
    assert_eq!(e.records[2].sns.message, r#"{"id": "o-1"}"#);
    assert_eq!(m.subject.as_deref(), Some("Order update"));
    assert_eq!(m.message_attributes["price_usd"].data_type, "Number");
    assert_eq!(m.message_attributes["tags"].value, r#"["rugby", "soccer"]"#);
    assert_eq!(m.message_attributes["thumb"].data_type, "Binary");
    assert_ne!(e.records[0].sns.message_id, m.message_id);
    assert!(e.records[0].sns.timestamp < m.timestamp);
    assert!(m.signing_cert_url.starts_with("https://sns.eu-west-1.amazonaws.com/"));
}
