//! The only module that touches inquire: interactive questions for `new` and
//! `wire`, asked in Amplify's order, that fill the same option structs as the
//! flags. Every question has a flag; `--yes` takes the defaults instead.

use std::fmt;
use std::io::IsTerminal;

use inquire::validator::Validation;
use inquire::{Confirm, InquireError, MultiSelect, Select, Text};

use crate::arn;
use crate::errors::{CargoResult, user_error};
use crate::ops::binding::BindingRequest;
use crate::ops::new::NewOptions;
use crate::ops::wire::WireOptions;
use crate::scaffold::catalog;
use crate::schema::{self, CognitoEvent, Source};
use crate::settings;
use crate::workspace::Workspace;

/// Ask questions at all? Only when stdin is a terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// An option in a list: what is shown, what it means.
#[derive(Clone)]
struct Choice<T> {
    label: String,
    value: T,
}

impl<T> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

fn choice<T>(label: impl Into<String>, value: T) -> Choice<T> {
    Choice {
        label: label.into(),
        value,
    }
}

/// Esc and Ctrl-C end the command; nothing has been written yet.
fn answer<T>(r: Result<T, InquireError>) -> CargoResult<T> {
    r.map_err(|e| match e {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => anyhow::Error::new(Cancelled),
        other => anyhow::anyhow!("the prompt failed: {other}"),
    })
}

/// The user cancelled a question.
#[derive(Debug)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled: nothing was written")
    }
}

impl std::error::Error for Cancelled {}

fn source_label(s: Source) -> &'static str {
    match s {
        Source::Cognito => "cognito   Cognito user-pool triggers (sign-up, sign-in, tokens, messages)",
        Source::S3 => "s3        S3 object notifications",
        Source::Dynamodb => "dynamodb  a DynamoDB table's stream",
        Source::Kinesis => "kinesis   a Kinesis data stream",
    }
}

/// Every source, to pick one.
fn source_choices() -> Vec<Choice<Source>> {
    Source::ALL.iter().map(|s| choice(source_label(*s), *s)).collect()
}

/// Every Cognito event, with its LambdaConfig key.
fn event_choices() -> Vec<Choice<CognitoEvent>> {
    CognitoEvent::ALL
        .iter()
        .map(|e| choice(format!("{e} ({})", e.lambda_config_key(schema::TokenVersion::V1)), *e))
        .collect()
}

fn validate_with(
    validator: Option<String>,
    required: bool,
) -> impl Fn(&str) -> Result<Validation, inquire::CustomUserError> + Clone {
    move |input: &str| {
        if required && input.trim().is_empty() {
            return Ok(Validation::Invalid("a value is required".into()));
        }
        match &validator {
            Some(v) if !input.is_empty() => match settings::validate(v, input) {
                Ok(()) => Ok(Validation::Valid),
                Err(why) => Ok(Validation::Invalid(why.into())),
            },
            _ => Ok(Validation::Valid),
        }
    }
}

/// Fill what `new` lacks. Returns whether the user wants to edit the new
/// module (or handler) afterwards.
pub fn complete_new(opts: &mut NewOptions, ws: &Workspace) -> CargoResult<bool> {
    let cat = catalog();
    let source = match opts.source {
        Some(s) => s,
        None => {
            let options = source_choices();
            let s = answer(Select::new("Which event source?", options).prompt())?.value;
            opts.source = Some(s);
            s
        }
    };
    if source == Source::Cognito {
        let c = &mut opts.cognito;
        if c.events.is_empty() && c.capabilities.is_empty() {
            let caps: Vec<Choice<String>> = cat
                .capabilities
                .values()
                .map(|cap| choice(format!("{} ({})", cap.summary, cap.name), cap.name.clone()))
                .collect();
            let picked = answer(
                MultiSelect::new("Do you want to enable any of these capabilities?", caps)
                    .with_help_message("space to pick, enter to go on; pick none to configure triggers manually")
                    .prompt(),
            )?;
            c.capabilities = picked.into_iter().map(|p| p.value).collect();
            if c.capabilities.is_empty() {
                let events = event_choices();
                let picked = answer(
                    MultiSelect::new("Which triggers do you want to enable?", events)
                        .with_validator(|l: &[inquire::list_option::ListOption<&Choice<CognitoEvent>>]| {
                            Ok(if l.is_empty() {
                                Validation::Invalid("pick at least one trigger".into())
                            } else {
                                Validation::Valid
                            })
                        })
                        .prompt(),
                )?;
                c.events = picked.into_iter().map(|p| p.value).collect();
                if c.modules.is_empty() {
                    for e in c.events.clone() {
                        let mods: Vec<Choice<String>> = cat
                            .modules_for(e)
                            .into_iter()
                            .filter(|m| m.name != "custom")
                            .map(|m| choice(format!("{} ({})", m.summary, m.name), m.name.clone()))
                            .chain(std::iter::once(choice(
                                "Create your own module (custom)",
                                "custom".to_string(),
                            )))
                            .collect();
                        let picked = answer(
                            MultiSelect::new(&format!("What functionality do you want for {e}?"), mods).prompt(),
                        )?;
                        for p in picked {
                            if !c.modules.contains(&p.value) {
                                c.modules.push(p.value);
                            }
                        }
                    }
                }
            }
        }
        if c.events.contains(&CognitoEvent::PreTokenGeneration) && c.token_version.is_none() {
            c.token_version = Some(ask_token_version()?);
        }
        // Module settings, from the scaffold manifests.
        let per_event = crate::ops::cognito::modules_per_event(c)?;
        let mut asked: Vec<String> = opts.settings.iter().map(|(k, _)| k.clone()).collect();
        for list in per_event.values() {
            for m in list.iter().filter_map(|n| cat.module(n)) {
                for s in &m.settings {
                    if asked.contains(&s.env) {
                        continue;
                    }
                    asked.push(s.env.clone());
                    if s.secret {
                        continue;
                    }
                    let mut t = Text::new(&s.prompt)
                        .with_validator(validate_with(s.validate.clone(), s.required))
                        .with_help_message(s.help.as_deref().unwrap_or(""));
                    if let Some(d) = &s.default {
                        t = t.with_default(d);
                    }
                    let v = answer(t.prompt())?;
                    if !v.is_empty() || s.default.is_some() {
                        opts.settings.push((s.env.clone(), v));
                    }
                }
            }
        }
    }
    complete_target(&mut opts.binding, source, ws, true)?;
    let edit = answer(
        Confirm::new(if source == Source::Cognito {
            "Do you want to edit the module now?"
        } else {
            "Do you want to edit the handler now?"
        })
        .with_default(false)
        .prompt(),
    )?;
    Ok(edit)
}

/// `wire` on a crate that is not a trigger crate yet: ask which source (and,
/// for Cognito, which event) to adopt it as, where flags left them out.
pub fn complete_adoption(opts: &mut WireOptions) -> CargoResult<()> {
    let source = match opts.source {
        Some(s) => s,
        None => {
            let options = source_choices();
            let s = answer(
                Select::new(
                    &format!(
                        "`{}` is not a trigger crate yet. Which event source does it handle?",
                        opts.krate
                    ),
                    options,
                )
                .prompt(),
            )?
            .value;
            opts.source = Some(s);
            s
        }
    };
    if source != Source::Cognito {
        return Ok(());
    }
    let event = match opts.event {
        Some(e) => e,
        None => {
            let events = event_choices();
            let e = answer(Select::new("Which trigger does it handle?", events).prompt())?.value;
            opts.event = Some(e);
            e
        }
    };
    if event == CognitoEvent::PreTokenGeneration && opts.token_version.is_none() {
        opts.token_version = Some(ask_token_version()?);
    }
    Ok(())
}

fn ask_token_version() -> CargoResult<schema::TokenVersion> {
    Ok(answer(
        Select::new(
            "Which pre-token-generation event version?",
            vec![
                choice("v1 (ID token claims)", schema::TokenVersion::V1),
                choice("v2 (ID and access tokens, scopes)", schema::TokenVersion::V2),
            ],
        )
        .prompt(),
    )?
    .value)
}

/// Ask for the binding's target and settings where flags left them out.
pub fn complete_target(req: &mut BindingRequest, source: Source, ws: &Workspace, may_declare: bool) -> CargoResult<()> {
    if !req.has_target() {
        #[derive(Clone)]
        enum Pick {
            Declared(String),
            New,
            Arn,
        }
        let kind = source.resource_kind();
        let mut options: Vec<Choice<Pick>> = ws
            .resources_for(source)
            .into_iter()
            .map(|r| {
                let detail = r
                    .arn
                    .clone()
                    .or_else(|| r.physical_name.clone())
                    .unwrap_or_else(|| "managed".into());
                choice(format!("{} ({detail})", r.name), Pick::Declared(r.name.clone()))
            })
            .collect();
        if may_declare {
            options.push(choice(format!("Declare a new {kind}"), Pick::New));
        }
        options.push(choice(format!("Use an existing {kind} (paste its ARN)"), Pick::Arn));
        let question = match source {
            Source::Cognito => "Which user pool?",
            Source::S3 => "Which bucket?",
            Source::Dynamodb => "Which table's stream?",
            Source::Kinesis => "Which stream?",
        };
        let pick = answer(Select::new(question, options).prompt())?.value;
        let name = match pick {
            Pick::Declared(n) => Some(n),
            Pick::New => {
                let n = answer(
                    Text::new(&format!("Name of the new {kind} (a name in this workspace)?"))
                        .with_validator(|s: &str| {
                            Ok(if schema::is_resource_name(s) {
                                Validation::Valid
                            } else {
                                Validation::Invalid("letters, digits, `-` and `_`, starting with a letter".into())
                            })
                        })
                        .prompt(),
                )?;
                Some(n)
            }
            Pick::Arn => {
                let arn_kind = source.arn_kind();
                let a = answer(
                    Text::new(&format!("Its ARN ({})?", arn_kind.describe()))
                        .with_validator(move |s: &str| {
                            Ok(match arn::parse(s, arn_kind) {
                                Ok(_) => Validation::Valid,
                                Err(e) => Validation::Invalid(e.0.into()),
                            })
                        })
                        .prompt(),
                )?;
                req.arn = Some(a);
                None
            }
        };
        if let Some(n) = name {
            match source {
                Source::Cognito => req.user_pool = Some(n),
                Source::S3 => req.bucket = Some(n),
                Source::Dynamodb => req.table = Some(n),
                Source::Kinesis => req.stream = Some(n),
            }
        }
    }
    match source {
        Source::S3 => {
            if req.events.is_none() {
                let options: Vec<&str> = schema::S3_EVENTS.to_vec();
                let defaults: Vec<usize> = options
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| schema::S3_DEFAULT_EVENTS.contains(e))
                    .map(|(i, _)| i)
                    .collect();
                let picked = answer(
                    MultiSelect::new("Which object events?", options)
                        .with_default(&defaults)
                        .with_validator(|l: &[inquire::list_option::ListOption<&&str>]| {
                            Ok(if l.is_empty() {
                                Validation::Invalid("pick at least one event".into())
                            } else {
                                Validation::Valid
                            })
                        })
                        .prompt(),
                )?;
                req.events = Some(picked.into_iter().map(str::to_string).collect());
            }
            let filter = |label: &str| -> CargoResult<Option<String>> {
                let v = answer(
                    Text::new(label)
                        .with_help_message("leave empty for none")
                        .with_validator(|s: &str| {
                            Ok(if s.is_empty() {
                                Validation::Valid
                            } else {
                                match schema::check_s3_filter(s) {
                                    Ok(()) => Validation::Valid,
                                    Err(why) => Validation::Invalid(why.into()),
                                }
                            })
                        })
                        .prompt(),
                )?;
                Ok((!v.is_empty()).then_some(v))
            };
            if req.prefix.is_none() {
                req.prefix = filter("Only keys starting with (prefix)?")?;
            }
            if req.suffix.is_none() {
                req.suffix = filter("Only keys ending with (suffix)?")?;
            }
        }
        Source::Dynamodb | Source::Kinesis => {
            if req.starting_position.is_none() {
                let p = answer(Select::new("Start reading from?", vec!["LATEST", "TRIM_HORIZON"]).prompt())?;
                req.starting_position = Some(p.to_string());
            }
            if req.batch_size.is_none() {
                let b = answer(
                    Text::new("Records per batch?")
                        .with_default("100")
                        .with_validator(|s: &str| {
                            Ok(match s.parse::<u32>() {
                                Ok(n) if (1..=schema::BATCH_SIZE_MAX).contains(&n) => Validation::Valid,
                                _ => Validation::Invalid(
                                    format!("a whole number from 1 to {}", schema::BATCH_SIZE_MAX).into(),
                                ),
                            })
                        })
                        .prompt(),
                )?;
                req.batch_size = b.parse().ok();
            }
        }
        Source::Cognito => {}
    }
    Ok(())
}

/// `--yes`: the defaults for what flags left out, without asking.
pub fn defaults_new(opts: &mut NewOptions, ws: &Workspace) -> CargoResult<()> {
    let source = opts.source.ok_or_else(|| {
        user_error(
            "`--source` is required",
            format!("pass `--source` with one of {}", Source::names()),
        )
    })?;
    if !opts.binding.has_target() {
        let declared = ws.resources_for(source);
        let name = match declared.as_slice() {
            [one] => one.name.clone(),
            _ => match source {
                Source::Cognito => "users",
                Source::S3 => "uploads",
                Source::Dynamodb => "items",
                Source::Kinesis => "events",
            }
            .to_string(),
        };
        match source {
            Source::Cognito => opts.binding.user_pool = Some(name),
            Source::S3 => opts.binding.bucket = Some(name),
            Source::Dynamodb => opts.binding.table = Some(name),
            Source::Kinesis => opts.binding.stream = Some(name),
        }
    }
    Ok(())
}

/// Single-quote `s` for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+*".contains(c)) && !s.contains('*') {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Append `flag value` (the value shell-quoted) when there is a value.
fn push_flag(args: &mut Vec<String>, flag: &str, value: Option<String>) {
    if let Some(v) = value {
        args.push(flag.to_string());
        args.push(shell_quote(&v));
    }
}

/// The command line that does what the answers did, without questions.
pub fn new_command_line(opts: &NewOptions) -> String {
    let mut args: Vec<String> = vec!["cargo".into(), "trigger".into(), "new".into()];
    if let Some(n) = &opts.name {
        push_flag(&mut args, "", Some(n.clone()));
    }
    push_flag(&mut args, "--source", opts.source.map(|s| s.as_str().to_string()));
    for c in &opts.cognito.capabilities {
        push_flag(&mut args, "--capability", Some(c.clone()));
    }
    for e in &opts.cognito.events {
        push_flag(&mut args, "--event", Some(e.as_str().to_string()));
    }
    push_flag(
        &mut args,
        "--token-version",
        opts.cognito.token_version.map(|v| v.as_str().to_string()),
    );
    for m in &opts.cognito.modules {
        push_flag(&mut args, "--module", Some(m.clone()));
    }
    for (k, v) in &opts.settings {
        push_flag(&mut args, "--set", Some(format!("{k}={v}")));
    }
    if let Some(p) = &opts.path {
        push_flag(&mut args, "--path", Some(p.display().to_string()));
    }
    push_binding_flags(&mut args, &opts.binding);
    args.retain(|a| !a.is_empty());
    args.join(" ")
}

/// The binding flags of `req`, appended to `args`.
fn push_binding_flags(args: &mut Vec<String>, b: &BindingRequest) {
    push_flag(args, "--user-pool", b.user_pool.clone());
    push_flag(args, "--bucket", b.bucket.clone());
    push_flag(args, "--table", b.table.clone());
    push_flag(args, "--stream", b.stream.clone());
    push_flag(args, "--arn", b.arn.clone());
    push_flag(args, "--events", b.events.as_ref().map(|e| e.join(",")));
    push_flag(args, "--prefix", b.prefix.clone());
    push_flag(args, "--suffix", b.suffix.clone());
    push_flag(args, "--starting-position", b.starting_position.clone());
    push_flag(args, "--batch-size", b.batch_size.map(|n| n.to_string()));
    push_flag(
        args,
        "--batching-window-seconds",
        b.batching_window_seconds.map(|n| n.to_string()),
    );
    push_flag(
        args,
        "--report-batch-item-failures",
        b.report_batch_item_failures.map(|x| x.to_string()),
    );
    push_flag(args, "--resource-name", b.declare.name.clone());
    push_flag(args, "--stream-view", b.declare.stream_view.clone());
    push_flag(args, "--partition-key", b.declare.partition_key.clone());
    push_flag(args, "--shard-count", b.declare.shard_count.map(|n| n.to_string()));
    push_flag(args, "--kms-key-arn", b.declare.kms_key_arn.clone());
}

/// The `wire` command line that does what the answers did.
pub fn wire_command_line(opts: &WireOptions) -> String {
    let mut args: Vec<String> = vec![
        "cargo".into(),
        "trigger".into(),
        "wire".into(),
        shell_quote(&opts.krate),
    ];
    push_flag(&mut args, "--source", opts.source.map(|s| s.as_str().to_string()));
    push_flag(&mut args, "--event", opts.event.map(|e| e.as_str().to_string()));
    push_flag(
        &mut args,
        "--token-version",
        opts.token_version.map(|v| v.as_str().to_string()),
    );
    push_binding_flags(&mut args, &opts.binding);
    if opts.create {
        args.push("--create".into());
    }
    args.join(" ")
}

/// Open `$VISUAL` / `$EDITOR` (else `vi`) on `file` and wait for it.
pub fn edit(file: &std::path::Path) -> CargoResult<()> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|e| !e.is_empty())
        .or_else(|| std::env::var("EDITOR").ok().filter(|e| !e.is_empty()))
        .unwrap_or_else(|| "vi".into());
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file)
        .status()
        .map_err(|e| {
            user_error(
                format!("cannot start the editor `{editor}`: {e}"),
                "set `VISUAL` or `EDITOR` to your editor",
            )
        })?;
    if !status.success() {
        return Err(user_error(
            format!("the editor `{editor}` exited with {status}"),
            "the files were written; edit them later",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("photos"), "photos");
        assert_eq!(shell_quote("s3:ObjectCreated:*"), "'s3:ObjectCreated:*'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn equivalent_command_lines() {
        let mut o = NewOptions {
            source: Some(Source::S3),
            ..Default::default()
        };
        o.binding.bucket = Some("photos".into());
        o.binding.prefix = Some("up loads/".into());
        assert_eq!(
            new_command_line(&o),
            "cargo trigger new --source s3 --bucket photos --prefix 'up loads/'"
        );
    }
}
