//! The `ctxlens` binary: installs the error hooks and hands over to the command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("ctxlens: cannot install error hooks: {e}");
    }
    ctxlens::cli::main()
}
