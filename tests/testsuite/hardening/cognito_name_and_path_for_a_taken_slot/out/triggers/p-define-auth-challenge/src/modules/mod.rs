//! The modules of `p-define-auth-challenge`, run in this order: the order of
//! `[package.metadata.trigger].modules` in Cargo.toml.
//!
//! `cargo trigger` rewrites this file when the module list changes (and
//! stops instead if you have edited it). Put your code in the module files.

pub mod captcha_define;
pub mod custom;

use lambda_runtime::{Error, tracing};

use crate::Event;

/// Every module, built from its settings once per cold start.
pub struct Pipeline {
    pub captcha_define: captcha_define::Module,
    pub custom: custom::Module,
}

impl Pipeline {
    /// The module names, in the order they run.
    pub const ORDER: &'static [&'static str] = &["captcha-define", "custom"];

    pub async fn from_env() -> Result<Self, Error> {
        Ok(Pipeline {
            captcha_define: captcha_define::Module::from_env().await?,
            custom: custom::Module::from_env().await?,
        })
    }

    /// Run the modules in order on `event`. The first error stops the run and
    /// rejects the operation with that module's message.
    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        if let Err(error) = self.captcha_define.run(event).await {
            tracing::info!(module = "captcha-define", %error, "module rejected the event");
            return Err(error);
        }
        if let Err(error) = self.custom.run(event).await {
            tracing::info!(module = "custom", %error, "module rejected the event");
            return Err(error);
        }
        Ok(())
    }
}
