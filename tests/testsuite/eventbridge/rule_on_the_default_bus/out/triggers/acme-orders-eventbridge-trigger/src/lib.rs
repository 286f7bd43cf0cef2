//! `acme-orders-eventbridge-trigger`: handles the events of a rule on the default event bus, whose
//! pattern is `{"source":["acme.orders"],"detail-type":["Order Placed"],"detail":{"amount":[{"numeric":[">",100]}],"type":[{"prefix":"express-"}]}}`.
//!
//! EventBridge invokes the function asynchronously with one event at a
//! time, its `detail` typed as [`Detail`]. An error fails the invocation
//! and it is retried, so one event may arrive more than once: key work that
//! must happen once on the event's `id`. Put your logic in [`on_event`].

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, tracing};
use serde::{Deserialize, Serialize};

/// The events' `detail`. Its fields are those of the sample in
/// `events/event.json`; change them to what your producers send.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Detail {
    #[serde(rename = "order-id")]
    pub order_id: String,
    pub amount: f64,
    pub currency: String,
    #[serde(rename = "type")]
    pub type_: String,
}

/// What the function answers (EventBridge ignores it; it is for tests and
/// `cargo trigger invoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub id: Option<String>,
    pub detail_type: String,
}

/// The runtime entry point (see `src/main.rs`).
pub async fn function_handler(event: LambdaEvent<EventBridgeEvent<Detail>>) -> Result<Outcome, Error> {
    handle(event.payload).await
}

/// Handle one event. An error fails the invocation, and it is retried.
pub async fn handle(event: EventBridgeEvent<Detail>) -> Result<Outcome, Error> {
    on_event(&event).await?;
    Ok(Outcome {
        id: event.id,
        detail_type: event.detail_type,
    })
}

/// One event from the rule.
pub async fn on_event(event: &EventBridgeEvent<Detail>) -> Result<(), Error> {
    tracing::info!(id = ?event.id, source = %event.source, detail_type = %event.detail_type, detail = ?event.detail, "event");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample event in `events/` comes from `cargo trigger event
    /// eventbridge`: an event the rule's pattern matches.
    const SAMPLE: &str = include_str!("../events/event.json");

    fn sample() -> EventBridgeEvent<Detail> {
        serde_json::from_str(SAMPLE).expect("a valid EventBridge event")
    }

    #[test]
    fn the_sample_is_an_event_of_the_rule() {
        let event = sample();
        assert_eq!(event.source, "acme.orders");
        assert_eq!(event.detail_type, "Order Placed");
    }

    #[test]
    fn the_detail_keeps_every_field() {
        let raw: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(serde_json::to_value(sample().detail).unwrap(), raw["detail"]);
    }

    #[tokio::test]
    async fn the_sample_is_handled() {
        let event = sample();
        let id = event.id.clone();
        let outcome = handle(event).await.unwrap();
        assert_eq!(outcome.id, id);
        assert_eq!(outcome.detail_type, "Order Placed");
    }
}
