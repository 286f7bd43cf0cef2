//! `cargo trigger invoke`: build a trigger crate, run its real binary
//! against a local Lambda Runtime API, deliver one event, report what the
//! handler answered.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::errors::{CargoResult, user_error};
use crate::events;
use crate::ops::event::{EventOptions, generate};
use crate::runtime_api::{Invocation, Outcome, RuntimeApi};
use crate::shell::Shell;
use crate::workspace::{Member, Workspace};

/// The longest `--timeout`: 900 seconds, the most Lambda runs a function.
pub const MAX_TIMEOUT: u64 = 900;

/// Where the event comes from.
#[derive(Clone, Debug, Default)]
pub enum EventInput {
    /// The crate's default sample (from its binding).
    #[default]
    Sample,
    /// A kind for `cargo trigger event` (`put`, `PreSignUp_SignUp`, …).
    Kind(String),
    File(PathBuf),
    /// JSON given on stdin (already read).
    Text(String),
}

#[derive(Clone, Debug, Default)]
pub struct InvokeOptions {
    pub krate: String,
    pub event: EventInput,
    pub env: Vec<(String, String)>,
    pub timeout: Option<u64>,
    pub release: bool,
    /// A binary built elsewhere (e.g. `cargo lambda build`): no build step.
    pub binary: Option<PathBuf>,
}

/// What happened.
/// How long the function took, measured here.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Timing {
    /// From starting the process to receiving its response: a cold start
    /// plus the handler.
    pub start_to_response_ms: f64,
    /// From handing out the event to receiving the response: the handler.
    pub event_to_response_ms: f64,
}

/// What the crate's bindings would deliver of `event` (AWS filters before
/// invoking): the first binding that delivers it, with its notes (records
/// dropped), or every binding's reason for delivering nothing.
fn delivered(
    ws: &Workspace,
    t: &crate::workspace::TriggerMeta,
    event: serde_json::Value,
) -> Result<(serde_json::Value, Vec<String>), Vec<String>> {
    if t.bindings.is_empty() {
        return Ok((event, Vec::new()));
    }
    let spec = t.source.spec();
    let mut reasons = Vec::new();
    for b in &t.bindings {
        let r = b.target.resource_name().and_then(|n| ws.resource(n));
        let d = spec.deliver(b, r, event.clone());
        match d.event {
            Some(e) => return Ok((e, d.notes)),
            None => reasons.extend(d.notes),
        }
    }
    Err(reasons)
}

pub enum InvokeResult {
    Response {
        body: serde_json::Value,
        timing: Timing,
    },
    Failed {
        error_type: String,
        message: String,
        init: bool,
    },
    /// No binding would hand the function this event; it was not run.
    NotDelivered {
        reasons: Vec<String>,
    },
}

fn binary_of(m: &Member) -> CargoResult<String> {
    match m.bins.as_slice() {
        [] => Err(user_error(
            format!("`{}` has no binary target", m.name),
            "a trigger crate needs `src/main.rs` that calls `lambda_runtime::run`",
        )),
        [one] => Ok(one.clone()),
        many => Ok(many.iter().find(|b| **b == m.name).unwrap_or(&many[0]).clone()),
    }
}

/// `cargo build` the crate's binary; its path.
fn build(ws: &Workspace, m: &Member, bin: &str, release: bool, shell: &mut Shell) -> CargoResult<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--message-format",
        "json-render-diagnostics",
        "-p",
        &m.name,
        "--bin",
        bin,
        "--manifest-path",
    ])
    .arg(&ws.root_manifest);
    if release {
        cmd.arg("--release");
    }
    if shell.verbosity() == crate::shell::Verbosity::Quiet {
        cmd.arg("-q");
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    shell.status("Building", format!("`{}` (bin `{bin}`)", m.name));
    let mut child = cmd.spawn().context("failed to run `cargo build`")?;
    let stdout = child.stdout.take().expect("piped");
    let mut exe = None;
    for msg in cargo_metadata::Message::parse_stream(BufReader::new(stdout)) {
        if let Ok(cargo_metadata::Message::CompilerArtifact(a)) = msg
            && a.target.name == bin
            && let Some(path) = a.executable
        {
            exe = Some(PathBuf::from(path));
        }
    }
    let status = child.wait().context("failed to wait for `cargo build`")?;
    if !status.success() {
        return Err(user_error(
            format!("`cargo build -p {}` failed", m.name),
            "fix the compiler errors above, then invoke again",
        ));
    }
    exe.ok_or_else(|| anyhow::anyhow!("`cargo build` produced no binary named `{bin}`"))
}

pub fn invoke(ws: &Workspace, opts: &InvokeOptions, shell: &mut Shell) -> CargoResult<InvokeResult> {
    if let Some(t) = opts.timeout
        && !(1..=MAX_TIMEOUT).contains(&t)
    {
        return Err(user_error(
            format!("`--timeout {t}` is out of range"),
            format!("Lambda runs a function for 1 to {MAX_TIMEOUT} seconds"),
        ));
    }
    ws.ensure_valid()?;
    let (m, t) = ws.require_trigger(
        &opts.krate,
        "invoke runs trigger crates; pass one listed by `cargo trigger list`",
    )?;
    let event_text = match &opts.event {
        EventInput::Sample | EventInput::Kind(_) => {
            let kind = match &opts.event {
                EventInput::Kind(k) => Some(k.clone()),
                _ => None,
            };
            let ev = generate(
                Some(ws),
                &EventOptions {
                    source: Some(t.source),
                    kind,
                    for_crate: Some(m.name.clone()),
                    ..Default::default()
                },
            )?;
            serde_json::to_string(&ev)?
        }
        EventInput::File(p) => std::fs::read_to_string(p).map_err(|e| {
            user_error(
                format!("cannot read event file `{}`: {e}", p.display()),
                "pass a JSON file, `-` for stdin, or a kind such as `put`",
            )
        })?,
        EventInput::Text(s) => s.clone(),
    };
    let event: serde_json::Value = serde_json::from_str(&event_text).map_err(|e| {
        user_error(
            format!("the event is not JSON: {e}"),
            "pass a JSON event (see `cargo trigger event`)",
        )
    })?;
    let event_text = match delivered(ws, t, event) {
        Ok((event, notes)) => {
            for n in notes {
                shell.warn(n);
            }
            serde_json::to_string(&event)?
        }
        Err(reasons) => return Ok(InvokeResult::NotDelivered { reasons }),
    };

    let exe = match &opts.binary {
        Some(b) => b.clone(),
        None => {
            let bin = binary_of(m)?;
            build(ws, m, &bin, opts.release, shell)?
        }
    };
    let lambda = m.lambda.clone().unwrap_or_default();
    let timeout = Duration::from_secs(opts.timeout.or(lambda.timeout.map(u64::from)).unwrap_or(30));
    let request_id = {
        let h = format!(
            "{:032x}",
            Instant::now().elapsed().as_nanos() ^ u128::from(std::process::id())
        );
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    };
    let arn = format!(
        "arn:aws:lambda:{}:{}:function:{}",
        events::DEFAULT_REGION,
        events::DEFAULT_ACCOUNT,
        m.name
    );
    let api = RuntimeApi::start(Invocation {
        request_id,
        function_arn: arn,
        event: event_text.into_bytes(),
        timeout,
    })
    .context("failed to start the local Runtime API")?;

    let mut cmd = Command::new(&exe);
    cmd.env("AWS_LAMBDA_RUNTIME_API", api.address())
        .env("AWS_LAMBDA_FUNCTION_NAME", &m.name)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env(
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            lambda.memory.unwrap_or(128).to_string(),
        )
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{}", m.name))
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "cargo-trigger-invoke")
        .env("AWS_REGION", events::DEFAULT_REGION)
        .env("AWS_DEFAULT_REGION", events::DEFAULT_REGION)
        .env("_HANDLER", "bootstrap");
    for (k, v) in lambda
        .env
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .chain(opts.env.iter().cloned())
    {
        cmd.env(k, v);
    }
    // The function's logs go to stderr; stdout is for the response.
    cmd.stdin(Stdio::null())
        .stdout(std::io::stderr())
        .stderr(Stdio::inherit());
    shell.status("Invoking", format!("`{}` ({} s timeout)", m.name, timeout.as_secs()));
    let mut child = cmd
        .spawn()
        .with_context(|| format!("failed to start `{}`", exe.display()))?;
    let started = Instant::now();
    let (outcome, answered) = loop {
        if let Some(o) = api.wait(Duration::from_millis(100)) {
            break (Some(o), Instant::now());
        }
        if child.try_wait()?.is_some() {
            // It may have reported just before exiting.
            break (api.wait(Duration::from_millis(200)), Instant::now());
        }
        if started.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(user_error(
                format!("`{}` timed out after {} s without answering", m.name, timeout.as_secs()),
                "a Lambda function must ask the Runtime API for its event and answer it; raise `timeout` in `[package.metadata.lambda.deploy]` or pass `--timeout` if it is just slow",
            ));
        }
    };
    if child.try_wait()?.is_none() {
        let _ = child.kill();
    }
    let status = child.wait()?;
    match outcome {
        Some(Outcome::Response(body)) => {
            let v = serde_json::from_slice(&body)
                .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into_owned()));
            let timing = Timing {
                start_to_response_ms: answered.duration_since(started).as_secs_f64() * 1000.0,
                event_to_response_ms: api
                    .delivered_at()
                    .map_or(0.0, |d| answered.duration_since(d).as_secs_f64() * 1000.0),
            };
            Ok(InvokeResult::Response { body: v, timing })
        }
        Some(Outcome::Error { error_type, message }) => Ok(InvokeResult::Failed {
            error_type,
            message,
            init: false,
        }),
        Some(Outcome::InitError { error_type, message }) => Ok(InvokeResult::Failed {
            error_type,
            message,
            init: true,
        }),
        None => Err(user_error(
            format!("`{}` exited ({status}) before answering the event", m.name),
            "its logs are above; a crash or `std::process::exit` in the handler ends the function",
        )),
    }
}
