//! `legacy-clicks-kinesis-trigger`: handles records from the Kinesis stream `arn:aws:kinesis:eu-west-1:123456789012:stream/legacy-clicks`.
//!
//! Each record's data arrives base64-decoded; it is parsed as JSON into
//! [`Message`]. A record that fails is reported to Lambda by its sequence
//! number (`ReportBatchItemFailures`) and processing stops there: Lambda
//! retries the batch from that record, so the records after it are not
//! handled twice and the shard's order is kept. Put your logic in
//! [`on_message`].

use aws_lambda_events::event::kinesis::{KinesisEvent, KinesisEventRecord};
use aws_lambda_events::event::streams::KinesisEventResponse;
use lambda_runtime::{Error, LambdaEvent, tracing};
use serde::{Deserialize, Serialize};

/// The JSON payload of a record. Change it to what your producers write.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Message {
    pub id: String,
    pub action: String,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// The runtime entry point (see `src/main.rs`).
pub async fn function_handler(event: LambdaEvent<KinesisEvent>) -> Result<KinesisEventResponse, Error> {
    Ok(handle(event.payload).await)
}

/// Handle a batch; the response names the first record that failed.
pub async fn handle(event: KinesisEvent) -> KinesisEventResponse {
    let mut response = KinesisEventResponse::default();
    for record in &event.records {
        if let Err(error) = process(record).await {
            let id = record.kinesis.sequence_number.clone();
            tracing::error!(%error, sequence_number = %id, "record failed; Lambda retries the batch from it");
            response.add_failure(id);
            break;
        }
    }
    response
}

async fn process(record: &KinesisEventRecord) -> Result<(), Error> {
    let message = message_of(record)?;
    on_message(&record.kinesis.partition_key, message).await
}

/// Parse a record's data as a [`Message`].
pub fn message_of(record: &KinesisEventRecord) -> Result<Message, Error> {
    serde_json::from_slice(&record.kinesis.data).map_err(|e| {
        format!(
            "record {} is not a JSON `Message`: {e}",
            record.kinesis.sequence_number
        )
        .into()
    })
}

/// One message from the stream.
pub async fn on_message(partition_key: &str, message: Message) -> Result<(), Error> {
    tracing::info!(partition_key, id = %message.id, action = %message.action, "message");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample events in `events/` come from `cargo trigger event kinesis`.
    fn sample() -> KinesisEvent {
        serde_json::from_str(include_str!("../events/records.json")).expect("a valid Kinesis event")
    }

    #[test]
    fn data_is_decoded_and_parsed() {
        let event = sample();
        let messages: Vec<Message> = event.records.iter().map(|r| message_of(r).unwrap()).collect();
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[0].id, "evt-1");
        assert_eq!(messages[1].action, "view");
        assert_eq!(messages[2].data["page"], "/signup");
    }

    #[tokio::test]
    async fn a_good_batch_reports_no_failure() {
        assert!(handle(sample()).await.batch_item_failures.is_empty());
    }

    #[tokio::test]
    async fn a_bad_record_is_reported_by_sequence_number() {
        let mut event = sample();
        event.records[1].kinesis.data.0 = b"not json".to_vec();
        let bad = event.records[1].kinesis.sequence_number.clone();
        let response = handle(event).await;
        let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
        assert_eq!(failed, vec![Some(bad.clone())]);
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(json, serde_json::json!({"batchItemFailures": [{"itemIdentifier": bad}]}));
    }
}
