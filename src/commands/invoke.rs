use std::io::Read as _;
use std::path::PathBuf;

use clap::Args;

use crate::commands::Context;
use crate::commands::crate_arg::CrateArg;
use crate::commands::load;
use crate::errors::{CliError, CliResult, user_error};
use crate::ops::invoke::{DESERIALIZE_MESSAGE, EventInput, InvokeOptions, InvokeResult, invoke};
use crate::settings;
use crate::shell::Shell;

/// Build a trigger crate and run its real binary against a local Lambda Runtime API with one event
#[derive(Args, Debug)]
pub struct InvokeArgs {
    #[command(flatten)]
    pub krate: CrateArg,
    /// The event: a JSON file, `-` for stdin, or a kind (`put`, `insert`, `PreSignUp_SignUp`, …) [default: the crate's sample, e.g. `events/put.json`]
    #[arg(long, value_name = "FILE|-|KIND")]
    pub event: Option<String>,
    /// An environment variable for the function, NAME=VALUE (repeat for several)
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,
    /// Seconds to wait for the answer, 1 to 900 [default: the crate's cargo-lambda timeout, else 30]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Build in release mode
    #[arg(long, conflicts_with = "binary")]
    pub release: bool,
    /// Run this binary instead of building the crate (e.g. from `cargo lambda build`)
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
    /// Print how long the function took (JSON, on stderr)
    #[arg(long)]
    pub timing: bool,
}

pub fn exec(args: InvokeArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let event = match args.event.as_deref() {
        None => EventInput::Sample,
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| user_error(format!("cannot read the event from stdin: {e}"), "pipe a JSON event in"))?;
            EventInput::Text(s)
        }
        Some(x) if x.ends_with(".json") || x.contains('/') || PathBuf::from(x).is_file() => {
            EventInput::File(ctx.cwd.join(x))
        }
        Some(kind) => EventInput::Kind(kind.to_string()),
    };
    let env = args
        .env
        .iter()
        .map(|e| {
            settings::parse_assignment(e)
                .map_err(|why| user_error(format!("invalid `--env`: {why}"), "write `--env NAME=VALUE`"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ws = load(ctx)?;
    let opts = InvokeOptions {
        krate: args.krate.name(ctx, || Ok(&ws))?,
        event,
        env,
        timeout: args.timeout,
        release: args.release,
        binary: args.binary.map(|b| ctx.cwd.join(b)),
    };
    match invoke(&ws, &opts, shell)? {
        InvokeResult::Response {
            body,
            timing,
            failed,
            retry,
        } => {
            let mut text = serde_json::to_string_pretty(&body).map_err(anyhow::Error::from)?;
            text.push('\n');
            shell.out(&text);
            if args.timing {
                let t = serde_json::to_string(&timing).map_err(anyhow::Error::from)?;
                shell.passthrough_err(&format!("timing: {t}\n"));
            }
            if failed.is_empty() {
                return Ok(());
            }
            let which: Vec<String> = failed
                .iter()
                .map(|f| match (f.index, f.id.is_empty()) {
                    (_, true) => "one without an `itemIdentifier` (Lambda then retries the whole batch)".to_string(),
                    (Some(i), false) => format!("record [{i}] (`{}`)", f.id),
                    (None, false) => format!("`{}`, which is no record of the event", f.id),
                })
                .collect();
            shell.error(&user_error(
                format!(
                    "`{}` reported {} failed record{}: {}",
                    opts.krate,
                    failed.len(),
                    if failed.len() == 1 { "" } else { "s" },
                    which.join(", ")
                ),
                format!(
                    "{}; the function's logs above say why it failed",
                    retry
                        .as_deref()
                        .unwrap_or("Lambda would retry them (`batchItemFailures`)")
                ),
            ));
            Err(CliError::code(1))
        }
        InvokeResult::BadEvent { message } => {
            let why = message
                .strip_prefix(DESERIALIZE_MESSAGE)
                .map(|m| m.trim_start_matches(':').trim())
                .unwrap_or(&message);
            shell.error(&user_error(
                format!(
                    "the event does not match `{}`'s event type, so its handler never ran: {why}",
                    opts.krate
                ),
                format!(
                    "`cargo trigger event --for {}` prints an event of its type (or invoke without `--event` to use its sample)",
                    opts.krate
                ),
            ));
            Err(CliError::code(1))
        }
        InvokeResult::NotDelivered { reasons } => {
            shell.error(&user_error(
                format!(
                    "`{}`'s bindings would not deliver this event, so it was not invoked: {}",
                    opts.krate,
                    reasons.join("; ")
                ),
                format!(
                    "change the event (or the binding's filter), or pass the event to `--event` as the source would deliver it (`cargo trigger event --for {}` prints one that passes the filters where it can)",
                    opts.krate
                ),
            ));
            Err(CliError::code(1))
        }
        InvokeResult::Failed {
            error_type,
            message,
            init,
        } => {
            let what = if init { "failed to start" } else { "returned an error" };
            // lambda_runtime names boxed errors by their Rust type, which says
            // nothing here; a named error type is worth showing.
            let shown = if error_type.contains("dyn ") {
                String::new()
            } else {
                format!("{error_type}: ")
            };
            shell.error(&user_error(
                format!("`{}` {what}: {shown}{message}", opts.krate),
                "that is the handler's own error; Lambda would report it to the caller the same way",
            ));
            Err(CliError::code(1))
        }
    }
}
