//! `x1`: handles S3 object notifications from `b`.
//!
//! Every record of a notification is handled (S3 may batch several), keys
//! are URL-decoded (`+` and `%XX`, as S3 encodes them), and created and
//! removed objects go to their own function. Put your logic in
//! [`on_created`] and [`on_removed`].
//!
//! A bucket that the exported template does not create reaches the function
//! through EventBridge instead (`cargo trigger export` says so): those
//! object events are handled the same way.

use aws_lambda_events::event::s3::{S3Event, S3EventRecord};
use lambda_runtime::{Error, LambdaEvent, tracing};
use serde::{Deserialize, Serialize};

/// What arrives: an S3 notification, or an S3 object event from EventBridge.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Notification {
    S3(S3Event),
    EventBridge(ObjectEvent),
}

/// An S3 object event as EventBridge delivers it (`Object Created`,
/// `Object Deleted`, …). Its key is URL-encoded as in S3 notifications.
#[derive(Debug, Clone, Deserialize)]
pub struct ObjectEvent {
    #[serde(rename = "detail-type")]
    pub detail_type: String,
    pub detail: ObjectEventDetail,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObjectEventDetail {
    pub bucket: ObjectEventBucket,
    pub object: ObjectEventObject,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObjectEventBucket {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObjectEventObject {
    pub key: String,
    #[serde(default)]
    pub size: Option<i64>,
}

/// What the function did with a notification. S3 ignores the response of an
/// asynchronous invocation; it is here for tests and `cargo trigger invoke`.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Keys of created objects, decoded.
    pub created: Vec<String>,
    /// Keys of removed objects, decoded.
    pub removed: Vec<String>,
    /// Other notifications (restore, replication, …): `event name: key`.
    pub skipped: Vec<String>,
}

/// An object that a record is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub bucket: String,
    pub key: String,
    pub size: Option<i64>,
}

/// The runtime entry point (see `src/main.rs`).
pub async fn function_handler(event: LambdaEvent<Notification>) -> Result<Outcome, Error> {
    match event.payload {
        Notification::S3(notification) => handle(notification).await,
        Notification::EventBridge(event) => handle_eventbridge(event).await,
    }
}

/// Handle every record of a notification. An error fails the invocation, so
/// that Lambda retries the event (asynchronous invocations retry twice).
pub async fn handle(event: S3Event) -> Result<Outcome, Error> {
    let mut outcome = Outcome::default();
    for record in &event.records {
        let object = object_of(record)?;
        let name = record.event_name.as_deref().unwrap_or_default();
        let change = if name.starts_with("ObjectCreated:") {
            Change::Created
        } else if name.starts_with("ObjectRemoved:") {
            Change::Removed
        } else {
            Change::Other(name)
        };
        dispatch(&mut outcome, change, object).await?;
    }
    Ok(outcome)
}

/// Handle an object event that came through EventBridge.
pub async fn handle_eventbridge(event: ObjectEvent) -> Result<Outcome, Error> {
    let mut outcome = Outcome::default();
    let change = match event.detail_type.as_str() {
        "Object Created" => Change::Created,
        "Object Deleted" => Change::Removed,
        other => Change::Other(other),
    };
    let object = Object {
        bucket: event.detail.bucket.name,
        key: decode_key(&event.detail.object.key)?,
        size: event.detail.object.size,
    };
    dispatch(&mut outcome, change, object).await?;
    Ok(outcome)
}

enum Change<'a> {
    Created,
    Removed,
    Other(&'a str),
}

async fn dispatch(outcome: &mut Outcome, change: Change<'_>, object: Object) -> Result<(), Error> {
    match change {
        Change::Created => {
            on_created(&object).await?;
            outcome.created.push(object.key);
        }
        Change::Removed => {
            on_removed(&object).await?;
            outcome.removed.push(object.key);
        }
        Change::Other(name) => {
            tracing::info!(event = name, key = %object.key, "skipping notification");
            outcome.skipped.push(format!("{name}: {}", object.key));
        }
    }
    Ok(())
}

/// A new object (or a new version of one) is in the bucket.
pub async fn on_created(object: &Object) -> Result<(), Error> {
    tracing::info!(bucket = %object.bucket, key = %object.key, size = ?object.size, "object created");
    Ok(())
}

/// An object was deleted (or got a delete marker).
pub async fn on_removed(object: &Object) -> Result<(), Error> {
    tracing::info!(bucket = %object.bucket, key = %object.key, "object removed");
    Ok(())
}

fn object_of(record: &S3EventRecord) -> Result<Object, Error> {
    let bucket = record.s3.bucket.name.clone().ok_or("S3 record without a bucket name")?;
    let raw = record.s3.object.key.as_deref().ok_or("S3 record without an object key")?;
    Ok(Object {
        bucket,
        key: decode_key(raw)?,
        size: record.s3.object.size,
    })
}

/// Decode a key as S3 encodes it in notifications: `+` is a space and
/// `%XX` a byte of the UTF-8 key (as AWS's own tools decode them, a `%`
/// that starts no escape is kept).
pub fn decode_key(raw: &str) -> Result<String, Error> {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|k| k.into_owned())
        .map_err(|_| format!("S3 key `{raw}` is not UTF-8 once decoded").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample events in `events/` come from `cargo trigger event s3`.
    fn sample(json: &str) -> S3Event {
        serde_json::from_str(json).expect("a valid S3 notification")
    }

    #[tokio::test]
    async fn handles_every_record_of_a_notification() {
        let mut event = sample(include_str!("../events/put.json"));
        let mut second = event.records[0].clone();
        second.s3.object.key = Some("photos/a%2Bb+c.png".to_string());
        event.records.push(second);
        event.records.extend(sample(include_str!("../events/delete.json")).records);

        let outcome = handle(event).await.unwrap();

        assert_eq!(outcome.created, vec!["my photo (1).jpg".to_string(), "photos/a+b c.png".to_string()]);
        assert_eq!(outcome.removed, vec!["old notes+draft.txt".to_string()]);
        assert!(outcome.skipped.is_empty());
    }

    #[tokio::test]
    async fn other_notifications_are_skipped() {
        let mut event = sample(include_str!("../events/put.json"));
        event.records[0].event_name = Some("ObjectRestore:Completed".to_string());
        let outcome = handle(event).await.unwrap();
        assert_eq!(outcome.created, Vec::<String>::new());
        assert_eq!(outcome.skipped.len(), 1);
    }

    #[tokio::test]
    async fn a_malformed_key_fails_the_invocation() {
        let mut event = sample(include_str!("../events/put.json"));
        event.records[0].s3.object.key = Some("bad%FFkey".to_string());
        assert!(handle(event).await.is_err());
    }

    #[tokio::test]
    async fn eventbridge_object_events_are_handled_too() {
        let created: Notification = serde_json::from_str(
            r#"{"version": "0", "id": "1", "detail-type": "Object Created", "source": "aws.s3",
                "account": "123456789012", "time": "2024-01-01T12:00:00Z", "region": "us-east-1",
                "resources": ["arn:aws:s3:::legacy"],
                "detail": {"version": "0", "bucket": {"name": "legacy"},
                           "object": {"key": "in/a+b%2B1.csv", "size": 5, "etag": "x"}, "reason": "PutObject"}}"#,
        )
        .unwrap();
        let Notification::EventBridge(event) = created else { panic!("not an EventBridge event") };
        let outcome = handle_eventbridge(event).await.unwrap();
        // EventBridge keys are URL-encoded like notification keys.
        assert_eq!(outcome.created, vec!["in/a b+1.csv".to_string()]);
        let sample: Notification = serde_json::from_str(include_str!("../events/put.json")).unwrap();
        assert!(matches!(sample, Notification::S3(_)));
    }

    #[test]
    fn decodes_keys_as_s3_encodes_them() {
        assert_eq!(decode_key("my+photo+%281%29.jpg").unwrap(), "my photo (1).jpg");
        assert_eq!(decode_key("caf%C3%A9%2Bcr%C3%A8me").unwrap(), "café+crème");
        assert_eq!(decode_key("plain/key.txt").unwrap(), "plain/key.txt");
        assert_eq!(decode_key("trailing%2").unwrap(), "trailing%2");
        assert!(decode_key("%FF").is_err());
    }
}
