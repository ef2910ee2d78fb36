//! The Tune screen's fields, steps, flags and warnings.
use super::*;

fn prolaunch() -> Policy {
    Policy::preset("prolaunch").expect("preset")
}

/// Switching the budget's form prints the flag that switches it, not `=none` flags for
/// the keys it replaces (`--set` takes no `none`); the flags replay to the tuned budgets.
#[test]
fn flags_of_a_switched_budget_form_replay() {
    for (preset, set) in [
        ("layered-adr", &["budget.total=5000"][..]),
        (
            "prolaunch",
            &[
                "budget.model_max_tokens=8192",
                "budget.expected_output_tokens=1000",
            ][..],
        ),
    ] {
        let base = Policy::preset(preset).expect("preset");
        let set: Vec<String> = set.iter().map(|x| (*x).to_string()).collect();
        let tuned = base.clone().with_overrides(&set).expect("valid");
        let flags = set_flags(&base, &tuned);
        assert!(flags.iter().all(|f| !f.ends_with("=none")), "{flags:?}");
        let sets: Vec<String> = flags
            .iter()
            .map(|f| f.trim_start_matches("--set ").to_string())
            .collect();
        let replayed = base.with_overrides(&sets).expect("the flags are taken");
        assert_eq!(replayed.budgets(), tuned.budgets(), "{preset}: {flags:?}");
        assert!(unlisted_changes(&Policy::preset(preset).expect("preset"), &tuned).is_empty());
    }
}

/// `--set`s given at launch are in the baseline: the flags say them first, so together
/// they turn `--policy prolaunch` into the tuned policy.
#[test]
fn launch_flags_come_first_and_replay() {
    let launched = prolaunch()
        .with_overrides(&["tokenizer=o200k_base".to_string()])
        .expect("valid");
    let tuned = launched
        .clone()
        .with_overrides(&["budget.total=3000".to_string()])
        .expect("valid");
    let all = all_flags(&launched, &tuned);
    assert_eq!(
        all,
        ["--set tokenizer=o200k_base", "--set budget.total=3000"]
    );
    let sets: Vec<String> = all
        .iter()
        .map(|f| f.trim_start_matches("--set ").to_string())
        .collect();
    let replayed = prolaunch().with_overrides(&sets).expect("taken");
    assert_eq!(
        toml::to_string(&replayed).ok(),
        toml::to_string(&tuned).ok()
    );
    // A key set at launch and tuned since is named once, with its tuned value.
    let retuned = tuned
        .clone()
        .with_overrides(&["tokenizer=cl100k_base".to_string()])
        .and_then(|p| p.with_overrides(&["budget.total=3100".to_string()]))
        .expect("valid");
    let launched_two = launched
        .clone()
        .with_overrides(&["budget.total=5000".to_string()])
        .expect("valid");
    let mut once = all_flags(&launched_two, &retuned);
    once.sort();
    assert_eq!(
        once,
        ["--set budget.total=3100", "--set tokenizer=cl100k_base"],
        "{:?}",
        launch_flags(&launched_two)
    );
    // The preset itself, or a policy no flags can make from it: nothing said at launch.
    assert!(launch_flags(&prolaunch()).is_empty());
    let mut own = prolaunch();
    own.layers.pop();
    assert!(launch_flags(&own).is_empty());
    // The Report names the launched baseline with its flags; the preset by its name.
    assert_eq!(
        report_baseline(&launched).name,
        "prolaunch --set tokenizer=o200k_base"
    );
    assert_eq!(report_baseline(&prolaunch()).name, "prolaunch");
}

/// Caps that hold the layers below what the weights ask for are named as what sets the
/// sum, not the weights.
#[test]
fn the_weights_warning_names_the_caps_when_they_bind() {
    assert_eq!(weights_warning(&prolaunch()), None);
    let adr = Policy::preset("layered-adr")
        .expect("preset")
        .with_overrides(&["layers.history.weight=0.2".to_string()])
        .expect("valid");
    let said = weights_warning(&adr).expect("a warning");
    assert!(
        said.starts_with("⚠ layer weights sum to 1.05, not 1: they ask for ")
            && said.ends_with("; the caps hold the layer budgets to 3,500"),
        "{said}"
    );
    let over = prolaunch()
        .with_overrides(&["layers.session.weight=0.3".to_string()])
        .expect("valid");
    assert_eq!(
        weights_warning(&over).as_deref(),
        Some("⚠ layer weights sum to 1.1, not 1: layer budgets add up to 4,400 of 4,000")
    );
}

#[test]
fn fields_follow_the_policy() {
    let keys: Vec<String> = fields(&prolaunch()).into_iter().map(|f| f.key).collect();
    assert_eq!(
        keys[..3],
        [
            "budget.total",
            "layers.session.weight",
            "layers.session.cap"
        ]
    );
    assert!(
        !keys.contains(&"category".to_string()),
        "no static modules, no category"
    );
    let adr: Vec<String> = fields(&Policy::preset("layered-adr").expect("preset"))
        .into_iter()
        .map(|f| f.key)
        .collect();
    assert_eq!(
        adr[..2],
        ["budget.model_max_tokens", "budget.expected_output_tokens"]
    );
    assert_eq!(adr.last().map(String::as_str), Some("category"));
}

#[test]
fn stepping_changes_one_value_and_clamps() {
    let p = prolaunch();
    let f = fields(&p);
    let weight = f
        .iter()
        .find(|x| x.key == "layers.journey.weight")
        .expect("field");
    let up = step(&p, weight, 1).expect("valid");
    assert_eq!(shown(&up, "layers.journey.weight"), "0.55");
    let mut down = p.clone();
    for _ in 0..20 {
        down = step(&down, weight, -1).expect("valid");
    }
    assert_eq!(shown(&down, "layers.journey.weight"), "0.0");
    let cap = f
        .iter()
        .find(|x| x.key == "layers.journey.cap")
        .expect("field");
    assert_eq!(
        shown(&step(&p, cap, -1).expect("valid"), "layers.journey.cap"),
        "1900"
    );
    let strategy = f.iter().find(|x| x.key == "strategy").expect("field");
    assert_eq!(
        shown(&step(&p, strategy, 1).expect("valid"), "strategy"),
        "skip"
    );
    assert_eq!(
        shown(&step(&p, strategy, -1).expect("valid"), "strategy"),
        "truncate"
    );
    // At its highest, a step further is refused as a step, never as a typed :set.
    let total = f.iter().find(|x| x.key == "budget.total").expect("field");
    let top = p
        .clone()
        .with_overrides(&["budget.total=4294967295".into()])
        .expect("the highest total");
    let refused = step(&top, total, 1).expect_err("past the highest");
    assert!(
        refused.starts_with("budget.total: no step further up (4294967395 is refused: "),
        "{refused}"
    );
    assert!(!refused.contains(":set"), "{refused}");
}

/// A typed value is shown, compared and copied whole: the flags rebuild the very policy
/// replayed (a weight of 0.14944 rounded to 0.1494 gives another layer budget).
#[test]
fn a_typed_float_is_kept_to_its_last_digit() {
    assert_eq!(fmt_float(0.14944), "0.14944");
    assert_eq!(fmt_float(0.1 + 0.2), "0.30000000000000004");
    for v in ["0.14944", "0.123456789012345", "0.50001"] {
        let set = format!("layers.journey.weight={v}");
        let p = prolaunch()
            .with_overrides(std::slice::from_ref(&set))
            .expect("valid");
        assert_eq!(shown(&p, "layers.journey.weight"), v);
        let flags = set_flags(&prolaunch(), &p);
        assert_eq!(flags, [format!("--set {set}")]);
        let again: Vec<String> = flags
            .iter()
            .map(|f| f.trim_start_matches("--set ").to_string())
            .collect();
        assert_eq!(prolaunch().with_overrides(&again).expect("valid"), p);
    }
    // A step moves from the exact value.
    let p = prolaunch()
        .with_overrides(&["layers.journey.weight=0.14944".into()])
        .expect("valid");
    let f = fields(&p)
        .into_iter()
        .find(|f| f.key == "layers.journey.weight")
        .expect("the field");
    let up = step(&p, &f, 1).expect("valid");
    assert_eq!(shown(&up, "layers.journey.weight"), "0.19944");
}

#[test]
fn huge_floats_are_shown_as_set_takes_them() {
    assert_eq!(fmt_float(1e308), "1e308");
    assert_eq!(fmt_float(24.0), "24.0");
    assert_eq!(fmt_figure(0.1 + 0.2), "0.3");
    let p = prolaunch()
        .with_overrides(&["recency.window_hours=1e308".into()])
        .expect("valid");
    let flags = set_flags(&prolaunch(), &p);
    assert_eq!(flags, ["--set recency.window_hours=1e308"]);
    let args = ["recency.window_hours=1e308".to_string()];
    assert_eq!(prolaunch().with_overrides(&args).expect("valid"), p);
}

/// Fields written out only when not the default are listed, shown and stepped from the
/// value that applies.
#[test]
fn dedupe_and_journey_relevance_are_tunable() {
    let p = prolaunch();
    let f = fields(&p);
    let field = |key: &str| f.iter().find(|x| x.key == key).cloned().expect(key);
    assert_eq!(shown(&p, "dedupe"), "off");
    let near = step(&p, &field("dedupe"), -1).expect("valid");
    assert_eq!(near.dedupe, Dedupe::Near);
    assert_eq!(set_flags(&p, &near), ["--set dedupe=near"]);
    let t = shown(&p, "dedupe_threshold")
        .parse::<f64>()
        .expect("a number");
    let up = step(&p, &field("dedupe_threshold"), 1).expect("valid");
    assert!((up.dedupe_threshold - (t + 0.05)).abs() < 1e-9, "{up:?}");
    let other = step(&p, &field("journey.relevance.other"), -1).expect("valid");
    assert!((other.journey.relevance.other - (p.journey.relevance.other - 0.1)).abs() < 1e-9);
    assert_eq!(set_flags(&p, &other), ["--set journey.relevance.other=0.3"]);
}

/// The argument a POSIX shell passes on for `flag` (`--set` dropped).
fn through_sh(flag: &str) -> String {
    let said = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf %s {}", flag.trim_start_matches("--set ")))
        .output()
        .expect("sh runs");
    String::from_utf8(said.stdout).expect("utf-8")
}

#[test]
fn set_flags_reproduce_the_tuned_policy() {
    let p = prolaunch();
    let tuned = p
        .clone()
        .with_overrides(&[
            "budget.total=2500".into(),
            "strategy=skip".into(),
            "layers.knowledge.cap=700".into(),
        ])
        .expect("valid");
    let flags = set_flags(&p, &tuned);
    assert_eq!(
        flags,
        [
            "--set budget.total=2500",
            "--set layers.knowledge.cap=700",
            "--set strategy=skip"
        ]
    );
    // A text key tuned with `:set` only is reproduced too, quoted.
    let marked = tuned
        .clone()
        .with_overrides(&["truncate_marker=[cut it]".into()])
        .expect("valid");
    assert_eq!(
        set_flags(&tuned, &marked),
        [r#"--set 'truncate_marker="[cut it]"'"#]
    );
    let args = [r#"truncate_marker="[cut it]""#.to_string()];
    assert_eq!(tuned.clone().with_overrides(&args).expect("valid"), marked);
    // An apostrophe in it: a shell reads the flag back as the argument it stands for.
    let quoted = tuned
        .clone()
        .with_overrides(&["truncate_marker=it's cut".into()])
        .expect("valid");
    let [flag] = set_flags(&tuned, &quoted).try_into().expect("one flag");
    let arg = through_sh(&flag);
    assert_eq!(arg, r#"truncate_marker="it's cut""#, "{flag}");
    assert_eq!(tuned.clone().with_overrides(&[arg]).expect("valid"), quoted);
    // Control, C1, bidi and line-separator characters: the flag is TOML a shell passes
    // back whole, and it sets the very same marker.
    let hostile = tuned
        .clone()
        .with_overrides(&[format!(
            "truncate_marker={}",
            toml::Value::String("\u{1b}]0;X\u{7}\u{1b}[2J\u{202e}\u{85}\u{2028}'\"\\ end".into())
        )])
        .expect("valid");
    let [flag] = set_flags(&tuned, &hostile).try_into().expect("one flag");
    assert!(
        !flag
            .chars()
            .any(|c| c.is_control() || c == '\u{202e}' || c == '\u{2028}'),
        "{flag:?}"
    );
    let arg = through_sh(&flag);
    assert_eq!(
        tuned.clone().with_overrides(&[arg]).expect("valid"),
        hostile,
        "{flag}"
    );
    let args: Vec<String> = flags
        .iter()
        .map(|f| f.trim_start_matches("--set ").to_string())
        .collect();
    assert_eq!(p.with_overrides(&args).expect("valid"), tuned);
    assert!(set_flags(&tuned, &tuned).is_empty());
}

/// What loading a candidate replaced is said as `--set` takes it: a text value quoted, its
/// spaces and newline visible, so the message stays on its line.
#[test]
fn replaced_text_values_are_quoted() {
    let base = prolaunch();
    let tuned = base
        .clone()
        .with_overrides(&[
            "budget.total=3700".into(),
            "truncate_marker=\" [cut]\"".into(),
        ])
        .expect("tuned");
    let lost = replaced(&base, &tuned, &base);
    assert_eq!(
        lost,
        [
            "budget.total=3700 (now 4000)",
            "truncate_marker=\" [cut]\" (now \"\\u000A[...truncated]\")"
        ]
    );
}

/// The fields table is as wide whichever option a choice holds: stepping the tokenizer (or the
/// strategy) never moves the panes.
#[test]
fn the_fields_width_does_not_follow_the_chosen_option() {
    let base = prolaunch();
    let widths: Vec<u16> = ["cl100k_base", "o200k_base", "chars4"]
        .iter()
        .flat_map(|t| ["stop", "skip", "truncate"].map(|s| (t, s)))
        .map(|(t, s)| {
            let tuned = base
                .clone()
                .with_overrides(&[format!("tokenizer={t}"), format!("strategy={s}")])
                .expect("tuned");
            fields_width(&base, &tuned)
        })
        .collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}");
}

/// A policy renamed by `:set name=…` is a change like any other: counted, and in the flags
/// that rebuild the tuned policy.
#[test]
fn a_rename_is_a_change_with_its_flag() {
    let base = prolaunch();
    let tuned = base
        .clone()
        .with_overrides(&["name=evil".into()])
        .expect("tuned");
    assert_eq!(changed_keys(&base, &tuned), ["name"]);
    let flags = set_flags(&base, &tuned);
    assert_eq!(flags, ["--set name=evil"]);
    let rebuilt = base
        .clone()
        .with_overrides(&["name=evil".into()])
        .expect("the flag's value");
    assert_eq!(rebuilt, tuned);
}
