//! One module per subcommand: its clap arguments, turned into the option
//! struct of its operation. What they share: the [`Context`] every command
//! gets, loading the workspace, and parsing the closed sets they name.

pub mod binding_args;
pub mod check;
pub mod crate_arg;
pub mod event;
pub mod export;
pub mod grant;
pub mod invoke;
pub mod list;
pub mod new;
pub mod remove;
pub mod wire;

use std::path::PathBuf;

use clap::Args;

use crate::errors::{CargoResult, user_error};
use crate::metadata;
use crate::model::Source;
use crate::model::suggest::did_you_mean;
use crate::shell::ColorWhen;
use crate::sources::{CognitoEvent, TokenVersion};
use crate::workspace::{LoadOptions, Located, Workspace};

/// The model's closed sets as clap values, so `--help` lists them and clap
/// reports a bad one (with "a similar value exists").
macro_rules! value_enum {
    ($($t:ty),*) => {$(
        impl clap::ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                <$t as strum::VariantArray>::VARIANTS
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }
    )*};
}

value_enum!(Source, CognitoEvent, TokenVersion);

/// cargo's common flags, accepted before or after the subcommand.
#[derive(Args, Debug, Clone, Default)]
#[command(mut_arg("PATH", |a| a.global(true)))]
pub struct GlobalArgs {
    /// `--manifest-path`, as cargo subcommands spell it.
    #[command(flatten)]
    pub manifest: clap_cargo::Manifest,
    /// Coloring [default: `CARGO_TERM_COLOR`, else auto]
    #[arg(long, global = true, value_name = "WHEN")]
    pub color: Option<ColorWhen>,
    /// Do not print cargo-trigger's status messages
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Use verbose output
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Run without accessing the network (passed to cargo)
    #[arg(long, global = true)]
    pub offline: bool,
    /// Fail if a file would change (and pass `--locked` to cargo)
    #[arg(long, global = true)]
    pub locked: bool,
    /// Equivalent to specifying both `--locked` and `--offline`
    #[arg(long, global = true)]
    pub frozen: bool,
}

impl GlobalArgs {
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            manifest_path: self.manifest.manifest_path.clone(),
            offline: self.offline || self.frozen,
            locked: self.locked || self.frozen,
            frozen: self.frozen,
        }
    }

    /// `--locked`/`--frozen`: no file may change.
    pub fn no_writes(&self) -> bool {
        self.locked || self.frozen
    }
}

/// What every command gets besides its own arguments.
pub struct Context {
    pub global: GlobalArgs,
    pub cwd: PathBuf,
}

impl Context {
    pub fn load_options(&self) -> LoadOptions {
        self.global.load_options()
    }
}

/// The workspace the command runs in (it must exist).
pub fn load(ctx: &Context) -> CargoResult<Workspace> {
    match metadata::locate(&ctx.load_options(), &ctx.cwd, false)? {
        Located::Workspace(ws) => Ok(*ws),
        Located::Empty { .. } => unreachable!("locate without allow_empty"),
    }
}

pub fn parse_source(s: Option<&str>) -> CargoResult<Option<Source>> {
    s.map(|s| {
        Source::parse(s).ok_or_else(|| {
            let names: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
            user_error(
                format!("unknown source `{s}`"),
                format!("{}SOURCE is one of {}", did_you_mean(s, names), Source::names()),
            )
        })
    })
    .transpose()
}
