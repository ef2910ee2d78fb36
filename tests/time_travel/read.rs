//! What a command prints as JSON, read back: the whole of it, its items' ids by layer, and its
//! as-of notes.

use serde_json::Value;

use crate::common::ctxlens_with;

/// The JSON `args` print against the stores of `env`; exit 0 is asserted.
pub fn run(args: &[&str], env: &[(&str, String)]) -> Value {
    let out = ctxlens_with(args, env);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// The ids of the items of `layer` in `v` (a replay or an assembly).
pub fn ids(v: &Value, layer: &str) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["layer"] == layer)
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// The as-of notes of `v`: (kind, source, message) each.
pub fn notes(v: &Value) -> Vec<(String, String, String)> {
    v["as_of"]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| {
            let f = |k: &str| n[k].as_str().expect("field").to_string();
            (f("kind"), f("source"), f("message"))
        })
        .collect()
}
