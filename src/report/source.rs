//! Which users a report reads: every user of a store, a sample, a listed few, or snapshot files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::store::{Store, StoreError};

/// Users per page when listing a store.
const PAGE: usize = 1_000;

/// Where a report's users come from.
pub enum Fleet {
    /// Users of a store.
    Store { store: Arc<dyn Store>, pick: Pick },
    /// Snapshot files (`ctxlens snapshot` output), replayed as they are.
    Snapshots(Vec<PathBuf>),
}

impl Fleet {
    /// The store the users are read from (none for snapshot files).
    pub fn store(&self) -> Option<&Arc<dyn Store>> {
        match self {
            Fleet::Store { store, .. } => Some(store),
            Fleet::Snapshots(_) => None,
        }
    }
}

/// Which users of a store.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    All,
    /// `n` users drawn uniformly (reservoir sampling over the listing, seeded: the same sample
    /// every time), replayed in listing order.
    Sample {
        n: usize,
        seed: u64,
    },
    /// These users, in this order.
    Listed(Vec<Listed>),
}

/// A user named in a `--users` file, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub user_id: String,
    /// `FILE:LINE`.
    pub origin: String,
    /// Later lines naming the same id (read once).
    pub again: Vec<usize>,
}

/// One unit of work.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    User {
        id: String,
        /// Where the id came from (`FILE:LINE`), for messages.
        origin: Option<String>,
    },
    File(PathBuf),
}

impl Job {
    /// How messages about this job name it.
    pub fn name(&self) -> String {
        match self {
            Job::User { id, origin: None } => {
                format!("user {}", crate::text::id_in_message(id))
            }
            Job::User {
                id,
                origin: Some(o),
            } => format!("{o}: user {}", crate::text::id_in_message(id)),
            Job::File(p) => crate::store::file::named(p),
        }
    }
}

/// How large a `--users` file is read: millions of ids.
const USERS_FILE_MAX: u64 = 1024 * 1024 * 1024;

/// Reads a `--users` file: one user id per line, the whole line up to a `#` comment, trimmed
/// (an id may hold spaces: `john doe` is never read as `john`); blank lines and comments are
/// skipped, a repeated id is read once. A line that starts with `"` is one JSON string, for an
/// id with spaces at its ends, ` #` or escapes in it (`"  odd #1 "`); a comment may follow it.
pub fn read_user_list(path: &Path) -> Result<Vec<Listed>, String> {
    let bytes = crate::files::read(path, USERS_FILE_MAX, crate::files::Takes::OrPipe)
        .map_err(|e| format!("users file {}: {e}", path.display()))?;
    let text = crate::engine::utf8::text(bytes)
        .map_err(|bad| format!("users file {}:{bad}", path.display()))?;
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    let mut out: Vec<Listed> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let id = listed_id(line).map_err(|(col, why)| {
            format!("users file {}:{}:{col}: {why}", path.display(), n + 1)
        })?;
        let Some(id) = id else { continue };
        match seen.get(&id) {
            Some(&first) => out[first].again.push(n + 1),
            None => {
                seen.insert(id.clone(), out.len());
                out.push(Listed {
                    user_id: id,
                    origin: format!("{}:{}", path.display(), n + 1),
                    again: Vec::new(),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(format!("users file {}: no user ids", path.display()));
    }
    Ok(out)
}

/// The id a `--users` line names (`None`: blank or a comment), or the column (1-based) and
/// what is wrong there.
fn listed_id(line: &str) -> Result<Option<String>, (usize, String)> {
    if let Some(quoted) = quoted_id(line) {
        let (id, rest) = quoted?;
        if !rest.is_empty() {
            // `rest` lies within `line`: its column is where it starts there.
            let col = rest.as_ptr() as usize - line.as_ptr() as usize + 1;
            return Err((
                col,
                "after a quoted id only a `#` comment may follow".into(),
            ));
        }
        return Ok((!id.is_empty()).then_some(id));
    }
    // The line is the id (ids may hold spaces), up to a `#` comment, without the spaces
    // around it.
    let id = without_comment(line).trim();
    Ok((!id.is_empty()).then(|| id.to_string()))
}

/// A quoted id and the rest of its line, or the column (1-based) and what is wrong there.
type Quoted<'a> = Result<(String, &'a str), (usize, String)>;

/// A line that begins with a JSON-quoted id: the id and what follows it up to a `#` comment,
/// trimmed (or the column, 1-based, and what is wrong there). `None`: the id is not quoted.
fn quoted_id(line: &str) -> Option<Quoted<'_>> {
    let body = line.trim_start();
    if !body.starts_with('"') {
        return None;
    }
    let start = line.len() - body.len();
    let mut it = serde_json::Deserializer::from_str(body).into_iter::<String>();
    Some(match it.next() {
        Some(Ok(id)) => {
            let rest = &body[it.byte_offset()..];
            let rest = if rest.trim_start().starts_with('#') {
                ""
            } else {
                without_comment(rest).trim()
            };
            Ok((id, rest))
        }
        Some(Err(e)) => Err((start + e.column(), format!("quoted id: {e}"))),
        None => Ok((String::new(), "")),
    })
}

/// A `USER WORD` line of a list (`--category-of`): the word is the last one and the id the
/// rest (ids may hold spaces, as on a `--users` line), or a JSON-quoted id then the word.
/// `None`: blank or a comment; an error says what the line holds instead.
pub fn id_and_word(line: &str) -> Result<Option<(String, String)>, String> {
    if let Some(quoted) = quoted_id(line) {
        let (id, rest) = quoted.map_err(|(col, why)| format!("column {col}: {why}"))?;
        if id.is_empty() {
            return Err("an empty quoted id: no user has it".into());
        }
        return match rest.split_whitespace().count() {
            1 => Ok(Some((id, rest.to_string()))),
            n => Err(format!(
                "expected a word after the quoted id (got {})",
                crate::text::count(n as u64, "word", "words")
            )),
        };
    }
    let body = without_comment(line).trim();
    if body.is_empty() {
        return Ok(None);
    }
    match body.rsplit_once(char::is_whitespace) {
        Some((id, word)) => Ok(Some((id.trim_end().to_string(), word.to_string()))),
        None => Err("expected two words (got 1 word)".into()),
    }
}

/// A list file's line up to its `#` comment: one that starts the line or follows a space or a
/// tab (`u#1` is an id).
pub fn without_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(at) => &line[..at],
        None => line,
    }
}

/// The `*.json` entries of a folder, by name; hidden ones (`.x.json`, a Mac's `._x.json`
/// beside each file copied from it) are not among them, as a shell's `*.json` leaves them out.
pub fn snapshot_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("snapshots folder {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("snapshots folder {}: {e}", dir.display()))?
            .path();
        // Every `*.json` entry, a folder, a FIFO or a dangling link too: reading it says why it
        // is not a snapshot, rather than leaving it out without a word.
        // `U062.JSON` as well: a name's case is how a ticket's tool saved it.
        let hidden = path
            .file_name()
            .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
        if !hidden
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "snapshots folder {}: no *.json files",
            dir.display()
        ));
    }
    Ok(files)
}

/// Hands out a fleet's jobs batch by batch, listing a store page by page.
pub struct Lister {
    state: State,
    /// A sample that left users out: (kept, of how many, seed).
    sampled: Option<(u64, u64, u64)>,
    /// A sample asked for more users than there are: (asked, how many there are).
    whole: Option<(u64, u64)>,
}

enum State {
    /// Jobs known up front, handed out from `next`.
    Known { jobs: Vec<Job>, next: usize },
    /// Paging through a store.
    Paging {
        store: Arc<dyn Store>,
        cursor: Option<String>,
        done: bool,
    },
}

impl Lister {
    /// Prepares the jobs of `fleet`. A sample lists the whole store first (keeping `n` ids).
    pub async fn new(fleet: Fleet) -> Result<Self, StoreError> {
        let mut sampled = None;
        let mut whole = None;
        let state = match fleet {
            Fleet::Snapshots(files) => State::Known {
                jobs: files.into_iter().map(Job::File).collect(),
                next: 0,
            },
            Fleet::Store {
                pick: Pick::Listed(ids),
                ..
            } => State::Known {
                jobs: ids
                    .into_iter()
                    .map(|l| Job::User {
                        id: l.user_id,
                        origin: Some(l.origin),
                    })
                    .collect(),
                next: 0,
            },
            Fleet::Store {
                store,
                pick: Pick::Sample { n, seed },
            } => {
                let (ids, seen) = sample(store.as_ref(), n, seed).await?;
                if (ids.len() as u64) < seen {
                    sampled = Some((ids.len() as u64, seen, seed));
                } else if (n as u64) > seen {
                    whole = Some((n as u64, seen));
                }
                State::Known {
                    jobs: ids
                        .into_iter()
                        .map(|id| Job::User { id, origin: None })
                        .collect(),
                    next: 0,
                }
            }
            Fleet::Store {
                store,
                pick: Pick::All,
            } => State::Paging {
                store,
                cursor: None,
                done: false,
            },
        };
        Ok(Lister {
            state,
            sampled,
            whole,
        })
    }

    /// A sample larger than the fleet: how many were asked for, and how many there are (every
    /// one is read).
    pub fn whole(&self) -> Option<(u64, u64)> {
        self.whole
    }

    /// A sample that left users out: how many it kept, of how many, and its seed (`None`: every
    /// user listed is read, a sample larger than the fleet included).
    pub fn sampled(&self) -> Option<(u64, u64, u64)> {
        self.sampled
    }

    /// How many jobs there are, when known without listing everything.
    pub fn total(&self) -> Option<u64> {
        match &self.state {
            State::Known { jobs, .. } => Some(jobs.len() as u64),
            State::Paging { store, .. } => store.user_count().map(|n| n as u64),
        }
    }

    /// Up to `max` more jobs; empty when there are no more.
    pub async fn next_batch(&mut self, max: usize) -> Result<Vec<Job>, StoreError> {
        match &mut self.state {
            State::Known { jobs, next } => {
                let end = (*next + max).min(jobs.len());
                let batch = jobs[*next..end].to_vec();
                *next = end;
                Ok(batch)
            }
            State::Paging {
                store,
                cursor,
                done,
            } => {
                if *done {
                    return Ok(vec![]);
                }
                // One lost connection is not a store gone: the page is asked once more.
                let (ids, next) = match store.user_ids(cursor.as_deref(), max).await {
                    Err(e) if e.is_outage() => store.user_ids(cursor.as_deref(), max).await?,
                    page => page?,
                };
                *done = next.is_none();
                *cursor = next;
                Ok(ids
                    .into_iter()
                    .map(|id| Job::User { id, origin: None })
                    .collect())
            }
        }
    }
}

/// `n` ids drawn evenly from the store's (reservoir sampling), in listing order, and how many
/// there were.
async fn sample(store: &dyn Store, n: usize, seed: u64) -> Result<(Vec<String>, u64), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // `n` is what was asked for, which may be far more than there are users.
    let mut kept: Vec<(u64, String)> = Vec::new();
    let mut seen = 0u64;
    let mut cursor: Option<String> = None;
    loop {
        let (ids, next) = store.user_ids(cursor.as_deref(), PAGE).await?;
        for id in ids {
            if kept.len() < n {
                kept.push((seen, id));
            } else {
                let j = rng.random_range(0..=seen);
                if (j as usize) < n {
                    kept[j as usize] = (seen, id);
                }
            }
            seen += 1;
        }
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    kept.sort();
    Ok((kept.into_iter().map(|(_, id)| id).collect(), seen))
}

#[cfg(test)]
mod listed_tests {
    use super::{id_and_word, listed_id};

    /// A folder's `*.json` files whatever the case of the extension; other files and hidden
    /// ones (a Mac's `._a.json`) are not.
    #[test]
    fn snapshot_files_match_json_in_any_case() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in [
            "a.json",
            "B.JSON",
            "c.Json",
            "notes.txt",
            "._a.json",
            ".hidden.json",
        ] {
            std::fs::write(dir.path().join(name), "{}").expect("write");
        }
        let names: Vec<String> = super::snapshot_files(dir.path())
            .expect("files")
            .iter()
            .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
            .collect();
        assert_eq!(names, ["B.JSON", "a.json", "c.Json"]);
    }

    /// A byte-order mark (Notepad's) is not part of the first id.
    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_id() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("users.txt");
        std::fs::write(&file, "\u{feff}u005\r\nu006\n").expect("write");
        let ids: Vec<String> = super::read_user_list(&file)
            .expect("reads")
            .into_iter()
            .map(|l| l.user_id)
            .collect();
        assert_eq!(ids, ["u005", "u006"]);
    }

    #[test]
    fn a_user_and_word_line_takes_the_last_word_or_a_quoted_id() {
        let pair = id_and_word;
        let want = |id: &str, word: &str| Ok(Some((id.to_string(), word.to_string())));
        assert_eq!(pair("u001 analysis"), want("u001", "analysis"));
        assert_eq!(
            pair("  hx space id\ttechnical  # why"),
            want("hx space id", "technical")
        );
        assert_eq!(
            pair("\"hx space id\" technical"),
            want("hx space id", "technical")
        );
        assert_eq!(pair("\"a #b\" analysis # c"), want("a #b", "analysis"));
        assert_eq!(pair("# only a comment"), Ok(None));
        assert_eq!(pair("   "), Ok(None));
        assert!(pair("u001").is_err());
        assert!(pair("\"u001\"").is_err());
        assert_eq!(
            pair("\"\" analysis"),
            Err("an empty quoted id: no user has it".to_string())
        );
    }

    #[test]
    fn a_quoted_line_is_one_json_string_with_its_spaces_and_hashes() {
        let id = |l: &str| listed_id(l).expect("reads");
        assert_eq!(id("  john doe  # ticket"), Some("john doe".into()));
        assert_eq!(id("# only a comment"), None);
        assert_eq!(id(""), None);
        assert_eq!(id(r#""  odd #1 " # edge spaces"#), Some("  odd #1 ".into()));
        assert_eq!(id(r#" "tab\there""#), Some("tab\there".into()));
        assert_eq!(id(r#""""#), None);
        assert_eq!(
            listed_id(r#""open"#),
            Err((
                5,
                "quoted id: EOF while parsing a string at line 1 column 5".into()
            ))
        );
        // The column is where the text after the id starts, whatever follows it.
        for line in [r#""a" b"#, r#""a" b # c"#, r#""a" b   "#] {
            assert_eq!(
                listed_id(line),
                Err((5, "after a quoted id only a `#` comment may follow".into())),
                "{line}"
            );
        }
    }
}
