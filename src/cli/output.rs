//! Readable output: styles, budget bars and aligned tables (colour is stripped when not a terminal).

use std::io::Write;

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::CliError;
use crate::engine::Decision;
use crate::engine::milestones::Status;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const RED: Style = AnsiColor::Red.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();

pub fn decision_style(d: Decision) -> Style {
    match d {
        Decision::Kept => GREEN,
        Decision::Truncated => YELLOW,
        Decision::Dropped => RED,
    }
}

pub fn status_style(s: Status) -> Style {
    match s {
        Status::Completed => GREEN,
        Status::Current => CYAN.bold(),
        Status::Available => YELLOW,
        Status::Locked => DIM,
    }
}

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Completed => "completed",
        Status::Current => "current",
        Status::Available => "available",
        Status::Locked => "locked",
    }
}

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// A budget bar: filled for what is used, `▒` past the budget, `░` for what is left.
pub fn bar(used: usize, budget: usize, width: usize) -> String {
    if budget == 0 {
        return if used == 0 {
            "░".repeat(width)
        } else {
            paint(RED, &"▒".repeat(width))
        };
    }
    let filled = (used.min(budget) * width).div_ceil(budget).min(width);
    let style = if used > budget { RED } else { GREEN };
    format!(
        "{}{}",
        paint(style, &"█".repeat(filled)),
        paint(DIM, &"░".repeat(width - filled))
    )
}

/// Columns of a table; `right` columns are right-aligned.
pub struct Table {
    header: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<(String, Style)>>,
}

impl Table {
    pub fn new(header: &[(&str, bool)]) -> Self {
        Table {
            header: header.iter().map(|h| h.0.to_string()).collect(),
            right: header.iter().map(|h| h.1).collect(),
            rows: Vec::new(),
        }
    }

    /// A row of data cells: each is made inert (stored text never drives the terminal).
    pub fn row(&mut self, cells: Vec<(String, Style)>) {
        let cells = cells
            .into_iter()
            .map(|(c, style)| (crate::text::inert_line(&c).into_owned(), style))
            .collect();
        self.rows.push(cells);
    }

    /// A row whose cells ctxlens drew itself (budget bars) or made inert already.
    pub fn row_drawn(&mut self, cells: Vec<(String, Style)>) {
        self.rows.push(cells);
    }

    pub fn write(&self, out: &mut impl Write, indent: usize) -> Result<(), CliError> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for r in &self.rows {
            for (i, (c, _)) in r.iter().enumerate() {
                widths[i] = widths[i].max(shown_width(c));
            }
        }
        let pad = " ".repeat(indent);
        let head: Vec<(String, Style)> = self.header.iter().map(|h| (h.clone(), BOLD)).collect();
        for r in std::iter::once(&head).chain(&self.rows) {
            let mut line = pad.clone();
            for (i, (c, style)) in r.iter().enumerate() {
                let gap = " ".repeat(widths[i] - shown_width(c));
                let cell = if c.is_empty() {
                    gap
                } else if self.right[i] {
                    format!("{gap}{}", paint(*style, c))
                } else {
                    format!("{}{gap}", paint(*style, c))
                };
                line.push_str(&cell);
                if i + 1 < r.len() {
                    line.push_str("  ");
                }
            }
            writeln!(out, "{}", line.trim_end()).map_err(io)?;
        }
        Ok(())
    }
}

/// Writes `value` as pretty JSON and a newline (every `--json` output but replay's): exact data,
/// with what could drive a terminal escaped (`crate::engine::json`).
pub fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), CliError> {
    writeln!(out, "{}", crate::engine::json::pretty(value)).map_err(io)
}

/// Display width of `s` without its colour escapes.
fn shown_width(s: &str) -> usize {
    anstream::adapter::strip_str(s).to_string().width()
}

/// An output error as a runtime failure; a reader that went away (`| head`) ends quietly.
pub fn io(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return CliError::Quiet;
    }
    CliError::Runtime(format!("writing output: {e}"))
}

pub use crate::text::{inert_line, preview};

/// Whether `--out FILE` can be written, asked before the work (a search or a read of minutes
/// is not wasted on a folder that is not there): its folder exists and it is not a folder
/// itself. An existing file is replaced, and that is said when it is written.
pub fn writable(out: &std::path::Path) -> Result<(), CliError> {
    let shown = crate::text::inert_line(&out.display().to_string()).into_owned();
    if out.is_dir() {
        return Err(CliError::Usage(format!(
            "--out {shown}: a directory; name a file in it"
        )));
    }
    // A FIFO would keep the command waiting for a reader; a device (`/dev/zero`, a symlink to
    // one) would take the file and keep nothing, yet say it was written.
    if out.exists() && !out.is_file() {
        return Err(CliError::Usage(format!(
            "--out {shown}: not a regular file (a FIFO or a device); name a file (`-` writes to stdout where the command allows it)"
        )));
    }
    use crate::files::NoWrite;
    let path_shown =
        |p: &std::path::Path| crate::text::inert_line(&p.display().to_string()).into_owned();
    let no_write = crate::files::no_write(out);
    match &no_write {
        Some(NoWrite::Loop) => {
            return Err(CliError::Usage(format!(
                "--out {shown}: a loop of links, which leads to no file; name a file"
            )));
        }
        Some(NoWrite::NoFolder { folder, link_to }) => {
            let missing = path_shown(folder);
            return Err(CliError::Usage(match link_to {
                Some(to) => format!(
                    "--out {shown}: a link to {}, whose folder {missing} is not there",
                    path_shown(to)
                ),
                None => format!("--out {shown}: no such directory {missing}"),
            }));
        }
        _ => {}
    }
    // `sub/` names a folder that is not there: not a file to write.
    if out.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(CliError::Usage(format!(
            "--out {shown}: ends in `/`, so it names a directory, which is not there; name a file"
        )));
    }
    // A folder that exists but takes no new file (`/proc`, `/sys`, no permission), or a file
    // that may not be written: found by trying, without touching the file itself.
    let refused =
        |e: std::io::Error| CliError::Usage(format!("--out {shown}: cannot be written: {e}"));
    if out.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .open(out)
            .map_err(refused)?;
    } else if let Some(NoWrite::FolderRefuses { folder, why }) = no_write {
        // Through a link, the folder of the file it leads to is the one written in.
        return Err(CliError::Usage(format!(
            "--out {shown}: cannot write in {}: {why}",
            path_shown(&folder)
        )));
    }
    Ok(())
}

/// Held while a file is written: an interrupt (Ctrl-C on a one-user command ends the process
/// from a thread of its own) waits for it, so a file is never left half-written.
pub static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Writes `text` (a recommended policy, a snapshot) to `path`, saying on stderr when it
/// replaced a file.
pub fn write_out(path: &std::path::Path, text: &str) -> Result<(), CliError> {
    let replaced = path.exists();
    // Ctrl-C waits for the file to be whole (see [`WRITING`]).
    let writing = WRITING.lock();
    std::fs::write(path, text)
        .map_err(|e| CliError::Runtime(format!("writing {}: {e}", path.display())))?;
    drop(writing);
    if replaced {
        crate::say!(
            "ctxlens: replaced {}",
            crate::text::inert_line(&path.display().to_string())
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--out` that cannot be written is refused before the work, naming why; the check
    /// leaves nothing behind.
    #[test]
    fn an_out_path_that_cannot_be_written_is_refused_up_front() {
        let dir = tempfile::tempdir().expect("temp dir");
        let said = |p: &std::path::Path| match writable(p) {
            Err(CliError::Usage(m)) => m,
            other => panic!("{}: {other:?}", p.display()),
        };
        let sub = dir.path().join("sub/");
        assert!(said(&sub).contains("ends in `/`"), "{}", said(&sub));
        let proc = std::path::Path::new("/proc/ctxlens-out.toml");
        assert!(
            said(proc).contains("cannot write in /proc"),
            "{}",
            said(proc)
        );
        assert!(!said(proc).contains("ctxlens-probe"), "{}", said(proc));
        let fine = dir.path().join("tuned.toml");
        assert!(writable(&fine).is_ok());
        std::fs::write(&fine, "kept").expect("write");
        assert!(writable(&fine).is_ok());
        assert_eq!(std::fs::read_to_string(&fine).expect("read"), "kept");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(left.len(), 1, "only the file written above: {left:?}");
    }

    #[test]
    fn bars_fill_in_proportion() {
        let strip = |s: String| s.chars().filter(|c| "█░▒".contains(*c)).collect::<String>();
        assert_eq!(strip(bar(0, 100, 10)), "░░░░░░░░░░");
        assert_eq!(strip(bar(50, 100, 10)), "█████░░░░░");
        assert_eq!(strip(bar(1, 100, 10)), "█░░░░░░░░░");
        assert_eq!(strip(bar(150, 100, 10)), "██████████");
        assert_eq!(strip(bar(5, 0, 4)), "▒▒▒▒");
    }
}

/// Where a progress bar draws: stderr, its line kept two columns short of the terminal's edge.
/// indicatif fills the line to the edge; the `^C` a terminal echoes when Ctrl-C stops a run
/// then wrapped onto the next line, and the bar's clearing cleared that line, leaving the bar
/// on screen above the message saying what was stopped.
pub fn progress_target() -> indicatif::ProgressDrawTarget {
    indicatif::ProgressDrawTarget::term_like_with_hz(
        Box::new(ShortOfEdge(console::Term::stderr())),
        PROGRESS_HZ,
    )
}

/// How often a bar is drawn at most (indicatif's own default for stderr).
const PROGRESS_HZ: u8 = 20;

/// A terminal two columns narrower than it is (see [`progress_target`]).
#[derive(Debug)]
struct ShortOfEdge(console::Term);

impl indicatif::TermLike for ShortOfEdge {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }

    fn height(&self) -> u16 {
        self.0.size().0
    }

    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }

    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }

    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }

    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }

    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }

    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }

    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }

    fn flush(&self) -> std::io::Result<()> {
        std::io::Write::flush(&mut &self.0)
    }
}

/// One line of a list of things named by where they are: `  SOURCE  why` (the why dimmed),
/// both inert — malformed items, notes, findings.
pub(super) fn write_sourced(out: &mut impl Write, source: &str, why: &str) -> Result<(), CliError> {
    writeln!(
        out,
        "  {}  {}",
        inert_line(source),
        paint(DIM, &inert_line(why))
    )
    .map_err(io)
}

/// A dimmed line after a blank one: what a reader should know of the output above.
pub(super) fn write_dim_note(out: &mut impl Write, note: &str) -> Result<(), CliError> {
    writeln!(out).map_err(io)?;
    write_dim_line(out, note)
}

/// A dimmed line: a note beside the output, not its data.
pub(super) fn write_dim_line(out: &mut impl Write, line: &str) -> Result<(), CliError> {
    writeln!(out, "{}", paint(DIM, line)).map_err(io)
}
