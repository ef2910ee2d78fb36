//! The `ctxlens` binary: installs the error hooks and hands over to the command line.

use std::process::ExitCode;

// Loading a BPE vocabulary makes ~10^5 small allocations; mimalloc roughly halves that cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("ctxlens: cannot install error hooks: {e}");
    }
    ctxlens::cli::main()
}
