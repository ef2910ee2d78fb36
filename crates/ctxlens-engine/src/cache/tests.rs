use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

use super::*;
use crate::snapshot::{JourneyEntry, JourneyKind, SessionEntry, Snapshot};
use crate::{Engine, Policy};

const CREATED: &str = "2025-01-15T11:58:00Z";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0)
        .single()
        .expect("valid date")
}

fn turn(user: &str, hours_ago: i64) -> SessionEntry {
    let ts = now() - Duration::hours(hours_ago);
    SessionEntry::from_value(json!({"user": user, "assistant": "ok", "timestamp": ts.to_rfc3339()}))
}

fn row(id: u32, milestone: &str, summary: &str, hours_ago: i64) -> JourneyEntry {
    JourneyEntry {
        id: format!("mb:{id}"),
        kind: JourneyKind::MilestoneData,
        milestone: Some(milestone.into()),
        data: json!({"summary": summary}),
        timestamp: Some(now() - Duration::hours(hours_ago)),
    }
}

/// Two turns and three journey rows, all well inside the prolaunch budgets.
fn snapshot() -> Snapshot {
    Snapshot {
        user_id: "u1".into(),
        session_id: Some("s1".into()),
        current_milestone: Some("M4".into()),
        now: now(),
        query: Some("how should I price?".into()),
        session: vec![
            turn("We picked a supplier.", 30),
            turn("How should I price?", 1),
        ],
        journey: vec![
            row(1, "M1", "Market sized at $400M.", 300),
            row(2, "M2", "Twelve interviews, 40 preorders.", 200),
            row(3, "M3", "Tech pack v3 signed off.", 100),
        ],
        knowledge: vec![],
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        malformed: vec![],
        notes: vec![],
        recorded: Default::default(),
    }
}

fn prolaunch() -> Policy {
    Policy::preset("prolaunch").expect("preset")
}

fn assemble(s: &Snapshot, p: &Policy) -> Assembly {
    Engine::default().assemble(s, p)
}

#[test]
fn a_cache_of_an_assembly_has_no_drift_against_it() {
    let a = assemble(&snapshot(), &prolaunch());
    let c = CachedContext::from_assembly(&a, "M4", CREATED);
    assert_eq!(
        (c.user_id.as_str(), c.milestone.as_str(), c.policy.as_str()),
        ("u1", "M4", "prolaunch")
    );
    let ids: Vec<&str> = c.items.iter().map(|i| i.id.as_str()).collect();
    // Assembly order: each layer by score (recent turn first; direct dependencies before M2).
    assert_eq!(ids, ["s1#1", "s1#0", "mb:3", "mb:1", "mb:2"]);
    assert_eq!(
        c.items.iter().map(|i| i.tokens).sum::<usize>(),
        c.total_tokens
    );
    assert_eq!(c.total_tokens, a.total_tokens);
    assert_eq!(c.prompt, a.prompt);
    let d = drift(&c, &a);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(d, Drift::default());
}

#[test]
fn cached_json_round_trips() {
    let a = assemble(&snapshot(), &prolaunch());
    let c = CachedContext::from_assembly(&a, "M4", CREATED);
    let text = serde_json::to_string(&c).expect("serialises");
    assert!(text.starts_with(r#"{"user_id":"u1","milestone":"M4","policy":"prolaunch","#));
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(CachedContext::from_json(&v), Ok(c));
    // A writer's extra fields do not make the entry unreadable.
    let mut extra = v.clone();
    extra["model"] = json!("gpt-4o");
    assert!(CachedContext::from_json(&extra).is_ok());
}

#[test]
fn an_item_removed_since_caching_is_only_cached() {
    let cached = assemble(&snapshot(), &prolaunch());
    let c = CachedContext::from_assembly(&cached, "M4", CREATED);
    let mut later = snapshot();
    later.journey.retain(|j| j.id != "mb:2");
    let replay = assemble(&later, &prolaunch());
    let d = drift(&c, &replay);
    assert_eq!(d.only_cached, ["mb:2"]);
    assert!(d.only_replay.is_empty() && d.changed_tokens.is_empty());
    let gone = cached.item("mb:2").expect("mb:2").kept_tokens as i128;
    assert!(gone > 0);
    assert_eq!(d.token_delta, -gone);
    assert!(d.prompt_differs && !d.is_empty());
}

#[test]
fn an_item_added_since_caching_is_only_in_the_replay() {
    let mut earlier = snapshot();
    earlier.session.pop();
    let c = CachedContext::from_assembly(&assemble(&earlier, &prolaunch()), "M4", CREATED);
    let replay = assemble(&snapshot(), &prolaunch());
    let d = drift(&c, &replay);
    assert_eq!(d.only_replay, ["s1#1"]);
    assert!(d.only_cached.is_empty() && d.changed_tokens.is_empty());
    assert_eq!(
        d.token_delta,
        replay.item("s1#1").expect("s1#1").kept_tokens as i128
    );
    assert!(d.prompt_differs);
}

#[test]
fn a_changed_budget_shows_as_changed_tokens() {
    // One long row under `truncate`: the budget decides how much of it is kept.
    let policy = |total: u32| {
        Policy::from_toml(
            &format!(
                "name = \"t\"\ntokenizer = \"chars4\"\nstrategy = \"truncate\"\n[budget]\ntotal = {total}\n\
                 [[layers]]\nname = \"journey\"\nsource = \"journey\"\nweight = 1.0\n"
            ),
            "t.toml",
        )
        .expect("valid policy")
    };
    let mut s = snapshot();
    s.journey = vec![row(9, "M3", &"landed cost ".repeat(200), 5)];
    let wide = assemble(&s, &policy(400));
    let narrow = assemble(&s, &policy(300));
    let (w, n) = (
        wide.item("mb:9").expect("row"),
        narrow.item("mb:9").expect("row"),
    );
    assert_eq!(
        (w.decision, n.decision),
        (Decision::Truncated, Decision::Truncated)
    );
    assert!(w.kept_tokens > n.kept_tokens);
    let c = CachedContext::from_assembly(&wide, "M4", CREATED);
    let d = drift(&c, &narrow);
    assert_eq!(
        d.changed_tokens,
        [("mb:9".to_string(), w.kept_tokens, n.kept_tokens)]
    );
    assert!(d.only_cached.is_empty() && d.only_replay.is_empty());
    assert_eq!(
        d.token_delta,
        narrow.total_tokens as i128 - wide.total_tokens as i128
    );
    assert!(d.token_delta < 0 && d.prompt_differs);
}

#[test]
fn a_budget_that_drops_items_lists_them_as_only_cached() {
    let a = assemble(&snapshot(), &prolaunch());
    let c = CachedContext::from_assembly(&a, "M4", CREATED);
    let tight = prolaunch()
        .with_overrides(&["layers.journey.cap=20".into()])
        .expect("valid override");
    let replay = assemble(&snapshot(), &tight);
    // mb:3 still fits in 20 tokens; under `stop` the next row does not, and the rest go with it.
    assert_eq!(
        replay.item("mb:3").map(|i| i.decision),
        Some(Decision::Kept)
    );
    let d = drift(&c, &replay);
    assert_eq!(d.only_cached, ["mb:1", "mb:2"]);
    assert!(d.only_replay.is_empty() && d.changed_tokens.is_empty());
    let lost: usize = ["mb:1", "mb:2"]
        .iter()
        .map(|id| a.item(id).expect("cached row").kept_tokens)
        .sum();
    assert_eq!(d.token_delta, -(lost as i128));
}

#[test]
fn a_wrong_total_or_prompt_alone_is_drift() {
    let a = assemble(&snapshot(), &prolaunch());
    let mut c = CachedContext::from_assembly(&a, "M4", CREATED);
    c.total_tokens += 7;
    let d = drift(&c, &a);
    assert_eq!(d.token_delta, -7);
    assert!(!d.is_empty());
    let mut c = CachedContext::from_assembly(&a, "M4", CREATED);
    c.prompt.push(' ');
    assert!(drift(&c, &a).prompt_differs && !drift(&c, &a).is_empty());
}

fn valid() -> Value {
    json!({
        "user_id": "u1", "milestone": "M4", "policy": "prolaunch", "created_at": CREATED,
        "total_tokens": 12, "prompt": "## User journey\n\n…",
        "items": [{"id": "mb:1", "layer": "journey", "tokens": 5}, {"id": "mb:2", "layer": "journey", "tokens": 7}]
    })
}

#[test]
fn bad_cached_json_names_the_field() {
    assert!(CachedContext::from_json(&valid()).is_ok());
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut v = valid();
        edit(&mut v);
        CachedContext::from_json(&v).expect_err("invalid")
    };
    let missing = with(&|v| {
        v.as_object_mut().expect("object").remove("prompt");
    });
    assert_eq!(missing, "missing field `prompt`");
    let total = with(&|v| v["total_tokens"] = json!("many"));
    assert_eq!(
        total,
        "field `total_tokens`: invalid type: string \"many\", expected usize"
    );
    let item = with(&|v| v["items"][1]["tokens"] = json!(-3));
    assert_eq!(
        item,
        "field `items[1].tokens`: invalid value: integer `-3`, expected usize"
    );
    let lacking = with(&|v| {
        v["items"][0]
            .as_object_mut()
            .expect("object")
            .remove("layer");
    });
    assert_eq!(lacking, "field `items[0]`: missing field `layer`");
    let items = with(&|v| v["items"] = json!("mb:1"));
    assert!(
        items.starts_with("field `items`: invalid type: string"),
        "{items}"
    );
    let when = with(&|v| v["created_at"] = json!("yesterday"));
    assert!(
        when.starts_with("field `created_at`: \"yesterday\" is not RFC 3339"),
        "{when}"
    );
    let scalar = CachedContext::from_json(&json!(42)).expect_err("not an object");
    assert_eq!(
        scalar,
        "invalid type: integer `42`, expected struct CachedContext"
    );
}

/// No line and column: they would be a re-serialised copy's, not a place in the stored value
/// (written with spaces, or pretty in a snapshot file); the field's path says where.
#[test]
fn an_error_names_the_field_not_a_column_of_a_copy() {
    let mut v = valid();
    v["total_tokens"] = json!(true);
    let err = CachedContext::from_json(&v).expect_err("invalid");
    assert_eq!(
        err,
        "field `total_tokens`: invalid type: boolean `true`, expected usize"
    );
}
