//! USER where a snapshot file may stand too: which one an argument names, and what to say
//! when no user has it.

use std::path::Path;

use super::CliError;

/// Whether `arg`, given where a user id or a snapshot file may stand (`diff`, `explain`,
/// `replay`, `inspect`), names
/// a file: a path (it holds a `/`) or a `.json` name. A bare name stays a user id even when a
/// file of that name is in the current directory (`./NAME` reads the file).
fn names_a_file(arg: &str) -> bool {
    let json = arg
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("json"));
    arg.contains(std::path::MAIN_SEPARATOR) || json
}

/// The snapshot file `arg` names ([`names_a_file`]), when something is there (a folder or a
/// FIFO too: reading it then says what it is); [`not_a_user`] says what a bare name that is a
/// file here is when no user has it.
pub(crate) fn snapshot_file(arg: &str) -> Option<&Path> {
    let path = Path::new(arg);
    (names_a_file(arg) && there(path)).then_some(path)
}

/// Whether something is at `path`, a link that leads nowhere (dangling, or a loop) included:
/// reading it then says why it cannot be read, rather than "no such file".
fn there(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// A user that could not be loaded, the error made plain when `arg` also names something on
/// disk: a missing `.json` or path is a usage error (no such file), a bare name that is a file
/// here says how to read that file instead.
pub(crate) fn not_a_user(arg: &str, e: CliError) -> CliError {
    let (why, no_user) = match e {
        CliError::Runtime(why) => (why, false),
        CliError::NoUser(why) => (why, true),
        e => return e,
    };
    let path = Path::new(arg);
    let named = names_a_file(arg);
    if named && !there(path) {
        CliError::Usage(format!("{arg}: no such file ({why})"))
    } else if !no_user {
        // An outage, or bad data: whatever is on disk, the store was not asked to no avail.
        CliError::Runtime(why)
    } else if !named && path.is_file() {
        CliError::Usage(format!(
            "{why}; a file named {arg} is in this directory: ./{arg} reads it as a snapshot"
        ))
    } else if !named && path.is_dir() {
        CliError::Usage(format!(
            "{why}; a folder named {arg} is in this directory: a folder of snapshot files is \
             read by report --snapshots {arg} (and tui --snapshots), a file in it as {arg}/FILE"
        ))
    } else {
        CliError::NoUser(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hint about a file or folder of the user's name is given only when no user has it: an
    /// outage stays an outage (exit 1), whatever is on disk.
    #[test]
    fn only_a_missing_user_gets_a_hint_about_a_folder_of_its_name() {
        // `src` is a folder where the tests run (the crate's root).
        let missing = not_a_user("src", CliError::NoUser("user \"src\" not found".into()));
        assert!(
            matches!(&missing, CliError::Usage(m) if m.contains("a folder named src is in this directory")),
            "{missing:?}"
        );
        let down = not_a_user("src", CliError::Runtime("redis: connection refused".into()));
        assert!(
            matches!(&down, CliError::Runtime(m) if m == "redis: connection refused"),
            "{down:?}"
        );
        let file = not_a_user("Cargo.toml", CliError::Runtime("redis: reset".into()));
        assert!(matches!(file, CliError::Runtime(_)), "{file:?}");
    }
}
