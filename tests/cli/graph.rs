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

/// `graph USER --at T` and `transition USER --to M --at T` see the journey as it was at T, as
/// `replay --at T` does (the milestone of then: u062 was at M8 on 2025-01-10, is at M9 now);
/// what cannot be told of the journey then is a note on stderr. Both read a snapshot file too.
#[test]
fn graph_and_transition_travel_in_time_and_read_snapshot_files() {
    let at = "2025-01-10T00:00:00Z";
    let json = |args: &[&str]| -> serde_json::Value {
        let out = ctxlens(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        serde_json::from_str(&out.stdout).expect("JSON")
    };
    let replayed = json(&["replay", "u062", "--json", "--at", at]);
    let then = json(&["graph", "u062", "--json", "--at", at]);
    let now = json(&["graph", "u062", "--json"]);
    assert_eq!(then["current_milestone"], "M8");
    assert_eq!(then["current_milestone"], replayed["as_of"]["milestone"]);
    assert_eq!(now["current_milestone"], "M9");
    // As of T, the JSON says so, as replay's does: the milestone then and how it was told.
    assert_eq!(then["as_of"]["milestone"], "M8");
    assert_eq!(then["as_of"]["at"], replayed["as_of"]["at"]);
    assert_eq!(
        then["as_of"]["milestone_from"],
        replayed["as_of"]["milestone_from"]
    );
    assert!(now.get("as_of").is_none(), "{now}");
    let moved = json(&["transition", "u062", "--to", "M5", "--json", "--at", at]);
    assert_eq!(moved["from"], "M8");
    assert_eq!(moved["as_of"]["milestone"], "M8");
    // Only the journey's notes: a graph shows no session, cache or knowledge, which replay's
    // notes of the same instant hold.
    let sources = |v: &serde_json::Value| -> Vec<String> {
        v["as_of"]["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .map(|n| n["source"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let all = sources(&replayed);
    assert!(
        all.iter().any(|s| s.starts_with("session:"))
            && all.iter().any(|s| s.starts_with("context:"))
            && all.iter().any(|s| s == "knowledge"),
        "{all:?}"
    );
    assert_eq!(sources(&then), ["user_journeys"]);
    assert_eq!(sources(&moved), ["user_journeys"]);
    let out = ctxlens(&["graph", "u062", "--at", at]);
    assert!(
        out.stderr.contains("ctxlens: note: user_journeys:") && !out.stderr.contains("session:"),
        "{}",
        out.stderr
    );
    // The text begins as replay's does: the instant and the milestone then.
    let first = out.stdout.lines().next().unwrap_or("");
    assert!(
        first.starts_with("as of 2025-01-10") && first.contains("milestone M8"),
        "{}",
        out.stdout
    );
    let carried = ctxlens(&["transition", "u062", "--to", "M5", "--at", at]);
    assert!(
        carried.stdout.starts_with("as of 2025-01-10"),
        "{}",
        carried.stdout
    );
    // A snapshot file: the journey it holds.
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("u062.json");
    let file = file.to_str().expect("a UTF-8 path");
    assert_eq!(ctxlens(&["snapshot", "u062", "--out", file]).code, 0);
    let from_file = json(&["graph", file, "--json"]);
    assert_eq!(from_file["current_milestone"], "M9");
    // The user the file holds, not its path.
    assert_eq!(from_file["user_id"], "u062");
    assert_eq!(
        json(&["transition", file, "--to", "M5", "--json"])["from"],
        "M9"
    );
    // A file that is not there is said to be missing (a usage error), as replay says it.
    let typo = ctxlens(&["graph", "no-such-file.json"]);
    assert_eq!(typo.code, 2, "{}", typo.stderr);
    // An instant with no user to see as of it is a usage error.
    assert_eq!(ctxlens(&["graph", "--at", at]).code, 2);
}

/// A carried value of megabytes: `transition` shows the start of its line and says lines were
/// cut; `--json` carries it whole.
#[test]
fn transition_cuts_a_huge_carried_value_and_json_keeps_it() {
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture"),
    )
    .expect("JSON");
    let huge = "x".repeat(1_000_000);
    v["journey"][2]["data"]["summary"] = serde_json::json!(huge);
    let f = write_temp("huge-carried.json", &v.to_string());
    let f = f.to_str().expect("utf-8");
    let text = ctxlens(&["transition", f, "--to", "M2"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.len() < 10_000 && text.stdout.contains("  summary: xxxx"),
        "{} bytes",
        text.stdout.len()
    );
    assert!(
        text.stdout
            .contains("lines over 2000 columns are cut (…); --json has every value whole"),
        "{}",
        &text.stdout[..text.stdout.len().min(3000)]
    );
    let json = ctxlens(&["transition", f, "--to", "M2", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(json.stdout.contains(&huge), "{} bytes", json.stdout.len());
    // Short values are not cut, and nothing says they were.
    let plain = ctxlens(&["transition", "tests/data/snapshot-u1.json", "--to", "M2"]);
    assert!(!plain.stdout.contains("are cut"), "{}", plain.stdout);
}

/// A map too large to draw prints its milestones and their dependencies without the drawing,
/// and says why; one past the bound of a map is refused as a config error, naming the bound.
#[test]
fn a_map_too_large_to_draw_lists_its_milestones_and_one_too_large_is_refused() {
    // Each of n milestones depends on up to three anywhere before it: edges over many layers.
    let map = |n: usize| -> String {
        let mut s: u64 = 7;
        let mut out = String::new();
        for i in 0..n {
            let mut deps: Vec<String> = (0..3)
                .filter(|_| i > 0)
                .map(|_| {
                    s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    format!("\"S{}\"", (s >> 33) as usize % i)
                })
                .collect();
            deps.sort();
            deps.dedup();
            out.push_str(&format!(
                "[[milestones]]\nid = \"S{i}\"\nname = \"Stage {i}\"\ndepends_on = [{}]\n\n",
                deps.join(", ")
            ));
        }
        out
    };
    let config = write_temp("map-1000.toml", &map(1_000));
    let config = config.to_str().expect("utf-8 path");
    let out = ctxlens(&["--config", config, "graph"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[1].starts_with("too large to draw: its edges pass layers on their way "),
        "{}",
        lines[1]
    );
    assert!(!out.stdout.contains('┌'), "no box drawn");
    assert!(out.stdout.contains("S999"), "every milestone listed");
    let config = write_temp("map-1001.toml", &map(1_001));
    let out = ctxlens(&["--config", config.to_str().expect("utf-8 path"), "graph"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "milestones: the milestone map lists 1001 milestones: at most 1000 are allowed"
        ),
        "{}",
        out.stderr
    );
}
