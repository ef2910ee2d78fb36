//! A report's figures as sections of rows — one layout that the text table, markdown, CSV and
//! the TUI's Report screen all render — and the renderers themselves.

use std::fmt::Write as _;

pub use super::cells::{Cell, Section, Tone, thousands};
use super::run::{INTERRUPTED, Stopped};
use super::{Metric, PolicySummary, Summary};
use tables::{cache, keeps_all, milestones, tokens};

fn metric_cell(key: &str, m: Metric) -> Cell {
    let Some(v) = m.value else {
        return Cell::none();
    };
    // With the digits the unrounded figure takes not to read as an edge it is not on.
    let shown = beside_edges(m.exact.unwrap_or(v), key);
    match m.pass {
        Some(true) => Cell::num(format!("{shown} ✓"), v).tone(Tone::Pass),
        Some(false) => Cell::num(format!("{shown} ✗"), v).tone(Tone::Fail),
        None => Cell::num(shown, v),
    }
}

/// The edges of seed 003's target of `key` (see [`super::summary::MONITORING`]).
fn edges(key: &str) -> Vec<f64> {
    use super::{AVG_TOKENS_TARGET, RAG_HIT_TARGET, STATIC_SHARE_TARGET, TRUNCATION_TARGET};
    match key {
        "avg_context_tokens" => vec![AVG_TOKENS_TARGET],
        "static_share" => vec![STATIC_SHARE_TARGET.0, STATIC_SHARE_TARGET.1],
        "rag_hit_rate" => vec![RAG_HIT_TARGET],
        "truncation_rate" => vec![TRUNCATION_TARGET],
        _ => vec![],
    }
}

/// `v` as the report shows `key`'s figure (one decimal), with as many more decimals as it takes
/// (up to four) not to read as a target's edge it is not: `79.96 %`, not `80.0 % ✗`. A value
/// on the edge itself says so: `80.0 % (= target)`.
pub fn beside_edges(v: f64, key: &str) -> String {
    let at = |x: f64, d: usize| {
        if key == "avg_context_tokens" {
            thousands(x, d)
        } else {
            format!("{:.d$} %", x * 100.0)
        }
    };
    let edges = edges(key);
    if edges.contains(&v) {
        return format!("{} (= target)", at(v, 1));
    }
    (1..=4)
        .map(|d| at(v, d))
        .enumerate()
        .find(|(i, shown)| *i == 3 || edges.iter().all(|e| at(*e, i + 1) != *shown))
        .map_or_else(|| at(v, 1), |(_, shown)| shown)
}

fn verdict(m: Metric) -> Cell {
    match m.pass {
        Some(true) => Cell::text("pass").tone(Tone::Pass),
        Some(false) => Cell::text("fail").tone(Tone::Fail),
        None => Cell::none(),
    }
}

fn policy_label(p: &PolicySummary) -> String {
    format!(
        "{} ({}, {}, {} tokens)",
        p.policy,
        p.tokenizer,
        p.strategy,
        thousands(f64::from(p.total_budget), 0)
    )
}

/// A total's change: `2,623 → 6,295 (+3,672)`.
pub fn change(before: usize, after: usize) -> String {
    let d = after as f64 - before as f64;
    let sign = if d >= 0.0 { "+" } else { "" };
    format!(
        "{} → {} ({sign}{})",
        thousands(before as f64, 0),
        thousands(after as f64, 0),
        thousands(d, 0)
    )
}

/// `1 user`, `3 users`.
pub fn users_n(n: u64) -> String {
    crate::text::count(n, "user", "users")
}

/// The report's headline lines (source, users, policies).
pub fn headline(s: &Summary) -> Vec<String> {
    let why = match &s.stopped {
        Some(st) if st.outage => "a store went away",
        Some(st) if st.cause != INTERRUPTED => "the users list could not be read",
        _ => "interrupted",
    };
    let users = match (s.partial, s.users_total) {
        (true, Some(t)) => format!(
            "{} of {} users — PARTIAL ({why})",
            crate::text::thousands(s.users as f64, 0),
            crate::text::thousands(t as f64, 0)
        ),
        (true, None) => format!("{} — PARTIAL ({why})", users_n(s.users)),
        (false, _) => users_n(s.users),
    };
    // A sample is the first caveat of every figure: on a line of its own, never cut off the
    // end of the title on a narrow screen.
    let (source, sample) = match s.source.split_once(super::run::SAMPLED) {
        Some((source, sample)) => (source, Some(format!("a random sample of {sample}"))),
        None => (s.source.as_str(), None),
    };
    let mut lines = vec![format!("Fleet report · {source} · {users}")];
    lines.extend(sample);
    if let Some(st) = &s.stopped {
        lines.push(partial_line(st));
    }
    lines.push(format!("candidate: {}", policy_label(&s.candidate)));
    if let Some(b) = &s.baseline {
        lines.push(format!("baseline:  {}", policy_label(b)));
    }
    if s.errors.count > 0 {
        lines.push(format!(
            "{} could not be read (listed at the end)",
            users_n(s.errors.count)
        ));
    }
    if !s.outside_map.is_empty() {
        let listed: Vec<String> = s
            .outside_map
            .iter()
            .take(5)
            // Cut as the tables cut a milestone (`--json` lists each whole).
            .map(|(m, n)| {
                let m = crate::text::fit_middle(m, super::cells::ID_COLUMNS);
                format!("{m} ({n})")
            })
            .collect();
        let more = s.outside_map.len().saturating_sub(5);
        lines.push(format!(
            "at milestones the map does not have: {}{}: their journey rows score as `other`",
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if s.unreadable.items > 0 {
        lines.push(format!(
            "{} in {} unreadable: replayed without them (listed at the end)",
            crate::text::count(s.unreadable.items, "item", "items"),
            users_n(s.unreadable.users)
        ));
    }
    if !s.ambiguous_keys.is_empty() {
        lines.push(format!(
            "{} that more than one user could own: read as no one's (listed at the end)",
            crate::text::count(s.ambiguous_keys.len() as u64, "Redis key", "Redis keys")
        ));
    }
    lines
}

/// `PARTIAL: {cause}; N users not read` (`at least N` when listing stopped too).
pub fn partial_line(st: &Stopped) -> String {
    format!("PARTIAL: {}; {}", st.cause, not_read(st))
}

/// `N users not read`; when the listing stopped too, the users it had not listed yet are not
/// read either, however many there are.
pub fn not_read(st: &Stopped) -> String {
    let n = thousands(st.not_read as f64, 0);
    match (st.not_read_lower_bound, st.not_read) {
        (false, _) => format!("{n} users not read"),
        (true, 0) => {
            "every user not listed yet not read (how many is not known: the listing stopped too)"
                .into()
        }
        (true, _) => format!(
            "{n} users listed and every user not listed yet not read (how many more is not \
             known: the listing stopped too)"
        ),
    }
}

/// The policies a report compares, named: the baseline (when there is one), then the candidate.
fn sides(s: &Summary) -> Vec<(&'static str, &PolicySummary)> {
    s.baseline
        .iter()
        .map(|b| ("baseline", b))
        .chain([("candidate", &s.candidate)])
        .collect()
}

/// Every section of the report, in reading order.
pub fn sections(s: &Summary) -> Vec<Section> {
    let mut out = vec![monitoring(s)];
    let sides = sides(s);
    for (side, p) in &sides {
        out.push(tokens(side, p, sides.len() > 1));
    }
    if s.candidate.layers.iter().any(|l| l.keeps_all.is_some()) {
        out.push(keeps_all(&s.candidate));
    }
    out.push(cache(&sides));
    if s.duplicates_found {
        out.push(duplicates::duplicates(s));
        if !s.duplicated_users.is_empty() {
            out.push(duplicates::duplicated_users(s));
        }
    }
    out.push(milestones(s));
    out.extend(super::dead::sections(s));
    if let Some(c) = &s.changes {
        out.extend(super::changes::sections(c));
    }
    if s.errors.count > 0 {
        let more = s.errors.count.saturating_sub(s.errors.first.len() as u64);
        out.push(Section {
            key: "errors",
            title: format!("Users not read ({})", s.errors.count),
            columns: vec![("message", "user or file: why".into(), false)],
            rows: first_rows(&s.errors.first, (more > 0).then(|| format!("{more} more"))),
        });
    }
    if s.unreadable.items > 0 {
        out.push(unreadable(&s.unreadable));
    }
    if !s.ambiguous_keys.is_empty() {
        out.push(Section {
            key: "ambiguous_keys",
            title: format!(
                "Ambiguous keys ({}; user ids may contain ':', so a key of one may be named like \
                 another's: read as no one's)",
                s.ambiguous_keys.len()
            ),
            columns: vec![("message", "key: whose it could be".into(), false)],
            rows: first_rows(&s.ambiguous_keys, None),
        });
    }
    out
}

/// The first few messages kept, one row each, and `… and {more}` (`N more`) when there were more:
/// counted, not left out without a word.
fn first_rows(first: &[String], more: Option<String>) -> Vec<(String, Vec<Cell>)> {
    let mut rows: Vec<(String, Vec<Cell>)> = first
        .iter()
        .enumerate()
        .map(|(i, m)| (i.to_string(), vec![Cell::text(m.clone()).tone(Tone::Fail)]))
        .collect();
    if let Some(more) = more {
        rows.push((
            "more".into(),
            vec![Cell::text(format!("… and {more}")).tone(Tone::Dim)],
        ));
    }
    rows
}

/// Items that could not be read: the first user's first item of each of the first users, and
/// how many more (`inspect USER` names each of a user's).
fn unreadable(u: &super::summary::Unreadable) -> Section {
    let more = u.users.saturating_sub(u.first.len() as u64);
    let rows = first_rows(
        &u.first,
        (more > 0).then(|| format!("{} more (--json lists every one)", users_n(more))),
    );
    Section {
        key: "unreadable",
        title: format!(
            "Unreadable data ({} in {}; inspect USER names each)",
            crate::text::count(u.items, "item", "items"),
            users_n(u.users)
        ),
        columns: vec![("message", "user: first item: why".into(), false)],
        rows,
    }
}

fn monitoring(s: &Summary) -> Section {
    let mut columns = vec![
        ("metric", "Metric".to_string(), false),
        ("target", "Target".to_string(), false),
    ];
    if s.baseline.is_some() {
        columns.push(("baseline", "Baseline".into(), true));
    }
    columns.push(("candidate", "Candidate".into(), true));
    columns.push(("status", "Status".into(), false));
    let rows = s
        .monitoring
        .iter()
        .map(|m| {
            let mut cells = vec![Cell::text(m.label.clone()), Cell::text(m.target.clone())];
            if let Some(b) = m.baseline {
                cells.push(metric_cell(&m.metric, b));
            }
            cells.push(metric_cell(&m.metric, m.candidate));
            cells.push(verdict(m.candidate));
            (m.metric.clone(), cells)
        })
        .collect();
    Section {
        key: "monitoring",
        title: "Monitoring (seed 003 targets)".into(),
        columns,
        rows,
    }
}

/// Markdown: the headline, then each section as a GitHub table.
pub fn markdown(s: &Summary) -> String {
    let mut out = String::new();
    let head = headline(s);
    let _ = writeln!(out, "# {}\n", md_escape(&head[0]));
    for line in &head[1..] {
        let _ = writeln!(out, "- {}", md_escape(line));
    }
    for sec in sections(s) {
        // A title names policies (a name is text from a file): inert, like every cell.
        let _ = writeln!(out, "\n## {}\n", md_escape(&sec.title));
        let cells: Vec<String> = sec.columns.iter().map(|c| md_escape(&c.1)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        let rule: Vec<&str> = sec
            .columns
            .iter()
            .map(|c| if c.2 { "---:" } else { "---" })
            .collect();
        let _ = writeln!(out, "| {} |", rule.join(" | "));
        for (_, row) in &sec.rows {
            let cells: Vec<String> = row.iter().map(|c| md_escape(&c.shown)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        if sec.rows.is_empty() {
            let _ = writeln!(out, "\n_none_");
        }
    }
    out
}

/// A markdown cell: inert (user ids, titles and messages are stored text) and literal: every
/// character that can open markup in a table cell (links, emphasis, code spans, HTML, entities,
/// the cell's own `|`) backslash-escaped, so a viewer shows the text as it is stored.
fn md_escape(s: &str) -> String {
    let inert = crate::text::inert_line(s);
    let mut out = String::with_capacity(inert.len());
    let mut chars = inert.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        // `<` opens HTML or an autolink only before a letter, `/`, `!` or `?`, and `&` an
        // entity only before a letter or `#`: `< 2500` stays as it reads.
        let opens = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => true,
            '<' => next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?'),
            '&' => next.is_ascii_alphanumeric() || next == '#',
            _ => false,
        };
        if opens {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// CSV in long form, one value per line: `section,row,column,value` (values unformatted).
/// A CSV cell a spreadsheet will not run: text that starts as a formula does (`=`, `+`, `-`,
/// `@`, a tab or a CR; a user id or a knowledge title may) gets a leading `'`, which spreadsheets
/// read as "text". Numbers (`-0.5`, `+3`) in a value cell stay as they are; in a text cell (a
/// section, row or column: a user id `-1e5`) they are text too, or a spreadsheet reads a number.
/// A word Rust reads as a number but a spreadsheet does not (`-inf`, `-NaN`, `+infinity`: a
/// knowledge title may be one) is text.
fn spreadsheet_safe(cell: &str, text: bool) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.parse::<f64>().is_ok_and(f64::is_finite);
    if formula && (text || !number) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

pub fn csv(s: &Summary) -> String {
    let mut out = CsvLines::new();
    out.line(["section", "row", "column", "value"]);
    csv_run(&mut out, s);
    csv_monitoring(&mut out, s);
    for sec in sections(s).into_iter().skip(1) {
        for (key, row) in &sec.rows {
            for ((col, _, _), cell) in sec.columns.iter().zip(row).skip(1) {
                out.line([sec.key, key, col, &cell.raw]);
            }
        }
    }
    out.finish()
}

/// A CSV being written to memory, a line of four fields at a time.
struct CsvLines(csv::Writer<Vec<u8>>);

impl CsvLines {
    fn new() -> Self {
        CsvLines(
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new()),
        )
    }

    /// Writes one line. Writing to memory cannot fail; a field is made inert (a report may be
    /// read on a terminal) and safe to open in a spreadsheet.
    fn line(&mut self, f: [&str; 4]) {
        let _ = self.0.write_record(
            f.iter()
                .enumerate()
                .map(|(i, c)| spreadsheet_safe(&crate::text::inert_line(c), i < 3).into_owned()),
        );
    }

    /// The text written.
    fn finish(self) -> String {
        let bytes = self.0.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// The CSV's `run` lines (and the users and keys they count): source, users, failures,
/// unreadable data, ambiguous keys, a stop and the policies.
fn csv_run(out: &mut CsvLines, s: &Summary) {
    out.line(["run", "", "source", &s.source]);
    out.line(["run", "", "users", &s.users.to_string()]);
    out.line(["run", "", "partial", &s.partial.to_string()]);
    // Users whose own data could not be read or replayed: counted, and each one's error (as
    // the other formats list). Users a stopped run never reached are `not_read`, below.
    out.line(["run", "", "users_failed", &s.errors.count.to_string()]);
    for (i, e) in s.errors.first.iter().enumerate() {
        out.line(["failed", &(i + 1).to_string(), "error", e]);
    }
    // Past the first few, counted only (as the other forms say "… and N more").
    if s.errors.count > s.errors.first.len() as u64 {
        let listed = s.errors.first.len().to_string();
        out.line(["run", "", "users_failed_listed", &listed]);
    }
    // Data of users read that could not be read itself: counted, and each user's first item.
    out.line([
        "run",
        "",
        "unreadable_items",
        &s.unreadable.items.to_string(),
    ]);
    out.line([
        "run",
        "",
        "unreadable_users",
        &s.unreadable.users.to_string(),
    ]);
    for (i, e) in s.unreadable.first.iter().enumerate() {
        out.line(["unreadable", &(i + 1).to_string(), "first_item", e]);
    }
    for (i, k) in s.ambiguous_keys.iter().enumerate() {
        out.line(["ambiguous_key", &(i + 1).to_string(), "key", k]);
    }
    // Every such user, as --json lists them (the rows above are the first few).
    for (i, id) in s.unreadable.user_ids.iter().enumerate() {
        out.line(["unreadable_user", &(i + 1).to_string(), "user_id", id]);
    }
    if let Some(st) = &s.stopped {
        out.line(["run", "", "stopped_cause", &st.cause]);
        out.line(["run", "", "not_read", &st.not_read.to_string()]);
        out.line([
            "run",
            "",
            "not_read_lower_bound",
            &st.not_read_lower_bound.to_string(),
        ]);
    }
    out.line(["run", "", "candidate_policy", &s.candidate.policy]);
    if let Some(b) = &s.baseline {
        out.line(["run", "", "baseline_policy", &b.policy]);
    }
}

/// The CSV's `monitoring` lines: each metric's target, and each side's value and verdict.
fn csv_monitoring(out: &mut CsvLines, s: &Summary) {
    for m in &s.monitoring {
        out.line(["monitoring", &m.metric, "target", &m.target]);
        let sides = m
            .baseline
            .iter()
            .map(|b| ("baseline", *b))
            .chain([("candidate", m.candidate)]);
        for (side, v) in sides {
            let value = v.value.map(|v| v.to_string()).unwrap_or_default();
            let pass = v.pass.map(|p| p.to_string()).unwrap_or_default();
            out.line(["monitoring", &m.metric, side, &value]);
            out.line(["monitoring", &m.metric, &format!("{side}_pass"), &pass]);
        }
    }
}

mod duplicates;
mod tables;
#[cfg(test)]
mod tests;
