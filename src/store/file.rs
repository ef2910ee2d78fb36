//! Snapshot files (`ctxlens snapshot` output), read for `replay --snapshot` and `report --snapshots`.

use std::path::Path;

use crate::engine::Snapshot;
use crate::engine::snapshot::Malformed;

/// Reads a snapshot file; the error starts `snapshot FILE:` and names the line and column of bad JSON.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, String> {
    let shown = path.display();
    // Only a regular file is read: a FIFO would wait for a writer for ever, a folder says so.
    let meta = std::fs::metadata(path).map_err(|e| format!("snapshot {shown}: {e}"))?;
    if meta.is_dir() {
        return Err(format!(
            "snapshot {shown}: a directory, not a snapshot file"
        ));
    }
    if !meta.is_file() {
        return Err(format!(
            "snapshot {shown}: not a regular file (a FIFO, socket or device), not read"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("snapshot {shown}: {e}"))?;
    let json = crate::engine::utf8::text(bytes)
        .map_err(|bad| format!("snapshot {shown}:{bad}: not a snapshot file"))?;
    let json = json.as_str();
    let mut snap = Snapshot::from_json(json).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m);
        // serde's words for a top level of another type name its struct's field count.
        let msg = match json.trim_start().chars().next() {
            Some(c) if msg.contains("expected struct Snapshot") => format!(
                "a snapshot is a JSON object (as `ctxlens snapshot` writes it), found {}",
                match c {
                    '[' => "an array",
                    '"' => "a string",
                    't' | 'f' => "a boolean",
                    'n' => "null",
                    _ => "a number",
                }
            ),
            _ => msg.to_string(),
        };
        format!("snapshot {shown}:{}:{}: {msg}", e.line(), e.column())
    })?;
    // Named by the file's name: the copies' ids, at the end, are what tells them apart.
    let name = path
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    read_each_id_once(&mut snap, &name);
    let unscorable = snap.unscorable_hits(&name);
    snap.malformed.extend(unscorable);
    Ok(snap)
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
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_json() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text =
            std::fs::read_to_string(root.join("tests/data/snapshot-u1.json")).expect("reads");
        let dir = tempfile::tempdir().expect("tempdir");
        let bom = dir.path().join("bom.json");
        std::fs::write(&bom, format!("\u{feff}{text}")).expect("writes");
        let plain = Snapshot::from_json(&text).expect("parses");
        assert_eq!(read_snapshot(&bom).expect("reads with a BOM"), plain);
    }

    #[test]
    fn a_file_that_is_not_utf8_is_named_with_where() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("bin.json");
        std::fs::write(&bin, b"{\n  \"user_id\": \"u\xff1\"\n}").expect("writes");
        let err = read_snapshot(&bin).expect_err("not UTF-8");
        assert!(
            err.ends_with("bin.json:2:16: not UTF-8 (byte 0xFF): not a snapshot file"),
            "{err}"
        );
    }

    #[test]
    fn an_id_twice_in_a_file_is_read_once_and_the_copies_are_malformed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text =
            std::fs::read_to_string(root.join("fixtures/diff/u005-after.json")).expect("reads");
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let first = v["journey"][0].clone();
        let id = first["id"].as_str().expect("id").to_string();
        let rows = v["journey"].as_array_mut().expect("journey");
        let before = rows.len();
        rows.push(first.clone());
        rows.push(first);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("twice.json");
        std::fs::write(&path, v.to_string()).expect("writes");
        let snap = read_snapshot(&path).expect("reads");
        assert_eq!(snap.journey.len(), before);
        let copies: Vec<&str> = snap.malformed.iter().map(|m| m.source.as_str()).collect();
        assert_eq!(copies.len(), 2, "{copies:?}");
        assert_eq!(
            copies,
            [
                format!("twice.json journey (copy 2 of 3 of {id})"),
                format!("twice.json journey (copy 3 of 3 of {id})")
            ]
        );
        assert_eq!(snap.malformed[0].id.as_deref(), Some(id.as_str()));
        assert!(
            snap.malformed[0].reason.contains("this copy is not read"),
            "{}",
            snap.malformed[0].reason
        );
    }
}
