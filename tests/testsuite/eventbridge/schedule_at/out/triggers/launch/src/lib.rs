//! `launch`: runs on the schedule `at(2030-01-31T09:00:00)` (America/New_York),
//! invoked by EventBridge Scheduler.
//!
//! Scheduler invokes the function asynchronously with the event the
//! exported template gives it: an EventBridge-shaped `Scheduled Event`
//! whose `time` is the scheduled time, `resources[0]` the schedule's ARN,
//! `id` the attempt's execution id and `detail` the attempt number. A
//! failed run is retried (by Lambda, then by Scheduler's retry policy), so
//! one scheduled time may run more than once: key work that must happen
//! once on [`Run::scheduled_time`]. Put your logic in [`on_schedule`].

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, tracing};
use serde::{Deserialize, Serialize};

/// A schedule's `detail`: which attempt at its scheduled time this is (1
/// for the first). EventBridge's own scheduled rules send an empty detail,
/// so it is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ScheduleDetail {
    #[serde(rename = "attempt-number", default, skip_serializing_if = "Option::is_none")]
    pub attempt_number: Option<String>,
}

/// One run of the schedule, and what the function answers (Scheduler
/// ignores the answer; it is for tests and `cargo trigger invoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// When the run was scheduled, in UTC (`2024-01-01T12:00:00Z`).
    pub scheduled_time: String,
    /// The schedule's ARN.
    pub schedule_arn: Option<String>,
    /// 1 for the first attempt at this scheduled time.
    pub attempt: u32,
}

impl Run {
    /// The run an event stands for.
    pub fn of(event: &EventBridgeEvent<ScheduleDetail>) -> Result<Run, Error> {
        let time = event.time.ok_or("the scheduled event has no `time`")?;
        let attempt = match event.detail.attempt_number.as_deref() {
            Some(n) => n
                .parse()
                .map_err(|e| format!("`attempt-number` `{n}` is not a number: {e}"))?,
            None => 1,
        };
        Ok(Run {
            scheduled_time: time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            schedule_arn: event.resources.as_ref().and_then(|r| r.first().cloned()),
            attempt,
        })
    }
}

/// The runtime entry point (see `src/main.rs`).
pub async fn function_handler(event: LambdaEvent<EventBridgeEvent<ScheduleDetail>>) -> Result<Run, Error> {
    handle(event.payload).await
}

/// Handle one scheduled event. An error fails the run, and it is retried.
pub async fn handle(event: EventBridgeEvent<ScheduleDetail>) -> Result<Run, Error> {
    let run = Run::of(&event)?;
    on_schedule(&run).await?;
    Ok(run)
}

/// One run of the schedule.
pub async fn on_schedule(run: &Run) -> Result<(), Error> {
    tracing::info!(scheduled_time = %run.scheduled_time, attempt = run.attempt, "scheduled run");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample event in `events/` comes from `cargo trigger event
    /// eventbridge scheduled`: what the schedule hands the function.
    fn sample() -> EventBridgeEvent<ScheduleDetail> {
        serde_json::from_str(include_str!("../events/event.json")).expect("a valid scheduled event")
    }

    #[test]
    fn the_sample_is_a_run_of_the_schedule() {
        let event = sample();
        assert_eq!(event.detail_type, "Scheduled Event");
        assert_eq!(event.source, "aws.scheduler");
        let run = Run::of(&event).unwrap();
        assert_eq!(run.scheduled_time, "2030-01-31T14:00:00Z");
        assert_eq!(run.schedule_arn.as_deref(), Some("arn:aws:scheduler:us-east-1:123456789012:schedule/default/example-schedule"));
        assert_eq!(run.attempt, 1);
    }

    #[test]
    fn a_retry_is_a_later_attempt() {
        let mut event = sample();
        event.detail.attempt_number = Some("3".into());
        assert_eq!(Run::of(&event).unwrap().attempt, 3);
        event.detail.attempt_number = Some("third".into());
        assert!(Run::of(&event).is_err());
    }

    #[test]
    fn a_scheduled_rules_event_is_a_run_too() {
        let event: EventBridgeEvent<ScheduleDetail> = serde_json::from_str(
            r#"{"version": "0", "id": "89d1a02d-5ec7-412e-82f5-13505f849b41", "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012", "time": "2016-12-30T18:44:49Z", "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/SampleRule"], "detail": {}}"#,
        )
        .unwrap();
        let run = Run::of(&event).unwrap();
        assert_eq!(run.scheduled_time, "2016-12-30T18:44:49Z");
        assert_eq!(run.attempt, 1);
    }

    #[tokio::test]
    async fn the_sample_is_handled() {
        let run = handle(sample()).await.unwrap();
        assert_eq!(run.attempt, 1);
    }
}
