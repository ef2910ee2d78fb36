//! The `ctxlens` binary: installs the error hooks and hands over to the command line.

use std::process::ExitCode;

// Loading a BPE vocabulary makes ~10^5 small allocations; mimalloc roughly halves that cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Colour only for a person at a terminal: a panic's report piped to a log stays plain.
    use std::io::IsTerminal;
    let theme = if std::io::stderr().is_terminal() {
        color_eyre::config::Theme::dark()
    } else {
        color_eyre::config::Theme::new()
    };
    if let Err(e) = color_eyre::config::HookBuilder::default()
        .theme(theme)
        .install()
    {
        ctxlens::say!("ctxlens: cannot install error hooks: {e}");
    }
    ctxlens::cli::main()
}
