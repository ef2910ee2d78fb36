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

/// A report under a map that does not have the users' milestones says so in its headline (their
/// journey rows score as `other`), with how many users each; `--json` carries the list; the
/// names masked under `--redact`; the default map, whose milestones the users are at, says
/// nothing.
#[test]
fn a_report_names_the_milestones_its_map_does_not_have() {
    let config = write_temp(
        "map-a0-m3-report.toml",
        "[[milestones]]\nid = \"A0\"\n\n[[milestones]]\nid = \"M3\"\ndepends_on = [\"A0\"]\n",
    );
    let config = config.to_str().expect("utf-8 path");
    let text = ctxlens(&["--config", config, "report"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let line = text
        .stdout
        .lines()
        .find(|l| l.starts_with("at milestones the map does not have: "))
        .unwrap_or_else(|| panic!("{}", text.stdout));
    assert!(
        line.contains("M0 (") && !line.contains("M3 (") && line.ends_with("score as `other`"),
        "{line}"
    );
    let json = ctxlens(&["--config", config, "report", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let outside = v["outside_map"].as_array().expect("outside_map");
    assert_eq!(outside.len(), 9, "M0–M9 but M3: {outside:?}");
    let masked = ctxlens(&["--redact", "--config", config, "report"]);
    assert!(!masked.stdout.contains("M0 ("), "{}", masked.stdout);
    let plain = ctxlens(&["report"]);
    assert!(
        !plain.stdout.contains("map does not have"),
        "{}",
        plain.stdout
    );
}
