//! `ctxlens users` and the no-argument summary.

use std::collections::BTreeMap;
use std::io::Write;

use super::output::{BOLD, DIM, Table, io, paint, write_json};
use super::{CliError, Ctx};
use crate::engine::snapshot::fmt_ts;
use crate::store::{UserPage, UserSummary};

const PAGE: usize = 500;

/// Every user from `cursor` on (at most `limit`), page by page.
async fn collect(
    ctx: &Ctx,
    limit: Option<usize>,
    cursor: Option<String>,
) -> Result<UserPage, CliError> {
    let mut users: Vec<UserSummary> = Vec::new();
    let mut cursor = cursor;
    loop {
        let want = limit.map_or(PAGE, |l| (l - users.len()).min(PAGE));
        let page = ctx.store.users(cursor.as_deref(), want).await?;
        users.extend(page.users);
        cursor = page.next_cursor;
        if cursor.is_none() || limit.is_some_and(|l| users.len() >= l) {
            return Ok(UserPage {
                users,
                next_cursor: cursor,
            });
        }
    }
}

pub async fn list(
    ctx: &Ctx,
    out: &mut impl Write,
    limit: Option<usize>,
    cursor: Option<String>,
    json: bool,
) -> Result<(), CliError> {
    let page = collect(ctx, limit, cursor).await?;
    if json {
        return write_json(out, &page);
    }
    let mut t = Table::new(&[
        ("USER", false),
        ("MILESTONE", false),
        ("NAME", false),
        ("SESSIONS", true),
        ("LAST ACTIVITY", false),
    ]);
    for u in &page.users {
        let m = u.current_milestone.as_deref().map_or("—".to_string(), |m| {
            format!("{m} {}", ctx.engine.milestones.name(m))
        });
        t.row(vec![
            (u.user_id.clone(), BOLD),
            (m, Default::default()),
            (
                u.display_name.clone().unwrap_or_default(),
                Default::default(),
            ),
            (
                u.sessions.map_or("—".into(), |n| n.to_string()),
                Default::default(),
            ),
            (
                u.last_activity
                    .as_ref()
                    .map(fmt_ts)
                    .unwrap_or_else(|| "—".into()),
                DIM,
            ),
        ]);
    }
    t.write(out, 0)?;
    let more = page
        .next_cursor
        .map(|c| format!(" · more: --cursor {c}"))
        .unwrap_or_default();
    writeln!(
        out,
        "{}",
        paint(
            DIM,
            &format!(
                "{} users from {}{more}",
                page.users.len(),
                ctx.store.describe()
            )
        )
    )
    .map_err(io)
}

/// What `ctxlens` with no arguments prints: the data source at a glance and where to go next.
pub async fn summary(ctx: &Ctx, out: &mut impl Write) -> Result<(), CliError> {
    let page = collect(ctx, None, None).await?;
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for u in &page.users {
        *per.entry(u.current_milestone.clone().unwrap_or_else(|| "none".into()))
            .or_default() += 1;
    }
    writeln!(
        out,
        "{} — {} users, policy {}",
        paint(BOLD, &format!("ctxlens · {}", ctx.store.describe())),
        page.users.len(),
        ctx.policy.name
    )
    .map_err(io)?;
    let spread: Vec<String> = ctx
        .engine
        .milestones
        .ids()
        .map(|m| format!("{m}:{}", per.get(m).copied().unwrap_or(0)))
        .chain(per.get("none").map(|n| format!("no journey:{n}")))
        .collect();
    writeln!(out, "users by milestone  {}", spread.join("  ")).map_err(io)?;
    writeln!(out).map_err(io)?;
    writeln!(
        out,
        "Try:  ctxlens users · ctxlens replay u001 · ctxlens inspect u001 · ctxlens graph u001"
    )
    .map_err(io)?;
    writeln!(out, "Help: ctxlens --help").map_err(io)
}
