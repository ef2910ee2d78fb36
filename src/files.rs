//! Reading a file a person named (a config, a policy, a users list, a theme, a cache): only a
//! regular file is read, and at most a bound of it. A FIFO would wait for a writer for ever and a
//! device such as `/dev/zero` never ends, so either is refused before it is opened; a regular
//! file over the bound is refused unread.

use std::io::Read;
use std::path::Path;

/// A config, policy, theme, keymap or list file: far more than any of them needs.
pub const TEXT_MAX: u64 = 64 * 1024 * 1024;

/// Why a file was not read (shown after its name: `policy p.toml: …`).
#[derive(Debug)]
pub enum Refused {
    /// `open`/`read` failed (not found, no permission, …).
    Io(std::io::Error),
    /// Not a regular file: what it is instead.
    NotAFile(&'static str),
    /// Over `max` bytes.
    TooLarge { max: u64 },
}

impl Refused {
    /// The file is not there.
    pub fn not_found(&self) -> bool {
        matches!(self, Refused::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Io(e) => write!(f, "{e}"),
            Refused::NotAFile(what) => write!(f, "{what}, not a regular file: not read"),
            Refused::TooLarge { max } => {
                write!(f, "larger than {} MiB: not read", max / (1024 * 1024))
            }
        }
    }
}

/// The bytes of `path` (a symlink followed) when it is a regular file of at most `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, Refused> {
    let meta = std::fs::metadata(path).map_err(Refused::Io)?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(Refused::NotAFile("a directory"));
    }
    if !kind.is_file() {
        return Err(Refused::NotAFile("a FIFO, socket or device"));
    }
    if meta.len() > max {
        return Err(Refused::TooLarge { max });
    }
    let mut bytes = Vec::new();
    // A file that grows while it is read is still read only to its bound.
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > max {
        return Err(Refused::TooLarge { max });
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text; bytes that are not UTF-8 are an `InvalidData` error.
pub fn read_text(path: &Path, max: u64) -> Result<String, Refused> {
    let bytes = read_regular(path, max)?;
    String::from_utf8(bytes).map_err(|e| {
        Refused::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 ({})", e.utf8_error()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_regular_file_within_the_bound_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x = 1\n").expect("writes");
        assert_eq!(read_regular(&file, 100).expect("reads"), b"x = 1\n");
        assert_eq!(
            read_regular(&file, 3).expect_err("over").to_string(),
            "larger than 0 MiB: not read"
        );
        assert_eq!(
            read_regular(dir.path(), 100).expect_err("dir").to_string(),
            "a directory, not a regular file: not read"
        );
        // A device, and a symlink to one, is never opened (reading /dev/zero never ends).
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        for p in [Path::new("/dev/zero"), zero.as_path()] {
            assert_eq!(
                read_regular(p, TEXT_MAX).expect_err("device").to_string(),
                "a FIFO, socket or device, not a regular file: not read"
            );
        }
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        assert_eq!(
            read_regular(&fifo, 100).expect_err("FIFO").to_string(),
            "a FIFO, socket or device, not a regular file: not read"
        );
        let missing = read_regular(&dir.path().join("none"), 100).expect_err("missing");
        assert!(missing.not_found(), "{missing}");
        std::fs::write(&file, b"\xff").expect("writes");
        assert!(
            read_text(&file, 100)
                .expect_err("not UTF-8")
                .to_string()
                .starts_with("not UTF-8"),
        );
    }
}
