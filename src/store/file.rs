//! Snapshot files (`ctxlens snapshot` output), read for `replay --snapshot` and `report --snapshots`.

use std::path::Path;

use crate::engine::Snapshot;

/// Reads a snapshot file; the error starts `snapshot FILE:` and names the line and column of bad JSON.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("snapshot {shown}: {e}"))?;
    Snapshot::from_json(&text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m);
        format!("snapshot {shown}:{}:{}: {msg}", e.line(), e.column())
    })
}
