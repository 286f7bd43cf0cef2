//! The Lambda entry point: starts the runtime and hands each event to
//! [`x1::function_handler`]. The logic lives in `src/lib.rs`.

use lambda_runtime::{Error, run, service_fn, tracing};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(x1::function_handler)).await
}
