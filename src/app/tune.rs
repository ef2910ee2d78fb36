//! Tunable policy fields: what the Tune screen lists, how +/- steps them, and the `--set` flags.
//!
//! Every change goes through `Policy::with_overrides`, the same path as `--set`, so a tuned
//! policy is always one the command line could produce.

use crate::engine::dedupe::Dedupe;
use crate::engine::policy::{Policy, PolicyError};
use crate::engine::{Strategy, Tokenizer};

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The dotted key, as `--set` takes it.
    pub key: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Int { step: i64, min: i64 },
    Float { step: f64, min: f64, max: f64 },
    Choice(Vec<String>),
}

impl Field {
    /// The values a choice takes (none for a number).
    pub fn options(self) -> Vec<String> {
        match self.kind {
            Kind::Choice(options) => options,
            _ => vec![],
        }
    }
}

fn int(key: String, step: i64, min: i64) -> Field {
    Field {
        key,
        kind: Kind::Int { step, min },
    }
}

fn float(key: String, step: f64, min: f64, max: f64) -> Field {
    Field {
        key,
        kind: Kind::Float { step, min, max },
    }
}

fn choice(key: &str, options: Vec<String>) -> Field {
    Field {
        key: key.into(),
        kind: Kind::Choice(options),
    }
}

/// The fields of `p`, in screen order.
pub fn fields(p: &Policy) -> Vec<Field> {
    let mut f = Vec::new();
    if p.budget.total.is_some() {
        f.push(int("budget.total".into(), 100, 1));
    } else {
        f.push(int("budget.model_max_tokens".into(), 512, 1));
        f.push(int("budget.expected_output_tokens".into(), 100, 0));
    }
    for l in &p.layers {
        f.push(float(format!("layers.{}.weight", l.name), 0.05, 0.0, 2.0));
        f.push(int(format!("layers.{}.cap", l.name), 100, 0));
    }
    f.push(float("recency.window_hours".into(), 1.0, 0.0, 24.0 * 365.0));
    f.push(float("recency.boost".into(), 0.25, 0.0, 100.0));
    f.push(float(
        "knowledge.similarity_threshold".into(),
        0.05,
        -1.0,
        1.0,
    ));
    f.push(int("knowledge.limit".into(), 1, 0));
    f.push(choice(
        "knowledge.same_milestone_only",
        vec!["true".into(), "false".into()],
    ));
    f.push(int("session.max_items".into(), 1, 0));
    f.push(choice(
        "strategy",
        Strategy::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
    ));
    f.push(int("truncate_min_remaining".into(), 10, 0));
    f.push(choice(
        "dedupe",
        [Dedupe::Off, Dedupe::Exact, Dedupe::Near]
            .iter()
            .map(|d| d.as_str().to_string())
            .collect(),
    ));
    f.push(float("dedupe_threshold".into(), 0.05, 0.05, 1.0));
    for part in ["business_dna", "direct", "transitive", "other"] {
        f.push(float(format!("journey.relevance.{part}"), 0.1, 0.0, 10.0));
    }
    f.push(choice(
        "tokenizer",
        Tokenizer::ALL
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
    ));
    let mut cats: Vec<String> = p
        .modules
        .iter()
        .flat_map(|m| m.categories.iter())
        .filter(|c| *c != "*")
        .cloned()
        .collect();
    cats.sort();
    cats.dedup();
    if !cats.is_empty() {
        f.push(choice("category", cats));
    }
    f
}

/// The value of `key` as shown and as `--set` would take it; `none` when unset.
/// The indices (in [`fields`] of `tuned`) of the fields whose value differs from `baseline`'s.
pub fn changed_fields(baseline: &Policy, tuned: &Policy) -> Vec<usize> {
    fields(tuned)
        .iter()
        .enumerate()
        .filter(|(_, f)| shown(baseline, &f.key) != shown(tuned, &f.key))
        .map(|(i, _)| i)
        .collect()
}

pub fn shown(p: &Policy, key: &str) -> String {
    // Written out only when not the default: shown as it applies.
    match key {
        "dedupe" => return p.dedupe.as_str().into(),
        "dedupe_threshold" => return fmt_float(p.dedupe_threshold),
        _ => {}
    }
    match p.get(key) {
        None => "none".into(),
        Some(toml::Value::String(s)) => s,
        Some(toml::Value::Float(x)) => fmt_float(x),
        Some(v) => v.to_string(),
    }
}

/// A float as `--set` takes it back exactly: the shortest form that reads as the same number
/// (`0.14944`, never rounded: the flags and the file must rebuild the policy replayed), always
/// with a point (`24.0`, so TOML reads a float); huge and tiny ones in exponent form (`1e308`).
pub fn fmt_float(x: f64) -> String {
    let s = crate::engine::shown_f64(x);
    if s.contains(['.', 'e', 'i', 'N']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// A computed figure (a sum of weights) without binary noise: at most 4 decimals, trailing
/// zeros trimmed, always a point.
fn fmt_figure(x: f64) -> String {
    if x.abs() >= 1e15 {
        return crate::engine::shown_f64(x);
    }
    let s = format!("{:.4}", x);
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    }
}

/// A policy error as the TUI says it: a refused value is named as `:set` takes it (the CLI's
/// words are `--set`).
pub fn said(e: &PolicyError) -> String {
    match e {
        PolicyError::Override { arg, message } => format!(":set {arg}: {message}"),
        other => other.to_string(),
    }
}

/// `p` with `field` stepped one notch up (`dir > 0`) or down. A step past what the policy
/// allows is refused as a step (the key, the way, the value it would reach, and why), not as a
/// `:set` the person never typed.
pub fn step(p: &Policy, field: &Field, dir: i64) -> Result<Policy, String> {
    let value = match &field.kind {
        Kind::Int { step, min } => {
            // An unset cap steps up from the layer's budget, so the first press means something.
            let base = p
                .get(&field.key)
                .and_then(|v| v.as_integer())
                .unwrap_or_else(|| default_int(p, &field.key));
            (base + dir * step).max(*min).to_string()
        }
        Kind::Float { step, min, max } => {
            let base = shown(p, &field.key).parse::<f64>().unwrap_or(0.0);
            let next = ((base + dir as f64 * step) * 1e6).round() / 1e6;
            fmt_float(next.clamp(*min, *max))
        }
        Kind::Choice(options) => {
            let now = shown(p, &field.key);
            let i = options
                .iter()
                .position(|o| *o == now)
                .map_or(0, |i| i as i64);
            let n = options.len() as i64;
            options[((i + dir).rem_euclid(n)) as usize].clone()
        }
    };
    p.clone()
        .with_overrides(&[format!("{}={value}", field.key)])
        .map_err(|e| {
            let why = match e {
                PolicyError::Override { message, .. } => message,
                other => other.to_string(),
            };
            let way = if dir > 0 { "up" } else { "down" };
            format!(
                "{}: no step further {way} ({value} is refused: {why})",
                field.key
            )
        })
}

fn default_int(p: &Policy, key: &str) -> i64 {
    let budgets = p.budgets();
    p.layers
        .iter()
        .position(|l| key == format!("layers.{}.cap", l.name))
        .map_or(0, |i| i64::from(budgets.layers[i]))
}

/// The tuned policy as it is written (`:w`): when it differs from the baseline it was tuned from
/// and still bears its name, it is named `{baseline}-tuned` (as `ctxlens optimize` names what it
/// finds), so that a report of one against the other tells them apart. A name of its own stays.
pub fn saved_policy(session: &crate::app::state::Session) -> Policy {
    let (base, tuned) = (&session.baseline, &session.policy);
    let mut p = tuned.clone();
    if tuned != base && tuned.name == base.name {
        p.name = format!("{}-tuned", base.name);
    }
    p
}

/// The baseline as the Report names it: with the `--set` flags given at launch, which are in
/// it (`prolaunch --set budget.total=3000`), so it is not read as the preset itself.
pub fn report_baseline(baseline: &Policy) -> Policy {
    let flags = launch_flags(baseline);
    let mut p = baseline.clone();
    if !flags.is_empty() {
        p.name = format!("{} {}", baseline.name, flags.join(" "));
    }
    p
}

/// Keys tuned only with `:set` (text, not stepped): not listed, but compared and reproduced.
pub const SET_ONLY: &[&str] = &["truncate_marker", "name"];

/// The fields of `a` or `b` whose values differ, in screen order (then the `:set`-only keys).
/// The keys tuned away from the baseline that are not fields of the Tune list (set by `:set`,
/// such as `truncate_marker`, or no longer there, such as the model limits once a total is set):
/// the flags show them, `n`/`N` cannot go to them.
pub fn unlisted_changes(baseline: &Policy, tuned: &Policy) -> Vec<String> {
    let listed: Vec<String> = fields(tuned).into_iter().map(|f| f.key).collect();
    changed_keys(baseline, tuned)
        .into_iter()
        .filter(|k| !listed.contains(k))
        .collect()
}

/// The keys whose shown value differs between `a` and `b`.
pub fn changed_keys(a: &Policy, b: &Policy) -> Vec<String> {
    let mut keys: Vec<String> = fields(b).into_iter().map(|f| f.key).collect();
    let more = fields(a)
        .into_iter()
        .map(|f| f.key)
        .chain(SET_ONLY.iter().map(|k| (*k).to_string()));
    for key in more {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.retain(|k| shown(a, k) != shown(b, k) && !implied_by_the_other_budget_form(b, k));
    keys
}

/// A budget key `b` no longer has because it sets the other form: setting `budget.total`
/// replaces the model limits (and the other way round), so `--set budget.total=5000` says it
/// all — `--set budget.model_max_tokens=none` is no flag `--set` takes.
fn implied_by_the_other_budget_form(b: &Policy, key: &str) -> bool {
    let Some(field) = key.strip_prefix("budget.") else {
        return false;
    };
    b.get(key).is_none()
        && crate::engine::policy::budget_keys_replaced_by(field)
            .iter()
            .any(|other| b.get(&format!("budget.{other}")).is_some())
}

/// What replacing `tuned` (tuned from `base`) with `next` undoes: each field tuned away from the
/// baseline that `next` sets otherwise, as `key=value (now value)`.
pub fn replaced(base: &Policy, tuned: &Policy, next: &Policy) -> Vec<String> {
    changed_keys(base, tuned)
        .into_iter()
        .filter(|k| shown(tuned, k) != shown(next, k))
        .map(|k| {
            let (was, now) = (shown(tuned, &k), shown(next, &k));
            format!("{k}={} (now {})", as_typed(&was), as_typed(&now))
        })
        .collect()
}

/// A field's value as `--set` takes it: plain when it is a word or number, else a TOML string
/// (a marker's leading space and its newline show as `" [cut]"`, `"\n[...truncated]"`).
fn as_typed(v: &str) -> String {
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        v.to_string()
    } else {
        crate::text::toml_string(v)
    }
}

/// The `--set` flags that turn `base` into `tuned`, one per changed field.
pub fn set_flags(base: &Policy, tuned: &Policy) -> Vec<String> {
    set_args(base, tuned)
        .into_iter()
        .map(|(arg, plain)| {
            if plain {
                format!("--set {arg}")
            } else {
                // Quoted for the shell; what a terminal would not show as itself is escaped,
                // so the flag survives the screen and the clipboard.
                format!("--set {}", crate::text::shell_word(&arg))
            }
        })
        .collect()
}

/// The `KEY=VALUE` arguments of [`set_flags`], each with whether it is plain (no quoting): a
/// value that is not is a TOML string, so `--set` reads it back whole.
fn set_args(base: &Policy, tuned: &Policy) -> Vec<(String, bool)> {
    changed_keys(base, tuned)
        .into_iter()
        .map(|k| {
            let v = as_typed(&shown(tuned, &k));
            let plain = !v.starts_with('"');
            (format!("{k}={v}"), plain)
        })
        .collect()
}

/// The `--set` flags the TUI was started with, already in the baseline: those that turn the
/// preset the baseline is named after into it. Empty when the baseline is that preset, is no
/// preset's, or differs from it in ways flags cannot say (a file's own layers).
pub fn launch_flags(baseline: &Policy) -> Vec<String> {
    let Some(preset) = Policy::preset(&baseline.name) else {
        return Vec::new();
    };
    let args: Vec<String> = set_args(&preset, baseline)
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    if !args.is_empty() && makes(&preset, &args, baseline) {
        set_flags(&preset, baseline)
    } else {
        Vec::new()
    }
}

/// Whether `args`, set over `preset`, make `policy`.
fn makes(preset: &Policy, args: &[String], policy: &Policy) -> bool {
    preset
        .clone()
        .with_overrides(args)
        .is_ok_and(|p| toml::to_string(&p).ok() == toml::to_string(policy).ok())
}

/// Every flag that turns the preset named `--policy` into the tuned policy: those given at
/// launch and the tuning's, one a key (a key set at launch and tuned since is named once, with
/// its tuned value); the tuning's alone when none were given at launch.
pub fn all_flags(baseline: &Policy, tuned: &Policy) -> Vec<String> {
    let (launch, tuning) = (launch_flags(baseline), set_flags(baseline, tuned));
    let preset = Policy::preset(&baseline.name).filter(|_| !launch.is_empty());
    let Some(preset) = preset else {
        return [launch, tuning].concat();
    };
    // A launch flag whose key the tuning sets again is left out, when the rest still make
    // the tuned policy (a switched budget form may need both).
    let retuned = changed_keys(baseline, tuned);
    let keep: Vec<bool> = changed_keys(&preset, baseline)
        .iter()
        .map(|k| !retuned.contains(k))
        .collect();
    let args: Vec<String> = (set_args(&preset, baseline).into_iter().zip(&keep))
        .filter(|(_, kept)| **kept)
        .map(|((a, _), _)| a)
        .chain(set_args(baseline, tuned).into_iter().map(|(a, _)| a))
        .collect();
    if !makes(&preset, &args, tuned) {
        return [launch, tuning].concat();
    }
    (launch.into_iter().zip(keep))
        .filter(|(_, kept)| *kept)
        .map(|(f, _)| f)
        .chain(tuning)
        .collect()
}

/// What a session ended without asking (a signal) leaves unsaved, as the flags that tune the
/// policy it was started with again; `None` when nothing is.
pub fn lost_tuning(s: &crate::app::state::State) -> Option<String> {
    if !s.unsaved() {
        return None;
    }
    // The flags from the preset named (those given at launch, then the tuning's), as Tune
    // and its copy name them.
    let flags = all_flags(&s.session.baseline, &s.session.policy);
    Some(format!(
        "the tuning was not saved; over policy {} it was: {}",
        s.session.baseline.name,
        flags.join(" ")
    ))
}

/// Columns the Tune fields table needs: the longest key, both values, spacing and borders.
pub fn fields_width(baseline: &Policy, policy: &Policy) -> u16 {
    let fields = fields(policy);
    let widest = |f: &dyn Fn(&Field) -> usize| fields.iter().map(f).max().unwrap_or(8);
    let key = widest(&|f| f.key.chars().count() + 2).max(17);
    let (base, now) = (
        values_width(baseline, &fields),
        values_width(policy, &fields),
    );
    u16::try_from(key + base + now + 4).unwrap_or(u16::MAX)
}

/// The widest of `p`'s values of `fields`, 8 at least. A choice counts as wide as its widest
/// option, whichever is chosen: stepping through the tokenizers never moves the panes.
pub fn values_width(p: &Policy, fields: &[Field]) -> usize {
    fields
        .iter()
        .map(|f| {
            let options = match &f.kind {
                Kind::Choice(options) => options.iter().map(|o| o.chars().count()).max(),
                _ => None,
            };
            shown(p, &f.key).chars().count().max(options.unwrap_or(0))
        })
        .max()
        .unwrap_or(8)
        .max(8)
}

/// A warning when the layer weights do not sum to 1: the layer budgets then add up to more (or
/// less) than the total.
pub fn weights_warning(p: &Policy) -> Option<String> {
    weights_said(p, false)
}

/// [`weights_warning`] in fewer words, for one short line: every figure still whole.
pub fn weights_warning_brief(p: &Policy) -> Option<String> {
    weights_said(p, true)
}

fn weights_said(p: &Policy, brief: bool) -> Option<String> {
    let w = weights_off(p)?;
    let num = |n: u64| crate::text::thousands(n as f64, 0);
    let (sum, asked, total, layers) =
        (fmt_figure(w.sum), num(w.asked), num(w.total), num(w.layers));
    Some(match (w.layers < w.asked, brief) {
        (true, false) => format!(
            "⚠ layer weights sum to {sum}, not 1: they ask for {asked} of {total}; the caps hold \
             the layer budgets to {layers}"
        ),
        (true, true) => {
            format!("⚠ weights sum to {sum}: ask {asked} of {total}, caps hold {layers}")
        }
        (false, false) => format!(
            "⚠ layer weights sum to {sum}, not 1: layer budgets add up to {layers} of {total}"
        ),
        (false, true) => format!("⚠ weights sum to {sum}: layers {layers} of {total}"),
    })
}

/// The layer weights' sum when it is not 1, with what the weights ask for, what the layer
/// budgets add up to (the caps may hold them lower) and the total.
struct WeightsOff {
    sum: f64,
    asked: u64,
    layers: u64,
    total: u64,
}

fn weights_off(p: &Policy) -> Option<WeightsOff> {
    let sum: f64 = p.layers.iter().map(|l| l.weight).sum();
    if (sum - 1.0).abs() < 1e-9 {
        return None;
    }
    let budgets = p.budgets();
    let layers: u64 = budgets.layers.iter().map(|&b| u64::from(b)).sum();
    // What the weights alone ask for: when the caps hold the layers below it, they, not the
    // weights, set what the layers add up to.
    let asked: u64 = p
        .layers
        .iter()
        .map(|l| (f64::from(budgets.total) * l.weight).floor().max(0.0) as u64)
        .sum();
    Some(WeightsOff {
        sum,
        asked,
        layers,
        total: u64::from(budgets.total),
    })
}

#[cfg(test)]
#[path = "tune_tests.rs"]
mod tests;
