use clap::Parser as _;

use cargo_trigger::cli::{self, Cli};
use cargo_trigger::shell::Shell;

fn main() {
    // `cargo trigger new` runs `cargo-trigger trigger new`; running the
    // binary directly (`cargo-trigger new`) works too.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_none_or(|a| a != "trigger") {
        args.insert(1, "trigger".into());
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap's own messages (usage errors, `--help`) in the colours
            // `--color`/`CARGO_TERM_COLOR` ask for.
            let mut shell = Shell::new(Default::default(), cli::color_of_args(&args));
            shell.clap_message(&e);
            std::process::exit(e.exit_code());
        }
    };
    let mut shell = Shell::new(cli.verbosity(), cli.color());
    if let Err(e) = cli::run(cli, &mut shell) {
        if let Some(error) = &e.error {
            shell.error(error);
        }
        std::process::exit(e.code);
    }
}
