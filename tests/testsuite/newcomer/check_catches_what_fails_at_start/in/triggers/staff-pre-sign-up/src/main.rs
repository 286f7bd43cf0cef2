//! The Lambda entry point: builds the module pipeline once per cold start
//! and runs it on each event. The logic lives in `src/lib.rs` and
//! `src/modules/`.

use lambda_runtime::{Error, run, service_fn, tracing};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let handler = staff_pre_sign_up::Handler::from_env().await?;
    let handler = &handler;
    run(service_fn(move |event| async move { handler.handle(event).await })).await
}
