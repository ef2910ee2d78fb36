//! `ctxlens completions SHELL` and `ctxlens man`: made from the same command-line definition.

use std::io::Write;

use clap::CommandFactory;

use super::output::io;
use super::{Cli, CliError};

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    // Made in memory, then written: `generate` panics on a write error (a closed pipe, a full
    // disk), which is the reader's business, said as for every other output.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ctxlens", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script).map_err(io)?;
    out.flush().map_err(io)
}

/// What each exit status means, as the manual says it.
const EXIT_STATUS: &str = "0 ok; 1 a runtime failure (a store, a file or a user that could not \
be read, named); 2 a usage or configuration error (the file and line:column, or the key, named); \
3 a gate failed (report --fail-on; optimize found no policy meeting every target); 128 + n stopped by signal n (130: Ctrl-C stopped a one-user \
command; report and optimize print what they have and exit 1, 0 or (optimize) 3, as their pages say).";

/// Writes the manual page (roff) to stdout, or with `dir` the page and one per command there.
pub fn man(dir: Option<&std::path::Path>) -> Result<(), CliError> {
    if let Some(dir) = dir {
        if dir.exists() && !dir.is_dir() {
            return Err(CliError::Usage(format!(
                "man --dir {}: not a directory",
                dir.display()
            )));
        }
        // Made as `mkdir -p` would: a fresh account has no ~/.local/share/man/man1.
        // A folder that cannot be made is the argument's fault (a file on its path, no
        // permission), as a file in its place is: a usage error.
        std::fs::create_dir_all(dir).map_err(|e| {
            let why = crate::files::file_in_the_way(dir).unwrap_or_else(|| e.to_string());
            CliError::Usage(format!(
                "man --dir {}: cannot make it: {why}",
                dir.display()
            ))
        })?;
        return write_pages(dir);
    }
    render(&mut std::io::stdout().lock())
}

/// Every page (the top one, then one per command, `ctxlens-report.1`…) written into `dir`.
/// What would keep a page from being written (a folder or a device in its place, a folder
/// that takes no file) is found before any is; a write that fails after that names its page
/// and how many were written before it.
fn write_pages(dir: &std::path::Path) -> Result<(), CliError> {
    let shown =
        |p: &std::path::Path| crate::text::inert_line(&p.display().to_string()).into_owned();
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages: Vec<(std::path::PathBuf, Option<clap_mangen::Man>)> =
        vec![(dir.join("ctxlens.1"), None)];
    let mut todo: Vec<clap::Command> = cmd.get_subcommands().cloned().collect();
    while let Some(sub) = todo.pop() {
        if sub.is_hide_set() {
            continue;
        }
        todo.extend(sub.get_subcommands().cloned());
        let man = clap_mangen::Man::new(sub);
        pages.push((dir.join(man.get_filename()), Some(man)));
    }
    for (path, _) in &pages {
        // A page's name taken by a folder, a FIFO or a device, or by a link that leads nowhere
        // a file can be made: said before any page is written.
        use crate::files::NoWrite;
        let why = if path.exists() && !path.is_file() {
            Some("is there and is not a regular file (a folder, a FIFO or a device)".to_string())
        } else if crate::files::link_target(path).is_some() {
            // A page's own folder is `dir`, checked below: only a link (a loop too) leads
            // elsewhere.
            crate::files::no_write(path).map(|no| match no {
                NoWrite::Loop => "is a loop of links".to_string(),
                NoWrite::NoFolder { folder, .. } => {
                    format!("is a link into {}, which is not there", shown(&folder))
                }
                NoWrite::FolderRefuses { folder, why } => {
                    format!("is a link into {}: {why}", shown(&folder))
                }
            })
        } else {
            None
        };
        if let Some(why) = why {
            return Err(CliError::Usage(format!(
                "man --dir {}: {} {why}; nothing written",
                shown(dir),
                shown(path)
            )));
        }
    }
    // A folder that takes no new file (`/proc/1`, no permission): found by trying.
    crate::files::takes_files(dir).map_err(|why| {
        CliError::Usage(format!(
            "man --dir {}: cannot write in it: {why}; nothing written",
            shown(dir)
        ))
    })?;
    for (done, (path, man)) in pages.iter().enumerate() {
        let written = std::fs::File::create(path).and_then(|mut f| {
            match man {
                Some(man) => man.render(&mut f)?,
                None => render(&mut f).map_err(|e| std::io::Error::other(e.to_string()))?,
            }
            f.flush()
        });
        written.map_err(|e| {
            CliError::Runtime(format!(
                "man --dir {}: writing {}: {e} ({done} of {} pages written before it)",
                shown(dir),
                shown(path),
                pages.len()
            ))
        })?;
    }
    Ok(())
}

/// The top page: clap's sections, then the exit status and where each command's page is.
fn render(out: &mut dyn Write) -> Result<(), CliError> {
    // No `help` command listed: it has no page of its own (`--help` is every command's).
    let man = clap_mangen::Man::new(Cli::command().disable_help_subcommand(true));
    man.render_title(out).map_err(io)?;
    man.render_name_section(out).map_err(io)?;
    man.render_synopsis_section(out).map_err(io)?;
    man.render_description_section(out).map_err(io)?;
    man.render_options_section(out).map_err(io)?;
    man.render_subcommands_section(out).map_err(io)?;
    write!(
        out,
        ".SH \"EXIT STATUS\"\n{EXIT_STATUS}\n.SH \"SEE ALSO\"\nEach command's own page \
         (its options): \\fBctxlens man \\-\\-dir DIR\\fR writes them, or \\fBctxlens COMMAND \
         \\-\\-help\\fR.\n"
    )
    .map_err(io)?;
    man.render_version_section(out).map_err(io)?;
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
        render(&mut page).expect("renders");
        let page = String::from_utf8(page).expect("utf-8");
        assert!(page.contains(".SH \"EXIT STATUS\"") && page.contains("2 a usage"));
        // No `help` command is listed: `man --dir` writes it no page.
        assert!(!page.contains("ctxlens\\-help"), "{page}");
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

    #[test]
    fn man_dir_writes_a_page_per_command() {
        let dir = tempfile::tempdir().expect("temp dir");
        man(Some(dir.path())).expect("written");
        for page in [
            "ctxlens.1",
            "ctxlens-users.1",
            "ctxlens-report.1",
            "ctxlens-man.1",
        ] {
            let text = std::fs::read_to_string(dir.path().join(page)).expect(page);
            assert!(
                text.contains(".SH OPTIONS") || page == "ctxlens.1",
                "{page}"
            );
        }
        let top = std::fs::read_to_string(dir.path().join("ctxlens.1")).expect("top");
        assert!(top.contains("EXIT STATUS"), "the top page is ctxlens's own");
        let report = std::fs::read_to_string(dir.path().join("ctxlens-report.1")).expect("report");
        assert!(report.contains("fail\\-on"), "its options");
        // A file where the folder should be is named so.
        let file = dir.path().join("ctxlens.1");
        let err = man(Some(&file)).expect_err("a file");
        assert!(
            matches!(&err, CliError::Usage(m) if m.ends_with("ctxlens.1: not a directory")),
            "{err:?}"
        );
        // Under a file, it cannot be made: the same usage error, naming the file.
        let under = file.join("sub");
        let err = man(Some(&under)).expect_err("under a file");
        assert!(
            matches!(&err, CliError::Usage(m) if m.ends_with(&format!("cannot make it: {} is a file, not a folder", file.display()))),
            "{err:?}"
        );
        // A directory not made yet is made, as `mkdir -p` would.
        let fresh = dir.path().join("share/man/man1");
        man(Some(&fresh)).expect("written into a new directory");
        assert!(fresh.join("ctxlens.1").is_file());
        // A folder where a page goes is named, before any page is written.
        let other = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(other.path().join("ctxlens-diff.1")).expect("a folder");
        let err = man(Some(other.path())).expect_err("a folder in a page's place");
        assert!(
            matches!(&err, CliError::Usage(m) if m.contains(&format!(
                "{} is there and is not a regular file",
                other.path().join("ctxlens-diff.1").display()
            )) && m.ends_with("nothing written")),
            "{err:?}"
        );
        let left: Vec<_> = std::fs::read_dir(other.path())
            .expect("lists")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left, ["ctxlens-diff.1"], "nothing written");
        // A page's name a link into a folder that takes no file: said before any is written.
        let linked = tempfile::tempdir().expect("temp dir");
        std::os::unix::fs::symlink("/proc/1/x", linked.path().join("ctxlens-users.1"))
            .expect("symlink");
        let err = man(Some(linked.path())).expect_err("a link into /proc/1");
        assert!(
            matches!(&err, CliError::Usage(m) if m.contains("ctxlens-users.1 is a link into /proc/1: ")
                && m.ends_with("nothing written")),
            "{err:?}"
        );
        assert!(!linked.path().join("ctxlens.1").exists(), "nothing written");
        // A folder that takes no file: said before any is written.
        let err = man(Some(std::path::Path::new("/proc/1"))).expect_err("/proc/1");
        assert!(
            matches!(&err, CliError::Usage(m) if m.starts_with("man --dir /proc/1: cannot write in it: ")),
            "{err:?}"
        );
    }
}
