//! The status bar's layout: its parts (the source, the stores, the policy, READ-ONLY, what is
//! loading, the key hints), each with its forms, and the plan by which they give way while the
//! bar is too wide.

use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use crate::app::Action;
use crate::app::state::State;
use crate::ui::theme::Theme;
use crate::ui::{hint, il, spinner, styled};

/// Seconds a task runs before the status bar says how long it has waited.
const WAITED_SHOWN: u64 = 3;

/// The status bar's parts in `width` columns, each in the richest form the plan leaves room for
/// (the status bar's `render` says what gives way in which order).
pub(super) fn laid_out(s: &State, t: &Theme, width: usize) -> Bar {
    let mut bar = Bar::default();
    let parts = push_parts(&mut bar, s, t);
    bar.fit(&plan(&parts), width, parts.hints);
    // A store's error cut to the room left when it had to give way, never left out while
    // there is room for some of it.
    for (p, e) in &parts.stores.errors {
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
    if let Some(p) = parts.loading.filter(|&p| bar.levels[p] > 0) {
        let room = width.saturating_sub(bar.width());
        let cut = crate::text::fit(&parts.what.join(", "), room.saturating_sub(1));
        if room > 5 {
            let form = vec![styled(format!("  {} {cut}", spinner(s)), t.accent())];
            bar.widen(p, form, width);
        }
    }
    bar
}

/// The parts of the bar that can give way, for the plan, and what is loading.
struct Parts {
    source: Option<usize>,
    stores: StoreParts,
    policy: usize,
    loading: Option<usize>,
    /// The tasks loading, each with how long it has waited once that is a while.
    what: Vec<String>,
    hints: Option<usize>,
}

/// Every part of the bar in display order, with its forms.
fn push_parts(bar: &mut Bar, s: &State, t: &Theme) -> Parts {
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
    let stores = store_parts(bar, s, t);
    let policy = policy_part(bar, s, t);
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
    let (loading, what) = loading_part(bar, s, t);
    // The quit dialog lists its own keys; the bar's would not act while it is open.
    let dialog = s.ui.overlay == crate::app::state::Overlay::ConfirmQuit;
    let hints = (s.status.message.is_none() && !dialog).then(|| bar.push(hint_forms(s, t)));
    Parts {
        source,
        stores,
        policy,
        loading,
        what,
        hints,
    }
}

/// What is loading (`⣾ users 4 s`, then the spinner alone), when anything is: its part, and
/// the tasks as said.
fn loading_part(bar: &mut Bar, s: &State, t: &Theme) -> (Option<usize>, Vec<String>) {
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
    (loading, what)
}

/// The order in which parts give way, least needed first.
fn plan(parts: &Parts) -> Vec<usize> {
    let mut plan: Vec<usize> = std::iter::repeat_n(parts.hints, HINTS.len())
        .flatten()
        .collect();
    // Each kind gives way from the last store to the first, so no store keeps its latency
    // while another keeps its address: one rule for both.
    plan.extend(parts.stores.latencies.iter().rev());
    plan.push(parts.policy);
    let errors: Vec<usize> = parts.stores.errors.iter().map(|(p, _)| *p).collect();
    plan.extend(&errors);
    plan.extend(parts.loading);
    plan.extend(&errors);
    plan.extend(parts.stores.hosts.iter().rev());
    plan.push(parts.policy);
    plan.extend(parts.source);
    plan
}

/// A status bar laid out to its width: parts in display order, each with its forms (richest
/// first); the plan says which part gives way next while the bar is too wide.
#[derive(Default)]
pub(super) struct Bar {
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

    /// The columns the bar takes in the forms shown.
    pub(super) fn width(&self) -> usize {
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

    /// The spans of the forms shown, in display order.
    pub(super) fn spans(self) -> Vec<Span<'static>> {
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
pub(super) fn keep_end(text: &str, max: usize) -> String {
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
