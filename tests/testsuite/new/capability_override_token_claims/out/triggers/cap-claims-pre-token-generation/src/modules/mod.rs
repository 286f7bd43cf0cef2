//! The modules of `cap-claims-pre-token-generation`, run in this order: the order of
//! `[package.metadata.trigger].modules` in Cargo.toml.
//!
//! `cargo trigger` rewrites this file when the module list changes (and
//! stops instead if you have edited it). Put your code in the module files.

pub mod override_token_claims;

use lambda_runtime::{Error, tracing};

use crate::Event;

/// Every module, built from its settings once per cold start.
pub struct Pipeline {
    pub override_token_claims: override_token_claims::Module,
}

impl Pipeline {
    /// The module names, in the order they run.
    pub const ORDER: &'static [&'static str] = &["override-token-claims"];

    pub async fn from_env() -> Result<Self, Error> {
        Ok(Pipeline {
            override_token_claims: override_token_claims::Module::from_env().await?,
        })
    }

    /// Run the modules in order on `event`. The first error stops the run and
    /// rejects the operation with that module's message.
    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        if let Err(error) = self.override_token_claims.run(event).await {
            tracing::info!(module = "override-token-claims", %error, "module rejected the event");
            return Err(error);
        }
        Ok(())
    }
}
