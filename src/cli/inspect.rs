//! `ctxlens inspect`: a user's stored state (milestones, session keys, query, cached context),
//! the replay's layers and the findings, as text or `--json`.

use std::io::Write;

use serde::Serialize;

use super::output::{BOLD, inert_line, io, paint, preview, status_label, status_style, write_json};
use super::replay::{heading, write_as_of_line, write_layers, write_malformed};
use super::{CliError, Ctx, Selection};
use crate::engine::Assembly;
use crate::engine::milestones::{Status, completed};
use crate::engine::snapshot::fmt_ts;
use crate::loaded::{AsOfView, Loaded};
use crate::store::SessionInfo;

#[derive(Serialize)]
struct MilestoneOut<'a> {
    id: &'a str,
    name: &'a str,
    status: Status,
}

#[derive(Serialize)]
struct InspectOut<'a> {
    user_id: &'a str,
    display_name: Option<&'a str>,
    current_milestone: Option<&'a str>,
    source: String,
    milestones: Vec<MilestoneOut<'a>>,
    sessions: &'a [SessionInfo],
    session_id: Option<&'a str>,
    query: Option<&'a str>,
    cached_context: bool,
    cached_context_ttl: Option<u64>,
    /// A cached context stored but not readable (not JSON, too large, another Redis type):
    /// why, as its malformed item says.
    #[serde(skip_serializing_if = "Option::is_none")]
    cached_context_unreadable: Option<&'a str>,
    findings: &'a [crate::findings::Finding],
    /// Loaded `--at` an earlier instant: when, the milestone of then, what cannot be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<AsOfView>,
    assembly: &'a Assembly,
}

pub async fn inspect(
    ctx: &Ctx,
    out: &mut impl Write,
    user: &str,
    sel: &Selection,
    json: bool,
) -> Result<(), CliError> {
    let loaded = ctx.load_arg(user, sel).await?;
    let asm = loaded.assemble(&ctx.engine, &ctx.policy);
    // Findings compare the cache against an unmasked replay (redaction cannot fake a drift).
    let found = loaded.findings(&ctx.engine, &ctx.policy, Some(&asm));
    let snap = loaded.snapshot();
    let statuses = ctx
        .engine
        .milestones
        .statuses(snap.current_milestone.as_deref(), &completed(snap));
    let view = Inspected {
        loaded: &loaded,
        asm: &asm,
        found: &found,
        statuses: &statuses,
        // Where it was read: the file, when USER named one.
        source: super::snapshot_file(user)
            .map_or_else(|| ctx.store.describe(), crate::store::file::named),
    };
    if json {
        write_json(out, &view.json(ctx))
    } else {
        view.write(ctx, out)
    }
}

/// What `inspect` shows of one user.
struct Inspected<'a> {
    loaded: &'a Loaded,
    asm: &'a Assembly,
    found: &'a [crate::findings::Finding],
    statuses: &'a [(&'a str, Status)],
    source: String,
}

impl<'a> Inspected<'a> {
    fn json(&self, ctx: &'a Ctx) -> InspectOut<'a> {
        let (snap, data) = (self.loaded.snapshot(), self.loaded.data());
        let map = &ctx.engine.milestones;
        InspectOut {
            user_id: &snap.user_id,
            display_name: data.display_name.as_deref(),
            current_milestone: snap.current_milestone.as_deref(),
            source: self.source.clone(),
            milestones: self
                .statuses
                .iter()
                .map(|(id, status)| MilestoneOut {
                    id,
                    name: map.name(id),
                    status: *status,
                })
                .collect(),
            sessions: &data.sessions,
            session_id: snap.session_id.as_deref(),
            query: snap.query.as_deref(),
            cached_context: snap.cached_context.is_some(),
            cached_context_ttl: data.cached_context_ttl,
            cached_context_unreadable: snap.unreadable_cache().map(|m| m.reason.as_str()),
            findings: self.found,
            as_of: self.loaded.as_of(),
            assembly: self.asm,
        }
    }

    fn write(&self, ctx: &Ctx, out: &mut impl Write) -> Result<(), CliError> {
        /// Columns of a display name in the heading.
        const NAME_SHOWN: usize = 120;
        let (snap, data) = (self.loaded.snapshot(), self.loaded.data());
        let map = &ctx.engine.milestones;
        let who = data
            .display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            // A heading, not the place for a name of megabytes: `--json` has it whole.
            .map_or(String::new(), |n| {
                format!(" · {}", crate::text::fit(n, NAME_SHOWN))
            });
        let at = match snap.current_milestone.as_deref() {
            None => "no journey".to_string(),
            Some(m) if m.trim().is_empty() => "at no milestone (empty)".to_string(),
            Some(m) => format!("at {}", map.label(m)),
        };
        let title = format!(
            "{}{who} · {at} · {}",
            crate::text::shown_id(&snap.user_id),
            self.source
        );
        writeln!(out, "{}", paint(BOLD, &inert_line(&title))).map_err(io)?;
        write_as_of_line(out, self.loaded.as_of().as_ref())?;
        let marks: Vec<String> = self
            .statuses
            .iter()
            .map(|(id, s)| {
                let mark = format!("{id} {}", status_label(*s));
                paint(status_style(*s), &inert_line(&mark))
            })
            .collect();
        writeln!(out, "milestones  {}", marks.join("  ")).map_err(io)?;
        self.write_sources(out)?;
        writeln!(out).map_err(io)?;
        writeln!(out, "{}", paint(BOLD, &heading(self.asm, snap))).map_err(io)?;
        write_layers(out, self.asm)?;
        write_malformed(out, &self.asm.malformed)?;
        write_findings(out, self.found)
    }

    /// Sessions (which one is read), the query and the cached context.
    fn write_sources(&self, out: &mut impl Write) -> Result<(), CliError> {
        self.write_sessions(out)?;
        let snap = self.loaded.snapshot();
        let query = snap.query.as_deref().map_or("—".into(), |q| preview(q, 90));
        writeln!(out, "query       {query}").map_err(io)?;
        writeln!(out, "cached      {}", self.cache_line()).map_err(io)
    }

    /// One line per session key (which one is read marked); past [`SESSIONS_LISTED`], the rest
    /// counted.
    fn write_sessions(&self, out: &mut impl Write) -> Result<(), CliError> {
        let (snap, data) = (self.loaded.snapshot(), self.loaded.data());
        let read = |s: &&SessionInfo| Some(&s.session_id) == snap.session_id.as_ref();
        // A user with thousands of session keys: the first ones and the one read, the rest
        // counted (`--json` lists every one).
        let shown: Vec<_> = data
            .sessions
            .iter()
            .enumerate()
            .filter(|(i, s)| *i < SESSIONS_LISTED || read(s))
            .map(|(_, s)| s)
            .collect();
        for s in shown.iter().copied() {
            let chosen = if Some(&s.session_id) == snap.session_id.as_ref() {
                " ← read"
            } else {
                ""
            };
            let ttl = match (s.ttl, s.ttl_read) {
                (Some(t), _) => format!("TTL {t} s"),
                (None, true) => "no TTL".into(),
                (None, false) => "TTL not read".into(),
            };
            let newest = s.newest.as_ref().map_or("—".into(), fmt_ts);
            let malformed = match s.malformed {
                0 => String::new(),
                n => format!(", {n} malformed"),
            };
            writeln!(
                out,
                "session     {} · {}{malformed} · {ttl} · newest {newest}{chosen}",
                inert_line(&s.key),
                crate::text::count(s.turns as u64, "turn", "turns")
            )
            .map_err(io)?;
        }
        if let Some(more) = data
            .sessions
            .len()
            .checked_sub(shown.len())
            .filter(|n| *n > 0)
        {
            writeln!(
                out,
                "session     … and {} (--json lists every one)",
                crate::text::count(more as u64, "more session", "more sessions")
            )
            .map_err(io)?;
        }
        Ok(())
    }

    /// The cached context: present (and its TTL), present but unreadable (and why), or none.
    fn cache_line(&self) -> String {
        let (snap, data) = (self.loaded.snapshot(), self.loaded.data());
        // A snapshot file holds no TTLs: unknown there, not "no TTL".
        let no_ttl = if data.ttls_known {
            "no TTL"
        } else {
            "TTL unknown (a snapshot file holds no TTLs)"
        };
        let ttl_of =
            |ttl: Option<u64>, none: &str| ttl.map_or(none.into(), |t| format!("TTL {t} s"));
        // Read from the stored value (the shown copy is masked under --redact, and masked
        // figures are no cache entry).
        match (self.loaded.cached_summary(), data.cached_context_ttl) {
            (Some(Ok(_)), ttl) => format!("present · {}", ttl_of(ttl, no_ttl)),
            // Read as JSON but not as a cache entry (a snapshot file edited by hand): unreadable.
            (Some(Err(why)), ttl) => format!(
                "present, unreadable ({}) · {}",
                preview(&why, 90),
                ttl_of(ttl, no_ttl)
            ),
            // Stored, but not readable: not the same as none (an empty or expired cache).
            (None, ttl) => match snap.unreadable_cache() {
                Some(m) => format!(
                    "present, unreadable ({}) · {}",
                    preview(&m.reason, 90),
                    ttl_of(
                        ttl,
                        if data.cached_context_ttl_read {
                            no_ttl
                        } else {
                            "TTL not read"
                        }
                    )
                ),
                None => "none".into(),
            },
        }
    }
}

fn write_findings(
    out: &mut impl Write,
    found: &[crate::findings::Finding],
) -> Result<(), CliError> {
    if found.is_empty() {
        return Ok(());
    }
    let title = format!("findings ({})", found.len());
    writeln!(out, "\n{}", paint(super::output::YELLOW.bold(), &title)).map_err(io)?;
    // A finding repeated on many sources (thousands of keys without a TTL) is listed on its
    // first few and counted for the rest, the findings in the order each first comes.
    let mut runs: Vec<Vec<&crate::findings::Finding>> = Vec::new();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for f in found {
        match at.get(f.message.as_str()) {
            Some(&i) => runs[i].push(f),
            None => {
                at.insert(&f.message, runs.len());
                runs.push(vec![f]);
            }
        }
    }
    for run in &runs {
        for f in run.iter().take(FINDING_SOURCES_LISTED) {
            super::output::write_sourced(out, &f.source, &f.message)?;
        }
        if let Some(more) = run
            .len()
            .checked_sub(FINDING_SOURCES_LISTED)
            .filter(|n| *n > 0)
        {
            let what = crate::text::count(more as u64, "more source", "more sources");
            writeln!(
                out,
                "  … and {what} with the same finding (--json lists every one)"
            )
            .map_err(io)?;
        }
    }
    Ok(())
}

/// The session keys `inspect` lists at most (besides the one read).
const SESSIONS_LISTED: usize = 20;

/// The sources one repeated finding is listed on in `inspect`'s text.
const FINDING_SOURCES_LISTED: usize = 3;
