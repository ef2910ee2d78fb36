//! A command's failure ([`CliError`]) and the exit code each kind of failure gives.

use std::process::ExitCode;

use crate::config::ConfigError;
use crate::engine::PolicyError;
use crate::store::StoreError;

/// A failure and its exit code: 1 runtime, 2 usage or config, 3 a gate (`report --fail-on`).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Runtime(String),
    /// The stores (or files) have no user of the id asked for (exit code 1, as a runtime
    /// failure): told apart from an outage, so a hint about a file of that name is given only
    /// when no user has it.
    #[error("{0}")]
    NoUser(String),
    /// The command ran and its answer fails a check asked for (exit code 3).
    #[error("{0}")]
    Gate(String),
    /// Stdout was closed by its reader: nothing to report.
    #[error("")]
    Quiet,
    /// Stopped by a signal (TERM, HUP, INT, QUIT) after restoring the terminal: exit code 128 + n.
    #[error("stopped by {}", signal_name(*.0))]
    Signal(i32),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Runtime(_) | CliError::NoUser(_) => ExitCode::from(1),
            CliError::Gate(_) => ExitCode::from(3),
            CliError::Quiet => ExitCode::SUCCESS,
            CliError::Signal(n) => ExitCode::from(u8::try_from(128 + n).unwrap_or(1)),
        }
    }
}

/// `SIGTERM` for 15, and so on for the signals the TUI handles; else `signal N`.
pub(super) fn signal_name(n: i32) -> String {
    match n {
        1 => "SIGHUP".into(),
        2 => "SIGINT".into(),
        3 => "SIGQUIT".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

impl From<PolicyError> for CliError {
    fn from(e: PolicyError) -> Self {
        match e {
            // Names the policy itself (`policy nope: …`).
            PolicyError::Io(why) => CliError::Usage(why),
            e => CliError::Usage(format!("policy error: {e}")),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Config { .. } => CliError::Usage(e.to_string()),
            StoreError::UserNotFound { .. } | StoreError::UserInFiles { .. } => {
                CliError::NoUser(e.to_string())
            }
            _ => CliError::Runtime(e.to_string()),
        }
    }
}
