//! Rendering: pure functions of borrowed state and a theme. Nothing here changes state.

mod budget;
mod diff;
mod help;
mod item;
mod journey;
mod layers;
mod live;
mod optimize;
mod prompt;
mod report;
mod status;
pub mod theme;
mod timeline;
mod tokens;
mod tune;
mod users;
pub(crate) mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::app::layout::{Areas, MIN_SIZE};
use crate::app::state::{Overlay, Screen, State};
use theme::Theme;
use unicode_width::UnicodeWidthStr;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, s: &State, t: &Theme) {
    render_screen(frame, s, t);
    steady_cells(frame.buffer_mut());
}

/// Every cell's grapheme as [`steady_symbol`] shows it, one character a cell: what it shows
/// in place of one wide grapheme (a flag's two letters) goes over the cells the grapheme
/// covered, in its style. A cell holding two letters would be drawn over the next cell too,
/// which the next frame's diff takes for blank: a letter would stay behind on the next screen.
fn steady_cells(buf: &mut ratatui::buffer::Buffer) {
    let width = usize::from(buf.area.width).max(1);
    for i in 0..buf.content.len() {
        // A joiner out, the grapheme stays in its cell (a conjunct's letters and virama).
        if let Some(shown) = unjoined(buf.content[i].symbol()) {
            buf.content[i].set_symbol(&shown);
            continue;
        }
        let Some(shown) = steady_symbol(buf.content[i].symbol()) else {
            continue;
        };
        let (style, end) = (buf.content[i].style(), i + (width - i % width));
        let mut at = i;
        for c in shown.chars() {
            // Past its own cell, only into cells left blank for it: a layout that gave the
            // grapheme one cell (the Journey canvas) has the next character there.
            let Some(cell) = buf
                .content
                .get_mut(at)
                .filter(|cell| at < end && (at == i || cell.symbol() == " "))
            else {
                break;
            };
            cell.set_char(c).set_style(style);
            at += unicode_width::UnicodeWidthChar::width(c)
                .unwrap_or(1)
                .max(1);
        }
    }
}

/// A cell's grapheme as every terminal draws it as wide as the layout counted it, when it is
/// one terminals disagree about: an emoji sequence (joined by U+200D, with a skin tone, a
/// variation selector or a keycap) is shown as its first emoji, a flag (regional indicator
/// letters) as its letters (`🇩🇪` → `DE`), padded to the counted width. Else a terminal that
/// draws the family emoji four emoji wide pushes the rest of the row right, and what it drew
/// past the border stays on screen after the overlay closes. The text itself is kept whole
/// (a yank, the CLI, `--json`); only the cell shows less.
fn steady_symbol(sym: &str) -> Option<String> {
    let indicator = |c: char| ('\u{1f1e6}'..='\u{1f1ff}').contains(&c);
    let mut chars = sym.chars();
    let first = chars.next()?;
    let joined = chars.clone().any(|c| {
        matches!(
            c,
            '\u{200d}' | '\u{fe0f}' | '\u{20e3}' | '\u{1f3fb}'..='\u{1f3ff}'
        )
    });
    // Only an emoji's sequence: a joiner in a word of a script is [`unjoined`]'s.
    let emoji = emoji_start(first);
    let shown = if sym.chars().all(indicator) {
        sym.chars()
            .map(|c| char::from(b'A' + u8::try_from(u32::from(c) - 0x1f1e6).unwrap_or(0)))
            .collect::<String>()
    } else if joined && emoji {
        first.to_string()
    } else {
        return None;
    };
    let (w, have) = (sym.width(), shown.width());
    (have <= w).then(|| format!("{shown}{}", " ".repeat(w - have)))
}

/// Whether a grapheme starting with `c` may be an emoji sequence ([`steady_symbol`]).
fn emoji_start(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
        || matches!(
            c,
            '0'..='9' | '#' | '*' | '\u{a9}' | '\u{ae}' | '\u{203c}' | '\u{2049}'
        )
        || matches!(
            u32::from(c),
            0x2122..=0x2BFF | 0x3030 | 0x303D | 0x3297 | 0x3299
        )
        || u32::from(c) >= 0x1F000
}

/// A cell's grapheme (not an emoji's: [`steady_symbol`]) without the zero-width joiner, and
/// without a non-joiner ending a grapheme of a script that joins nothing: `None` when it holds
/// neither. A terminal takes what follows a joiner into the joiner's cell (tmux drew `a‍b c‌d`
/// as `ab c‍‌d`, and a Malayalam chillu `ന്‍` took the space after it), so the row comes out
/// short and a later frame's cell, written where the layout put it, stays on screen; a
/// Devanagari conjunct `क्‍ष` is drawn one cell narrower than it is counted. Without the joiner
/// the letters are drawn as counted (a half form shown whole: `क्ष`). The text itself (a yank,
/// the CLI, `--json`) keeps it.
fn unjoined(sym: &str) -> Option<String> {
    let first = sym.chars().next()?;
    let dangling_zwnj = sym.ends_with('\u{200c}') && !joining_script(first);
    if emoji_start(first) || !(sym.contains('\u{200d}') || dangling_zwnj) {
        return None;
    }
    let shown: String = sym
        .chars()
        .filter(|&c| c != '\u{200d}' && !(dangling_zwnj && c == '\u{200c}'))
        .collect();
    // A cell is never left empty (a joiner alone).
    Some(if shown.is_empty() { " ".into() } else { shown })
}

/// Whether `c` is of a script whose text uses the non-joiner: Arabic and its kin (Syriac,
/// Thaana, NKo…, the presentation forms), the Indic scripts, Tibetan, Myanmar, Khmer,
/// Mongolian, and the Brahmic scripts past the first plane (Persian's `می‌خواهم`).
fn joining_script(c: char) -> bool {
    matches!(u32::from(c),
        0x0600..=0x08FF | 0x0900..=0x0DFF | 0x0F00..=0x0FFF | 0x1000..=0x109F
        | 0x1780..=0x18AF | 0xA800..=0xA8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF
        | 0x11000..=0x11FFF)
}

/// The whole screen: the tabs, the screen shown, its overlay, the status bar, a long message,
/// and the quit dialog over all of them; what the terminal lacks when it is too small.
fn render_screen(frame: &mut Frame, s: &State, t: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::new().style(t.base()), area);
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(frame, area, s, t);
        return;
    }
    let areas = Areas::new((area.width, area.height));
    status::render_tabs(frame, areas.tabs, s, t);
    match s.ui.screen {
        Screen::Users => users::render(frame, areas.body, s, t),
        Screen::Layers => layers::render(frame, areas.body, s, t),
        Screen::Budget => budget::render(frame, areas.body, s, t),
        Screen::Journey => journey::render(frame, areas.body, s, t),
        Screen::Tune => tune::render(frame, areas.body, s, t),
        Screen::Prompt => prompt::render(frame, areas.body, s, t),
        Screen::Live => live::render(frame, areas.body, s, t),
        Screen::Report => report::render(frame, areas.body, s, t),
    }
    match &s.ui.overlay {
        Overlay::Help { search, scroll } => help::render(frame, area, s, t, search, *scroll),
        Overlay::Item { scroll } => item::render(frame, s, t, *scroll),
        Overlay::Diff { scroll } => diff::render(frame, s, t, *scroll),
        Overlay::Explain { scroll } => diff::render_explain(frame, s, t, *scroll),
        Overlay::Optimize => optimize::render(frame, s, t),
        Overlay::ConfirmQuit | Overlay::None => {}
    }
    let room = status::render(frame, areas.status, s, t);
    long_message(frame, areas, s, t, room);
    // The quit dialog takes the keys while it is open: drawn last, over any message box.
    if s.ui.overlay == Overlay::ConfirmQuit {
        confirm_quit(frame, area, s, t);
    }
}

/// A terminal smaller than [`MIN_SIZE`]: its size, the size needed and the key that quits (or
/// the quit dialog's keys), centred, as much of it as fits.
fn too_small(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let asking = s.ui.overlay == Overlay::ConfirmQuit;
    let then = if asking {
        "The tuning is not saved: d discards it and quits, c cancels (saving needs the room)."
    } else {
        // The keymap's key: here a single key bound to close or quit quits (ctrl-c
        // always does); `q` when it is one of them.
        use crate::app::Action;
        let k = &s.session.keymap;
        let single = || {
            k.single_keys(&Action::Close)
                .chain(k.single_keys(&Action::Quit))
        };
        let key = single()
            .find(|&key| key == "q")
            .or_else(|| single().find(|&key| key != "ctrl-c"))
            .unwrap_or("ctrl-c");
        // Unsaved tuning: the key asks first (as it does when the screen is large enough).
        if s.unsaved() {
            &format!("{key} quits, asking first: the tuning is not saved.")
        } else {
            &format!("{key} quits.")
        }
    };
    // One sentence a line: a key never ends one line with what it does on the next.
    let size = format!(
        "Terminal too small: {}×{}.\nctxlens needs at least {}×{}.",
        area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
    );
    // Wrapped, so a narrow terminal still reads the size it needs; where all of it does not
    // fit, what the keys do comes first (the question asked above all), shorter as needed.
    let keys = if asking { "d quits, c cancels." } else { "" };
    let p = [
        format!("{size}\n{then}"),
        then.to_string(),
        keys.to_string(),
    ]
    .into_iter()
    .filter(|m| !m.is_empty())
    .map(|msg| {
        Paragraph::new(msg)
            .style(t.error())
            .alignment(Alignment::Center)
            .wrap(ratatui::widgets::Wrap { trim: true })
    })
    .reduce(|fits, shorter| {
        if fits.line_count(area.width) <= usize::from(area.height) {
            fits
        } else {
            shorter
        }
    })
    .unwrap_or_default();
    let rows = u16::try_from(p.line_count(area.width)).unwrap_or(u16::MAX);
    let [mid] = Layout::vertical([Constraint::Length(rows)])
        .flex(Flex::Center)
        .areas(area);
    frame.render_widget(p, mid);
}

/// A message too long for the status bar, or of several lines: wrapped in a box above it, whole.
/// Its own line breaks stay; every line is made inert (stored text inside it was made inert as
/// one line where the message was made, so its newlines show as `␊`).
fn long_message(frame: &mut Frame, areas: Areas, s: &State, t: &Theme, room: usize) {
    let Some(m) = &s.status.message else { return };
    let one_line = !m.text.contains('\n');
    if s.ui.input.is_some() || (one_line && il(&m.text).width() <= room) {
        return;
    }
    let lines = inert_lines(&m.text);
    let width = areas.body.width.saturating_sub(4).max(10);
    let (title, style) = if m.error {
        (" error ", t.error())
    } else {
        (" message ", t.base())
    };
    // A listing's indentation stays; one long line wraps as words. As many rows as the
    // wrapped text takes (words that do not fit a row move whole to the next).
    let p = Paragraph::new(lines)
        .style(style)
        .wrap(Wrap { trim: one_line });
    let rows = p.line_count(width.saturating_sub(2).max(1));
    let h = u16::try_from(rows + 2)
        .unwrap_or(u16::MAX)
        .min(areas.body.height / 2)
        .max(3);
    // Inside the body, above the bottom border of its panes: their frame stays whole.
    let bottom = areas.body.bottom().saturating_sub(1);
    let rect = Rect::new(areas.body.x + 2, bottom.saturating_sub(h), width, h);
    clear(frame, rect, t);
    frame.render_widget(p.block(block(title, true, t)), rect);
}

/// `q` with unsaved tuning: what the choices are.
fn confirm_quit(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let flags = crate::app::tune::set_flags(&s.session.baseline, &s.session.policy);
    let width = 64.min(area.width.saturating_sub(4));
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.saturating_sub(11) / 2,
        width,
        11.min(area.height),
    );
    clear(frame, rect, t);
    let mut lines = vec![
        Line::styled("The policy is tuned and not saved:", t.title()),
        Line::styled(il(&flags.join(" ")), t.accent()),
        Line::from(""),
    ];
    // One choice a line: they read whole at any width the dialog has.
    for (key, what) in [
        ("s", " save (:w FILE) and quit"),
        ("d", " discard and quit"),
        ("c", " / esc cancel"),
    ] {
        lines.push(Line::from(vec![
            styled(key, t.accent()),
            styled(what, t.base()),
        ]));
    }
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(block(" Quit? ", true, t));
    frame.render_widget(p, rect);
}

/// A bordered block with a title.
pub(crate) fn block<'a>(title: impl Into<Line<'a>>, focused: bool, t: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.border(focused))
        .title(title.into().style(t.title()))
}

/// A message in the middle of `area` (loading, empty and error states).
pub(crate) fn center_message(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    t: &Theme,
) {
    let b = block(title.to_string(), false, t);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let p = Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    // As many rows as the wrapped lines take, so a long one is not cut.
    let h = u16::try_from(p.line_count(inner.width)).unwrap_or(u16::MAX);
    let [mid] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(inner);
    frame.render_widget(p, mid);
}

/// The spinner frame for the current tick.
pub(crate) fn spinner(s: &State) -> &'static str {
    const FRAMES: [&str; 8] = ["⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"];
    FRAMES[(s.ui.tick / 2) as usize % FRAMES.len()]
}

/// Clears `area` for an overlay and paints the theme's background on it (a theme with a
/// background of its own keeps it under overlays too).
pub(crate) fn clear(frame: &mut Frame, area: Rect, t: &Theme) {
    // A wide character just left of the area would cover its first column on the terminal
    // (the cell after a wide one is never drawn): it gives way to a space.
    if let Some(x) = area.x.checked_sub(1) {
        let buf = frame.buffer_mut();
        for y in area.top()..area.bottom() {
            if let Some(cell) = buf.cell_mut((x, y))
                && unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1
            {
                cell.set_symbol(" ");
            }
        }
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Block::new().style(t.base()), area);
}

/// Stored text as one cell of a line: made inert (ids, names, keys, messages).
pub(crate) fn il(text: &str) -> String {
    crate::text::inert_line(text).into_owned()
}

/// Stored multi-line text as lines: made inert, one `Line` per line.
pub(crate) fn inert_lines(text: &str) -> Vec<Line<'static>> {
    crate::text::inert(text)
        .lines()
        .map(|l| Line::from(l.to_string()))
        .collect()
}

/// The key bound to `action` in the keymap in use, for hints (`(unbound)` when none is).
pub(crate) fn key_of(s: &State, action: &crate::app::Action) -> String {
    s.session
        .keymap
        .key_for(action)
        .unwrap_or_else(|| "(unbound)".into())
}

/// The key for `action` in a title's hint: `usual` (the default keymap's) while it is bound to
/// it, else the first key that is (arrows drawn as arrows); `None` when no key is.
pub(crate) fn bound(s: &State, action: &crate::app::Action, usual: &str) -> Option<String> {
    let key = s.session.keymap.key_to_name(action, usual)?;
    Some(
        match key.as_str() {
            "left" => "←",
            "right" => "→",
            "up" => "↑",
            "down" => "↓",
            other => other,
        }
        .to_string(),
    )
}

/// ` · KEY what`, a title's hint from the keymap in use; empty when `action` has no key.
pub(crate) fn key_hint(s: &State, action: &crate::app::Action, usual: &str, what: &str) -> String {
    bound(s, action, usual).map_or_else(String::new, |k| format!(" · {k} {what}"))
}

/// `A/B`, the keys of two actions (`j/k`), the one bound if only one is; `None` if neither.
pub(crate) fn pair_keys(
    s: &State,
    (a, usual_a): (&crate::app::Action, &str),
    (b, usual_b): (&crate::app::Action, &str),
) -> Option<String> {
    match (bound(s, a, usual_a), bound(s, b, usual_b)) {
        (Some(x), Some(y)) => Some(format!("{x}/{y}")),
        (x, y) => x.or(y),
    }
}

/// ` · A/B what` for two actions (`j/k scroll`), the one bound if only one is; empty if neither.
pub(crate) fn pair_hint(
    s: &State,
    a: (&crate::app::Action, &str),
    b: (&crate::app::Action, &str),
    what: &str,
) -> String {
    pair_keys(s, a, b).map_or_else(String::new, |k| format!(" · {k} {what}"))
}

/// ` · esc`, the key that closes an overlay (`back`, else `close`); empty if neither is bound.
pub(crate) fn close_hint(s: &State) -> String {
    use crate::app::Action;
    bound(s, &Action::Back, "esc")
        .or_else(|| bound(s, &Action::Close, "q"))
        .map_or_else(String::new, |k| format!(" · {k}"))
}

/// The first of `titles` (richest first) within `room` columns; when none is, `head` cut with
/// `…`: hints give way before the title is cut.
pub(crate) fn first_that_fits<const N: usize>(
    titles: [String; N],
    head: &str,
    room: usize,
) -> String {
    titles
        .into_iter()
        .find(|t| unicode_width::UnicodeWidthStr::width(t.as_str()) <= room)
        .unwrap_or_else(|| format!("{} ", crate::text::fit(head, room.saturating_sub(1))))
}

/// A frame title cut to what the top border of `area` holds, ending in `…` when cut (and one
/// column of border left after it, so the cut reads as a cut).
pub(crate) fn title_in(title: &str, area: Rect) -> String {
    let room = usize::from(area.width.saturating_sub(3));
    if unicode_width::UnicodeWidthStr::width(title) <= room {
        return title.to_string();
    }
    crate::text::fit(title, room)
}

/// `spans` cut to `width` columns, the span that reaches the edge ending in `…`.
pub(crate) fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut left = width;
    let mut out = Vec::new();
    for sp in spans {
        if left == 0 {
            break;
        }
        let text = crate::text::fit(&sp.content, left);
        left = left.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
        out.push(Span::styled(text, sp.style));
    }
    Line::from(out)
}

/// A dim key hint: `key` then `what`.
pub(crate) fn hint<'a>(key: &'a str, what: &'a str, t: &Theme) -> Vec<Span<'a>> {
    vec![
        Span::styled(key, t.accent()),
        Span::styled(format!(" {what}  "), t.muted()),
    ]
}

/// A bar of `width` cells, filled for `used` of `budget` (all of it when over, in the
/// over-budget colour), the rest light.
pub(crate) fn usage_bar(used: usize, budget: usize, width: usize, t: &Theme) -> Vec<Span<'static>> {
    // No budget: empty while nothing is used (nothing to fill), full (and over) once it is.
    let filled = if budget == 0 {
        if used > 0 { width } else { 0 }
    } else {
        (used.min(budget) * width).div_ceil(budget).min(width)
    };
    let fill = if used > budget { t.gauge_over } else { t.gauge };
    vec![
        styled("█".repeat(filled), Style::new().fg(fill)),
        styled("░".repeat(width - filled), t.muted()),
    ]
}

pub(crate) fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

/// Where a view of `height` rows from `first` is in `len` rows (`11-20/54`), when they do not
/// all show.
pub(crate) fn place(first: usize, height: usize, len: usize) -> Option<String> {
    (len > height).then(|| span(first + 1, (first + height).min(len), len))
}

/// Rows `from` to `to` of `len`, as titles show them: `1-32/52,439`.
pub(crate) fn span(from: usize, to: usize, len: usize) -> String {
    let n = |v: usize| crate::text::thousands(v as f64, 0);
    format!("{}-{}/{}", n(from), n(to), n(len))
}

/// `n` with thousands separators: `8,578`.
pub(crate) fn num(n: usize) -> String {
    crate::report::format::thousands(n as f64, 0)
}

/// A line drawn selected: every span takes the selection's colours (over their own), so
/// the text keeps its contrast; modifiers stay.
pub(crate) fn selected_line<'a>(line: Line<'a>, t: &Theme) -> Line<'a> {
    let sel = t.selected();
    let spans: Vec<Span> = line
        .spans
        .into_iter()
        .map(|sp| {
            let st = sp
                .style
                .fg(sel.fg.unwrap_or_default())
                .bg(sel.bg.unwrap_or_default());
            Span::styled(sp.content, st)
        })
        .collect();
    Line::from(spans).style(sel)
}

#[cfg(test)]
mod budget_tests;
#[cfg(test)]
mod item_tests;
#[cfg(test)]
mod journey_panel_tests;
#[cfg(test)]
mod journey_tests;
#[cfg(test)]
mod keymap_tests;
#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod prompt_tests;
#[cfg(test)]
mod query_tests;
#[cfg(test)]
mod report_tests;
#[cfg(test)]
mod screen_tests;
#[cfg(test)]
mod status_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod theme_tests;
#[cfg(test)]
mod time_tests;
#[cfg(test)]
mod too_small_tests;
#[cfg(test)]
mod trust_tests;
#[cfg(test)]
mod tune_tests;
#[cfg(test)]
mod widget_tests;
#[cfg(test)]
mod wrap_tests;
