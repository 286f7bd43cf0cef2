//! The only module that touches inquire: interactive questions for `new` and
//! `wire`, asked in Amplify's order, that fill the same option structs as the
//! flags. Every question has a flag; `--yes` takes the defaults instead.

use std::fmt;
use std::io::IsTerminal;

use inquire::validator::Validation;
use inquire::{Confirm, InquireError, MultiSelect, Select, Text};

use crate::errors::{CargoResult, user_error};
use crate::model::arn::Arn;
use crate::model::names::is_resource_name;
use crate::model::{FieldValue, KeyKind, KeySpec, Settings, Source};
use crate::ops::new::NewOptions;
use crate::ops::wire::WireOptions;
use crate::scaffold::catalog;
use crate::settings;
use crate::sources::{BindingForm, BindingRequest, CognitoEvent, TokenVersion};
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

/// Every source, to pick one.
fn source_choices() -> Vec<Choice<Source>> {
    Source::ALL.iter().map(|s| choice(s.spec().label(), *s)).collect()
}

/// Every Cognito event, with its LambdaConfig key.
fn event_choices() -> Vec<Choice<CognitoEvent>> {
    CognitoEvent::ALL
        .iter()
        .map(|e| choice(format!("{e} ({})", e.lambda_config_key(TokenVersion::V1)), *e))
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
    if source.spec().has_events() {
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
        let per_event = crate::sources::cognito::modules::modules_per_event(c)?;
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
    if let Some(taken) = crate::ops::new::taken_name(ws, opts) {
        opts.name = Some(ask_crate_name(ws, &taken)?);
    }
    let edit = answer(
        Confirm::new(&format!("Do you want to edit {} now?", what_to_edit(ws, opts, source)))
            .with_default(false)
            .prompt(),
    )?;
    Ok(edit)
}

/// The default crate name is taken: ask for another (a free one offered).
fn ask_crate_name(ws: &Workspace, taken: &str) -> CargoResult<String> {
    let members: Vec<String> = ws.member_names().map(str::to_string).collect();
    let dir = ws.trigger_dir();
    let free = move |n: &str| !members.iter().any(|m| m == n) && !dir.join(n).exists();
    let suggestion = (2..)
        .map(|i| format!("{taken}-{i}"))
        .find(|n| free(n))
        .expect("some name is free");
    let name = answer(
        Text::new(&format!("`{taken}` is taken. Name of the new crate?"))
            .with_default(&suggestion)
            .with_validator(move |s: &str| {
                Ok(match crate::sources::draft::check_crate_name(s) {
                    Err(e) => Validation::Invalid(e.to_string().into()),
                    Ok(()) if !free(s) => Validation::Invalid(format!("`{s}` is taken too").into()),
                    Ok(()) => Validation::Valid,
                })
            })
            .prompt(),
    )?;
    Ok(name)
}

/// "the module `custom`", "the modules `a` and `b`", "the handler
/// (`triggers/x/src/lib.rs`)": what the editor would open.
fn what_to_edit(ws: &Workspace, opts: &NewOptions, source: Source) -> String {
    if source.spec().has_events() {
        let mut modules: Vec<String> = Vec::new();
        for c in crate::sources::cognito::modules::planned(ws, opts).unwrap_or_default() {
            for m in c.added {
                if !modules.contains(&m) {
                    modules.push(m);
                }
            }
        }
        let names: Vec<&str> = modules.iter().map(String::as_str).collect();
        return match names.as_slice() {
            [] => "the module".to_string(),
            [one] => format!("the module `{one}`"),
            many => format!(
                "the modules {}",
                crate::model::quoted_or(many).replacen(" or ", " and ", 1)
            ),
        };
    }
    match source.spec().new_crate_names(ws, opts).as_slice() {
        [name] => {
            let dir = match &opts.path {
                Some(p) => p.display().to_string(),
                None => format!("{}/{name}", ws.meta.dir),
            };
            format!("the handler (`{dir}/src/lib.rs`)")
        }
        _ => "the handler".to_string(),
    }
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
    if !source.spec().has_events() {
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

fn ask_token_version() -> CargoResult<TokenVersion> {
    Ok(answer(
        Select::new(
            "Which pre-token-generation event version?",
            vec![
                choice("v1 (ID token claims)", TokenVersion::V1),
                choice("v2 (ID and access tokens, scopes)", TokenVersion::V2),
                choice("v3 (as v2, and machine-to-machine tokens)", TokenVersion::V3),
            ],
        )
        .prompt(),
    )?
    .value)
}

/// Ask for the binding's target and settings where flags left them out:
/// the target (a declared resource, a new one, or an ARN), the keys with a
/// question of a resource it declares, then each of the source's binding
/// keys that has a question. A source whose bindings come in forms is asked
/// which form first (unless the flags say), then only that form's keys, and
/// its target only if the form has one.
pub fn complete_target(req: &mut BindingRequest, source: Source, ws: &Workspace, may_declare: bool) -> CargoResult<()> {
    let spec = source.spec();
    // A source whose bindings come in forms: which one, then only its keys.
    let form = match spec.forms() {
        [] => None,
        forms => Some(
            match forms
                .iter()
                .find(|f| req.setting(f.key).is_some() || f.keys.iter().any(|k| req.setting(k).is_some()))
                .or_else(|| req.has_target().then(|| forms.iter().find(|f| f.target)).flatten())
            {
                Some(f) => f,
                None => {
                    let options: Vec<Choice<&BindingForm>> =
                        forms.iter().map(|f| choice(capitalized(f.label), f)).collect();
                    answer(Select::new(&format!("How is the {} trigger run?", spec.display_name()), options).prompt())?
                        .value
                }
            },
        ),
    };
    if !req.has_target() && form.is_none_or(|f| f.target) {
        ask_target(req, source, ws, may_declare)?;
    }
    // A resource this binding declares: its keys that have a question.
    let declaring = may_declare && req.targets.first().is_some_and(|(_, n)| ws.resource(n).is_none());
    for key in spec.resource().keys.iter().filter(|_| declaring) {
        if let (Some(question), false) = (key.ask, req.declare.iter().any(|(k, _)| *k == key.key))
            && let Some(v) = ask_key(key, question, false, |_: &str| Ok(()))?
        {
            req.declare.push((key.key, v));
        }
    }
    for key in spec.binding_keys() {
        if form.is_some_and(|f| !f.has(key.key)) {
            continue;
        }
        let required = form.is_some_and(|f| f.key == key.key);
        if let (Some(question), None) = (key.ask, req.setting(key.key))
            && let Some(v) = ask_key(key, question, required, together(req, source, key))?
        {
            req.set(key.key, v);
        }
    }
    Ok(())
}

/// The source's check of the binding as a whole (`check_binding`) on an
/// answer for `spec`, with the values given so far: an SNS filter policy
/// is checked against the scope answered before it.
fn together(
    req: &BindingRequest,
    source: Source,
    spec: &'static KeySpec,
) -> impl Fn(&str) -> Result<(), String> + Clone + 'static {
    let given = req.settings.clone();
    move |value: &str| {
        let mut s = Settings::new();
        for (k, v) in &given {
            s.set(k, v.clone());
        }
        s.set(spec.key, FieldValue::Str(value.to_string()));
        match source
            .spec()
            .check_binding(&s.with_defaults(source.spec().binding_keys()))
        {
            Err(p) if p.key == spec.key => Err(p.message),
            _ => Ok(()),
        }
    }
}

/// `on a schedule` → `On a schedule`
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn ask_target(req: &mut BindingRequest, source: Source, ws: &Workspace, may_declare: bool) -> CargoResult<()> {
    #[derive(Clone)]
    enum Pick {
        Declared(String),
        New,
        Arn,
        Default,
    }
    let kind = source.resource_kind();
    let mut options: Vec<Choice<Pick>> = ws
        .resources_for(source)
        .into_iter()
        .map(|r| {
            let detail = r
                .arn
                .as_ref()
                .map(|a| a.to_string())
                .or_else(|| r.physical_name.clone())
                .unwrap_or_else(|| "managed".into());
            choice(format!("{} ({detail})", r.name), Pick::Declared(r.name.clone()))
        })
        .collect();
    if may_declare {
        options.push(choice(format!("Declare a new {kind}"), Pick::New));
    }
    options.push(choice(format!("Use an existing {kind} (paste its ARN)"), Pick::Arn));
    if let Some(default) = source.spec().target().default_label {
        options.insert(0, choice(format!("Use {default}"), Pick::Default));
    }
    let pick = answer(Select::new(source.spec().target().question, options).prompt())?.value;
    match pick {
        Pick::Declared(n) => req.set_target(source, n),
        Pick::Default => {}
        Pick::New => {
            let n = answer(
                Text::new(&format!("Name of the new {kind} (a name in this workspace)?"))
                    .with_validator(|s: &str| {
                        Ok(if is_resource_name(s) {
                            Validation::Valid
                        } else {
                            Validation::Invalid("letters, digits, `-` and `_`, starting with a letter".into())
                        })
                    })
                    .prompt(),
            )?;
            req.set_target(source, n);
        }
        Pick::Arn => {
            let arn_kind = source.arn_kind();
            let a = answer(
                Text::new(&format!("Its ARN ({})?", arn_kind.describe()))
                    .with_validator(move |s: &str| {
                        Ok(match Arn::parse(s, arn_kind) {
                            Ok(_) => Validation::Valid,
                            Err(e) => Validation::Invalid(e.0.into()),
                        })
                    })
                    .prompt(),
            )?;
            req.arn = Some(a);
        }
    }
    Ok(())
}

/// One key's question, by what the key takes; `None` for "left empty"
/// (which a `required` string key refuses). `together` checks an answer
/// with the binding's other values.
fn ask_key(
    spec: &'static KeySpec,
    question: &str,
    required: bool,
    together: impl Fn(&str) -> Result<(), String> + Clone + 'static,
) -> CargoResult<Option<FieldValue>> {
    Ok(match spec.kind {
        KeyKind::List { choices, .. } => {
            let defaults: Vec<usize> = match spec.default.map(|d| d.value()) {
                Some(FieldValue::List(d)) => choices
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| d.iter().any(|x| x == *c))
                    .map(|(i, _)| i)
                    .collect(),
                _ => Vec::new(),
            };
            let picked = answer(
                MultiSelect::new(question, choices.to_vec())
                    .with_default(&defaults)
                    .with_validator(|l: &[inquire::list_option::ListOption<&&str>]| {
                        Ok(if l.is_empty() {
                            Validation::Invalid("pick at least one".into())
                        } else {
                            Validation::Valid
                        })
                    })
                    .prompt(),
            )?;
            Some(FieldValue::List(picked.into_iter().map(str::to_string).collect()))
        }
        KeyKind::Choice(choices) => Some(FieldValue::Str(
            answer(Select::new(question, choices.to_vec()).prompt())?.to_string(),
        )),
        KeyKind::Int { min, max } => {
            let mut t = Text::new(question).with_validator(move |s: &str| {
                Ok(match s.parse::<i64>() {
                    Ok(n) if (min..=max).contains(&n) => Validation::Valid,
                    _ => Validation::Invalid(format!("a whole number from {min} to {max}").into()),
                })
            });
            let default = spec.default.map(|d| d.value().to_string());
            if let Some(d) = &default {
                t = t.with_default(d);
            }
            answer(t.prompt())?.parse().ok().map(FieldValue::Int)
        }
        KeyKind::Bool => {
            let default = matches!(spec.default.map(|d| d.value()), Some(FieldValue::Bool(true)));
            Some(FieldValue::Bool(answer(
                Confirm::new(question).with_default(default).prompt(),
            )?))
        }
        KeyKind::Str { check, .. } => {
            let validate = spec.validate;
            let mut text = Text::new(question);
            if !required {
                text = text.with_help_message("leave empty for none");
            }
            let v = answer(
                text.with_validator(move |s: &str| {
                    if s.is_empty() {
                        return Ok(if required {
                            Validation::Invalid("a value is required".into())
                        } else {
                            Validation::Valid
                        });
                    }
                    if let Some(Err(why)) = check.map(|f| f(s)) {
                        return Ok(Validation::Invalid(why.into()));
                    }
                    if let Some(Err(e)) = validate.map(|f| f(s)) {
                        return Ok(Validation::Invalid(format!("{}\nhelp: {}", e.message, e.help).into()));
                    }
                    Ok(match together(s) {
                        Ok(()) => Validation::Valid,
                        Err(why) => Validation::Invalid(why.into()),
                    })
                })
                .prompt(),
            )?;
            (!v.is_empty()).then_some(FieldValue::Str(v))
        }
        KeyKind::Arn(kind) => {
            let v = answer(
                Text::new(question)
                    .with_help_message("leave empty for none")
                    .with_validator(move |s: &str| {
                        Ok(match Arn::parse(s, kind) {
                            Err(e) if !s.is_empty() => Validation::Invalid(e.0.into()),
                            _ => Validation::Valid,
                        })
                    })
                    .prompt(),
            )?;
            (!v.is_empty()).then_some(FieldValue::Str(v))
        }
    })
}

/// `--yes`: the defaults for what flags left out, without asking.
pub fn defaults_new(opts: &mut NewOptions, ws: &Workspace) -> CargoResult<()> {
    let source = opts.source.ok_or_else(|| {
        user_error(
            "`--source` is required",
            format!("pass `--source` with one of {}", Source::names()),
        )
    })?;
    // An optional target stays the source's default (the default event bus).
    if !opts.binding.has_target() && source.spec().target().default_label.is_none() {
        let declared = ws.resources_for(source);
        let name = match declared.as_slice() {
            [one] => one.name.clone(),
            _ => source.spec().target().default_name.to_string(),
        };
        opts.binding.set_target(source, name);
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
    if opts.own_versions {
        args.push("--own-versions".into());
    }
    push_binding_flags(&mut args, &opts.binding);
    args.retain(|a| !a.is_empty());
    args.join(" ")
}

/// The binding flags of `req`, appended to `args`.
fn push_binding_flags(args: &mut Vec<String>, b: &BindingRequest) {
    for (flag, value) in b.to_flags() {
        push_flag(args, &flag, Some(value));
    }
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
        o.binding.set_target(Source::S3, "photos".into());
        o.binding.set("prefix", FieldValue::Str("up loads/".into()));
        assert_eq!(
            new_command_line(&o),
            "cargo trigger new --source s3 --bucket photos --prefix 'up loads/'"
        );
    }
}
