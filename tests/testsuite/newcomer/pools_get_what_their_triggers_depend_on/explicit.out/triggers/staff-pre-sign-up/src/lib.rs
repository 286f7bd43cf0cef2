//! `staff-pre-sign-up`: the Cognito `PreSignUp` trigger of user pool
//! `staff`.
//!
//! The modules in `src/modules/` run in the order of
//! `[package.metadata.trigger].modules`; each gets the event as the previous
//! one left it, and the first error rejects the operation with that module's
//! message. Cognito waits at most 5 seconds for a trigger.

pub mod modules;

use lambda_runtime::{Error, LambdaEvent};

/// The event this trigger receives.
pub use aws_lambda_events::event::cognito::CognitoEventUserPoolsPreSignup as Event;

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
        ("PreSignUp_SignUp", include_str!("../events/PreSignUp_SignUp.json")),
        ("PreSignUp_AdminCreateUser", include_str!("../events/PreSignUp_AdminCreateUser.json")),
        ("PreSignUp_ExternalProvider", include_str!("../events/PreSignUp_ExternalProvider.json")),
    ];

    #[test]
    fn every_trigger_source_parses_and_round_trips() {
        for (source, json) in SAMPLES {
            let event: Event = serde_json::from_str(json).unwrap_or_else(|e| panic!("{source}: {e}"));
            let again: Event = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
            assert_eq!(event, again, "{source}");
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
