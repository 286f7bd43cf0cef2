//! The modules of `users-post-confirmation`, run in this order: the order of
//! `[package.metadata.trigger].modules` in Cargo.toml.
//!
//! `cargo trigger` rewrites this file when the module list changes (and
//! stops instead if you have edited it). Put your code in the module files.

pub mod add_to_group;

use lambda_runtime::{Error, tracing};

use crate::Event;

/// Every module, built from its settings once per cold start.
pub struct Pipeline {
    pub add_to_group: add_to_group::Module,
}

impl Pipeline {
    /// The module names, in the order they run.
    pub const ORDER: &'static [&'static str] = &["add-to-group"];

    pub async fn from_env() -> Result<Self, Error> {
        Ok(Pipeline {
            add_to_group: add_to_group::Module::from_env().await?,
        })
    }

    /// Run the modules in order on `event`. The first error stops the run and
    /// rejects the operation with that module's message.
    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        if let Err(error) = self.add_to_group.run(event).await {
            tracing::info!(module = "add-to-group", %error, "module rejected the event");
            return Err(error);
        }
        Ok(())
    }
}
