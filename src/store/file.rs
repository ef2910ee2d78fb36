//! Snapshot files (`ctxlens snapshot` output), read for `replay --snapshot` and `report --snapshots`.

use std::path::Path;

use crate::engine::Snapshot;
use crate::engine::snapshot::Malformed;

mod unknown;

/// The largest snapshot file read: a user's whole session and journey, far past what a context
/// holds, but not a file padded out to fill the memory.
pub const SNAPSHOT_MAX: u64 = 256 * 1024 * 1024;

/// How a message names snapshot file `path`: `snapshot FILE` (the file's name as
/// [`crate::text::path_in_message`] shows it). Every error of [`read_snapshot`] starts so.
pub fn named(path: &Path) -> String {
    format!("snapshot {}", crate::text::path_in_message(path))
}

/// Reads a snapshot file; the error starts `snapshot FILE:` and names the line and column of bad JSON.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, String> {
    let head = named(path);
    // Only a regular file is read (a FIFO would wait for a writer for ever), as every file.
    let bytes = crate::files::read_regular(path, SNAPSHOT_MAX).map_err(|e| match e {
        crate::files::Refused::NotAFile("a directory") => {
            format!("{head}: a directory, not a snapshot file")
        }
        crate::files::Refused::NotAFile(_) => {
            format!("{head}: not a regular file (a FIFO, socket or device), not read")
        }
        e => format!("{head}: {e}"),
    })?;
    let json = crate::engine::utf8::text(bytes)
        .map_err(|bad| format!("{head}:{bad}: not a snapshot file"))?;
    let json = json.as_str();
    // Named by the file's name: the copies' ids, at the end, are what tells them apart.
    let name = path.file_name().map_or_else(
        || crate::text::path_in_message(path),
        crate::text::file_name,
    );
    if let Some(at) = too_deep(json) {
        let (line, col) = crate::engine::policy::line_col(json, at);
        return Err(format!(
            "{head}:{line}:{col}: JSON nested deeper than {MAX_DEPTH} levels: not read"
        ));
    }
    // Read whole, or (when some journey row or knowledge hit cannot be read) item by item;
    // either way each row's id is checked where its place in the file is known.
    // Read without tracking where (a fleet's files are read fast); a file that fails is read
    // again to say where it failed.
    let typed = match parse_deep::<Snapshot>(json) {
        Ok(mut snap) => {
            snap.mark_recorded();
            ids_of_their_list(&mut snap, &name);
            Ok(snap)
        }
        Err(_) => read_item_by_item(json, &name).ok_or_else(|| {
            parse_deep_at::<Snapshot>(json).err().unwrap_or_else(|| {
                (
                    ".".to_string(),
                    serde::de::Error::custom("not a snapshot file"),
                )
            })
        }),
    };
    let mut snap = typed.map_err(|(field, e)| {
        let msg = e.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m);
        // serde's words for a top level of another type name its struct's field count, or
        // (an array, read as the struct's fields in order) the first field's type.
        let msg = match json.trim_start().chars().next() {
            Some(c)
                if msg.contains("expected struct Snapshot")
                    || (e.is_data()
                        && matches!(c, '[' | '"' | 't' | 'f' | 'n' | '-' | '0'..='9')) =>
            {
                format!(
                    "a snapshot is a JSON object (as ctxlens snapshot writes it), found {}",
                    match c {
                        '[' => "an array",
                        '"' => "a string",
                        't' | 'f' => "a boolean",
                        'n' => "null",
                        _ => "a number",
                    }
                )
            }
            // A value of the wrong kind is named by its place; bad JSON by line and column alone.
            _ => match field.as_str() {
                field if e.is_data() && field != "." => {
                    format!("{field}: {}", in_json_words(msg))
                }
                _ => in_json_words(msg),
            },
        };
        // serde counts columns from 1, but says 0 where a line has nothing (an empty file).
        format!("{head}:{}:{}: {msg}", e.line().max(1), e.column().max(1))
    })?;
    read_each_id_once(&mut snap, &name);
    unknown::note_unknown_fields(&mut snap, &name, json);
    shape_notes(&mut snap, &name);
    search_in_range(&mut snap, &name);
    let unscorable = snap.unscorable_hits(&name);
    snap.malformed.extend(unscorable);
    Ok(snap)
}

/// How deep a snapshot file's JSON may nest. A row's JSON is read from the stores to 128
/// levels and a snapshot holds it three levels down, so every file `ctxlens snapshot` writes
/// reads back; deeper is refused, naming where, before anything recurses into it.
const MAX_DEPTH: usize = 256;

/// Where `json` first nests deeper than [`MAX_DEPTH`] (a byte offset), strings skipped.
fn too_deep(json: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, b) in json.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(at);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// [`parse_deep`], the error with where in the document it is ([`path_text`]).
fn parse_deep_at<T: serde::de::DeserializeOwned>(
    json: &str,
) -> Result<T, (String, serde_json::Error)> {
    let mut de = serde_json::Deserializer::from_str(json);
    de.disable_recursion_limit();
    let value = serde_path_to_error::deserialize::<_, T>(&mut de)
        .map_err(|e| (path_text(e.path()), e.into_inner()))?;
    de.end().map_err(|e| (".".to_string(), e))?;
    Ok(value)
}

/// serde's message in the words of the JSON a file holds: what it calls a struct (`expected
/// struct Note`, `expected struct KnowledgeSearch with 3 elements`) is an object there.
fn in_json_words(msg: &str) -> String {
    // Rust's integer types in words, as a policy file's errors say them.
    if msg.contains(", expected u") {
        return crate::engine::policy::plain_expected(msg);
    }
    let Some(at) = msg.find("expected struct ") else {
        return msg.to_string();
    };
    let rest = &msg[at + "expected struct ".len()..];
    let name_end = rest
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(rest.len());
    let mut after = &rest[name_end..];
    if let Some(tail) = after.strip_prefix(" with ")
        && let Some(end) = tail.find(" elements")
        && tail[..end].bytes().all(|b| b.is_ascii_digit())
    {
        after = &tail[end + " elements".len()..];
    }
    format!("{}expected an object{after}", &msg[..at])
}

/// Parses JSON nested up to [`MAX_DEPTH`] (checked first: serde's own limit is 128).
fn parse_deep<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    de.disable_recursion_limit();
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A file whose journey rows or knowledge hits cannot all be read, read item by item: each item
/// that cannot be read is a malformed item naming the file, the list, its place and id, and
/// which field is wrong, and the rest replays (a row that cannot be read never fails its
/// user). Items are taken as written (raw JSON), so one that holds a number no `f64` holds
/// (`1e999`) is that item's fault, not the file's. `None` when that is not what is wrong (the
/// error is elsewhere in the file).
fn read_item_by_item(json: &str, file: &str) -> Option<Snapshot> {
    use serde_json::value::RawValue;
    let mut de = serde_json::Deserializer::from_str(json);
    de.disable_recursion_limit();
    let mut top: std::collections::BTreeMap<String, &RawValue> =
        serde::Deserialize::deserialize(&mut de).ok()?;
    de.end().ok()?;
    let mut bad = Vec::new();
    let journey = each_item(top.remove(JOURNEY.0), JOURNEY, file, &mut bad)?;
    let knowledge = each_item(top.remove(KNOWLEDGE.0), KNOWLEDGE, file, &mut bad)?;
    if bad.is_empty() {
        return None;
    }
    let rest = serde_json::to_string(&top).ok()?;
    let mut snap: Snapshot = parse_deep(&rest).ok()?;
    snap.mark_recorded();
    snap.journey = journey;
    snap.knowledge = knowledge;
    snap.malformed.extend(bad);
    Some(snap)
}

/// The readable items of the list `list` (its raw JSON, if the file has it); the others pushed
/// to `bad`. `None` when the list is there and not an array.
fn each_item<T: serde::de::DeserializeOwned>(
    items: Option<&serde_json::value::RawValue>,
    (list, prefix): (&str, &str),
    file: &str,
    bad: &mut Vec<Malformed>,
) -> Option<Vec<T>> {
    /// An item's id, when it is a string (whatever else the item holds).
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<String>,
    }
    let Some(items) = items else {
        return Some(Vec::new());
    };
    let mut de = serde_json::Deserializer::from_str(items.get());
    de.disable_recursion_limit();
    let items: Vec<&serde_json::value::RawValue> = serde::Deserialize::deserialize(&mut de).ok()?;
    let mut read = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let id = parse_deep::<Id>(item.get()).ok().and_then(|x| x.id);
        if let Some(id) = &id
            && let Some(why) = id_fault(id, (list, prefix))
        {
            bad.push(Malformed {
                source: place(file, list, i, Some(id)),
                id: Some(id.clone()),
                reason: why,
            });
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(item.get());
        de.disable_recursion_limit();
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(t) => read.push(t),
            Err(e) => {
                let field = path_text(e.path());
                let why = e.into_inner().to_string();
                // Where in the item is no help to a reader of the file (the item is named).
                let why = why
                    .rsplit_once(" at line ")
                    .map_or(why.as_str(), |(m, _)| m);
                bad.push(Malformed {
                    source: place(file, list, i, id.as_deref()),
                    id,
                    reason: if field == "." {
                        why.to_string()
                    } else {
                        format!("{field}: {why}")
                    },
                });
            }
        }
    }
    Some(read)
}

/// Where in an item serde failed, as `data.plan[2]`: a key that does not read as a field name
/// (`Call Jane 555-0199`: text someone typed, used as a key) is quoted, so `--redact` masks it
/// as it masks every quoted value.
fn path_text(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                if crate::engine::redact::field_name(key) {
                    out.push_str(key);
                } else {
                    out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                }
            }
            Segment::Unknown => out.push_str(if out.is_empty() { "?" } else { ".?" }),
        }
    }
    if out.is_empty() { ".".into() } else { out }
}

/// A journey row's or knowledge hit's list and the shape SPEC §4 gives its ids.
const JOURNEY: (&str, &str) = ("journey", "mb:");
const KNOWLEDGE: (&str, &str) = ("knowledge", "kn:");

/// Where an item is in a file: `one.json journey[3] (mb:12)`.
fn place(file: &str, list: &str, i: usize, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{file} {list}[{i}] ({id})"),
        None => format!("{file} {list}[{i}]"),
    }
}

/// Why `id` cannot be read as an id of `list` (SPEC §4 gives journey rows `mb:{id}` and
/// knowledge hits `kn:{id}`): a hand-edited file whose row carries another shape (`kn:57` on a
/// journey row, a turn's `s2#7`) would be taken for another item everywhere items are matched
/// by id (explain, diff, the cache's drift).
fn id_fault(id: &str, (list, prefix): (&str, &str)) -> Option<String> {
    // The number as the stores write it (`mb:12`): `mb:012`, `mb: 12` or `mb:abc` would be
    // another spelling of a row, or no row at all.
    let ok = id
        .strip_prefix(prefix)
        .is_some_and(|n| n.parse::<i64>().is_ok_and(|v| v.to_string() == n));
    (!ok).then(|| {
        format!(
            "a {list} id is {prefix}N, N a row's id as the stores write it (SPEC §4): this one could be taken for another item's, so it is not read"
        )
    })
}

/// A file read whole: each row whose id is not of its list's shape ([`id_fault`]) is a
/// malformed item naming the file, the list, its place and id, and the rest replays.
fn ids_of_their_list(snap: &mut Snapshot, file: &str) {
    fn keep<T>(
        items: &mut Vec<T>,
        id: impl Fn(&T) -> &str,
        list: (&str, &str),
        file: &str,
        bad: &mut Vec<Malformed>,
    ) {
        let mut i = 0;
        items.retain(|item| {
            let (at, id) = (i, id(item));
            i += 1;
            let fault = id_fault(id, list);
            if let Some(reason) = &fault {
                bad.push(Malformed {
                    id: Some(id.to_string()),
                    source: place(file, list.0, at, Some(id)),
                    reason: reason.clone(),
                });
            }
            fault.is_none()
        });
    }
    let mut bad = Vec::new();
    keep(
        &mut snap.journey,
        |j| j.id.as_str(),
        JOURNEY,
        file,
        &mut bad,
    );
    keep(
        &mut snap.knowledge,
        |k| k.id.as_str(),
        KNOWLEDGE,
        file,
        &mut bad,
    );
    snap.malformed.extend(bad);
}

/// The notes the stores give a journey row of an unexpected shape (data that is not an object,
/// a `milestone_data` row without its milestone, a transition's odd fields), given the file's
/// rows too: a hand-edited file is read as the stores read a row. A note the file already holds
/// for the row (written from the stores, `memory_bank id=N`) is not repeated.
fn shape_notes(snap: &mut Snapshot, file: &str) {
    use crate::engine::snapshot::{Note, NoteKind};
    let mut found = Vec::new();
    for row in &snap.journey {
        let stored = row
            .id
            .strip_prefix("mb:")
            .map(|n| format!("memory_bank id={n}"));
        for message in super::user::row_shape(row.kind, row.milestone.as_deref(), &row.data) {
            let known = snap.notes.iter().any(|n| {
                n.kind == NoteKind::UnexpectedShape
                    && n.message == message
                    && Some(&n.source) == stored.as_ref()
            });
            if !known {
                found.push(Note {
                    kind: NoteKind::UnexpectedShape,
                    source: format!("{file} journey ({})", row.id),
                    message,
                });
            }
        }
    }
    snap.notes.extend(found);
}

/// A recorded knowledge search whose least similarity is no similarity (outside −1..1, or a
/// hand-edited `-1e308`) says nothing of what was searched: taken as not recorded, with a note
/// naming the file and the value, so nothing downstream reasons from it.
fn search_in_range(snap: &mut Snapshot, file: &str) {
    use crate::engine::snapshot::{Note, NoteKind};
    let Some(ks) = &snap.knowledge_search else {
        return;
    };
    let v = ks.min_similarity;
    if (-1.0..=1.0).contains(&v) {
        return;
    }
    let shown = if v.abs() < 1e6 {
        format!("{v}")
    } else {
        format!("{v:e}")
    };
    snap.knowledge_search = None;
    snap.notes.push(Note {
        kind: NoteKind::UnexpectedShape,
        source: format!("{file} knowledge_search"),
        message: format!(
            "min_similarity {shown} is not a similarity (−1..1): the search is taken as not recorded"
        ),
    });
}

/// A hand-edited file may hold a journey row or a knowledge hit twice under one id: the first
/// is read, and each later copy is a malformed item naming the file, the list and the id, so
/// every view (replay's table and JSON, the TUI, a report) shows that something was not read
/// (two items of one id would be one item twice in every view).
fn read_each_id_once(snap: &mut Snapshot, file: &str) {
    fn first_of_each<T>(items: &mut Vec<T>, id: impl Fn(&T) -> &str) -> Vec<(String, usize)> {
        let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
        items.retain(|item| {
            let n = seen.entry(id(item).to_string()).or_default();
            *n += 1;
            *n == 1
        });
        seen.into_iter().filter(|(_, n)| *n > 1).collect()
    }
    let journey = first_of_each(&mut snap.journey, |j| j.id.as_str());
    let knowledge = first_of_each(&mut snap.knowledge, |k| k.id.as_str());
    let copies = journey
        .into_iter()
        .map(|c| ("journey", c))
        .chain(knowledge.into_iter().map(|c| ("knowledge", c)));
    for (list, (id, n)) in copies {
        for copy in 2..=n {
            snap.malformed.push(Malformed {
                // Its id places it in its layer (the TUI lists it under journey or knowledge).
                id: Some(id.clone()),
                source: format!("{file} {list} (copy {copy} of {n} of {id})"),
                reason: format!(
                    "an earlier item of the file's {list} has the id {id}: this copy is not read"
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests;
