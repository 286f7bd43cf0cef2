//! The modules of `users-pre-sign-up`, run in this order: the order of
//! `[package.metadata.trigger].modules` in Cargo.toml.
//!
//! `cargo trigger` rewrites this file when the module list changes (and
//! stops instead if you have edited it). Put your code in the module files.

pub mod email_deny_list;

use lambda_runtime::{Error, tracing};

use crate::Event;

/// Every module, built from its settings once per cold start.
pub struct Pipeline {
    pub email_deny_list: email_deny_list::Module,
}

impl Pipeline {
    /// The module names, in the order they run.
    pub const ORDER: &'static [&'static str] = &["email-deny-list"];

    pub async fn from_env() -> Result<Self, Error> {
        Ok(Pipeline {
            email_deny_list: email_deny_list::Module::from_env().await?,
        })
    }

    /// Run the modules in order on `event`. The first error stops the run and
    /// rejects the operation with that module's message.
    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        if let Err(error) = self.email_deny_list.run(event).await {
            tracing::info!(module = "email-deny-list", %error, "module rejected the event");
            return Err(error);
        }
        Ok(())
    }
}
