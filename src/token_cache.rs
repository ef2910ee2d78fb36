//! The persistent token-count cache: counts a run made, kept on disk for the next run.
//!
//! One file, `$XDG_CACHE_HOME/ctxlens/token-counts.bin` (else `~/.cache/ctxlens/…`), holding
//! `(tokenizer, xxh3-128 of the text, count)` entries and never any text. Content-addressed, so
//! a count stays right whatever user, store or policy the text came from; bounded
//! ([`MAX_ENTRIES`], newest first, about 10 MB); written to a temporary file and renamed over the
//! old one, so two processes at once never leave a torn file (the later one's entries win). A
//! file that is not a ctxlens token cache of this version, or whose checksum does not match, is
//! ignored with a warning and replaced at the next save.
//!
//! Layout (little-endian): magic `CTXLTOK` + version byte, entry count (u64), xxh3-64 of the
//! entries (u64), then per entry the tokenizer (u8: 0 cl100k_base, 1 o200k_base), the text's
//! hash (u128) and the count (u32).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use crate::engine::Tokenizer;
use crate::engine::tokens::CountKey;

const MAGIC: &[u8; 8] = b"CTXLTOK\x01";
const HEADER: usize = 24;
const ENTRY: usize = 21;
/// The most entries the file keeps (21 bytes each): enough for ~10 k users' items.
pub const MAX_ENTRIES: usize = 500_000;

/// The cache file and its bound.
#[derive(Debug, Clone)]
pub struct DiskCache {
    path: PathBuf,
    limit: usize,
}

impl DiskCache {
    /// The cache in the XDG cache dir; `None` when neither `XDG_CACHE_HOME` nor `HOME` is set.
    pub fn in_cache_dir() -> Option<Self> {
        let base = crate::files::xdg_dir("XDG_CACHE_HOME", ".cache")?;
        Some(Self::at(base.join("ctxlens").join("token-counts.bin")))
    }

    /// A cache file at `path`, bounded by [`MAX_ENTRIES`].
    pub fn at(path: PathBuf) -> Self {
        Self {
            path,
            limit: MAX_ENTRIES,
        }
    }

    /// The same file holding at most `limit` entries.
    pub fn with_limit(self, limit: usize) -> Self {
        Self { limit, ..self }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The largest file of [`MAX_ENTRIES`] (or `limit`) entries: a larger one is not this
    /// cache's (nor is a FIFO or a device, never read).
    fn max_bytes(&self) -> u64 {
        (HEADER + ENTRY * self.limit.max(MAX_ENTRIES)) as u64
    }

    /// The saved counts: empty when there is no file yet; `Err` saying what is wrong with a
    /// file that is there but not a readable cache (the caller warns and goes on without it).
    pub fn load(&self) -> Result<HashMap<CountKey, u32>, String> {
        match crate::files::read_regular(&self.path, self.max_bytes()) {
            Ok(bytes) => decode(&bytes)
                .map(|entries| entries.into_iter().collect())
                .map_err(|why| format!("token cache {}: {why}", self.path.display())),
            Err(e) if e.not_found() => Ok(HashMap::new()),
            Err(e) => Err(format!("token cache {}: {e}", self.path.display())),
        }
    }

    /// Adds `new` to the file: the new entries first, then those already there (read again
    /// now, so another process's recent entries are kept), at most `limit` in all.
    pub fn save(&self, new: &[(CountKey, u32)]) -> Result<(), String> {
        if new.is_empty() {
            return Ok(());
        }
        let old = crate::files::read_regular(&self.path, self.max_bytes())
            .ok()
            .and_then(|b| decode(&b).ok())
            .unwrap_or_default();
        let mut seen = std::collections::HashSet::with_capacity(new.len() + old.len());
        let entries: Vec<(CountKey, u32)> = new
            .iter()
            .copied()
            .chain(old)
            .filter(|(k, _)| seen.insert(*k))
            .take(self.limit)
            .collect();
        self.write(&encode(&entries))
            .map_err(|e| format!("token cache {}: {e}", self.path.display()))
    }

    /// Writes the file whole (a temporary file renamed over it); the error says which step
    /// failed, in the words of the folder or file, never a temporary file's random name.
    fn write(&self, bytes: &[u8]) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        // tempfile names its random file after the error: the error alone is said.
        let plain = |e: std::io::Error| {
            let said = e.to_string();
            said.split_once(" at path ")
                .map_or(said.clone(), |(why, _)| why.to_string())
        };
        std::fs::create_dir_all(dir).map_err(|e| match crate::files::file_in_the_way(dir) {
            Some(file) => format!("cannot make its folder: {file}"),
            None => format!("cannot make its folder {}: {}", dir.display(), plain(e)),
        })?;
        let write = || -> std::io::Result<tempfile::NamedTempFile> {
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(bytes)?;
            tmp.as_file().sync_all()?;
            Ok(tmp)
        };
        let tmp = write()
            .map_err(|e| format!("cannot write in its folder {}: {}", dir.display(), plain(e)))?;
        tmp.persist(&self.path).map(drop).map_err(|e| {
            if self.path.is_dir() {
                "cannot replace it: it is a folder".to_string()
            } else {
                format!("cannot replace it: {}", plain(e.error))
            }
        })
    }
}

fn tokenizer_byte(tok: Tokenizer) -> Option<u8> {
    match tok {
        Tokenizer::Cl100kBase => Some(0),
        Tokenizer::O200kBase => Some(1),
        Tokenizer::Chars4 => None,
    }
}

fn encode(entries: &[(CountKey, u32)]) -> Vec<u8> {
    let mut body = Vec::with_capacity(entries.len() * ENTRY);
    let mut count = 0u64;
    for ((tok, hash), n) in entries {
        let Some(t) = tokenizer_byte(*tok) else {
            continue;
        };
        body.push(t);
        body.extend_from_slice(&hash.to_le_bytes());
        body.extend_from_slice(&n.to_le_bytes());
        count += 1;
    }
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&xxh3_64(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn decode(bytes: &[u8]) -> Result<Vec<(CountKey, u32)>, String> {
    let (header, body) = bytes
        .split_at_checked(HEADER)
        .ok_or("too short to be a ctxlens token cache")?;
    if &header[..8] != MAGIC {
        return Err("not a ctxlens token cache of this version".into());
    }
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let (count, sum) = (word(8), word(16));
    if body.len() as u64 != count.saturating_mul(ENTRY as u64) {
        return Err(format!(
            "says {count} entries but holds {} bytes of them (cut short?)",
            body.len()
        ));
    }
    if xxh3_64(body) != sum {
        return Err("checksum does not match (damaged)".into());
    }
    body.chunks_exact(ENTRY)
        .map(|e| {
            let tok = match e[0] {
                0 => Tokenizer::Cl100kBase,
                1 => Tokenizer::O200kBase,
                other => return Err(format!("unknown tokenizer byte {other}")),
            };
            let mut h = [0u8; 16];
            h.copy_from_slice(&e[1..17]);
            let mut n = [0u8; 4];
            n.copy_from_slice(&e[17..21]);
            Ok(((tok, u128::from_le_bytes(h)), u32::from_le_bytes(n)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A save that cannot be made says which step failed in words of the path a person
    /// knows: a file where its folder should be, a folder where the file should be.
    #[test]
    fn a_save_that_fails_names_what_is_in_the_way() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file_as_folder = dir.path().join("ctxlens");
        std::fs::write(&file_as_folder, "hi").expect("write");
        let cache = DiskCache::at(file_as_folder.join("token-counts.bin"));
        let err = cache.save(&entries(3)).expect_err("a file in the way");
        assert!(
            err.ends_with(&format!(
                ": cannot make its folder: {} is a file, not a folder",
                file_as_folder.display()
            )),
            "{err}"
        );
        let folder_as_file = dir.path().join("counts.bin");
        std::fs::create_dir(&folder_as_file).expect("mkdir");
        let err = DiskCache::at(folder_as_file)
            .save(&entries(3))
            .expect_err("a folder in the way");
        assert!(
            err.ends_with(": cannot replace it: it is a folder"),
            "{err}"
        );
    }

    fn entries(n: u128) -> Vec<(CountKey, u32)> {
        (0..n)
            .map(|i| ((Tokenizer::Cl100kBase, i * 7919), i as u32))
            .collect()
    }

    #[test]
    fn entries_round_trip_and_chars4_is_never_stored() {
        let mut e = entries(3);
        e.push(((Tokenizer::O200kBase, u128::MAX), u32::MAX));
        let mut with_chars4 = e.clone();
        with_chars4.push(((Tokenizer::Chars4, 5), 1));
        assert_eq!(decode(&encode(&with_chars4)), Ok(e));
    }

    #[test]
    fn saving_keeps_the_newest_entries_and_other_runs_entries_up_to_the_limit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = DiskCache::at(dir.path().join("c").join("token-counts.bin")).with_limit(5);
        assert_eq!(
            cache.load(),
            Ok(HashMap::new()),
            "no file yet: nothing known"
        );
        let all = entries(8);
        // Another run saved three; this run saves three more, one of them the same key again.
        cache.save(&all[..3]).expect("save");
        cache.save(&[all[3], all[4], all[0]]).expect("save");
        let known = cache.load().expect("load");
        assert_eq!(known.len(), 5);
        assert!(all[..5].iter().all(|(k, n)| known.get(k) == Some(n)));
        // Full: the newest entries stay, the oldest go.
        cache.save(&all[5..8]).expect("save");
        let known = cache.load().expect("load");
        let kept: Vec<bool> = all.iter().map(|(k, _)| known.contains_key(k)).collect();
        assert_eq!(kept, [false, false, false, true, true, true, true, true]);
    }

    #[test]
    fn damage_anywhere_is_named() {
        let good = encode(&entries(4));
        let mut flipped = good.clone();
        flipped[HEADER + 5] ^= 1;
        assert!(decode(&flipped).unwrap_err().contains("checksum"));
        assert!(
            decode(&good[..good.len() - 3])
                .unwrap_err()
                .contains("cut short")
        );
        assert!(decode(b"hello").unwrap_err().contains("too short"));
        let mut foreign = good.clone();
        foreign[..8].copy_from_slice(b"GIF89a\0\0");
        assert!(
            decode(&foreign)
                .unwrap_err()
                .contains("not a ctxlens token cache")
        );
    }
}
