//! `--per-category`: one search per seed 003 category, `--category-of` (which users are whose),
//! and the table, the JSON and the exit of the searches together.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use serde::Serialize;

use super::args::OptimizeArgs;
use super::search::SearchCtx;
use super::text::tuned_toml;
use crate::cli::CliError;
use crate::cli::output::{BOLD, DIM, GREEN, RED, Table, io, paint, write_json};
use crate::engine::{Policy, Source};
use crate::optimize::space::Space;
use crate::optimize::target::targets;
use crate::optimize::{Found, Holdout};

/// Seed 003's prompt categories (`getContextForCategory`).
const CATEGORIES: [&str; 5] = crate::engine::policy::SEED_CATEGORIES;

/// One category's answer, as `--per-category --json` prints it.
#[derive(Serialize)]
struct CategoryOut {
    category: &'static str,
    #[serde(flatten)]
    found: Found,
    holdout: Option<Holdout>,
    out: Option<String>,
    policy_toml: String,
}

/// A category not searched, and why.
#[derive(Serialize)]
struct Skipped {
    category: &'static str,
    why: String,
}

/// `--category-of FILE`: which category each listed user's prompts belong to.
pub(super) struct CategoryOf {
    file: String,
    of: HashMap<String, &'static str>,
}

impl CategoryOf {
    /// Reads `USER CATEGORY` lines (blank lines and `#` comments skipped, a comment after the
    /// words too, as in a `--users` file); a category must be one of seed 003's, and a user has
    /// one.
    pub fn read(path: &std::path::Path) -> Result<CategoryOf, String> {
        let file = crate::text::inert_line(&path.display().to_string()).into_owned();
        let text =
            crate::files::read_text(path, crate::files::TEXT_MAX, crate::files::Takes::OrPipe)
                .map_err(|e| format!("--category-of {}", e.of(&file)))?;
        let mut of: HashMap<String, &'static str> = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let at = format!("--category-of {file}:{}", n + 1);
            let (user, category) = match crate::report::source::id_and_word(line) {
                Ok(Some(pair)) => pair,
                Ok(None) => continue,
                Err(why) => {
                    return Err(format!(
                        "{at}: expected USER CATEGORY, e.g. u001 analysis, or \"an id\" analysis: {why}"
                    ));
                }
            };
            let Some(&c) = CATEGORIES.iter().find(|c| **c == category) else {
                return Err(format!(
                    "{at}: {} is not a category ({})",
                    crate::text::inert_line(&category),
                    CATEGORIES.join(", ")
                ));
            };
            match of.insert(user.clone(), c) {
                Some(before) if before != c => {
                    return Err(format!(
                        "{at}: user {} is already in category {before}; a user has one",
                        crate::text::inert_line(&user)
                    ));
                }
                _ => {}
            }
        }
        if of.is_empty() {
            return Err(format!("--category-of {file}: no USER CATEGORY lines"));
        }
        Ok(CategoryOf { file, of })
    }

    /// How the users of `all` are shared out by the file: those it gives no category, and
    /// those it lists that the fleet does not hold.
    fn sharing(&self, all: &SearchCtx) -> Sharing {
        let ids: HashSet<&str> = all
            .train
            .snaps
            .iter()
            .chain(&all.held.snaps)
            .map(|s| s.user_id.as_str())
            .collect();
        Sharing {
            file: self.file.clone(),
            unlisted_users: ids.iter().filter(|id| !self.of.contains_key(**id)).count(),
            missing_users: self.of.keys().filter(|u| !ids.contains(u.as_str())).count(),
        }
    }
}

/// How the users were shared out among the categories, as `--json` prints it.
#[derive(Serialize)]
struct Sharing {
    file: String,
    /// Users of the fleet the file gives no category: in no search.
    unlisted_users: usize,
    /// Users the file lists that the fleet does not hold.
    missing_users: usize,
}

/// Whether `--per-category` has anything to search: `category` only picks the static modules a
/// static layer shows, so without such a layer, or with modules that are the same for every
/// category, the five searches would be one search five times over: a usage error.
pub(super) fn category_matters(baseline: &Policy) -> Result<(), String> {
    let name = crate::text::inert_line(&baseline.name).into_owned();
    if baseline.layer_for(Source::Static).is_none() {
        return Err(format!(
            "--per-category: policy {name} has no static layer, so its category changes nothing (category only picks the static modules); the five searches would be the same: search once without --per-category"
        ));
    }
    let modules = |c: &str| -> Result<Vec<String>, String> {
        let p = baseline
            .clone()
            .with_overrides(&[format!("category={c}")])
            .map_err(|e| e.to_string())?;
        Ok(p.active_modules().map(|m| m.name.clone()).collect())
    };
    let first = modules(CATEGORIES[0])?;
    for c in &CATEGORIES[1..] {
        if modules(c)? != first {
            return Ok(());
        }
    }
    Err(format!(
        "--per-category: policy {name} shows the same static modules for every category, so its category changes nothing; the five searches would be the same: search once without --per-category"
    ))
}

/// `--out tuned.toml` → `tuned-analysis.toml` beside it.
fn category_path(out: &std::path::Path, category: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map_or("tuned".into(), |s| s.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}-{category}.toml"))
}

/// `--per-category`: one search per seed 003 category (the policy's `category` set to it, which
/// picks its static modules), each with the same trials (or an equal share of `--time`). With
/// `--category-of`, each category is searched on its own users only; without it, on every user.
pub(super) async fn per_category(
    all: &SearchCtx,
    args: &OptimizeArgs,
    baseline: &Policy,
    category_of: Option<&CategoryOf>,
) -> Result<(), CliError> {
    let sharing = category_of.map(|m| m.sharing(all));
    let mut outs = Vec::new();
    let mut skipped = Vec::new();
    for (i, c) in CATEGORIES.into_iter().enumerate() {
        // Stopped (Ctrl-C, SIGTERM): the categories left are listed as not searched.
        if all.cancel.load(Ordering::Relaxed) {
            skipped.push(Skipped {
                category: c,
                why: NOT_SEARCHED.into(),
            });
            continue;
        }
        let mine;
        let ctx = match category_of {
            Some(m) => {
                mine = all.only(&|id| m.of.get(id) == Some(&c));
                &mine
            }
            None => all,
        };
        if let Some(why) = no_one_to_search(ctx) {
            skipped.push(Skipped { category: c, why });
            continue;
        }
        outs.push(search_category(ctx, args, baseline, (i, c)).await?);
    }
    all.bar.finish_and_clear();
    let read = (all.train.len() + all.held.len()) as u64;
    write_answers(all, args, (&outs, &skipped), sharing.as_ref())?;
    if let Some(cut) = cut_short(&skipped) {
        return Err(cut);
    }
    if let Some(none) = nothing_searched(all, &outs) {
        return Err(none);
    }
    all.not_read
        .verdict(read, categories_missed(&outs, args.out.is_some()))
}

/// Why a category's search has no one to search on, if it has none: no user of the fleet is
/// in it, or all of its users are held out.
fn no_one_to_search(ctx: &SearchCtx) -> Option<String> {
    ctx.train.is_empty().then(|| match ctx.held.len() {
        0 => "no user of the fleet is in this category".to_string(),
        1 => "its one user is held out (--holdout)".to_string(),
        n => format!("its {n} users are all held out (--holdout)"),
    })
}

/// The search of category `c` (the `i`th): the policy's `category` set to it, an equal share of
/// `--time`, and its TOML written beside `--out`'s file (`tuned-analysis.toml`).
async fn search_category(
    ctx: &SearchCtx,
    args: &OptimizeArgs,
    baseline: &Policy,
    (i, c): (usize, &'static str),
) -> Result<CategoryOut, CliError> {
    let base = baseline
        .clone()
        .with_overrides(&[format!("category={c}")])
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let space = Space::build_within(&base, &args.free, &args.fixed, &ctx.coverage)
        .map_err(CliError::Usage)?;
    let goals = targets(&base, &args.target).map_err(CliError::Usage)?;
    let time = args.time.map(|t| t / CATEGORIES.len() as u32);
    let what = format!(
        "{} for category {c} ({} of {})",
        baseline.name,
        i + 1,
        CATEGORIES.len()
    );
    let (mut found, holdout) = ctx.search(args, &base, &what, space, goals, time).await?;
    found.policy.name = format!("{}-{c}", found.policy.name);
    let toml = tuned_toml(&found);
    let out = args.out.as_ref().map(|o| category_path(o, c));
    if let Some(path) = &out {
        crate::cli::output::write_out(path, &toml)?;
    }
    Ok(CategoryOut {
        category: c,
        found,
        holdout,
        out: out.map(|p| p.display().to_string()),
        policy_toml: toml,
    })
}

/// The answers of the searches on stdout: `--json`, or the table, then how the users were
/// shared out and the categories not searched.
fn write_answers(
    all: &SearchCtx,
    args: &OptimizeArgs,
    (outs, skipped): (&[CategoryOut], &[Skipped]),
    sharing: Option<&Sharing>,
) -> Result<(), CliError> {
    let out = &mut anstream::stdout();
    let stopped = all.cancel.load(Ordering::Relaxed);
    if args.json {
        write_json(
            out,
            &serde_json::json!({
                "stopped": stopped.then_some("interrupted"),
                "per_category": outs,
                "skipped": skipped,
                "category_of": sharing,
                "users_not_read": all.not_read,
            }),
        )
    } else {
        write_categories(out, all, args, outs, sharing.is_some())?;
        write_sharing(out, sharing, skipped)
    }
}

/// Why a category was not searched when a signal (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) stopped
/// the run: the signal is named on stderr.
const NOT_SEARCHED: &str = "stopped by a signal before it";

/// A run stopped before every category was searched: a runtime failure naming them, so a
/// script deploying the files written never takes the ones there as all of them.
fn cut_short(skipped: &[Skipped]) -> Option<CliError> {
    let left: Vec<&str> = skipped
        .iter()
        .filter(|s| s.why == NOT_SEARCHED)
        .map(|s| s.category)
        .collect();
    (!left.is_empty()).then(|| {
        CliError::Runtime(format!(
            "interrupted: {} not searched ({}); the ones searched are shown (and written with \
             --out), the last one's best so far",
            crate::text::count(left.len() as u64, "category", "categories"),
            left.join(", ")
        ))
    })
}

/// The categories whose search met no policy meeting every target, and what each misses
/// (`written`: their closest points were written, with `--out`).
fn categories_missed(outs: &[CategoryOut], written: bool) -> Option<String> {
    let missed: Vec<String> = outs
        .iter()
        .filter(|o| !o.found.feasible)
        .map(|o| format!("{}: {}", o.category, o.found.unmet.join(", ")))
        .collect();
    (!missed.is_empty()).then(|| {
        format!(
            "no policy met every target for {} ({}misses {})",
            crate::text::count(missed.len() as u64, "category", "categories"),
            if written {
                "the closest is written, marked NOT FEASIBLE; "
            } else {
                ""
            },
            missed.join("; ")
        )
    })
}

/// Every category skipped (none stopped by Ctrl-C): no policy was searched, so nothing was
/// recommended or written — a failure, not a result.
fn nothing_searched(all: &SearchCtx, outs: &[CategoryOut]) -> Option<CliError> {
    (outs.is_empty() && !all.cancel.load(Ordering::Relaxed)).then(|| {
        CliError::Runtime(
            "no category was searched: each has no user of the fleet, or all of its users are \
             held out (listed above); nothing was written"
                .into(),
        )
    })
}

/// Which users were in no search, and the categories not searched.
fn write_sharing(
    out: &mut impl Write,
    sharing: Option<&Sharing>,
    skipped: &[Skipped],
) -> Result<(), CliError> {
    let users = |n: usize| match n {
        1 => "1 user".to_string(),
        n => format!("{n} users"),
    };
    match sharing {
        Some(s) => {
            let mut said = format!("categories from {}", s.file);
            if s.unlisted_users > 0 {
                said.push_str(&format!(
                    "; {} of the fleet are in no category there, so in no search",
                    users(s.unlisted_users)
                ));
            }
            if s.missing_users > 0 {
                said.push_str(&format!(
                    "; it lists {} not in the fleet",
                    users(s.missing_users)
                ));
            }
            writeln!(out, "{}", paint(DIM, &said)).map_err(io)?;
        }
        None => writeln!(
            out,
            "{}",
            paint(
                DIM,
                "every category was searched on every user (the data holds no category per user; --category-of FILE gives one)"
            )
        )
        .map_err(io)?,
    }
    for s in skipped {
        writeln!(
            out,
            "{}",
            paint(RED, &format!("not searched: {}: {}", s.category, s.why))
        )
        .map_err(io)?;
    }
    Ok(())
}

/// The per-category answers as a table: one row per category.
fn write_categories(
    out: &mut impl Write,
    ctx: &SearchCtx,
    args: &OptimizeArgs,
    outs: &[CategoryOut],
    from_file: bool,
) -> Result<(), CliError> {
    // The split is the fleet's; what each search used is its row's USERS.
    writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &format!(
                "Optimize per category · the fleet's {}: {} to optimize on, {} held out; {} · {} search, seed {}",
                crate::text::count((ctx.train.len() + ctx.held.len()) as u64, "user", "users"),
                crate::text::thousands(ctx.train.len() as f64, 0),
                crate::text::thousands(ctx.held.len() as f64, 0),
                if from_file {
                    "each category searched on its own users (the USERS column)"
                } else {
                    "each category searched on all of them"
                },
                args.method.as_str(),
                args.seed
            )
        )
    )
    .map_err(io)?;
    let mut t = Table::new(&[
        ("CATEGORY", false),
        ("USERS (HELD OUT)", true),
        ("FEASIBLE", false),
        ("BASELINE AVG", true),
        ("BEST AVG", true),
        ("TRUNCATION", true),
        ("HELD-OUT MISSES", false),
        ("CHANGES", false),
        ("FILE", false),
    ]);
    for o in outs {
        t.row(category_row(o));
    }
    t.write(out, 2)
}

/// One category's row of the table: its users, whether its answer is feasible, the averages,
/// the held-out misses, the changes and the file written.
fn category_row(o: &CategoryOut) -> Vec<(String, anstyle::Style)> {
    let f = &o.found;
    let feasible = if f.feasible {
        ("yes".to_string(), GREEN)
    } else {
        (format!("no: {}", f.unmet.join(", ")), RED)
    };
    let changes: Vec<String> = f
        .changes
        .iter()
        .map(|c| format!("{}={}", c.key, c.to))
        .collect();
    vec![
        (o.category.to_string(), BOLD),
        (
            format!(
                "{} ({})",
                crate::text::thousands_exact(f.users_optimized as i128),
                crate::text::thousands_exact(o.holdout.as_ref().map_or(0, |h| h.users) as i128)
            ),
            Default::default(),
        ),
        feasible,
        (crate::text::thousands(f.baseline.avg_tokens, 1), DIM),
        (crate::text::thousands(f.best.metrics.avg_tokens, 1), BOLD),
        (
            format!("{:.2} %", f.best.metrics.truncation_rate * 100.0),
            Default::default(),
        ),
        (
            o.holdout.as_ref().map_or("—".into(), |h| {
                if h.unmet.is_empty() {
                    "none".into()
                } else {
                    h.unmet.join(", ")
                }
            }),
            Default::default(),
        ),
        (changes.join(" "), DIM),
        (
            o.out
                .as_deref()
                .map_or("—".into(), |p| crate::text::inert_line(p).into_owned()),
            Default::default(),
        ),
    ]
}
