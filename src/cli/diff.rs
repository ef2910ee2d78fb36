//! `ctxlens diff A B`: two contexts compared item by item and line by line, and the first cause
//! of the difference, found by replaying subsets of the input changes (delta debugging).

mod show;

use std::io::Write;

use super::{CliError, Ctx, Selection};
use crate::engine::Policy;
use crate::engine::snapshot::fmt_ts;
use crate::loaded::Loaded;
use crate::store::KnowledgeParams;
pub use show::{Side, diff};

/// `ctxlens diff`'s arguments.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// A snapshot file (`ctxlens snapshot` output: a path or a `.json` name, `./NAME` for a bare
    /// one) or a user id.
    a: String,
    /// A second snapshot file or user id [default: A again, under --against].
    b: Option<String>,
    /// The second side's policy: a preset or a TOML file [default: --policy].
    #[arg(long, value_name = "PRESET|FILE")]
    against: Option<String>,
    /// Override a key of the second side's policy (repeatable), as --set does for the first.
    #[arg(long = "against-set", value_name = "KEY=VALUE")]
    against_sets: Vec<String>,
    /// Reconstruct A as of this instant (RFC 3339 or epoch seconds), as `inspect --at` does; given twice, B as of
    /// the second [default: B as stored now]. `diff USER --at T` is what changed since T.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = super::parse_now, num_args = 1, action = clap::ArgAction::Append)]
    at: Vec<chrono::DateTime<chrono::Utc>>,
    /// Read this session instead of the one with the newest turn.
    #[arg(long, value_name = "ID")]
    session: Option<String>,
    /// Search knowledge with this text instead of the newest user turn.
    #[arg(long, value_name = "TEXT", value_parser = super::non_blank)]
    query: Option<String>,
    /// Replay the data as stored now with the clock at this instant (RFC 3339 or epoch seconds); with one
    /// --at, B's clock (seeded stores: the data's present). Not with two --at. A snapshot file
    /// side is then replayed at it too, not at the clock it was written with (as `replay FILE
    /// --now` is): the header shows the clock each side was replayed at.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = super::parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// Print JSON (exact data, stable across runs) instead of text.
    #[arg(long)]
    json: bool,
}

/// Loads both sides as the arguments ask and prints the comparison.
pub async fn diff_cmd(ctx: &Ctx, out: &mut impl Write, args: &DiffArgs) -> Result<(), CliError> {
    refuse_bad_args(args)?;
    let policy_b = policy_b(ctx, args)?;
    let b_arg = args.b.as_deref().unwrap_or(&args.a);
    // A file a person wrote, compared with a stored user, says whether each of its turns and
    // rows is the stored one: under --redact that would confirm guesses at the hidden text.
    let file = |arg: &str| super::snapshot_file(arg).is_some();
    if ctx.redact && file(&args.a) != file(b_arg) {
        return Err(CliError::Usage(
            "diff --redact compares two stored users or two snapshot files, not a file with a \
             stored user: the comparison would confirm guesses at the text it hides"
                .into(),
        ));
    }
    let (mut a, mut b) = if b_arg == args.a && args.at.is_empty() {
        // One context under two policies: read once, so the policy is the only input change.
        one_context_two_policies(ctx, &args.a, &args.selection(None), policy_b).await?
    } else {
        two_contexts(ctx, args, policy_b).await?
    };
    name_sides(args, &mut a, &mut b);
    diff(ctx, out, &a, &b, args.json)
}

/// The arguments that cannot make a diff: nothing to compare, `--now` with two `--at`, more
/// than two `--at`.
fn refuse_bad_args(args: &DiffArgs) -> Result<(), CliError> {
    if args.b.is_none()
        && args.against.is_none()
        && args.against_sets.is_empty()
        && args.at.is_empty()
    {
        return Err(CliError::Usage(
            "diff needs two contexts: A B (snapshot files or users), A with --at T (then and \
             now), or A with --against POLICY or --against-set KEY=VALUE"
                .into(),
        ));
    }
    if args.now.is_some() && args.at.len() == 2 {
        return Err(CliError::Usage(
            "diff --now sets B's clock when only A has --at; with two --at each side is read as \
             of its own instant: drop --now or the second --at"
                .into(),
        ));
    }
    if args.at.len() > 2 {
        return Err(CliError::Usage(format!(
            "diff takes --at at most twice (A's instant, then B's), not {} times",
            args.at.len()
        )));
    }
    Ok(())
}

impl DiffArgs {
    /// What a side reads, as of `at` if given.
    fn selection(&self, at: Option<&chrono::DateTime<chrono::Utc>>) -> Selection {
        // --now is the clock of a side read as stored now, never of one read as of an instant.
        Selection {
            session: self.session.clone(),
            query: self.query.clone(),
            now: if at.is_some() { None } else { self.now },
            at: at.copied(),
        }
    }
}

/// B's policy: `--against` (or the command's policy) with the `--against-set` overrides.
fn policy_b(ctx: &Ctx, args: &DiffArgs) -> Result<Policy, CliError> {
    // An override of B's policy is named as given: `--against-set`, not `--set`.
    let against = |e: crate::engine::PolicyError| match e {
        crate::engine::PolicyError::Override { arg, message } => {
            CliError::Usage(format!("policy error: --against-set {arg}: {message}"))
        }
        e => e.into(),
    };
    match &args.against {
        Some(p) => crate::config::load_policy(p, &args.against_sets),
        None => ctx.policy.clone().with_overrides(&args.against_sets),
    }
    .map_err(against)
}

/// A and B read each on its own (two files or users, or one as of two instants): A under the
/// command's policy, B under `policy_b`.
async fn two_contexts(
    ctx: &Ctx,
    args: &DiffArgs,
    policy_b: Policy,
) -> Result<(Side, Side), CliError> {
    let b_arg = args.b.as_deref().unwrap_or(&args.a);
    // Two users read now from live stores: one clock for both, so the instant between the
    // two reads is not a change (`clock moved` by milliseconds).
    let clock =
        (args.at.is_empty() && args.now.is_none() && ctx.store.wall_clock()).then(chrono::Utc::now);
    let pick = |arg: &str, at| {
        let mut s = args.selection(at);
        if super::snapshot_file(arg).is_none() {
            s.now = s.now.or(clock);
        }
        s
    };
    let a = side(
        ctx,
        &args.a,
        &pick(&args.a, args.at.first()),
        ctx.policy.clone(),
    )
    .await?;
    Ok((
        a,
        side(ctx, b_arg, &pick(b_arg, args.at.get(1)), policy_b).await?,
    ))
}

/// Each side's source as the heading names it: A as of its instant, B as of its own, under
/// `--against`, or now (a file: as written).
fn name_sides(args: &DiffArgs, a: &mut Side, b: &mut Side) {
    let b_arg = args.b.as_deref().unwrap_or(&args.a);
    if let Some(t) = args.at.first() {
        a.source = format!("{} as of {}", crate::text::shown_id(&args.a), fmt_ts(t));
    }
    let mut how: Vec<String> = args
        .at
        .get(1)
        .map(|t| format!("as of {}", fmt_ts(t)))
        .into_iter()
        .collect();
    // B's policy is said whenever it is not A's, B named or not.
    how.extend(args.against.iter().map(|p| format!("under {p}")));
    // One `under --against-set A B`, however many there are.
    if !args.against_sets.is_empty() {
        how.push(format!(
            "under --against-set {}",
            args.against_sets.join(" ")
        ));
    }
    if args.b.is_none() && how.is_empty() {
        how.push(match (args.now, args.at.first()) {
            (Some(t), Some(_)) => format!("as stored, with the clock at {}", fmt_ts(&t)),
            // A file is as it was written: at its own clock, not now.
            _ if super::snapshot_file(b_arg).is_some() => format!(
                "as written (its clock {})",
                fmt_ts(&b.loaded.snapshot().now)
            ),
            _ => "now".into(),
        });
    }
    if !how.is_empty() {
        b.source = format!("{} {}", crate::text::shown_id(b_arg), how.join(" "));
    }
}

/// Loads one side: a snapshot file when `arg` names one, else a user of the store, its
/// knowledge searched as `policy` asks.
async fn side(ctx: &Ctx, arg: &str, sel: &Selection, policy: Policy) -> Result<Side, CliError> {
    let loaded = if let Some(path) = super::snapshot_file(arg) {
        ctx.load_file(path, sel)?
    } else {
        let mut one = load_user(ctx, arg, sel, &[KnowledgeParams::of(&policy)]).await?;
        one.pop()
            .ok_or_else(|| CliError::Runtime(format!("{arg}: nothing loaded")))?
    };
    Ok(Side {
        // Named as ids are listed (the empty id is `""`), as a label: `user_id` is the data.
        source: crate::text::shown_id(arg).into_owned(),
        loaded,
        policy,
    })
}

/// One file or user read once, under the command's policy and under `policy_b`. A user's
/// knowledge is searched once, wide enough for both policies (the lower threshold, the higher
/// limit), and both sides replay that one snapshot: the hits a wider search fetches are the
/// policy change's doing, not rows added to the store. Only policies that filter knowledge by
/// milestone differently search twice.
async fn one_context_two_policies(
    ctx: &Ctx,
    arg: &str,
    sel: &Selection,
    policy_b: Policy,
) -> Result<(Side, Side), CliError> {
    let (a, b) = if let Some(path) = super::snapshot_file(arg) {
        let loaded = ctx.load_file(path, sel)?;
        (loaded.clone(), loaded)
    } else {
        let (pa, pb) = (
            KnowledgeParams::of(&ctx.policy),
            KnowledgeParams::of(&policy_b),
        );
        let params = if pa.same_milestone_only == pb.same_milestone_only {
            vec![KnowledgeParams {
                similarity_threshold: pa.similarity_threshold.min(pb.similarity_threshold),
                limit: pa.limit.max(pb.limit),
                same_milestone_only: pa.same_milestone_only,
            }]
        } else {
            vec![pa, pb]
        };
        let mut both = load_user(ctx, arg, sel, &params).await?.into_iter();
        match (both.next(), both.next()) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a.clone(), a),
            _ => return Err(CliError::Runtime(format!("{arg}: nothing loaded"))),
        }
    };
    let side = |loaded, policy| Side {
        // Named as ids are listed (the empty id is `""`), as a label: `user_id` is the data.
        source: crate::text::shown_id(arg).into_owned(),
        loaded,
        policy,
    };
    Ok((side(a, ctx.policy.clone()), side(b, policy_b)))
}

/// A user of the store; when there is none, the error says what `arg` names on disk
/// ([`super::not_a_user`]).
async fn load_user(
    ctx: &Ctx,
    arg: &str,
    sel: &Selection,
    params: &[KnowledgeParams],
) -> Result<Vec<Loaded>, CliError> {
    ctx.load_each(arg, sel, params)
        .await
        .map_err(|e| super::not_a_user(arg, e))
}
