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
use crate::ops::event::{EventOptions, delivered, generate};
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

pub enum InvokeResult {
    Response {
        body: serde_json::Value,
        timing: Timing,
        /// The records a batch response reports as failed
        /// (`batchItemFailures`): Lambda would retry them.
        failed: Vec<FailedRecord>,
        /// What Lambda would do with them, by the binding's settings.
        retry: Option<String>,
    },
    Failed {
        error_type: String,
        message: String,
        init: bool,
    },
    /// The runtime could not read the event into the function's event
    /// type: the handler never ran.
    BadEvent { message: String },
    /// No binding would hand the function this event; it was not run.
    NotDelivered { reasons: Vec<String> },
}

/// lambda_runtime 1.x reports an event it cannot deserialize into the
/// handler's type as an invocation error whose type is its
/// `DeserializeError` (`&lambda_runtime::deserializer::DeserializeError`)
/// and whose message starts with this.
pub const DESERIALIZE_MESSAGE: &str = "failed to deserialize the incoming data into the function's payload type";

fn is_deserialize_error(error_type: &str, message: &str) -> bool {
    error_type.ends_with("DeserializeError") || message.starts_with(DESERIALIZE_MESSAGE)
}

/// A record that a batch response reports as failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedRecord {
    /// Its `itemIdentifier` (a sequence number, a message id, …); empty
    /// when the response gave none.
    pub id: String,
    /// Its position in the event's records, where a field of one of them
    /// has that value.
    pub index: Option<usize>,
}

/// The records a response's `batchItemFailures` names, found in the
/// event's `Records` by value: whatever the source uses as the identifier
/// (DynamoDB's and Kinesis's sequence numbers, SQS's message ids) is a
/// field of its record.
pub fn failed_records(body: &serde_json::Value, event: &serde_json::Value) -> Vec<FailedRecord> {
    fn holds(v: &serde_json::Value, id: &str) -> bool {
        match v {
            serde_json::Value::String(s) => s == id,
            serde_json::Value::Array(a) => a.iter().any(|x| holds(x, id)),
            serde_json::Value::Object(o) => o.values().any(|x| holds(x, id)),
            _ => false,
        }
    }
    let Some(failures) = body.get("batchItemFailures").and_then(|f| f.as_array()) else {
        return Vec::new();
    };
    let records = event
        .get("Records")
        .or_else(|| event.get("records"))
        .and_then(|r| r.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    failures
        .iter()
        .map(|f| {
            let id = match f.get("itemIdentifier") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let index = (!id.is_empty())
                .then(|| records.iter().position(|r| holds(r, &id)))
                .flatten();
            FailedRecord { id, index }
        })
        .collect()
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

/// The crate's own sample event (`events/put.json`), said on stderr; when
/// it is gone, `None` and a note that a generated one is used instead.
fn own_sample(
    ws: &Workspace,
    m: &Member,
    t: &crate::workspace::TriggerMeta,
    shell: &mut Shell,
) -> CargoResult<Option<String>> {
    let Some(rel) = t.source.spec().sample_file(t) else {
        return Ok(None);
    };
    let path = m.dir.join(&rel);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            shell.status("Reading", format!("`{}` (the crate's sample event)", ws.rel(&path)));
            Ok(Some(text))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            shell.note(format!(
                "`{}` is missing: invoking with a generated event (`cargo trigger event --for {}`)",
                ws.rel(&path),
                m.name
            ));
            Ok(None)
        }
        Err(e) => Err(user_error(
            format!("cannot read `{}`: {e}", ws.rel(&path)),
            "pass an event with `--event FILE|-|KIND`",
        )),
    }
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
    let sample = match &opts.event {
        EventInput::Sample => own_sample(ws, m, t, shell)?,
        _ => None,
    };
    let event_text = match (&opts.event, sample) {
        (_, Some(text)) => text,
        (EventInput::Sample | EventInput::Kind(_), None) => {
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
        (EventInput::File(p), None) => std::fs::read_to_string(p).map_err(|e| {
            user_error(
                format!("cannot read event file `{}`: {e}", p.display()),
                "pass a JSON file, `-` for stdin, or a kind such as `put`",
            )
        })?,
        (EventInput::Text(s), None) => s.clone(),
    };
    let event: serde_json::Value = serde_json::from_str(&event_text).map_err(|e| {
        user_error(
            format!("the event is not JSON: {e}"),
            "pass a JSON event (see `cargo trigger event`)",
        )
    })?;
    let (event, binding) = match delivered(ws, t, event) {
        Ok(d) => {
            for n in d.notes {
                shell.warn(n);
            }
            (d.event, d.binding)
        }
        Err(reasons) => return Ok(InvokeResult::NotDelivered { reasons }),
    };
    let event_text = serde_json::to_string(&event)?;

    let exe = match &opts.binary {
        Some(b) => b.clone(),
        None => {
            let bin = binary_of(m)?;
            build(ws, m, &bin, opts.release, shell)?
        }
    };
    let lambda = m.lambda.clone().unwrap_or_default();
    let timeout = Duration::from_secs(opts.timeout.or(lambda.timeout.map(u64::from)).unwrap_or(30));
    let request_id = crate::events::hyphenated(&format!(
        "{:032x}",
        Instant::now().elapsed().as_nanos() ^ u128::from(std::process::id())
    ));
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
            let failed = failed_records(&v, &event);
            let total = event
                .get("Records")
                .and_then(serde_json::Value::as_array)
                .map_or(0, Vec::len);
            // The first failed record; `None` when one named none (the
            // whole batch is retried).
            let first = failed
                .iter()
                .map(|f| f.index)
                .try_fold(usize::MAX, |m, i| i.map(|i| m.min(i)));
            let retry = match (failed.is_empty(), binding) {
                (false, Some(b)) => {
                    let r = b.target.resource_name().and_then(|n| ws.resource(n));
                    t.source.spec().retry_report(b, r, first, total)
                }
                _ => None,
            };
            Ok(InvokeResult::Response {
                body: v,
                timing,
                failed,
                retry,
            })
        }
        Some(Outcome::Error { error_type, message }) if is_deserialize_error(&error_type, &message) => {
            Ok(InvokeResult::BadEvent {
                message: message.trim_end().to_string(),
            })
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
