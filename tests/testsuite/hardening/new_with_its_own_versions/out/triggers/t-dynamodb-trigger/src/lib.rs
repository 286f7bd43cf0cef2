//! `t-dynamodb-trigger`: handles the DynamoDB stream of `t`.
//!
//! Each record is an INSERT, MODIFY or REMOVE; its images are read into
//! [`Item`] with `serde_dynamo`. A record that fails is reported to Lambda
//! by its sequence number (`ReportBatchItemFailures`), and processing stops
//! there: Lambda retries the batch from that record, so the records after
//! it are not handled twice and the table's order is kept. Put your logic
//! in [`on_insert`], [`on_modify`] and [`on_remove`].

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use lambda_runtime::{Error, LambdaEvent, tracing};
use serde::{Deserialize, Serialize};

/// An item of the table. Change it to your table's attributes: every image
/// in the stream is read into it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Item {
    /// The partition key (`id`).
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub done: bool,
    #[serde(default)]
    pub priority: Option<u32>,
}

/// One change to the table. Images are `None` when the stream's view type
/// does not carry them (e.g. `KEYS_ONLY`).
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Insert { new: Option<Item> },
    Modify { old: Option<Item>, new: Option<Item> },
    Remove { old: Option<Item> },
}

/// The runtime entry point (see `src/main.rs`).
pub async fn function_handler(event: LambdaEvent<Event>) -> Result<DynamoDbEventResponse, Error> {
    Ok(handle(event.payload).await)
}

/// Handle a batch; the response names the first record that failed.
pub async fn handle(event: Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        if let Err(error) = process(record).await {
            let id = record.change.sequence_number.clone().unwrap_or_default();
            tracing::error!(%error, sequence_number = %id, "record failed; Lambda retries the batch from it");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(id);
            response.batch_item_failures.push(failure);
            break;
        }
    }
    response
}

async fn process(record: &EventRecord) -> Result<(), Error> {
    match change_of(record)? {
        Change::Insert { new } => on_insert(new).await,
        Change::Modify { old, new } => on_modify(old, new).await,
        Change::Remove { old } => on_remove(old).await,
    }
}

/// A new item.
pub async fn on_insert(new: Option<Item>) -> Result<(), Error> {
    tracing::info!(item = ?new, "inserted");
    Ok(())
}

/// An item changed.
pub async fn on_modify(old: Option<Item>, new: Option<Item>) -> Result<(), Error> {
    tracing::info!(?old, ?new, "modified");
    Ok(())
}

/// An item was deleted (or expired by TTL).
pub async fn on_remove(old: Option<Item>) -> Result<(), Error> {
    tracing::info!(item = ?old, "removed");
    Ok(())
}

/// Read a stream record into a [`Change`].
pub fn change_of(record: &EventRecord) -> Result<Change, Error> {
    let new = image(&record.change.new_image)?;
    let old = image(&record.change.old_image)?;
    match record.event_name.as_str() {
        "INSERT" => Ok(Change::Insert { new }),
        "MODIFY" => Ok(Change::Modify { old, new }),
        "REMOVE" => Ok(Change::Remove { old }),
        other => Err(format!("unknown stream event name `{other}`").into()),
    }
}

fn image(item: &serde_dynamo::Item) -> Result<Option<Item>, Error> {
    if item.is_empty() {
        return Ok(None);
    }
    serde_dynamo::from_item(item.clone())
        .map(Some)
        .map_err(|e| format!("an image does not fit `Item`: {e}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample events in `events/` come from `cargo trigger event dynamodb`.
    fn sample(json: &str) -> Event {
        serde_json::from_str(json).expect("a valid DynamoDB stream event")
    }

    fn batch() -> Event {
        let mut event = sample(include_str!("../events/insert.json"));
        event.records.extend(sample(include_str!("../events/modify.json")).records);
        event.records.extend(sample(include_str!("../events/remove.json")).records);
        for (i, record) in event.records.iter_mut().enumerate() {
            record.change.sequence_number = Some(format!("{}", 1000 + i));
        }
        event
    }

    #[test]
    fn reads_each_change_into_items() {
        let event = batch();
        let changes: Vec<Change> = event.records.iter().map(|r| change_of(r).unwrap()).collect();
        let Change::Insert { new: Some(new) } = &changes[0] else { panic!("{:?}", changes[0]) };
        assert_eq!(new.id, "todo-1");
        assert_eq!(new.title, "Write the handler");
        assert_eq!(new.priority, Some(2));
        assert!(matches!(&changes[2], Change::Remove { old: Some(old) } if old.done));
        let Change::Modify { old, new } = &changes[1] else { panic!("{:?}", changes[1]) };
        assert_eq!(old.as_ref().map(|i| i.done), Some(false));
        assert_eq!(new.as_ref().map(|i| i.done), Some(true));
    }

    #[tokio::test]
    async fn a_good_batch_reports_no_failure() {
        let response = handle(batch()).await;
        assert!(response.batch_item_failures.is_empty());
    }

    #[tokio::test]
    async fn a_bad_record_is_reported_by_sequence_number() {
        let mut event = batch();
        // The second record's image lacks `title`: it cannot be read.
        event.records[1].change.new_image.remove("title");
        event.records[1].change.old_image.remove("title");
        if event.records[1].change.new_image.is_empty() && event.records[1].change.old_image.is_empty() {
            // A keys-only stream carries no image: make the event name bad instead.
            event.records[1].event_name = "UPSERT".to_string();
        }
        let response = handle(event).await;
        let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
        assert_eq!(failed, vec![Some("1001".to_string())]);
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(json, serde_json::json!({"batchItemFailures": [{"itemIdentifier": "1001"}]}));
    }

    #[test]
    fn an_unknown_event_name_is_an_error() {
        let mut event = batch();
        event.records[0].event_name = "UPSERT".to_string();
        assert!(change_of(&event.records[0]).is_err());
    }
}
