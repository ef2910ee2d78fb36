//! Snapshot files (`ctxlens snapshot` output), read for `replay --snapshot` and `report --snapshots`.

use std::path::Path;

use crate::engine::Snapshot;

/// Reads a snapshot file; the error starts `snapshot FILE:` and names the line and column of bad JSON.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("snapshot {shown}: {e}"))?;
    // Editors on some systems start a UTF-8 file with a byte-order mark: not part of the JSON.
    let json = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Snapshot::from_json(json).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m);
        format!("snapshot {shown}:{}:{}: {msg}", e.line(), e.column())
    })
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
}
