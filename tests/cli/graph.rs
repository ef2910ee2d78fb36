//! `ctxlens graph USER` for a user the milestone map cannot place.

use super::common::{ctxlens, write_temp};

/// A user whose milestone the map does not know has no current box: the drawing says so (as
/// `inspect` does), and `--json` carries the milestone; masked under `--redact`.
#[test]
fn a_user_off_the_map_is_said_to_be() {
    let config = write_temp(
        "map-a0-m3.toml",
        "[[milestones]]\nid = \"A0\"\nname = \"Alpha\"\ndepends_on = []\n\n\
         [[milestones]]\nid = \"M3\"\nname = \"Three\"\ndepends_on = [\"A0\"]\n",
    );
    let config = config.to_str().expect("utf-8 path");
    let text = ctxlens(&["--config", config, "graph", "u062"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .trim_end()
            .ends_with("the user's milestone M9 is not in the map: no box is current"),
        "{}",
        text.stdout
    );
    let json = ctxlens(&["--config", config, "graph", "u062", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["current_milestone"], "M9");
    let masked = ctxlens(&["--config", config, "--redact", "graph", "u062"]);
    assert!(
        masked
            .stdout
            .contains("the user's milestone •• is not in the map")
            && !masked.stdout.contains("M9"),
        "{}",
        masked.stdout
    );
    // On the map: nothing to say.
    let placed = ctxlens(&["graph", "u062"]);
    assert!(
        !placed.stdout.contains("not in the map"),
        "{}",
        placed.stdout
    );
}
