//! Reading a file a person named (a config, a policy, a users list, a theme, a cache): a regular
//! file, or where a person may name one, a pipe (`--users <(grep …)`), and at most a bound of
//! it. A device such as `/dev/zero` never ends and a socket is no file, so either is refused
//! before it is opened, as is a FIFO where ctxlens looks by itself (a file it finds at its
//! place would wait for a writer for ever); a file over the bound is refused unread.

use std::io::Read;
use std::path::{Path, PathBuf};

/// A config, policy, theme, keymap or list file: far more than any of them needs.
pub const TEXT_MAX: u64 = 64 * 1024 * 1024;

/// Why a file was not read (shown after its name: `policy p.toml: …`).
#[derive(Debug)]
pub enum Refused {
    /// `open`/`read` failed (not found, no permission, …).
    Io(std::io::Error),
    /// Text that is not UTF-8, placed by its `line:column` (`2:7: not UTF-8 (byte 0xF6)`).
    NotUtf8(String),
    /// Not a file to read: what it is instead.
    NotAFile(&'static str),
    /// Over `max` bytes.
    TooLarge { max: u64 },
}

impl Refused {
    /// The file is not there.
    pub fn not_found(&self) -> bool {
        matches!(self, Refused::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// The refusal after the file it is of: `FILE:2:7: not UTF-8 (byte 0xF6)` when it has a
    /// place in the file (as every other error with a line:column is written), else `FILE: why`.
    pub fn of(&self, file: &str) -> String {
        match self {
            Refused::NotUtf8(_) => format!("{file}:{self}"),
            _ => format!("{file}: {self}"),
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The system's words, without the error number a person has no use for.
            Refused::Io(e) => {
                let text = e.to_string();
                let plain = text
                    .rsplit_once(" (os error ")
                    .filter(|(_, n)| n.ends_with(')'))
                    .map_or(text.as_str(), |(words, _)| words);
                f.write_str(plain)
            }
            Refused::NotUtf8(why) => f.write_str(why),
            Refused::NotAFile(what) => write!(f, "{what}, not a file: not read"),
            Refused::TooLarge { max } if max % (1024 * 1024) == 0 => {
                write!(f, "larger than {} MiB: not read", max / (1024 * 1024))
            }
            Refused::TooLarge { max } => write!(f, "larger than {max} bytes: not read"),
        }
    }
}

/// Which files a read takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// A regular file only: what ctxlens finds at its own place (the config, themes, the token
    /// cache).
    Regular,
    /// A regular file or a pipe: what a person names (`--policy <(…)`, `--users /dev/stdin`).
    OrPipe,
}

/// The bytes of `path` (a symlink followed) when it is a file `takes` reads, of at most `max`
/// bytes (a pipe is read up to the bound, then refused).
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, Refused> {
    read(path, max, Takes::Regular)
}

/// The bytes of `path` as [`read_regular`], for the reads that `takes`.
pub fn read(path: &Path, max: u64, takes: Takes) -> Result<Vec<u8>, Refused> {
    use std::os::unix::fs::FileTypeExt;
    let meta = std::fs::metadata(path).map_err(Refused::Io)?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(Refused::NotAFile("a directory"));
    }
    if kind.is_fifo() && takes == Takes::Regular {
        return Err(Refused::NotAFile("a FIFO"));
    }
    if !kind.is_file() && !kind.is_fifo() {
        return Err(Refused::NotAFile("a device or socket"));
    }
    if meta.len() > max {
        return Err(Refused::TooLarge { max });
    }
    let mut bytes = Vec::new();
    // A file that grows while it is read is still read only to its bound.
    std::fs::File::open(path)
        .and_then(|f| f.take(max.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > max {
        return Err(Refused::TooLarge { max });
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text, a leading byte-order mark dropped; bytes that are not UTF-8 are an
/// `InvalidData` error placing the first (`2:12: not UTF-8 (byte 0xFF)`).
pub fn read_text(path: &Path, max: u64, takes: Takes) -> Result<String, Refused> {
    let bytes = read(path, max, takes)?;
    crate::engine::utf8::text(bytes).map_err(|bad| Refused::NotUtf8(bad.to_string()))
}

/// Where a write at `path` lands when `path` is a link: the file at the end of its links (each
/// relative one read from its own link's folder), as far as 40 links go (a loop ends there).
/// `None` when `path` is no link.
pub fn link_target(path: &Path) -> Option<PathBuf> {
    let mut at = path.to_path_buf();
    let mut followed = false;
    for _ in 0..40 {
        let Ok(to) = std::fs::read_link(&at) else {
            break;
        };
        at = match at.parent() {
            Some(dir) => dir.join(to),
            None => to,
        };
        followed = true;
    }
    followed.then_some(at)
}

/// Whether `path` is a loop of links (`a → b → a`): a write through it fails, whatever its
/// folder.
fn link_loop(path: &Path) -> bool {
    std::fs::metadata(path).is_err_and(|e| e.raw_os_error() == Some(libc::ELOOP))
}

/// The folder a file written at `path` goes into: for a link, the folder of the file it leads
/// to ([`link_target`]), else `path`'s own (`.` for a bare name).
fn folder_written(path: &Path) -> PathBuf {
    let file = link_target(path).unwrap_or_else(|| path.to_path_buf());
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The folder a file written at `path` would go into ([`folder_written`]), when it is not
/// there (for a link, `path` itself is in a folder that exists, and naming it would not say
/// what is missing). With the link's target when `path` is one.
fn missing_folder(path: &Path) -> Option<(PathBuf, Option<PathBuf>)> {
    let folder = folder_written(path);
    (!folder.is_dir()).then(|| (folder, link_target(path)))
}

/// Why a file cannot be written at `path` (through its links), found before any work: the
/// one check `--out`, `:w` and `man --dir` make.
#[derive(Debug, Clone, PartialEq)]
pub enum NoWrite {
    /// A loop of links, which leads to no file.
    Loop,
    /// The folder it would go into is not there ([`missing_folder`]); with the link's target
    /// when `path` is one.
    NoFolder {
        folder: PathBuf,
        link_to: Option<PathBuf>,
    },
    /// The folder takes no new file ([`takes_files`]): asked only when nothing is at `path`
    /// (a file that is there is replaced in place, whatever its folder takes).
    FolderRefuses { folder: PathBuf, why: String },
}

/// Why a file cannot be written at `path` ([`NoWrite`]), in the order a write would meet it;
/// `None` when it can, as far as can be told without writing.
pub fn no_write(path: &Path) -> Option<NoWrite> {
    if link_loop(path) {
        return Some(NoWrite::Loop);
    }
    if let Some((folder, link_to)) = missing_folder(path) {
        return Some(NoWrite::NoFolder { folder, link_to });
    }
    if path.exists() {
        return None;
    }
    let folder = folder_written(path);
    takes_files(&folder)
        .err()
        .map(|why| NoWrite::FolderRefuses { folder, why })
}

/// Whether folder `dir` takes a new file (`/proc`, a folder without write permission do not),
/// found by making and dropping one; the system's reason when it does not (not the probe
/// file's name, which its error would carry).
pub fn takes_files(dir: &Path) -> Result<(), String> {
    tempfile::Builder::new()
        .prefix(".ctxlens-probe-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| match (e.raw_os_error(), e.kind()) {
            (Some(n), _) => std::io::Error::from_raw_os_error(n).to_string(),
            // Said without the system's code (`/proc`): "entity not found" says little.
            (None, std::io::ErrorKind::NotFound) => "no file can be made there".into(),
            (None, kind) => kind.to_string(),
        })
}

/// What keeps folder `dir` from being made, when it is a file where one of its folders
/// should be: `{FILE} is a file, not a folder`.
pub fn file_in_the_way(dir: &std::path::Path) -> Option<String> {
    dir.ancestors()
        .find(|a| a.is_file())
        .map(|file| format!("{} is a file, not a folder", file.display()))
}

/// An XDG base directory: `$VAR` when it is set to an absolute path (the XDG spec has a relative
/// one ignored: it would name another place in each directory ctxlens is run from), else
/// `$HOME/fallback`; `None` when neither is there.
pub fn xdg_dir(var: &str, fallback: &str) -> Option<std::path::PathBuf> {
    std::env::var_os(var)
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(fallback)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_utf8_is_placed_by_line_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("t.toml");
        std::fs::write(&file, b"name = \"x\"\nbg = \"\xf6\"\n").expect("writes");
        assert_eq!(
            read_text(&file, 100, Takes::Regular)
                .expect_err("not UTF-8")
                .to_string(),
            "2:7: not UTF-8 (byte 0xF6)"
        );
        std::fs::write(&file, "\u{feff}x = 1\n").expect("writes");
        assert_eq!(
            read_text(&file, 100, Takes::Regular).expect("reads"),
            "x = 1\n"
        );
    }

    #[test]
    fn only_a_regular_file_within_the_bound_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x = 1\n").expect("writes");
        assert_eq!(read_regular(&file, 100).expect("reads"), b"x = 1\n");
        assert_eq!(
            read_regular(&file, 3).expect_err("over").to_string(),
            "larger than 3 bytes: not read"
        );
        assert_eq!(
            read_regular(dir.path(), 100).expect_err("dir").to_string(),
            "a directory, not a file: not read"
        );
        // A device, and a symlink to one, is never opened (reading /dev/zero never ends).
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        for p in [Path::new("/dev/zero"), zero.as_path()] {
            for takes in [Takes::Regular, Takes::OrPipe] {
                assert_eq!(
                    read(p, TEXT_MAX, takes).expect_err("device").to_string(),
                    "a device or socket, not a file: not read"
                );
            }
        }
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        assert_eq!(
            read_regular(&fifo, 100).expect_err("FIFO").to_string(),
            "a FIFO, not a file: not read"
        );
        // Named by a person, a pipe is read (`<(…)`), up to the bound: one that never ends
        // is refused once past it.
        let path = fifo.clone();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let mut w = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .expect("opens");
            // Ends when the reader has read its bound and closed the pipe (EPIPE).
            while w.write_all(&[b'x'; 4096]).is_ok() {}
        });
        assert_eq!(
            read(&fifo, 10_000, Takes::OrPipe)
                .expect_err("endless")
                .to_string(),
            "larger than 10000 bytes: not read"
        );
        writer.join().expect("the writer ends");
        let missing = read_regular(&dir.path().join("none"), 100).expect_err("missing");
        assert!(missing.not_found(), "{missing}");
        std::fs::write(&file, b"\xff").expect("writes");
        assert!(
            read_text(&file, 100, Takes::Regular)
                .expect_err("not UTF-8")
                .to_string()
                .starts_with("1:1: not UTF-8"),
        );
    }
}
