//! `legacy-alerts-sns-trigger`: handles messages published to the SNS topic `arn:aws:sns:us-east-1:123456789012:legacy-alerts`.
//!
//! SNS invokes the function asynchronously with the message in the event's
//! `Records` (one per invocation; every record is handled should there be
//! more). Each message is parsed as JSON into [`Message`], with its
//! attributes at hand ([`attribute`]). A message that fails fails the
//! invocation once the others are handled: Lambda then retries the event
//! (twice, for asynchronous invocations), so make [`on_message`] safe to
//! run again for a message id it has seen. Put your logic in
//! [`on_message`].
//!
//! The subscription's filter policy (scope `MessageAttributes`) lets
//! through only the messages it matches:
//!
//! ```json
//! {"severity": ["high", "critical"]}
//! ```

use aws_lambda_events::event::sns::{SnsEvent, SnsMessage};
use lambda_runtime::{Error, LambdaEvent, tracing};
use serde::{Deserialize, Serialize};

/// The JSON body of a message. Change it to what your publishers send.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Message {
    pub id: String,
    pub kind: String,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// What the function did with an event. SNS ignores the response of its
/// asynchronous invocations; it is here for tests and `cargo trigger invoke`.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The ids of the messages handled, in order.
    pub handled: Vec<String>,
    /// The messages that failed.
    pub failed: Vec<Failure>,
}

/// A message that failed, and why.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub message_id: String,
    pub error: String,
}

/// The runtime entry point (see `src/main.rs`).
pub async fn function_handler(event: LambdaEvent<SnsEvent>) -> Result<Outcome, Error> {
    respond(event.payload).await
}

/// Handle an event; an error naming each message that failed, so that
/// Lambda retries the event.
pub async fn respond(event: SnsEvent) -> Result<Outcome, Error> {
    let outcome = handle(event).await;
    if outcome.failed.is_empty() {
        return Ok(outcome);
    }
    let failed: Vec<String> = outcome
        .failed
        .iter()
        .map(|f| format!("{}: {}", f.message_id, f.error))
        .collect();
    Err(format!(
        "{} of {} messages failed: {}",
        outcome.failed.len(),
        outcome.failed.len() + outcome.handled.len(),
        failed.join("; ")
    )
    .into())
}

/// Handle every record: a failure is kept, and the records after it are
/// still handled.
pub async fn handle(event: SnsEvent) -> Outcome {
    let mut outcome = Outcome::default();
    for record in &event.records {
        let sns = &record.sns;
        match process(sns).await {
            Ok(()) => outcome.handled.push(sns.message_id.clone()),
            Err(error) => {
                tracing::error!(%error, message_id = %sns.message_id, "message failed");
                outcome.failed.push(Failure {
                    message_id: sns.message_id.clone(),
                    error: error.to_string(),
                });
            }
        }
    }
    outcome
}

async fn process(sns: &SnsMessage) -> Result<(), Error> {
    let message = message_of(sns)?;
    on_message(sns, message).await
}

/// Parse a message's body as a [`Message`].
pub fn message_of(sns: &SnsMessage) -> Result<Message, Error> {
    serde_json::from_str(&sns.message)
        .map_err(|e| format!("message {} is not a JSON `Message`: {e}", sns.message_id).into())
}

/// A message attribute's value, if the publisher set it (a `Number` as
/// written, a `String.Array` as its JSON, a `Binary` in base64).
pub fn attribute<'a>(sns: &'a SnsMessage, name: &str) -> Option<&'a str> {
    sns.message_attributes.get(name).map(|a| a.value.as_str())
}

/// One message from the topic.
pub async fn on_message(sns: &SnsMessage, message: Message) -> Result<(), Error> {
    tracing::info!(
        message_id = %sns.message_id,
        subject = ?sns.subject,
        id = %message.id,
        kind = %message.kind,
        "message"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample events in `events/` come from `cargo trigger event sns`.
    fn sample(text: &str) -> SnsEvent {
        serde_json::from_str(text).expect("a valid SNS event")
    }

    fn created() -> SnsEvent {
        sample(include_str!("../events/created.json"))
    }

    /// Both samples in one event.
    fn both() -> SnsEvent {
        let mut event = created();
        event
            .records
            .extend(sample(include_str!("../events/shipped.json")).records);
        event
    }

    #[test]
    fn a_message_is_parsed_with_its_attributes() {
        let event = created();
        let sns = &event.records[0].sns;
        assert_eq!(sns.topic_arn, "arn:aws:sns:us-east-1:123456789012:legacy-alerts");
        assert_eq!(sns.message_id, "5167c37b-7e3e-8769-a693-6c03d71eb230");
        assert_eq!(sns.subject.as_deref(), Some("Order created"));
        let message = message_of(sns).unwrap();
        assert_eq!(message.id, "ord-1001");
        assert_eq!(message.kind, "order.created");
        assert_eq!(message.data["total"], 42.5);
        assert_eq!(attribute(sns, "source"), Some("checkout"));
        assert_eq!(attribute(sns, "priority"), Some("2"));
        assert_eq!(sns.message_attributes["priority"].data_type, "Number");
        assert_eq!(attribute(sns, "missing"), None);
    }

    #[tokio::test]
    async fn every_record_is_handled() {
        let event = both();
        let ids: Vec<String> = event.records.iter().map(|r| r.sns.message_id.clone()).collect();
        assert_eq!(ids.len(), 2);
        let outcome = respond(event).await.unwrap();
        assert_eq!(outcome.handled, ids);
        assert!(outcome.failed.is_empty());
    }

    #[tokio::test]
    async fn a_bad_message_fails_the_invocation_after_the_others_are_handled() {
        let mut event = both();
        event.records[0].sns.message = "not json".into();
        let bad = event.records[0].sns.message_id.clone();
        let good = event.records[1].sns.message_id.clone();
        let outcome = handle(event.clone()).await;
        assert_eq!(outcome.handled, vec![good]);
        assert_eq!(outcome.failed.len(), 1);
        assert_eq!(outcome.failed[0].message_id, bad);
        let error = respond(event).await.unwrap_err().to_string();
        assert!(error.starts_with("1 of 2 messages failed: "), "{error}");
        assert!(error.contains(&bad), "{error}");
    }
}
