//! `ctxlens users` and the no-argument summary.

use std::collections::BTreeMap;
use std::io::Write;

use super::output::{BOLD, io, paint};
use super::{CliError, Ctx};
use crate::engine::snapshot::fmt_ts;
use crate::store::UserSummary;

const PAGE: usize = 500;

/// Pages of users from `cursor` on (at most `limit` users), handed to `each` as they arrive, so
/// memory holds one page however many users there are. Returns the cursor after the last, and
/// the keys no user can own (each also a note on stderr: named, not lost without a word).
async fn pages(
    ctx: &Ctx,
    limit: Option<usize>,
    cursor: Option<String>,
    mut each: impl FnMut(&[UserSummary]) -> Result<(), CliError>,
) -> Result<(Option<String>, Vec<crate::store::Unlisted>), CliError> {
    let mut unlisted = Vec::new();
    let mut seen = 0;
    let mut cursor = cursor;
    loop {
        let want = limit.map_or(PAGE, |l| (l - seen).min(PAGE));
        let mut page = ctx.store.users(cursor.as_deref(), want).await?;
        if ctx.redact {
            let map = &ctx.engine.milestones;
            page.users
                .iter_mut()
                .for_each(|u| crate::loaded::mask_summary(u, map));
        }
        seen += page.users.len();
        each(&page.users)?;
        for key in &page.unlisted {
            crate::say!("ctxlens: note: {}", crate::store::unlisted_note(key));
        }
        unlisted.extend(page.unlisted);
        cursor = page.next_cursor;
        if cursor.is_none() || limit.is_some_and(|l| seen >= l) {
            return Ok((cursor, unlisted));
        }
    }
}

/// `users`: streamed, a line (or a JSON array element) per user.
pub async fn list(
    ctx: &Ctx,
    out: &mut impl Write,
    limit: Option<usize>,
    cursor: Option<String>,
    json: bool,
) -> Result<(), CliError> {
    let mut listing = Listing {
        json,
        user_w: None,
        first: true,
        count: 0,
        uncounted: false,
    };
    let (next, unlisted) = pages(ctx, limit, cursor, |users| {
        listing.write_page(ctx, out, users)
    })
    .await?;
    listing.head(out, &[])?;
    if json {
        return listing.write_json_end(out, next, &unlisted);
    }
    listing.write_footer(ctx, out, next)
}

/// The `users` listing as it streams: the USER column's width and what has been written.
struct Listing {
    json: bool,
    /// The USER column's width, set when the head went out.
    user_w: Option<usize>,
    /// No user written yet.
    first: bool,
    count: usize,
    /// A listing from live stores counts no sessions (it would read Redis for every user):
    /// the footer says so, and where they are.
    uncounted: bool,
}

impl Listing {
    /// The head goes out with the first page, so a cursor the store refuses prints nothing; the
    /// USER column is as wide as that page's widest id (within bounds), and stays so.
    fn head(&mut self, out: &mut impl Write, users: &[UserSummary]) -> Result<usize, CliError> {
        if let Some(w) = self.user_w {
            return Ok(w);
        }
        let w = users
            .iter()
            .map(|u| unicode_width::UnicodeWidthStr::width(&*crate::text::shown_id(&u.user_id)))
            .max()
            .unwrap_or(0)
            .clamp(USER_W.0, USER_W.1);
        self.user_w = Some(w);
        if self.json {
            write!(out, "{{\n  \"users\": [").map_err(io)?;
        } else {
            let cols = row(w, "USER", "MILESTONE", "NAME", "SESSIONS", "LAST ACTIVITY");
            writeln!(out, "{}", paint(BOLD, &cols)).map_err(io)?;
        }
        Ok(w)
    }

    /// One page of users (the head first, if not yet out), a line or a JSON element each.
    fn write_page(
        &mut self,
        ctx: &Ctx,
        out: &mut impl Write,
        users: &[UserSummary],
    ) -> Result<(), CliError> {
        let user_w = self.head(out, users)?;
        for u in users {
            if self.json {
                let sep = if self.first { "" } else { "," };
                let one = crate::engine::json::compact(u);
                write!(out, "{sep}\n    {one}").map_err(io)?;
            } else {
                let m = u
                    .current_milestone
                    .as_deref()
                    .map_or("—".to_string(), |m| ctx.engine.milestones.label(m));
                let name = u.display_name.clone().unwrap_or_default();
                self.uncounted |= u.sessions.is_none();
                let sessions = u.sessions.map_or("—".into(), |n| n.to_string());
                let last = u.last_activity.as_ref().map_or("—".into(), fmt_ts);
                let line = row(user_w, &u.user_id, &m, &name, &sessions, &last);
                writeln!(out, "{line}").map_err(io)?;
            }
            self.first = false;
            self.count += 1;
        }
        out.flush().map_err(io)
    }

    /// The JSON object's end: the array closed, the cursor after the last user, and the keys
    /// no user can own.
    fn write_json_end(
        &self,
        out: &mut impl Write,
        next: Option<String>,
        unlisted: &[crate::store::Unlisted],
    ) -> Result<(), CliError> {
        let next = serde_json::to_string(&next).map_err(|e| CliError::Runtime(e.to_string()))?;
        let close = if self.first { "]" } else { "\n  ]" };
        // Keys no user can own, named as listings name them (invalid bytes `\xHH`).
        let unlisted = match unlisted.is_empty() {
            true => String::new(),
            false => format!(
                ",\n  \"unlisted\": {}",
                serde_json::to_string(&unlisted).map_err(|e| CliError::Runtime(e.to_string()))?
            ),
        };
        writeln!(out, "{close},\n  \"next_cursor\": {next}{unlisted}\n}}").map_err(io)
    }

    /// The footer: how many users from where, sessions not counted, and the cursor for more.
    fn write_footer(
        &self,
        ctx: &Ctx,
        out: &mut impl Write,
        next: Option<String>,
    ) -> Result<(), CliError> {
        let more = next
            // Quoted for a shell (an id is anyone's text: `$(…)` must not run when pasted), then
            // made inert for the terminal.
            .map(|c| {
                format!(
                    " · more: --cursor {}",
                    crate::text::inert_line(&crate::text::shell_word(&c))
                )
            })
            .unwrap_or_default();
        super::output::write_dim_line(
            out,
            &format!(
                // The cursor last, so the line's end pastes back as one shell word.
                "{} from {}{}{more}",
                crate::text::count(self.count as u64, "user", "users"),
                ctx.store.describe(),
                if self.uncounted {
                    " · sessions and last activity (—) are not counted from live stores (inspect USER has them)"
                } else {
                    ""
                }
            ),
        )
    }
}

/// The USER column's least and most width: an id longer than the most (rare: the first page
/// sets the width) is printed whole, pushing its row's later columns right.
const USER_W: (usize, usize) = (10, 48);

/// One line of the users table, the USER column `user_w` wide and the rest fixed (so pages
/// stream without measuring); stored text made inert.
fn row(
    user_w: usize,
    user: &str,
    milestone: &str,
    name: &str,
    sessions: &str,
    last: &str,
) -> String {
    use crate::text::{fit, pad, shown_id};
    let (user, milestone) = (pad(&shown_id(user), user_w), pad(&fit(milestone, 25), 25));
    let name = pad(&fit(name, 48), 48);
    let line = format!("{user}  {milestone}  {name}  {sessions:>8}  {last}");
    line.trim_end().to_string()
}

/// What `ctxlens` with no arguments prints: the data source at a glance and where to go next.
pub async fn summary(ctx: &Ctx, out: &mut impl Write) -> Result<(), CliError> {
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    pages(ctx, None, None, |users| {
        for u in users {
            *per.entry(u.current_milestone.clone().unwrap_or_else(|| "none".into()))
                .or_default() += 1;
        }
        total += users.len();
        Ok(())
    })
    .await?;
    // Users whose milestone the map does not know (the empty one included) are counted too,
    // so the figures add up to the total.
    let elsewhere: usize = per
        .iter()
        .filter(|(m, _)| *m != "none" && !ctx.engine.milestones.contains(m))
        .map(|(_, n)| n)
        .sum();
    let title = paint(BOLD, &format!("ctxlens · {}", ctx.store.describe()));
    writeln!(out, "{title} — {total} users, policy {}", ctx.policy.name).map_err(io)?;
    let spread: Vec<String> = ctx
        .engine
        .milestones
        .ids()
        .map(|m| format!("{m}:{}", per.get(m).copied().unwrap_or(0)))
        .chain((elsewhere > 0).then(|| format!("not in the map:{elsewhere}")))
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
