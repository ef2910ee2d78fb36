use super::*;

fn prolaunch() -> Policy {
    Policy::preset("prolaunch").expect("preset parses")
}

#[test]
fn seed_000_budgets_are_800_2000_1200() {
    let p = prolaunch();
    assert_eq!(
        p.budgets(),
        Budgets {
            total: 4000,
            layers: vec![800, 2000, 1200]
        }
    );
    assert_eq!((p.recency.window_hours, p.recency.boost), (24.0, 2.0));
    assert_eq!(
        (p.knowledge.similarity_threshold, p.knowledge.limit),
        (0.7, 10)
    );
    assert_eq!(p.strategy, Strategy::Stop);
}

/// A layer budget is floor(T × weight) in binary floating point, as the seeds' Python and
/// TypeScript compute it: 4000 × 0.5005 is 2001.9999…, so 2001.
#[test]
fn layer_budgets_floor_as_the_seeds_float_arithmetic_does() {
    let mut p = prolaunch();
    p.layers[1].weight = 0.5005;
    assert_eq!(p.budgets().layers[1], 2001);
    p.budget.total = Some(100);
    p.layers[0].weight = 0.57;
    assert_eq!(p.budgets().layers[0], 56, "Python: int(100 * 0.57) == 56");
}

#[test]
fn seed_003_calculate_context_budget_8192_1000() {
    // calculateContextBudget(8192, 1000): total 6692, static 1000, RAG 2000, feature 500.
    let three = "name = \"b\"\n[budget]\nmodel_max_tokens = 8192\nexpected_output_tokens = 1000\n\
        [[layers]]\nname = \"static\"\nsource = \"static\"\nweight = 0.2\ncap = 1000\n\
        [[layers]]\nname = \"rag\"\nsource = \"knowledge\"\nweight = 0.5\ncap = 2000\n\
        [[layers]]\nname = \"feature\"\nsource = \"query\"\nweight = 0.3\ncap = 500\n";
    let p = Policy::from_toml(three, "three.toml").expect("valid");
    assert_eq!(
        p.budgets(),
        Budgets {
            total: 6692,
            layers: vec![1000, 2000, 500]
        }
    );
    // The preset splits the feature budget between the question and the history layers.
    let adr = Policy::preset("layered-adr").expect("preset parses");
    let b = adr.budgets();
    assert_eq!(
        (b.total, b.layers[0], b.layers[1], b.layers[2] + b.layers[3]),
        (6692, 1000, 2000, 500)
    );
    // Below the caps the weights rule: calculateContextBudget(2000, 500) → 1000 × 0.2/0.5/0.3.
    let small = p.with_overrides(&[
        "budget.model_max_tokens=2000".into(),
        "budget.expected_output_tokens=500".into(),
    ]);
    assert_eq!(small.expect("valid").budgets().layers, vec![200, 500, 300]);
}

#[test]
fn layered_adr_selects_modules_by_category() {
    let adr = Policy::preset("layered-adr").expect("preset parses");
    let names = |cat: &str| -> Vec<String> {
        let p = adr
            .clone()
            .with_overrides(&[format!("category={cat}")])
            .expect("valid");
        p.active_modules().map(|m| m.name.clone()).collect()
    };
    assert_eq!(names("analysis"), ["core", "technical", "market"]);
    assert_eq!(names("retrieval"), ["core"]);
    assert_eq!(names("recommendation"), ["core"]);
    assert_eq!(names("technical"), ["core", "technical"]);
    assert_eq!(names("business"), ["core", "market"]);
    let core = &adr.modules[0].text;
    assert!(
        core.starts_with("\nPhoenix Rooivalk is a South African company"),
        "{core:?}"
    );
}

/// A category no module lists and seed 003 does not name, and a module named like another
/// layer's item (or not named), are refused naming the key.
#[test]
fn a_typo_of_a_category_and_a_module_named_like_another_item_are_refused() {
    let adr = Policy::preset("layered-adr").expect("preset parses");
    let set = |arg: &str| adr.clone().with_overrides(&[arg.to_string()]);
    let err = set("category=nosuch").expect_err("typo").to_string();
    assert!(
        err.contains("category") && err.contains("\"nosuch\" is no category (categories: analysis, business, recommendation, retrieval, technical)"),
        "{err}"
    );
    assert!(
        set("category=retrieval").is_ok(),
        "seed 003's, though no module lists it"
    );
    // A policy without static modules has nothing for a category to pick.
    let none = prolaunch()
        .with_overrides(&["category=analysis".into()])
        .expect_err("prolaunch has no static modules")
        .to_string();
    assert!(
        none.contains("\"analysis\" would change nothing: a category picks static modules"),
        "{none}"
    );
    let module = |name: &str| {
        let text = include_str!("../../../../fixtures/policies/layered-adr.toml").replacen(
            "name = \"core\"",
            &format!("name = {name:?}"),
            1,
        );
        Policy::from_toml(&text, "p.toml").map_err(|e| e.to_string())
    };
    assert!(module("core2").is_ok());
    for (name, says) in [
        ("s2#0", "a chat turn's id"),
        ("mb:3", "a journey row's id"),
        ("kn:57", "a knowledge row's id"),
        ("query", "the query's id"),
        (" ", "a module's name must not be empty"),
    ] {
        let err = module(name).expect_err(name);
        assert!(err.contains(says), "{name}: {err}");
    }
}

#[test]
fn overrides_by_dotted_path_and_layer_name() {
    let p = prolaunch()
        .with_overrides(&[
            "layers.journey.weight=0.6".into(),
            "budget.total=3000".into(),
            "strategy=skip".into(),
            "layers.knowledge.cap=500".into(),
            "knowledge.same_milestone_only=false".into(),
            "layers.session.weight=1".into(),
        ])
        .expect("valid overrides");
    assert_eq!(p.layers[1].weight, 0.6);
    assert_eq!(p.layers[0].weight, 1.0);
    assert_eq!(p.strategy, Strategy::Skip);
    assert_eq!(
        p.budgets(),
        Budgets {
            total: 3000,
            layers: vec![3000, 1800, 500]
        }
    );
    assert!(!p.knowledge.same_milestone_only);
    // A total replaces model limits.
    let adr = Policy::preset("layered-adr")
        .expect("preset")
        .with_overrides(&["budget.total=3000".into()]);
    assert_eq!(adr.expect("valid").budgets().total, 3000);
}

/// A value is TOML, else text with its ends trimmed (as `--help` says): quoted, spaces stay.
#[test]
fn an_override_keeps_spaces_only_when_quoted() {
    let marker = |arg: &str| {
        prolaunch()
            .with_overrides(&[arg.into()])
            .expect("valid")
            .truncate_marker
    };
    assert_eq!(marker("truncate_marker= [cut] "), "[cut]");
    assert_eq!(marker(r#"truncate_marker=" [cut] ""#), " [cut] ");
}

#[test]
fn override_errors_name_the_argument() {
    let cases = [
        (
            "layers.jorney.weight=0.6",
            "--set layers.jorney.weight=0.6: no layers entry named \"jorney\" (have: session, journey, knowledge)",
        ),
        (
            "strategy=sideways",
            "--set strategy=sideways: unknown variant `sideways`, expected one of `stop`, `skip`, `truncate`",
        ),
        (
            "layers.journey.weight=-0.5",
            "--set layers.journey.weight=-0.5: layers.journey.weight: must be a finite number ≥ 0, got -0.5",
        ),
        (
            "session.max_items=18446744073709551615",
            "--set session.max_items=18446744073709551615: 18446744073709551615 is out of range for an integer",
        ),
        (
            "layers.session.weight=1e308",
            "--set layers.session.weight=1e308: layers.session.weight: T × weight = 4000 × 1e308 is beyond 4294967295 tokens",
        ),
        (
            "budget.total=0",
            "--set budget.total=0: budget: total budget T = 0 must be > 0",
        ),
        (
            "budget.totl=5",
            "--set budget.totl=5: unknown field `totl`, expected one of `total`, `model_max_tokens`, `expected_output_tokens`, `overhead`",
        ),
        ("strategy", "--set strategy: expected key=value"),
        (
            "layers.journey.weight=1e309",
            "--set layers.journey.weight=1e309: 1e309 is out of range for a number",
        ),
        (
            "budget.total=",
            "--set budget.total=: expected an integer, got nothing",
        ),
        (
            "budget=3",
            "--set budget=3: budget is a table: set its keys one by one (budget.total, \
             budget.model_max_tokens, budget.expected_output_tokens, budget.overhead)",
        ),
        (
            "layers=1",
            "--set layers=1: layers is a list, each by its name: set layers.session.KEY, \
             layers.journey.KEY, layers.knowledge.KEY",
        ),
        (
            "budget.total=abc",
            "--set budget.total=abc: expected an integer, got abc",
        ),
        (
            "knowledge.same_milestone_only=yes",
            "--set knowledge.same_milestone_only=yes: expected true or false, got yes",
        ),
        (
            "layers.journey.weight=x",
            "--set layers.journey.weight=x: expected a number, got x",
        ),
        ("name.x=1", "--set name.x=1: name is a value, not a table"),
        // Under an optional value not set, the same (not "1 is out of range").
        (
            "layers.session.cap.x=1",
            "--set layers.session.cap.x=1: layers.session.cap is a value, not a table",
        ),
    ];
    for (arg, want) in cases {
        let err = prolaunch()
            .with_overrides(&[arg.to_string()])
            .expect_err(arg);
        assert_eq!(err.to_string(), want);
    }
}

#[test]
fn saved_toml_round_trips() {
    for (name, _) in PRESETS {
        let p = Policy::preset(name).expect("preset");
        let again = Policy::from_toml(&p.to_toml(), "saved.toml").expect("round trip");
        assert_eq!(p, again);
    }
}

#[test]
fn get_reads_dotted_keys_like_set_writes_them() {
    let p = prolaunch();
    assert_eq!(
        p.get("layers.journey.weight"),
        Some(toml::Value::Float(0.5))
    );
    assert_eq!(p.get("budget.total"), Some(toml::Value::Integer(4000)));
    assert_eq!(p.get("strategy"), Some(toml::Value::String("stop".into())));
    assert_eq!(p.get("layers.journey.cap"), None);
    assert_eq!(p.get("layers.nope.weight"), None);
}

/// A huge float is saved as `1e308`, not as 309 digits, and reads back as the same policy.
#[test]
fn a_huge_float_is_saved_in_exponent_form() {
    let p = prolaunch()
        .with_overrides(&[
            "recency.boost=1e308".into(),
            "recency.window_hours=24.5".into(),
        ])
        .expect("valid");
    let text = p.to_toml();
    assert!(text.contains("\nboost = 1e308\n"), "{text}");
    assert!(text.contains("\nwindow_hours = 24.5\n"), "{text}");
    assert!(text.lines().all(|l| l.len() < 200), "{text}");
    assert_eq!(Policy::from_toml(&text, "saved").expect("reads back"), p);
}

/// A layer whose name has dots in it is addressed by that name, by `--set` and `get` alike.
#[test]
fn a_dotted_layer_name_is_reachable() {
    let text = prolaunch()
        .to_toml()
        .replace("name = \"session\"", "name = \"chat.v2\"");
    let p = Policy::from_toml(&text, "dotted").expect("a policy with a dotted layer name");
    let set = p
        .with_overrides(&["layers.chat.v2.weight=0.25".into()])
        .expect("the dotted name is found");
    assert_eq!(set.layers[0].name, "chat.v2");
    assert_eq!(set.layers[0].weight, 0.25);
    assert_eq!(
        set.get("layers.chat.v2.weight"),
        Some(toml::Value::Float(0.25))
    );
    let err = set
        .with_overrides(&["layers.chat.weight=0.3".into()])
        .expect_err("no layer is named chat");
    assert!(
        err.to_string()
            .contains("no layers entry named \"chat\" (have: chat.v2, journey, knowledge)"),
        "{err}"
    );
}

/// A policy without static modules says it has none, instead of a type error.
#[test]
fn a_static_module_of_a_policy_without_any_is_named_missing() {
    let err = prolaunch()
        .with_overrides(&["static.x.priority=3".into()])
        .expect_err("prolaunch has no static modules");
    assert!(
        err.to_string()
            .contains("no static entry named \"x\" (the policy has none)"),
        "{err}"
    );
}

/// `-0.0` is 0: taken, and shown and written without its sign (as `--set`, `:set` and a file
/// give it), while a negative weight is still refused.
#[test]
fn a_negative_zero_is_zero() {
    let p = prolaunch()
        .with_overrides(&[
            "layers.session.weight=-0.0".into(),
            "recency.boost=-0.0".into(),
        ])
        .expect("0 is a weight");
    assert_eq!(
        p.get("layers.session.weight"),
        Some(toml::Value::Float(0.0))
    );
    assert!(p.layers[0].weight.is_sign_positive());
    assert!(p.recency.boost.is_sign_positive());
    assert!(!p.to_toml().contains("-0"), "{}", p.to_toml());
    let file = Policy::from_toml(
        "name=\"x\"\n[budget]\ntotal=10\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=-0.0",
        "p.toml",
    )
    .expect("0 is a weight");
    assert!(file.layers[0].weight.is_sign_positive());
}

/// Each factor of a score finite is not enough: a boost and a relevance whose product is not
/// is refused, naming both, so no score is written `null` in JSON.
#[test]
fn a_boost_whose_score_would_not_be_finite_is_refused() {
    let e = prolaunch()
        .with_overrides(&[
            "recency.boost=1e308".into(),
            "journey.relevance.business_dna=10".into(),
        ])
        .expect_err("an infinite score");
    let said = e.to_string();
    assert!(
        said.contains("recency.boost: 1e308 × the largest relevance (10) is past what a score"),
        "{said}"
    );
    // The larger factor is the key named: a relevance set past reason is that key.
    let e = prolaunch()
        .with_overrides(&["journey.relevance.direct=1e308".into()])
        .expect_err("an infinite score");
    let said = e.to_string();
    assert!(
        said.contains("journey.relevance.direct: 1e308 × recency.boost 2 is past"),
        "{said}"
    );
    // At relevance 1 the same boost is a finite score.
    assert!(
        prolaunch()
            .with_overrides(&["recency.boost=1e308".into()])
            .is_ok()
    );
}

/// `cap=none` unsets a layer's cap, as the Tune screen shows an unset one (a tuned cap can be
/// taken back alone); a key that needs a value says so; a text key keeps `none` as its text.
#[test]
fn none_unsets_an_optional_key() {
    let capped = prolaunch()
        .with_overrides(&["layers.journey.cap=500".into()])
        .expect("a cap");
    assert_eq!(
        capped.get("layers.journey.cap"),
        Some(toml::Value::Integer(500))
    );
    let back = capped
        .with_overrides(&["layers.journey.cap=none".into()])
        .expect("unset");
    assert_eq!(back, prolaunch());
    let err = prolaunch()
        .with_overrides(&["layers.journey.weight=none".into()])
        .expect_err("a weight needs a value")
        .to_string();
    assert!(err.contains("layers.journey.weight takes a value"), "{err}");
    let upper = prolaunch()
        .with_overrides(&["layers.journey.cap=NONE".into()])
        .expect_err("lower case")
        .to_string();
    assert!(upper.contains("none, in lower case, unsets"), "{upper}");
    let named = prolaunch()
        .with_overrides(&["name=none".into()])
        .expect("a name");
    assert_eq!(named.name, "none");
    // Only keys a policy may leave unset: a misspelt key, a key with a default, a table, the
    // static modules say what is wrong rather than change nothing or reset.
    for set in [
        "layers.journey.capp=none",
        "foo=none",
        "truncate_min_remaining=none",
        "recency=none",
        "static=none",
    ] {
        let err = prolaunch().with_overrides(&[set.into()]);
        assert!(err.is_err(), "{set}: {err:?}");
    }
    let unknown = prolaunch()
        .with_overrides(&["layers.journey.capp=none".into()])
        .expect_err("no such key")
        .to_string();
    assert!(unknown.contains("unknown field"), "{unknown}");
}

/// A layer named without its key is said to be a table, not to lack a name.
#[test]
fn an_element_without_its_key_is_said_to_be_a_table() {
    let err = prolaunch()
        .with_overrides(&["layers.journey=3".into()])
        .expect_err("a table")
        .to_string();
    assert!(
        err.contains(
            "layers.journey is a table: set its keys one by one (layers.journey.name, \
             layers.journey.source, layers.journey.weight, layers.journey.cap,"
        ),
        "{err}"
    );
    let err = prolaunch()
        .with_overrides(&["layers=3".into()])
        .expect_err("no name")
        .to_string();
    assert!(
        err.contains("layers is a list, each by its name: set layers.session.KEY"),
        "{err}"
    );
    // A list of values (a module's categories) is no list of named tables.
    let adr = Policy::preset("layered-adr").expect("preset");
    let err = adr
        .clone()
        .with_overrides(&["static.core.categories=analysis".into()])
        .expect_err("a list")
        .to_string();
    assert_eq!(
        err,
        "--set static.core.categories=analysis: expected a sequence, got analysis"
    );
    let err = adr
        .with_overrides(&["static=1".into()])
        .expect_err("modules")
        .to_string();
    assert_eq!(
        err,
        "--set static=1: static is a list, each by its name: set static.core.KEY, \
         static.technical.KEY, static.market.KEY"
    );
}

/// A policy's strings holding characters that reorder or hide text (bidi controls, C1, line
/// separators) are written escaped, so `cat` of a saved policy shows them for what they are,
/// and read back as they were.
#[test]
fn invisible_characters_in_strings_are_written_escaped() {
    for m in [
        "a\u{202e}b",
        "a\"\u{202e}b",
        "a\\\u{202e}b",
        "a'\"\u{202e}b",
        "x\u{1b}y\u{202e}",
        "l\u{2028}m\u{85}n\u{2066}",
        "two\nlines\u{202e}",
        // A backslash and a line break: written as a multi-line literal.
        "line one \\ path\ntwo\u{2028}end",
        "b\\\u{202e}",
    ] {
        let mut p = prolaunch();
        p.truncate_marker = m.to_string();
        p.layers[0].title = Some(format!("title {m}"));
        // One string's literal form inside another's must not be rewritten as if it were it.
        p.layers[1].title = Some(format!("x'{m}'y"));
        let text = p.to_toml();
        assert!(
            !text.chars().any(|c| matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')),
            "{m:?}: {text}"
        );
        let back = Policy::from_toml(&text, "saved.toml").expect("reads back");
        assert_eq!(back, p, "{m:?}: {text}");
    }
}

/// A knowledge limit past any search's reason is refused, in a file (placed) and by `--set`:
/// the limit and its near misses stay a count (18446744073709551611 fetched no hit at all).
#[test]
fn a_knowledge_limit_past_reason_is_refused() {
    let e = prolaunch()
        .with_overrides(&["knowledge.limit=100001".into()])
        .expect_err("too many hits");
    assert!(
        e.to_string()
            .contains("knowledge.limit: must be at most 100000 hits, got 100001"),
        "{e}"
    );
    assert!(
        prolaunch()
            .with_overrides(&["knowledge.limit=100000".into()])
            .is_ok()
    );
    let (_, original) = PRESETS
        .iter()
        .find(|(n, _)| *n == "prolaunch")
        .expect("preset");
    let text = original.replace("limit = 10\n", "limit = 100001\n");
    assert_ne!(&text, original, "the limit was found");
    let e = Policy::from_toml(&text, "x.toml").expect_err("past the bound");
    assert!(e.to_string().contains("x.toml:"), "placed: {e}");
}

mod file_errors;
