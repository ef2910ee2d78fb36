//! Arguments `optimize` refuses before it searches: usage errors (exit 2) naming what is wrong;
//! with them, the negative numbers `report` refuses the same way.

use crate::common::ctxlens;

/// A command line and what its error says.
type Case = (&'static [&'static str], &'static str);

/// The space searched: `--free` and `--fixed` keys, ranges and bounds.
const FREE_AND_FIXED: &[Case] = &[
    (
        &["optimize", "--free", "layers.nope.weight"],
        "no layer \"nope\"",
    ),
    (
        &["optimize", "--free", "budget.nope"],
        "not a key optimize moves",
    ),
    (
        &["optimize", "--fixed", "layers.nosuch.weight"],
        "--fixed layers.nosuch.weight: no layer \"nosuch\" (have: session, journey, knowledge)",
    ),
    (
        &["optimize", "--free", "strategy=1..2"],
        "--free strategy=1..2: strategy is a choice",
    ),
    (
        &["optimize", "--free", "budget.total=0..10"],
        "--free budget.total=0..10: budget.total must be ≥ 1",
    ),
    (
        &[
            "optimize",
            "--free",
            "layers.session.weight=0.1..0.2",
            "--free",
            "layers.session.weight=0.5..0.6",
        ],
        "a second --free for layers.session.weight",
    ),
    (
        &["optimize", "--free", "knowledge.limit=1.5..3"],
        "knowledge.limit is a whole number",
    ),
    (
        &["optimize", "--free", "budget.total=10..5"],
        "the low bound comes first: LO..HI, e.g. budget.total=2000..6000",
    ),
    (
        &["optimize", "--free", "layers.*.weight=NaN..0.5"],
        "bounds are finite numbers (not NaN or infinity)",
    ),
    (
        &["optimize", "--free", "layers.*.weight=0..inf"],
        "bounds are finite numbers (not NaN or infinity)",
    ),
    // T's limit is said as it is, and the value as typed (not clamped).
    (
        &["optimize", "--free", "budget.total=1..1e30"],
        "budget.total must be ≤ 4294967295; 1e30 is not a valid budget.total",
    ),
];

/// What a policy must meet: `--target`, `--guard`, and a static layer to measure.
const TARGETS_AND_GUARDS: &[Case] = &[
    (&["optimize", "--target", "truncation_rate~0.1"], "--target"),
    (&["optimize", "--guard", "lots"], "--guard lots"),
    (
        &["optimize", "--policy", "prolaunch", "--per-category"],
        "--per-category: policy prolaunch has no static layer",
    ),
    (
        &["optimize", "--target", "static_share=0.2..0.4"],
        "--target static_share=0.2..0.4: policy prolaunch has no static layer, so static_share cannot be measured",
    ),
    (
        &["optimize", "--target", "rag_hits>1.5"],
        "--target rag_hits>1.5: a share is between 0 and 1",
    ),
    (
        &[
            "optimize",
            "--target",
            "avg_tokens<2000",
            "--target",
            "avg_tokens<1000",
        ],
        "a second target for avg_tokens (the first: avg_tokens<2000)",
    ),
    (
        &["optimize", "--guard", "200@nan"],
        "the score S is a number ≥ 0",
    ),
    // A value starting with `-` is the guard's, said wrong as a guard (not an unknown flag).
    (&["optimize", "--guard", "-5@1"], "--guard -5@1"),
    // A number too large to hold is said to be one, not not a number.
    (
        &["optimize", "--target", "avg_tokens<1e400"],
        "--target avg_tokens<1e400: a number too large to hold",
    ),
];

/// Counts and shares out of their range.
const NUMBERS: &[Case] = &[
    (&["optimize", "--holdout", "2"], "share of users"),
    (
        &["optimize", "--trials", "0"],
        "--trials must be at least 1",
    ),
    // A whole number too large is said to be too large, not not a whole number.
    (
        &["optimize", "--trials", "99999999999999999999"],
        "--trials is at most 18446744073709551615",
    ),
    (
        &["optimize", "--guard", "99999999999999999999@1"],
        "--guard 99999999999999999999@1: K (kept tokens) is at most 18446744073709551615",
    ),
    // As report's: a list of no users is no list.
    (&["optimize", "--top", "0"], "must be at least 1"),
];

/// `--time` that is no duration, none at all, or over a week.
const TIMES: &[Case] = &[
    (&["optimize", "--time", "5 parsecs"], "parsecs"),
    (&["optimize", "--time", "0s"], "more than 0"),
    (&["optimize", "--time", "1e400s"], "without an exponent"),
    (
        &["optimize", "--time", "18446744073709551615s"],
        "at most a week (168h)",
    ),
    (&["optimize", "--time", "169h"], "at most a week (168h)"),
];

/// `--out` where no file can be written: refused before the search, not after it.
const OUT: &[Case] = &[
    (
        &["optimize", "--out", "/nonexistent/dir/x.toml"],
        "--out /nonexistent/dir/x.toml: no such directory /nonexistent/dir",
    ),
    (&["optimize", "--out", "src"], "--out src: a directory"),
    (
        &["optimize", "--out", "/proc/tuned.toml"],
        "--out /proc/tuned.toml: cannot write in /proc",
    ),
];

/// A negative value after a space is the option's value, named in the error.
const NEGATIVE_VALUES: &[Case] = &[
    (&["optimize", "--time", "-3s"], "'--time <DURATION>'"),
    (&["optimize", "--holdout", "-0.1"], "'--holdout <SHARE>'"),
    (&["optimize", "--seed", "-1"], "'--seed <SEED>'"),
    (
        &["report", "--knowledge-rows", "-1"],
        "'--knowledge-rows <N>'",
    ),
    (
        &["report", "--connect-timeout", "-2"],
        "'--connect-timeout <SECONDS>'",
    ),
];

#[test]
fn bad_arguments_are_usage_errors_naming_what_is_wrong() {
    let groups = [
        FREE_AND_FIXED,
        TARGETS_AND_GUARDS,
        NUMBERS,
        TIMES,
        OUT,
        NEGATIVE_VALUES,
    ];
    for &(args, says) in groups.concat().iter() {
        let out = ctxlens(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
}
