use clap::{Arg, ArgAction, ArgMatches, Args, Command};

use super::{Context, parse_source};
use crate::errors::{CargoResult, CliResult};
use crate::metadata;
use crate::model::Source;
use crate::ops::event::{EventOptions, delivered, generate};
use crate::shell::Shell;
use crate::sources::{self, sample::EventFlags};
use crate::workspace::Located;

/// Print a sample event (Cognito trigger sources, S3 put/delete, DynamoDB insert/modify/remove, Kinesis records, SQS messages, SNS notifications, EventBridge events and scheduled events) as JSON
#[derive(Args, Debug)]
pub struct EventArgs {
    /// cognito, s3, dynamodb, kinesis, sqs, sns or eventbridge [default: from `--for`, where the first value is KIND: `--for CRATE delete`]
    #[arg(value_name = "SOURCE")]
    pub source: Option<String>,
    /// put/delete (s3), insert/modify/remove (dynamodb), records (kinesis), messages (sqs), notification (sns), event/scheduled (eventbridge), or a Cognito event or trigger source (e.g. `PreSignUp_SignUp`)
    #[arg(value_name = "KIND")]
    pub kind: Option<String>,
    /// Take the source, event and resource names from this trigger crate
    #[arg(long = "for", value_name = "CRATE")]
    pub for_crate: Option<String>,
    /// Region in ARNs and ids
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Records in the event (s3, dynamodb, kinesis, sqs, sns), 1 to 10000
    #[arg(long, value_name = "N")]
    pub records: Option<usize>,
    #[command(flatten)]
    pub fields: FieldArgs,
}

/// Every source's field flags (`--bucket`, `--new-image`, …), under its
/// name in `--help`.
#[derive(Debug, Clone, Default)]
pub struct FieldArgs {
    pub flags: EventFlags,
}

/// Each field flag once, with the source it belongs to.
fn field_flags() -> Vec<(&'static str, &'static sources::sample::EventFlag)> {
    let mut out: Vec<(&'static str, &'static sources::sample::EventFlag)> = Vec::new();
    for s in sources::all() {
        for f in s.event_flags() {
            if !out.iter().any(|(_, o)| o.name == f.name) {
                out.push((s.display_name(), f));
            }
        }
    }
    out
}

impl clap::FromArgMatches for FieldArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = FieldArgs::default();
        args.update_from_arg_matches(m)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        for (_, f) in field_flags() {
            for v in m.get_many::<String>(f.name).into_iter().flatten() {
                self.flags.push(f.name, v.clone());
            }
        }
        Ok(())
    }
}

impl clap::Args for FieldArgs {
    fn augment_args(mut cmd: Command) -> Command {
        for (heading, f) in field_flags() {
            let arg = Arg::new(f.name)
                .long(f.name)
                .value_name(f.value_name)
                .help(f.help)
                .help_heading(heading)
                .action(if f.repeat { ArgAction::Append } else { ArgAction::Set });
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl EventArgs {
    pub fn to_options(&self) -> CargoResult<EventOptions> {
        // With `--for`, SOURCE is optional: a lone value that is not a
        // source is the KIND (`event --for photos-s3-trigger delete`).
        let (source, kind) = match (&self.for_crate, self.source.as_deref(), &self.kind) {
            (Some(_), Some(k), None) if Source::parse(k).is_none() => (None, Some(k.to_string())),
            _ => (parse_source(self.source.as_deref())?, self.kind.clone()),
        };
        Ok(EventOptions {
            source,
            kind,
            for_crate: self.for_crate.clone(),
            region: self.region.clone(),
            records: self.records,
            flags: self.fields.flags.clone(),
        })
    }
}

pub fn exec(args: EventArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let opts = args.to_options()?;
    let ws = if opts.for_crate.is_some() {
        match metadata::locate(&ctx.load_options(), &ctx.cwd, false)? {
            Located::Workspace(ws) => Some(*ws),
            Located::Empty { .. } => None,
        }
    } else {
        None
    };
    let event = generate(ws.as_ref(), &opts)?;
    // The event is printed as asked for (explicit fields kept); what the
    // crate's bindings would not deliver of it is said on stderr, as
    // `invoke` would drop it.
    if let (Some(ws), Some(name)) = (&ws, &opts.for_crate) {
        let (_, t) = ws.require_trigger(name, "pass `--source` and the event's fields instead of `--for`")?;
        match delivered(ws, t, event.clone()) {
            Ok(d) => {
                for n in d.notes {
                    shell.warn(n);
                }
            }
            Err(reasons) => shell.warn(format!(
                "`{name}`'s bindings would not deliver this event, so `invoke` would not run it: {}",
                reasons.join("; ")
            )),
        }
    }
    let mut text = serde_json::to_string_pretty(&event).map_err(anyhow::Error::from)?;
    text.push('\n');
    shell.out(&text);
    Ok(())
}
