//! One module per subcommand: its clap arguments, turned into the option
//! struct of its operation.

pub mod binding_args;
pub mod check;
pub mod crate_arg;
pub mod event;
pub mod export;
pub mod grant;
pub mod invoke;
pub mod list;
pub mod new;
pub mod wire;
