//! Binding flags shared by `new` and `wire`, made from the sources' key
//! specs: every source's target flag (`--bucket`), `--arn`, every binding
//! key with a flag (`--prefix`, `--batch-size`), `--resource-name` and every
//! resource key with a flag (`--stream-view`). Closed sets are clap
//! possible values, so `--help` lists them and clap reports a bad one.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::model::suggest::closest;
use crate::model::{FieldValue, KeyKind, KeySpec};
use crate::sources::binding::{flag_help, flagged};
use crate::sources::{self, BindingRequest};

#[derive(Debug, Clone, Default)]
pub struct BindingArgs {
    pub request: BindingRequest,
}

impl BindingArgs {
    pub fn to_request(&self) -> BindingRequest {
        self.request.clone()
    }
}

/// The sources' target keys (`user-pool`, `bucket`, …), once each.
fn target_keys() -> Vec<&'static sources::TargetSpec> {
    let mut out: Vec<&'static sources::TargetSpec> = Vec::new();
    for s in sources::all() {
        if !out.iter().any(|t| t.key == s.target().key) {
            out.push(s.target());
        }
    }
    out
}

/// Lists longer than this are not printed with a close suggestion.
const LONG_LIST: usize = 12;

/// One of `choices`, in any case, trimmed; clap's own error (with its
/// possible values and "a similar value exists") otherwise.
#[derive(Clone)]
struct Choice(&'static [&'static str]);

impl TypedValueParser for Choice {
    type Value = String;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &std::ffi::OsStr) -> Result<String, clap::Error> {
        let text = value.to_string_lossy();
        let text = text.trim();
        match self.0.iter().find(|c| c.eq_ignore_ascii_case(text)) {
            Some(c) => Ok(c.to_string()),
            // A long list (S3's 27 event types) is not worth a wall when
            // one value is close: the tip alone, as clap words it.
            None => match closest(text, self.0.iter().copied()) {
                Some(similar) if self.0.len() > LONG_LIST => {
                    use clap::error::{ContextKind, ContextValue, ErrorKind};
                    let mut e = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
                    let shown = arg.map(ToString::to_string).unwrap_or_else(|| "...".into());
                    e.insert(ContextKind::InvalidArg, ContextValue::String(shown));
                    e.insert(ContextKind::InvalidValue, ContextValue::String(text.to_string()));
                    e.insert(ContextKind::SuggestedValue, ContextValue::String(similar.to_string()));
                    Err(e)
                }
                _ => PossibleValuesParser::new(self.0.iter().copied()).parse_ref(cmd, arg, std::ffi::OsStr::new(text)),
            },
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|c| clap::builder::PossibleValue::new(*c))))
    }
}

/// The flag for a key: `--prefix <PREFIX>`, `--stream-view <VIEW>`.
pub fn key_arg(k: &'static KeySpec) -> Arg {
    let long = k.long_name();
    let word = long.rsplit('-').next().unwrap_or(long).to_ascii_uppercase();
    let arg = Arg::new(k.key)
        .long(long)
        .help(k.flag.unwrap_or_default())
        .required(false);
    match k.kind {
        KeyKind::Int { .. } => arg
            .value_name(if k.key.ends_with("-seconds") { "SECONDS" } else { "N" })
            .value_parser(clap::value_parser!(i64))
            .allow_negative_numbers(true),
        KeyKind::Bool => arg
            .value_name("BOOL")
            .value_parser(clap::value_parser!(bool))
            .num_args(0..=1)
            .default_missing_value("true"),
        KeyKind::Choice(c) => arg.value_name(word).value_parser(Choice(c)),
        KeyKind::List { .. } if k.repeated() => arg.value_name(word).action(ArgAction::Append),
        KeyKind::List { choices, .. } => arg
            .value_name(word)
            .value_delimiter(',')
            .action(ArgAction::Append)
            .value_parser(Choice(choices)),
        KeyKind::Arn(_) => arg.value_name("ARN"),
        KeyKind::Str { .. } => arg.value_name(word),
    }
}

/// The value of a key's flag, if given.
pub fn key_value(m: &ArgMatches, k: &KeySpec) -> Option<FieldValue> {
    match k.kind {
        KeyKind::Int { .. } => m.get_one::<i64>(k.key).map(|i| FieldValue::Int(*i)),
        KeyKind::Bool => m.get_one::<bool>(k.key).map(|b| FieldValue::Bool(*b)),
        KeyKind::List { .. } => m
            .get_many::<String>(k.key)
            .map(|v| FieldValue::List(v.cloned().collect())),
        _ => m.get_one::<String>(k.key).map(|s| FieldValue::Str(s.clone())),
    }
}

/// The flags that name a binding: the target flags, `--arn` and the
/// binding keys' flags.
fn read_binding(m: &ArgMatches, r: &mut BindingRequest) {
    for t in target_keys() {
        if let Some(v) = m.get_one::<String>(t.key) {
            r.targets.push((t.key, v.clone()));
        }
    }
    r.arn = m.get_one::<String>("arn").cloned();
    for k in flagged(false) {
        if let Some(v) = key_value(m, k) {
            r.settings.push((k.key, v));
        }
    }
}

fn binding_flags(cmd: Command) -> Command {
    let mut cmd = cmd.next_help_heading("Binding");
    for t in target_keys() {
        cmd = cmd.arg(Arg::new(t.key).long(t.key).value_name("NAME").help(t.help));
    }
    cmd = cmd.arg(
        Arg::new("arn")
            .long("arn")
            .value_name("ARN")
            .help("An existing resource, by ARN (a pool, bucket, table stream, stream, …)"),
    );
    for k in flagged(false) {
        cmd = cmd.arg(key_arg(k).help(flag_help(k.key, false)));
    }
    cmd
}

impl clap::FromArgMatches for BindingArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = BindingArgs::default();
        args.update_from_arg_matches(m)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        let r = &mut self.request;
        read_binding(m, r);
        r.resource_name = m.get_one::<String>("resource-name").cloned();
        for k in flagged(true) {
            if let Some(v) = key_value(m, k) {
                r.declare.push((k.key, v));
            }
        }
        Ok(())
    }
}

impl clap::Args for BindingArgs {
    fn augment_args(cmd: Command) -> Command {
        let mut cmd = binding_flags(cmd);
        cmd = cmd.arg(
            Arg::new("resource-name")
                .long("resource-name")
                .value_name("NAME")
                .help("New resource: its physical name (bucket, table, stream, pool or queue name)"),
        );
        for k in flagged(true) {
            cmd = cmd.arg(key_arg(k).help(flag_help(k.key, true)));
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

/// The flags of `unwire` that pick the binding to remove, as `wire` names
/// it: the target flags (`--bucket`), `--arn` and the binding keys' flags
/// (`--prefix`); no resource flags, as nothing is declared.
#[derive(Debug, Clone, Default)]
pub struct SelectArgs {
    pub request: BindingRequest,
}

impl clap::FromArgMatches for SelectArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = SelectArgs::default();
        args.update_from_arg_matches(m)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        read_binding(m, &mut self.request);
        Ok(())
    }
}

impl clap::Args for SelectArgs {
    fn augment_args(cmd: Command) -> Command {
        binding_flags(cmd)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sources that share a flag agree on what it takes.
    #[test]
    fn shared_flags_have_one_shape() {
        for resource in [false, true] {
            for s in sources::all() {
                let keys = if resource { s.resource().keys } else { s.binding_keys() };
                for k in keys.iter().filter(|k| k.flag.is_some()) {
                    let first = flagged(resource).into_iter().find(|o| o.key == k.key).unwrap();
                    assert_eq!(
                        std::mem::discriminant(&first.kind),
                        std::mem::discriminant(&k.kind),
                        "`--{}` of {} takes another kind of value",
                        k.key,
                        s.source()
                    );
                }
            }
        }
    }
}
