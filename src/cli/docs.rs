//! `ctxlens completions SHELL` and `ctxlens man`: made from the same command-line definition.

use std::io::Write;

use clap::CommandFactory;

use super::output::io;
use super::{Cli, CliError};

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut cmd, "ctxlens", &mut out);
    out.flush().map_err(io)
}

/// Writes the manual page (roff) to stdout.
pub fn man() -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(io)?;
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_argument_of_every_command_has_help() {
        let mut missing = Vec::new();
        let root = Cli::command();
        let mut commands = vec![("ctxlens".to_string(), root)];
        while let Some((path, cmd)) = commands.pop() {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.get_help().is_none()
                    && !matches!(id, "help" | "version")
                    && !arg.is_hide_set()
                {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_name() != "help" {
                    missing.push(format!("{path} {} (about)", sub.get_name()));
                }
                commands.push((format!("{path} {}", sub.get_name()), sub.clone()));
            }
        }
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }

    #[test]
    fn completions_and_the_manual_name_every_command() {
        let mut cmd = Cli::command();
        let mut script = Vec::new();
        clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "ctxlens", &mut script);
        let script = String::from_utf8(script).expect("utf-8");
        let mut page = Vec::new();
        clap_mangen::Man::new(Cli::command())
            .render(&mut page)
            .expect("renders");
        let page = String::from_utf8(page).expect("utf-8");
        for name in [
            "inspect",
            "replay",
            "report",
            "transition",
            "completions",
            "man",
        ] {
            assert!(script.contains(name), "bash completion lacks {name}");
            assert!(page.contains(name), "the manual lacks {name}");
        }
    }
}
