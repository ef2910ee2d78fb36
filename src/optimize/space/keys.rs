//! What `--free` and `--fixed` name: the keys optimize moves, patterns over a policy's layers,
//! and the bounds each key may take.

use crate::engine::{Policy, Source};

/// Keys `--free` accepts (`*` stands for a layer name).
pub const KEYS: &[&str] = &[
    "budget.total",
    "layers.*.weight",
    "layers.*.cap",
    "knowledge.similarity_threshold",
    "knowledge.limit",
    "session.max_items",
    "strategy",
    "recency.window_hours",
    "recency.boost",
    "truncate_min_remaining",
];

/// A key `--free` asks for, with the bounds it was given (`KEY=LO..HI`), if any.
pub(super) type AskedKey = (String, Option<(f64, f64)>);

/// The keys `--free` asks for over `baseline` (the default keys when none is given), each with
/// the bounds it was given, less those `fixed` keeps: in the order named, a key named again
/// moved to its last place.
pub(super) fn asked_keys(
    baseline: &Policy,
    free: &[String],
    fixed: &[String],
) -> Result<Vec<AskedKey>, String> {
    let mut asked: Vec<AskedKey> = Vec::new();
    // The --free that named each key itself (not through `*`): a second one is refused,
    // as a second --target is; a key named itself wins over a `*` that also covers it.
    let mut named: std::collections::HashMap<String, &str> = Default::default();
    let specs: Vec<String> = if free.is_empty() {
        default_keys(baseline)
    } else {
        free.to_vec()
    };
    for spec in &specs {
        let (key, bounds) = match spec.split_once('=') {
            Some((k, b)) => (k.trim(), Some(parse_bounds(k, b)?)),
            None => (spec.trim(), None),
        };
        let wildcard = key.contains('*');
        // One pattern twice (`layers.*.cap` with two ranges): refused as a key twice is.
        if wildcard && let Some(first) = named.insert(key.to_string(), spec) {
            return Err(format!(
                "--free {spec}: a second --free for {key} (the first: {first}); give one"
            ));
        }
        for k in expand(baseline, key)? {
            if let Some(b) = bounds {
                check_bounds(spec, &k, b)?;
            }
            if wildcard && named.contains_key(&k) {
                continue;
            }
            if !wildcard && let Some(first) = named.insert(k.clone(), spec) {
                return Err(format!(
                    "--free {spec}: a second --free for {k} (the first: {first}); give one"
                ));
            }
            if !fixed.iter().any(|f| matches_key(f, &k)) {
                asked.retain(|(a, _)| *a != k);
                asked.push((k, bounds));
            }
        }
    }
    Ok(asked)
}

/// Each `--fixed` key must be one optimize moves, of a layer the policy has.
pub(super) fn check_fixed(baseline: &Policy, fixed: &[String]) -> Result<(), String> {
    for f in fixed {
        if !KEYS.iter().any(|k| matches_key(k, f) || matches_key(f, k)) {
            return Err(format!(
                "--fixed {f}: not a key optimize moves ({})",
                KEYS.join(", ")
            ));
        }
        // A layer the policy does not have would keep nothing fixed, silently.
        if let Some((name, _)) = layer_key(f)
            && name != "*"
            && !baseline.layers.iter().any(|l| l.name == name)
        {
            let names: Vec<&str> = baseline.layers.iter().map(|l| l.name.as_str()).collect();
            return Err(format!(
                "--fixed {f}: no layer {name:?} (have: {})",
                names.join(", ")
            ));
        }
    }
    Ok(())
}

/// The default free keys: layer weights (and caps that are set), the knowledge threshold and
/// limit, the session's max_items, strategy and recency. Not the total: `--free budget.total`.
fn default_keys(p: &Policy) -> Vec<String> {
    let mut keys = Vec::new();
    for l in &p.layers {
        keys.push(format!("layers.{}.weight", l.name));
        if l.cap.is_some() {
            keys.push(format!("layers.{}.cap", l.name));
        }
    }
    if p.layer_for(Source::Knowledge).is_some() {
        keys.push("knowledge.similarity_threshold".into());
        keys.push("knowledge.limit".into());
    }
    if p.layer_for(Source::Session).is_some() {
        keys.push("session.max_items".into());
    }
    keys.push("strategy".into());
    if p.recency.boost != 1.0 {
        keys.push("recency.window_hours".into());
        keys.push("recency.boost".into());
    }
    keys
}

/// `layers.*.weight` → one key per layer; any other key must be one of [`KEYS`].
fn expand(p: &Policy, key: &str) -> Result<Vec<String>, String> {
    let unknown = || {
        format!(
            "--free {key}: not a key optimize moves ({})",
            KEYS.join(", ")
        )
    };
    if let Some((name, field)) = layer_key(key) {
        let names: Vec<&str> = p.layers.iter().map(|l| l.name.as_str()).collect();
        return if name == "*" {
            Ok(names
                .iter()
                .map(|n| format!("layers.{n}.{field}"))
                .collect())
        } else if names.contains(&name) {
            Ok(vec![key.to_string()])
        } else {
            Err(format!(
                "--free {key}: no layer {name:?} (have: {})",
                names.join(", ")
            ))
        };
    }
    if !KEYS.contains(&key) {
        return Err(unknown());
    }
    // A key of a layer the policy does not have would move nothing: every trial the same.
    let needs = match key.split('.').next() {
        Some("knowledge") => Some(Source::Knowledge),
        Some("session") => Some(Source::Session),
        _ => None,
    };
    match needs {
        Some(source) if p.layer_for(source).is_none() => Err(format!(
            "--free {key}: policy {} has no {} layer, so it would change nothing",
            p.name,
            source.as_str()
        )),
        _ => Ok(vec![key.to_string()]),
    }
}

/// `layers.NAME.weight` or `layers.NAME.cap` → (NAME, field); NAME may hold dots.
pub(super) fn layer_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("layers.")?;
    let (name, field) = rest.rsplit_once('.')?;
    (matches!(field, "weight" | "cap") && !name.is_empty()).then_some((name, field))
}

/// Whether pattern `pat` (with `*` for a layer name) names `key`.
fn matches_key(pat: &str, key: &str) -> bool {
    if let (Some((a, fa)), Some((b, fb))) = (layer_key(pat), layer_key(key)) {
        return fa == fb && (a == b || a == "*" || b == "*");
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (pat.split('.').collect(), key.split('.').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || *x == "*" || *y == "*")
}

/// `LO..HI`.
fn parse_bounds(key: &str, b: &str) -> Result<(f64, f64), String> {
    let example = match key {
        "budget.total" => "2000..6000",
        "knowledge.similarity_threshold" => "0.3..0.6",
        "recency.window_hours" => "12..72",
        "recency.boost" => "1..3",
        _ if counted(key) => "2..10",
        _ => "0.1..0.6",
    };
    let bad = || format!("--free {key}={b}: bounds are LO..HI, e.g. {key}={example}");
    let (lo, hi) = b.split_once("..").ok_or_else(bad)?;
    // `0...1` is a typo, not 0 to .1.
    if lo.trim_end().ends_with('.') || hi.trim_start().starts_with('.') {
        return Err(bad());
    }
    let (lo, hi): (f64, f64) = (
        lo.trim().parse().map_err(|_| bad())?,
        hi.trim().parse().map_err(|_| bad())?,
    );
    if !(lo.is_finite() && hi.is_finite()) {
        return Err(format!(
            "--free {key}={b}: bounds are finite numbers (not NaN or infinity), e.g. {key}={example}"
        ));
    }
    if lo > hi {
        return Err(format!(
            "--free {key}={b}: the low bound comes first: LO..HI, e.g. {key}={example}"
        ));
    }
    Ok((lo, hi))
}

/// Whether `key` counts something (tokens, rows, turns): whole numbers only.
fn counted(key: &str) -> bool {
    matches!(
        key,
        "budget.total" | "knowledge.limit" | "session.max_items" | "truncate_min_remaining"
    ) || key.ends_with(".cap")
}

/// The values a policy accepts for `key` (SPEC §2: T > 0, weights and counts ≥ 0, a
/// similarity within −1..1): `--free` bounds outside them are a usage error, and a choice
/// takes no bounds at all.
fn check_bounds(spec: &str, key: &str, (lo, hi): (f64, f64)) -> Result<(), String> {
    let (min, max): (f64, f64) = match key {
        "strategy" => {
            return Err(format!(
                "--free {spec}: strategy is a choice (stop, skip, truncate), it takes no bounds: --free strategy"
            ));
        }
        // A policy's T is at most u32's maximum (SPEC §2 keeps it in 32 bits).
        "budget.total" => (1.0, f64::from(u32::MAX)),
        "knowledge.similarity_threshold" => (-1.0, 1.0),
        "truncate_min_remaining" => (0.0, f64::from(u32::MAX)),
        _ if key.ends_with(".cap") => (0.0, f64::from(u32::MAX)),
        _ => (0.0, f64::INFINITY),
    };
    let why = match key {
        "budget.total" => " (the total budget T must be > 0)",
        _ => "",
    };
    // As typed for a person: whole numbers whole, a huge one in e-notation (never clamped).
    let bound = |v: f64| {
        if v.abs() >= 1e15 {
            format!("{v:e}")
        } else if v.fract() == 0.0 {
            format!("{}", v as i64)
        } else {
            format!("{v}")
        }
    };
    if counted(key) && (lo.fract() != 0.0 || hi.fract() != 0.0) {
        return Err(format!(
            "--free {spec}: {key} is a whole number; the bounds must be whole numbers too"
        ));
    }
    if lo < min {
        return Err(format!(
            "--free {spec}: {key} must be ≥ {}{why}; {} is not a valid {key}",
            bound(min),
            bound(lo)
        ));
    }
    if hi > max {
        return Err(format!(
            "--free {spec}: {key} must be ≤ {}; {} is not a valid {key}",
            bound(max),
            bound(hi)
        ));
    }
    Ok(())
}
