//! `m-email-custom-email-sender`: the Cognito `CustomEmailSender` trigger of user pool
//! `m-email`.
//!
//! The modules in `src/modules/` run in the order of
//! `[package.metadata.trigger].modules`; each gets the event as the previous
//! one left it, and the first error rejects the operation with that module's
//! message. Cognito waits at most 5 seconds for a trigger.
//!
//! Federated sign-in does not invoke this trigger.

pub mod event;
pub mod modules;

use lambda_runtime::{Error, LambdaEvent};

/// The event this trigger receives.
pub use crate::event::CustomSenderEvent as Event;

/// The function: the module pipeline, built once per cold start.
pub struct Handler {
    pipeline: modules::Pipeline,
}

impl Handler {
    /// Build every module from its settings in the environment.
    pub async fn from_env() -> Result<Self, Error> {
        Ok(Handler::new(modules::Pipeline::from_env().await?))
    }

    pub fn new(pipeline: modules::Pipeline) -> Self {
        Handler { pipeline }
    }

    /// The runtime entry point (see `src/main.rs`).
    pub async fn handle(&self, event: LambdaEvent<Event>) -> Result<Event, Error> {
        self.run(event.payload).await
    }

    /// Run the modules on `event` and return it as they left it.
    pub async fn run(&self, mut event: Event) -> Result<Event, Error> {
        self.pipeline.run(&mut event).await?;
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample events in `events/` come from `cargo trigger event cognito`.
    const SAMPLES: &[(&str, &str)] = &[
        ("CustomEmailSender_SignUp", include_str!("../events/CustomEmailSender_SignUp.json")),
        ("CustomEmailSender_ResendCode", include_str!("../events/CustomEmailSender_ResendCode.json")),
        ("CustomEmailSender_ForgotPassword", include_str!("../events/CustomEmailSender_ForgotPassword.json")),
        ("CustomEmailSender_UpdateUserAttribute", include_str!("../events/CustomEmailSender_UpdateUserAttribute.json")),
        ("CustomEmailSender_VerifyUserAttribute", include_str!("../events/CustomEmailSender_VerifyUserAttribute.json")),
        ("CustomEmailSender_AdminCreateUser", include_str!("../events/CustomEmailSender_AdminCreateUser.json")),
        ("CustomEmailSender_AccountTakeOverNotification", include_str!("../events/CustomEmailSender_AccountTakeOverNotification.json")),
    ];

    #[test]
    fn every_trigger_source_parses_and_round_trips() {
        for (source, json) in SAMPLES {
            let event: Event = serde_json::from_str(json).unwrap_or_else(|e| panic!("{source}: {e}"));
            let again: Event = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
            assert_eq!(event, again, "{source}");
            // The types in `src/event.rs` keep every field of the sample.
            let original: serde_json::Value = serde_json::from_str(json).unwrap();
            let written = serde_json::to_value(&event).unwrap();
            if let Err(path) = contained(&original, &written, "") {
                panic!("{source}: {path} is lost by `Event`");
            }
        }
    }

    /// Every field of `a` is in `b` with the same value.
    fn contained(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Result<(), String> {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => x.iter().try_for_each(|(k, v)| {
                let at = format!("{path}.{k}");
                contained(v, y.get(k).ok_or_else(|| at.clone())?, &at)
            }),
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                x.iter().zip(y).enumerate().try_for_each(|(i, (v, w))| contained(v, w, &format!("{path}[{i}]")))
            }
            _ if a == b => Ok(()),
            _ => Err(path.to_string()),
        }
    }

    /// `src/modules/mod.rs` runs the modules that Cargo.toml declares, in
    /// its order (`cargo trigger new … --module` keeps them in step).
    #[test]
    fn the_pipeline_runs_the_declared_modules_in_order() {
        let manifest: toml::Table = include_str!("../Cargo.toml").parse().expect("Cargo.toml is TOML");
        let declared: Vec<&str> = manifest["package"]["metadata"]["trigger"]["modules"]
            .as_array()
            .expect("`[package.metadata.trigger] modules` is a list")
            .iter()
            .map(|m| m.as_str().expect("a module name"))
            .collect();
        assert_eq!(
            modules::Pipeline::ORDER,
            declared.as_slice(),
            "src/modules/mod.rs must run the modules of `[package.metadata.trigger] modules`, in order"
        );
    }
}
