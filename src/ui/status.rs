//! The tab bar and the status bar (source, stores, policy, READ-ONLY, loading, messages, input line).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{hint, il, spinner, styled};

/// Seconds a task runs before the status bar says how long it has waited.
const WAITED_SHOWN: u64 = 3;
use crate::app::Action;
use crate::app::layout::tabs;
use crate::app::state::{Input, InputKind, Quit, State};
use unicode_width::UnicodeWidthStr;

pub fn render_tabs(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let mut spans: Vec<Span> = Vec::new();
    let as_of = s.as_of_label();
    for (screen, label, ..) in tabs(s, area.width) {
        let style = if screen == s.ui.screen {
            t.selected().add_modifier(Modifier::BOLD)
        } else {
            t.muted()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    // Who: the id (which tells two files of one user apart: `u062@u062-before.json`), then
    // the name.
    let (id, name) = match (&s.user.view, &s.user.loading) {
        (_, Some(id)) => (
            format!("{} loading {}", spinner(s), crate::text::shown_id(id)),
            String::new(),
        ),
        (Some(v), None) => (
            crate::text::shown_id(&v.data().user_id).into_owned(),
            v.data()
                .display_name
                .as_deref()
                .map(|n| il(&format!(" · {n}")))
                .unwrap_or_default(),
        ),
        (None, None) => (String::new(), String::new()),
    };
    let who = if id.is_empty() {
        String::new()
    } else {
        format!("{id}{name} ")
    };
    // The instant shown comes before who: it changes what every screen means.
    let room = (area.width as usize).saturating_sub(spans.iter().map(|sp| sp.width()).sum());
    if let Some(label) = as_of.filter(|l| l.chars().count() <= room) {
        spans.push(styled(label, t.badge().add_modifier(Modifier::BOLD)));
    }
    let used: usize = spans.iter().map(|sp| sp.width()).sum();
    let room = (area.width as usize).saturating_sub(used);
    // When it does not fit the name gives way first; the id is cut in its middle, so its end
    // (a file's name) shows. A space stays at the end.
    let who: String = if who.width() > room {
        let id = short_id(&id, room.saturating_sub(1));
        let rest = room.saturating_sub(1 + id.width());
        let name = if rest >= 6 {
            crate::text::fit(&name, rest)
        } else {
            String::new()
        };
        format!("{id}{name} ")
    } else {
        who
    };
    spans.push(Span::styled(right_aligned(&who, room), t.title()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `text` right-aligned in `room` columns, by display width (`{:>n}` counts characters: a wide
/// one would push the end of a name off the screen).
fn right_aligned(text: &str, room: usize) -> String {
    format!("{}{text}", " ".repeat(room.saturating_sub(text.width())))
}

/// `id` in `max` columns. A file's user (`u062@ticket-before.json`) keeps the user and the end
/// of the file's name, where a before and an after differ (`u062@…ket-before`); another id is
/// cut in its middle.
fn short_id(id: &str, max: usize) -> String {
    if id.width() <= max {
        return id.to_string();
    }
    if let Some((user, file)) = id.split_once('@') {
        let stem = file.strip_suffix(".json").unwrap_or(file);
        // What the file's name may take after `user@`: its end, `…` first when cut.
        let room = max.saturating_sub(user.width() + 1);
        if room >= 5 {
            return format!("{user}@{}", keep_end(stem, room));
        }
    }
    crate::text::fit_middle(id, max)
}

/// The input line: what it is for, the text with its cursor, and how the query fares (matches,
/// Tab's candidates).
fn render_input(frame: &mut Frame, area: Rect, s: &State, t: &Theme, input: &Input) {
    let prompt = match input.kind {
        InputKind::Filter => "/".to_string(),
        InputKind::Search => "search /".to_string(),
        InputKind::HelpSearch => "help /".to_string(),
        InputKind::Palette => ":".to_string(),
        InputKind::Save if !s.modified() => "save policy to: ".into(),
        InputKind::Save => "save tuned policy to: ".to_string(),
        InputKind::Edit => {
            let fields = crate::app::tune::fields(&s.session.policy);
            format!(
                "{} = ",
                fields.get(s.tune.cursor).map_or("", |f| f.key.as_str())
            )
        }
    };
    let (hint, hint_style) = match input.kind {
        _ if input.unmatched => {
            let word = input.text().rsplit(' ').next().unwrap_or_default();
            (
                format!("   nothing completes {}", crate::text::quoted(word)),
                t.error(),
            )
        }
        // How many, first: a list cut at the edge still says how far typing has to narrow it.
        _ if !input.completions.is_empty() => (
            format!(
                "   {} · {}",
                input.completions.len(),
                il(&input.completions.join("  "))
            ),
            t.accent(),
        ),
        InputKind::Filter if !input.text().is_empty() => match s.users.shown.len() {
            0 => ("   no match".to_string(), t.error()),
            n => (format!("   {n}/{} users", s.users.rows.len()), t.muted()),
        },
        InputKind::HelpSearch if !input.text().is_empty() => {
            match super::help::match_count(s, input.text()) {
                (0, _) => ("   no match".to_string(), t.error()),
                (n, all) => (format!("   {n}/{all} keys"), t.muted()),
            }
        }
        InputKind::Search if !input.text().is_empty() => {
            match crate::app::update::search_lines(s).len() {
                0 => ("   no match".to_string(), t.error()),
                n => (
                    format!("   {}/{n}", crate::app::update::current_match(s, n) + 1),
                    t.muted(),
                ),
            }
        }
        InputKind::Palette => (
            "   tab completes · ↑/↓ history · enter run · esc cancel".to_string(),
            t.muted(),
        ),
        InputKind::Save if s.ui.quit == Quit::AfterSave => (
            "   enter writes and quits · esc stays".to_string(),
            t.muted(),
        ),
        InputKind::Save => ("   enter writes · esc cancels".to_string(), t.muted()),
        _ => ("   enter ok · esc cancel".to_string(), t.muted()),
    };
    // A suggestion says that typing replaces it (arrows and backspace edit it instead), where
    // the line has room for that and the keys both.
    let plain_hint = hint.clone();
    let hint = if input.suggested {
        format!("   typing replaces it · {}", hint.trim_start())
    } else {
        hint
    };
    // A paste cut short is said before the prompt, where a long line cannot push it out.
    let lead = if input.cut { "[paste cut] " } else { "" };
    let text = il(input.text());
    // Saving names what is saved where there is room; where the keys would be cut, the prompt
    // is only where it saves (what enter and esc do matters more).
    let prompt = if input.kind == InputKind::Save
        && lead.width() + prompt.width() + text.width() + 1 + plain_hint.width()
            > usize::from(area.width)
    {
        "save to: ".to_string()
    } else {
        prompt
    };
    let room = (area.width as usize)
        .saturating_sub(lead.width() + prompt.width() + 1)
        .max(1);
    let scroll = input.line.visual_scroll(room);
    let cursor = input.line.visual_cursor().saturating_sub(scroll);
    let shown: String = text.chars().skip(scroll).collect();
    let before: String = shown.chars().take(cursor).collect();
    let at: String = shown.chars().skip(cursor).take(1).collect();
    let after: String = shown.chars().skip(cursor + 1).collect();
    // The hint takes what the line leaves, cut with `…` rather than at the edge.
    let used = lead.width() + prompt.width() + shown.width().max(cursor + 1);
    let room = usize::from(area.width).saturating_sub(used);
    let hint = if hint.width() <= room {
        hint
    } else {
        plain_hint
    };
    let hint = crate::text::fit(&hint, room);
    // A suggestion is drawn selected, as a field a keystroke replaces.
    let text_style = if input.suggested {
        t.selected()
    } else {
        t.base()
    };
    let line = Line::from(vec![
        styled(lead.to_string(), t.error()),
        styled(prompt, t.accent()),
        styled(before, text_style),
        styled(
            if at.is_empty() { " ".to_string() } else { at },
            t.selected(),
        ),
        styled(after, text_style),
        styled(hint, hint_style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// A status bar laid out to its width: parts in display order, each with its forms (richest
/// first); the plan says which part gives way next while the bar is too wide.
#[derive(Default)]
struct Bar {
    parts: Vec<Vec<Vec<Span<'static>>>>,
    levels: Vec<usize>,
}

impl Bar {
    /// Adds a part with its forms (richest first); returns its index for the plan.
    fn push(&mut self, forms: Vec<Vec<Span<'static>>>) -> usize {
        self.parts.push(forms);
        self.levels.push(0);
        self.parts.len() - 1
    }

    fn width(&self) -> usize {
        self.parts
            .iter()
            .zip(&self.levels)
            .filter_map(|(forms, &l)| forms.get(l))
            .flatten()
            .map(Span::width)
            .sum()
    }

    /// Gives way, part by part in `plan`'s order (a part named twice gives way twice), until the
    /// bar fits `width` or nothing more can go; then takes back, latest first, what the last
    /// steps made room for (a latency dropped before a long error was), except `last`: what
    /// gives way first comes back only while nothing else had to.
    fn fit(&mut self, plan: &[usize], width: usize, last: Option<usize>) {
        let mut taken = Vec::new();
        for &p in plan {
            if self.width() <= width {
                break;
            }
            if self.levels[p] + 1 < self.parts[p].len() {
                self.levels[p] += 1;
                taken.push(p);
            }
        }
        for &p in taken.iter().rev().filter(|&&p| Some(p) != last) {
            self.levels[p] -= 1;
            if self.width() > width {
                self.levels[p] += 1;
            }
        }
    }

    /// Part `p` as `form` in place of the form shown, if the bar still fits `width` with it.
    fn widen(&mut self, p: usize, form: Vec<Span<'static>>, width: usize) {
        let l = self.levels[p];
        let old = std::mem::replace(&mut self.parts[p][l], form);
        if self.width() > width {
            self.parts[p][l] = old;
        }
    }

    fn spans(self) -> Vec<Span<'static>> {
        self.parts
            .into_iter()
            .zip(self.levels)
            .filter_map(|(mut forms, l)| (l < forms.len()).then(|| forms.swap_remove(l)))
            .flatten()
            .collect()
    }
}

/// A store's address as the bar shows it: host and port only (a Postgres label's database, a
/// cluster's words dropped), at most [`HOST_WIDTH`] columns, cut in the host so the port stays.
/// Another label (the demo's, a snapshot file's path) keeps its end, at most [`PATH_WIDTH`].
fn short_host(host: &str) -> String {
    let Some(token) = host.split_whitespace().find(|w| w.contains(':')) else {
        return keep_end(&il(host), PATH_WIDTH);
    };
    let token = match token.rfind(':') {
        Some(colon) => match token[colon..].find('/') {
            Some(slash) => &token[..colon + slash],
            None => token,
        },
        None => token,
    };
    let token = il(token);
    if token.width() <= HOST_WIDTH {
        return token;
    }
    match token.rfind(':') {
        Some(colon) if token[colon..].width() < HOST_WIDTH / 2 => {
            let port = &token[colon..];
            format!(
                "{}{port}",
                crate::text::fit(&token[..colon], HOST_WIDTH - port.width())
            )
        }
        _ => crate::text::fit(&token, HOST_WIDTH),
    }
}

/// `text` in at most `max` columns: its end, after an ellipsis when cut.
fn keep_end(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut tail: Vec<char> = Vec::new();
    let mut width = 1;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width + w > max {
            break;
        }
        width += w;
        tail.push(c);
    }
    std::iter::once('…').chain(tail.into_iter().rev()).collect()
}

/// Columns a store's host and port take at most.
const HOST_WIDTH: usize = 24;
/// Columns another store label (a file's path) takes at most.
const PATH_WIDTH: usize = 32;

/// The data source as its badge says it, unless the stores listed after it say the same
/// (live stores: `redis host:port · postgres host:port/db`): then `None`.
fn source_label(s: &State) -> Option<String> {
    let parts: Vec<&str> = s.status.source.split(" · ").collect();
    let told = |p: &&str| {
        s.status
            .stores
            .iter()
            .any(|st| format!("{} {}", st.name, st.host) == *p)
    };
    if !s.status.stores.is_empty() && parts.iter().all(told) {
        return None;
    }
    let shown: Vec<String> = parts
        .iter()
        .map(|p| match p.split_once(' ') {
            Some((name, host)) if host.contains(':') => {
                format!("{} {}", il(name), short_host(host))
            }
            _ => il(p),
        })
        .collect();
    Some(shown.join(" · "))
}

/// Draws the status bar; returns the columns the message had (a longer one is also shown
/// whole above the bar).
///
/// What changes how far the screen may be trusted always stays: the data source (DEMO,
/// SNAPSHOT), REDACTED, each store's up or DOWN, the policy (and whether it is tuned) and
/// READ-ONLY. The rest gives way while the bar is too narrow, least needed first: the key
/// hints, latencies, "(tuned)", a down store's error, what is loading (the spinner stays),
/// the stores' addresses, then the policy's and the source's names are cut.
pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) -> usize {
    if let Some(input) = &s.ui.input {
        render_input(frame, area, s, t, input);
        return usize::MAX;
    }
    let mut bar = Bar::default();
    let source = source_label(s).map(|label| {
        bar.push(vec![
            vec![styled(format!(" {label} "), t.badge()), Span::raw(" ")],
            vec![
                styled(format!(" {} ", crate::text::fit(&label, 16)), t.badge()),
                Span::raw(" "),
            ],
        ])
    });
    if s.ui.redact {
        bar.push(vec![vec![styled(" REDACTED ", t.badge()), Span::raw(" ")]]);
    }
    // Stores not answered for yet (the first health check under way): said, never left
    // without a state.
    let live = s.status.source.split(" · ").any(|p| {
        p.split_once(' ')
            .is_some_and(|(name, host)| matches!(name, "redis" | "postgres") && host.contains(':'))
    });
    if s.status.stores.is_empty() && live {
        bar.push(vec![vec![styled("○ checking  ", t.muted())]]);
    }
    let stores = store_parts(&mut bar, s, t);
    let policy = policy_part(&mut bar, s, t);
    bar.push(vec![vec![
        Span::raw("  "),
        styled(" READ-ONLY ", t.selected()),
    ]]);
    // The first keys of a sequence (`g` of `g g`) show until it ends, as vim shows them.
    if !s.ui.keys_pending.is_empty() {
        bar.push(vec![vec![styled(
            format!("  {}…", il(&s.ui.keys_pending)),
            t.accent(),
        )]]);
    }
    // A task that has waited a while says how long: a store can answer its health check and
    // still hold every query (a locked table), and the bar must not look idle then.
    let what: Vec<String> = s
        .status
        .loading
        .iter()
        .map(|(task, since)| {
            let waited = s.ui.tick.saturating_sub(since) / crate::app::state::TICKS_PER_SECOND;
            if waited >= WAITED_SHOWN {
                format!("{task} {waited} s")
            } else {
                task.to_string()
            }
        })
        .collect();
    let loading = (!what.is_empty()).then(|| {
        bar.push(vec![
            vec![styled(
                format!("  {} {}", spinner(s), what.join(", ")),
                t.accent(),
            )],
            vec![styled(format!("  {}", spinner(s)), t.accent())],
        ])
    });
    // The quit dialog lists its own keys; the bar's would not act while it is open.
    let dialog = s.ui.overlay == crate::app::state::Overlay::ConfirmQuit;
    let hints = (s.status.message.is_none() && !dialog).then(|| bar.push(hint_forms(s, t)));
    let mut plan: Vec<usize> = std::iter::repeat_n(hints, HINTS.len()).flatten().collect();
    // Each kind gives way from the last store to the first, so no store keeps its latency
    // while another keeps its address: one rule for both.
    plan.extend(stores.latencies.into_iter().rev());
    plan.push(policy);
    let errors: Vec<usize> = stores.errors.iter().map(|(p, _)| *p).collect();
    plan.extend(&errors);
    plan.extend(loading);
    plan.extend(&errors);
    plan.extend(stores.hosts.into_iter().rev());
    plan.push(policy);
    plan.extend(source);
    let width = area.width as usize;
    bar.fit(&plan, width, hints);
    // A store's error cut to the room left when it had to give way, never left out while
    // there is room for some of it.
    for (p, e) in &stores.errors {
        if bar.levels[*p] == 0 {
            continue;
        }
        let shown: usize = bar.parts[*p][bar.levels[*p]].iter().map(Span::width).sum();
        let room = width.saturating_sub(bar.width()) + shown;
        if room > 12 {
            let form = vec![styled(
                format!(" ({})", crate::text::fit(e, room - 3)),
                t.error(),
            )];
            bar.widen(*p, form, width);
        }
    }
    // What is loading, cut to the room left when it had to give way.
    if let Some(p) = loading.filter(|&p| bar.levels[p] > 0) {
        let room = width.saturating_sub(bar.width());
        let cut = crate::text::fit(&what.join(", "), room.saturating_sub(1));
        if room > 5 {
            let form = vec![styled(format!("  {} {cut}", spinner(s)), t.accent())];
            bar.widen(p, form, width);
        }
    }
    let room = width.saturating_sub(bar.width() + 2);
    let mut spans = bar.spans();
    if let Some(m) = &s.status.message {
        // The bar shows a message of one line that fits; one of several lines, or too long, is
        // shown whole above it instead (once: not also cut here).
        let shown = il(&m.text);
        if !m.text.contains('\n') && shown.width() <= room {
            spans.push(Span::raw("  "));
            spans.push(styled(shown, if m.error { t.error() } else { t.base() }));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    room
}

/// The key hints, as the bar shows them while there is no message: each action's word.
const HINTS: [(Action, &str); 4] = [
    (Action::Help, "help"),
    (Action::Palette, "cmd"),
    (Action::Filter, "filter"),
    (Action::Close, "quit"),
];

/// The hints' forms: all of them, then one fewer each, down to none. Each names the key the
/// keymap in use binds (an action bound to no key is not hinted).
fn hint_forms(s: &State, t: &Theme) -> Vec<Vec<Span<'static>>> {
    // Quitting is hinted by the key that closes, or else by the one bound to quit itself.
    let key_for = |a: &Action| {
        let k = s.session.keymap.key_for(a);
        match a {
            Action::Close => k.or_else(|| s.session.keymap.key_for(&Action::Quit)),
            _ => k,
        }
    };
    // On Prompt `/` searches the prompt rather than filtering users.
    let word = |a: &Action, w: &'static str| match (a, s.ui.screen) {
        (Action::Filter, crate::app::state::Screen::Prompt) => "search",
        _ => w,
    };
    let hints: Vec<(String, &str)> = HINTS
        .iter()
        .filter_map(|(a, w)| key_for(a).map(|k| (k, word(a, w))))
        .collect();
    (0..=hints.len())
        .rev()
        .map(|n| {
            let mut spans: Vec<Span> = hints[..n]
                .iter()
                .flat_map(|(k, w)| hint(k, w, t))
                .map(|sp| Span::styled(sp.content.into_owned(), sp.style))
                .collect();
            // Spaced from what comes before; the last hint's own spacing may fall off the edge.
            if let Some(last) = spans.pop() {
                spans.push(styled(last.content.trim_end().to_string(), last.style));
                spans.insert(0, Span::raw("  "));
            }
            spans
        })
        .collect()
}

/// The parts of the stores that can give way, for the plan.
struct StoreParts {
    hosts: Vec<usize>,
    latencies: Vec<usize>,
    /// A down store's error (part, text): whole, then cut to 40 columns, then none; what room is
    /// left after the plan gets it back, cut to that room.
    errors: Vec<(usize, String)>,
}

/// Each store: `● up NAME` or `● DOWN NAME` (the word says it too: colour is not the only sign),
/// then what can give way: its address, its latency, a down store's error.
fn store_parts(bar: &mut Bar, s: &State, t: &Theme) -> StoreParts {
    let mut parts = StoreParts {
        hosts: Vec::new(),
        latencies: Vec::new(),
        errors: Vec::new(),
    };
    for st in &s.status.stores {
        let (dot, style) = if st.up {
            ("● up", t.ok())
        } else {
            ("● DOWN", t.error())
        };
        bar.push(vec![vec![
            styled(format!("{dot} "), style),
            styled(il(&st.name), t.muted()),
        ]]);
        parts.hosts.push(bar.push(vec![
            vec![styled(format!(" {}", short_host(&st.host)), t.muted())],
            vec![],
        ]));
        if let (true, Some(l)) = (st.up, st.latency) {
            let ms = format!(" {:.1} ms", l.as_secs_f64() * 1000.0);
            parts
                .latencies
                .push(bar.push(vec![vec![styled(ms, t.muted())], vec![]]));
        }
        if let (false, Some(e)) = (st.up, &st.last_error) {
            // Without the store's label, said just before.
            let e = e
                .strip_prefix(&format!("{} {}: ", st.name, st.host))
                .unwrap_or(e);
            let p = bar.push(vec![
                vec![styled(format!(" ({e})"), t.error())],
                vec![styled(format!(" ({})", crate::text::fit(e, 40)), t.error())],
                vec![],
            ]);
            parts.errors.push((p, e.to_string()));
        }
        bar.push(vec![vec![Span::raw("  ")]]);
    }
    parts
}

/// `policy NAME* (tuned)`, then without "(tuned)" (the `*` says it), then its name cut.
fn policy_part(bar: &mut Bar, s: &State, t: &Theme) -> usize {
    let name = &s.session.policy.name;
    let (star, tuned) = if s.modified() {
        ("*", " (tuned)")
    } else {
        ("", "")
    };
    bar.push(vec![
        vec![styled(
            format!("policy {}{star}{tuned}", il(name)),
            t.accent(),
        )],
        vec![styled(format!("policy {}{star}", il(name)), t.accent())],
        vec![styled(
            format!("policy {}{star}", crate::text::fit(name, 12)),
            t.accent(),
        )],
    ])
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    /// A name of wide characters takes the room it is given, not more: its end stays on the
    /// screen.
    #[test]
    fn a_wide_name_is_right_aligned_by_its_width() {
        let who = "zz1 · Zoë 測試 🚀 Tester ";
        let shown = super::right_aligned(who, 40);
        assert_eq!(shown.width(), 40, "{shown:?}");
        assert!(shown.ends_with(who));
        assert_eq!(
            super::right_aligned(who, 5),
            who,
            "no room: as it is (cut before)"
        );
    }
}
