//! Long text on screen: the last page of a list is full, the Prompt screen and the item and
//! explain overlays scroll by the rows drawn (so the end of a long paragraph can be read and a
//! match is brought on screen), and marks and gutters stay on every row of a wrapped line.

use super::tests::draw;
use super::theme::Theme;
use crate::app::Action;
use crate::app::layout;
use crate::app::state::State;
use crate::app::update::tests::{demo_app, settle};

/// The screen's rows as text.
fn screen(s: &State) -> Vec<String> {
    let (w, h) = s.ui.size;
    let t = draw(s, w, h, &Theme::default());
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

#[tokio::test]
async fn users_bottom_shows_a_full_last_page() {
    let (mut s, store) = demo_app().await;
    s.ui.size = (120, 40);
    settle(&mut s, &store, Action::Bottom).await;
    let height = layout::table_rows(layout::Areas::new(s.ui.size).body);
    let n = s.users.shown.len();
    assert!(n > height, "the demo has more users than one page: {n}");
    let id = |i: usize| s.users.rows[s.users.shown[i]].summary.user_id.clone();
    let rows = screen(&s);
    // The table's last row is the last user, on the row above the border; the page is full.
    let last = &rows[rows.len() - 3];
    assert!(last.contains(&id(n - 1)), "{rows:#?}");
    let first_shown = rows.iter().position(|r| r.contains(&id(n - height)));
    assert_eq!(first_shown, Some(3), "{rows:#?}");
}

const MARKER: &str = "FINAL-SENTENCE-MARKER.";

/// u1 of the test snapshot file, its first question a paragraph of about 8,900 characters of
/// ordinary words ending in [`MARKER`], and its second a line of CJK text ending in `終わり`,
/// under a budget that keeps both.
async fn long_text() -> (State, crate::tui::effects::EffectContext) {
    let mut v = crate::app::update::tests::snapshot_u1();
    let words = "the supplier confirmed the landed cost and the freight schedule for spring ";
    let long = format!("{}{MARKER}", words.repeat(8_900 / words.len()));
    assert!(long.len() > 8_800, "{}", long.len());
    v["session"][0]["user"] = serde_json::Value::String(long);
    v["session"][1]["content"] = serde_json::Value::String(format!(
        "{}終わり",
        "抹茶セットの価格は送料込みで".repeat(150)
    ));
    let (mut s, ctx, _dir) =
        crate::app::update::tests::app_over_files(&[("u1.json", v.to_string())]).await;
    settle(&mut s, &ctx, Action::Select).await;
    // A budget the long paragraph fits in, so it is in the prompt too.
    settle(&mut s, &ctx, Action::Palette).await;
    crate::app::update::tests::type_text(&mut s, &ctx, "set budget.total=40000").await;
    settle(
        &mut s,
        &ctx,
        Action::Input(crate::app::action::InputKey::Enter),
    )
    .await;
    (s, ctx)
}

/// The Prompt screen's title: (first row, last row, rows).
fn prompt_title(rows: &[String]) -> (usize, usize, usize) {
    let t = &rows[1];
    let at = t.find(" · rows ").expect("rows in the title") + " · rows ".len();
    let nums: Vec<usize> = t[at..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .take(3)
        .map(|n| n.parse().expect("number"))
        .collect();
    (nums[0], nums[1], nums[2])
}

#[tokio::test]
async fn the_prompt_scrolls_by_screen_row_through_a_long_paragraph() {
    let (mut s, ctx) = long_text().await;
    s.ui.size = (80, 24);
    settle(&mut s, &ctx, Action::ShowPrompt).await;
    let height = usize::from(layout::Areas::new(s.ui.size).body.height) - 2;
    let mut seen_marker = false;
    let mut before = screen(&s);
    let (_, _, total) = prompt_title(&before);
    assert!(
        total > 150,
        "the paragraph is many rows at 78 columns: {total}"
    );
    // j moves the text up one screen row at a time, all the way to the last row.
    for step in 1..total {
        settle(&mut s, &ctx, Action::Down).await;
        let now = screen(&s);
        seen_marker |= now.iter().any(|r| r.contains(MARKER));
        let (first, last, _) = prompt_title(&now);
        if step <= total - height {
            assert_eq!((first, last), (step + 1, step + height), "{now:#?}");
            assert_eq!(now[2..=height], before[3..=height + 1], "one row up");
        } else {
            assert_eq!(
                (first, last),
                (total - height + 1, total),
                "stops at the end"
            );
        }
        before = now;
    }
    assert!(
        seen_marker,
        "the end of the long paragraph is on screen on the way"
    );
    // G: the last page is full, its last row at the bottom.
    settle(&mut s, &ctx, Action::Top).await;
    settle(&mut s, &ctx, Action::Bottom).await;
    let end = screen(&s);
    assert_eq!(prompt_title(&end), (total - height + 1, total, total));
    assert!(
        end[2..=height + 1]
            .iter()
            .filter(|r| r.trim() != "││")
            .count()
            > height / 2
    );
    // ctrl-d and ctrl-u move by a page of rows.
    settle(&mut s, &ctx, Action::Top).await;
    settle(&mut s, &ctx, Action::PageDown).await;
    assert_eq!(prompt_title(&screen(&s)).0, height + 1);
    settle(&mut s, &ctx, Action::PageUp).await;
    assert_eq!(prompt_title(&screen(&s)).0, 1);
}

#[tokio::test]
async fn a_search_brings_its_match_row_on_screen() {
    let (mut s, ctx) = long_text().await;
    s.ui.size = (80, 24);
    settle(&mut s, &ctx, Action::ShowPrompt).await;
    settle(&mut s, &ctx, Action::Filter).await;
    crate::app::update::tests::type_text(&mut s, &ctx, "FINAL").await;
    settle(
        &mut s,
        &ctx,
        Action::Input(crate::app::action::InputKey::Enter),
    )
    .await;
    let rows = screen(&s);
    assert!(rows[1].contains("/FINAL 1/1"), "{rows:#?}");
    assert!(rows.iter().any(|r| r.contains(MARKER)), "{rows:#?}");
    // n comes back to it.
    settle(&mut s, &ctx, Action::Top).await;
    settle(&mut s, &ctx, Action::NextMatch).await;
    assert!(screen(&s).iter().any(|r| r.contains(MARKER)));
}

/// Selects the Layers row of the item whose text contains `needle`, and opens it.
async fn open_item(s: &mut State, ctx: &crate::tui::effects::EffectContext, needle: &str) {
    settle(s, ctx, Action::ShowLayers).await;
    let a = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.as_ref())
        .expect("replayed");
    let at = crate::app::update::shown_rows(s, a)
        .iter()
        .position(
            |r| matches!(r, crate::app::update::LayerRow::Item(it) if it.text.contains(needle)),
        )
        .expect("the item is listed");
    s.user.cursor = at;
    settle(s, ctx, Action::Select).await;
    // Drawn, as the loop does before the next key.
    screen(s);
}

#[tokio::test]
async fn the_item_overlay_scrolls_to_the_end_of_long_and_cjk_text() {
    let (mut s, ctx) = long_text().await;
    for (size, needle, end) in [
        ((80, 24), MARKER, MARKER),
        ((120, 40), MARKER, MARKER),
        ((120, 40), "終わり", "終わり"),
        ((80, 24), "終わり", "終わり"),
    ] {
        s.ui.size = size;
        open_item(&mut s, &ctx, needle).await;
        settle(&mut s, &ctx, Action::Bottom).await;
        let rows = screen(&s);
        assert!(
            rows.iter().any(|r| r.replace(' ', "").contains(end)),
            "{size:?}: {rows:#?}"
        );
        // The title counts the rows drawn, and the last page ends on the last one.
        let total = s.ui.item_rows.get();
        let height = usize::from(layout::item_popup(size).height) - 2;
        let want = format!("{}-{total}/{total}", total - height + 1);
        assert!(rows.iter().any(|r| r.contains(&want)), "{want}: {rows:#?}");
        settle(&mut s, &ctx, Action::Back).await;
    }
}

#[tokio::test]
async fn every_row_of_a_wrapped_diff_line_keeps_its_mark() {
    let (mut s, ctx) = demo_app().await;
    crate::app::update::tests::open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::Palette).await;
    crate::app::update::tests::type_text(&mut s, &ctx, "set budget.total=2000").await;
    settle(
        &mut s,
        &ctx,
        Action::Input(crate::app::action::InputKey::Enter),
    )
    .await;
    settle(&mut s, &ctx, Action::ShowPrompt).await;
    settle(&mut s, &ctx, Action::ToggleDiff).await;
    let removed = Theme::default()
        .decision(crate::engine::Decision::Dropped)
        .fg;
    for size in [(80, 24), (120, 40)] {
        s.ui.size = size;
        let t = draw(&s, size.0, size.1, &Theme::default());
        let buf = t.backend().buffer();
        // Rows drawn in the removed colour, and whether each starts with the `-` mark.
        let rows: Vec<bool> = (2..size.1 - 2)
            .filter(|&y| buf[(3, y)].fg == removed.unwrap_or_default())
            .map(|y| buf[(1, y)].symbol() == "-")
            .collect();
        // The removed lines on the first page take more rows than there are lines: they wrap.
        let view = crate::app::update::prompt_rows(&s);
        let (_, height) = crate::app::update::prompt_area(size);
        let shown: Vec<usize> = view.rows[..height]
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| view.lines[*i].starts_with("- ") && view.lines[*i].len() > 2)
            .collect();
        let mut lines = shown.clone();
        lines.dedup();
        assert!(shown.len() > lines.len(), "{shown:?}");
        assert_eq!(rows.len(), shown.len(), "{rows:?}");
        assert!(
            rows.len() > 4 && rows.iter().all(|m| *m),
            "{size:?}: {rows:?}"
        );
    }
}

#[tokio::test]
async fn the_token_view_wraps_under_its_count_column() {
    let (mut s, ctx) = long_text().await;
    s.ui.size = (80, 24);
    open_item(&mut s, &ctx, MARKER).await;
    settle(&mut s, &ctx, Action::ToggleTokens).await;
    screen(&s);
    settle(&mut s, &ctx, Action::Bottom).await;
    let popup = layout::item_popup(s.ui.size);
    let inside = |rows: &[String]| -> Vec<String> {
        rows[usize::from(popup.y) + 1..usize::from(popup.bottom()) - 1]
            .iter()
            .map(|r| {
                r.chars()
                    .skip(usize::from(popup.x) + 1)
                    .take(usize::from(popup.width) - 2)
                    .collect()
            })
            .collect()
    };
    let rows = inside(&screen(&s));
    assert!(rows.iter().any(|r| r.contains(MARKER)), "{rows:#?}");
    let gutter = |r: &String| {
        let g: String = r.chars().take(7).collect();
        g == "     │ " || (g.ends_with(" │ ") && g[..4].trim().parse::<usize>().is_ok())
    };
    assert!(rows.iter().all(gutter), "{rows:#?}");
    assert!(rows.iter().filter(|r| r.starts_with("     │ ")).count() > 10);
    // The ids wrap under the gutter too.
    settle(&mut s, &ctx, Action::ToggleTokenIds).await;
    screen(&s);
    settle(&mut s, &ctx, Action::Bottom).await;
    let rows = inside(&screen(&s));
    assert!(rows.iter().all(gutter), "{rows:#?}");
    let id_rows = rows
        .iter()
        .filter(|r| {
            r.starts_with("     │ ") && r.chars().skip(7).all(|c| c.is_ascii_digit() || c == ' ')
        })
        .count();
    assert!(id_rows > 5, "ids continue under the gutter: {rows:#?}");
}

#[tokio::test]
async fn live_bottom_shows_a_full_last_page_of_events() {
    let (mut s, ctx) = demo_app().await;
    crate::app::update::tests::open(&mut s, &ctx, "u064").await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    s.ui.size = (80, 24);
    for i in 0..30 {
        let ev = crate::store::ProgressEvent {
            user_id: "u064".into(),
            milestone: "M5".into(),
            progress: f64::from(i),
            timestamp: format!("2025-01-15T12:{i:02}:00Z"),
        };
        settle(&mut s, &ctx, Action::Progress(ev)).await;
    }
    settle(&mut s, &ctx, Action::Bottom).await;
    let events = crate::app::live_view::areas(&s, layout::Areas::new(s.ui.size).body).2;
    let rows = screen(&s);
    let inside = &rows[usize::from(events.y) + 1..usize::from(events.bottom()) - 1];
    // Newest first: the oldest event on the bottom row, and no empty row above it.
    assert!(
        inside.last().is_some_and(|r| r.contains("12:00:00")),
        "{rows:#?}"
    );
    assert!(inside.iter().all(|r| r.contains("M5")), "{rows:#?}");
    // k moves at once from there.
    settle(&mut s, &ctx, Action::Up).await;
    let rows = screen(&s);
    let inside = &rows[usize::from(events.y) + 1..usize::from(events.bottom()) - 1];
    assert!(
        inside.last().is_some_and(|r| r.contains("12:01:00")),
        "{rows:#?}"
    );
}

/// The explain overlay's scroll bound is the rows it draws: a gate's reason wrapped by words
/// takes more rows than its width divided by the overlay's.
#[tokio::test]
async fn the_explain_overlay_counts_the_rows_it_draws() {
    use crate::demo::{Dataset, KnowledgeRow};
    use crate::store::MemoryStore;
    let mut data = Dataset::demo();
    data.knowledge.push(KnowledgeRow {
        id: 990,
        milestone: None,
        title: "Blank article".into(),
        content: String::new(),
        metadata: serde_json::json!({}),
        created_at: data.now.clone(),
    });
    let store = std::sync::Arc::new(MemoryStore::from_dataset(data, "DEMO").expect("store"));
    let (mut s, ctx) = crate::app::update::tests::app_over(store, false).await;
    crate::app::update::tests::open(&mut s, &ctx, "u005").await;
    settle(&mut s, &ctx, Action::Palette).await;
    crate::app::update::tests::type_text(&mut s, &ctx, "explain kn:990").await;
    settle(
        &mut s,
        &ctx,
        Action::Input(crate::app::action::InputKey::Enter),
    )
    .await;
    s.ui.size = (80, 24);
    let full = layout::item_popup(s.ui.size);
    let width = usize::from(full.width) - 2;
    let e = s.user.explained.as_deref().expect("explained");
    let want = crate::app::diff_view::explain_rows(e, &crate::app::update::asked(&s), width).len();
    // The overlay is as tall as its rows (or the full popup, scrolling).
    let popup = layout::fitted(full, want);
    let rows = screen(&s);
    let inside: Vec<String> = rows[usize::from(popup.y) + 1..usize::from(popup.bottom()) - 1]
        .iter()
        .map(|r| {
            r.chars()
                .skip(usize::from(popup.x) + 1)
                .take(width)
                .collect()
        })
        .collect();
    let drawn = inside
        .iter()
        .rposition(|r| !r.trim().is_empty())
        .map_or(0, |i| i + 1);
    assert_eq!(want, drawn, "{inside:#?}");
}

/// A gate's detail that wraps hangs under itself, behind its mark and name: a continuation
/// never starts at the left edge as if it were a gate of its own.
#[tokio::test]
async fn an_explained_gate_wraps_under_its_detail() {
    let (mut s, ctx) = crate::app::update::tests::demo_app().await;
    crate::app::update::tests::open(&mut s, &ctx, "u001").await;
    crate::app::update::tests::run_command(&mut s, &ctx, "explain kn:2").await;
    let e = s.user.explained.as_deref().expect("explained");
    let rows = crate::app::diff_view::explain_rows(e, &crate::app::update::asked(&s), 40);
    let gate_rows: Vec<&str> = rows
        .iter()
        .map(|(r, _)| r.as_str())
        .skip_while(|r| !r.starts_with(['✔', '✘', '·']))
        .take_while(|r| !r.is_empty())
        .collect();
    assert!(
        gate_rows.len() > e.gates.len(),
        "some detail wraps: {gate_rows:#?}"
    );
    let head = " ".repeat(14);
    for r in &gate_rows {
        assert!(
            r.starts_with(['✔', '✘', '·']) || (r.starts_with(&head) && r.len() > head.len()),
            "{gate_rows:#?}"
        );
        assert!(unicode_width::UnicodeWidthStr::width(*r) <= 40, "{r}");
    }
}

/// Explained under a tuned policy, the overlay names it as every screen then does: `prolaunch*`.
#[tokio::test]
async fn the_explain_overlay_names_a_tuned_policy_as_tuned() {
    let (mut s, ctx) = crate::app::update::tests::demo_app().await;
    crate::app::update::tests::open(&mut s, &ctx, "u062").await;
    for line in ["set knowledge.similarity_threshold=0.6", "explain kn:57"] {
        crate::app::update::tests::run_command(&mut s, &ctx, line).await;
    }
    let e = s.user.explained.as_deref().expect("explained");
    assert_eq!(e.policy, "prolaunch*");
    let rows = crate::app::diff_view::explain_rows(e, &crate::app::update::asked(&s), 100);
    assert!(
        rows.iter().any(|(r, _)| r.contains("· policy prolaunch*")),
        "{rows:#?}"
    );
}

/// A scroll position in a title groups its thousands, as every other figure does.
#[test]
fn a_scroll_position_groups_its_thousands() {
    assert_eq!(super::span(1, 32, 52_439), "1-32/52,439");
    assert_eq!(
        super::place(1_000, 20, 1_019).as_deref(),
        Some("1,001-1,019/1,019")
    );
    assert_eq!(super::place(0, 20, 20), None);
}

/// Emoji sequences and flags, which terminals draw at widths of their own, are drawn as cells
/// every terminal draws as counted: a sequence as its first emoji, a flag as its letters; the
/// text shown still ends where the layout put it.
#[test]
fn cells_never_hold_a_sequence_terminals_draw_at_their_own_width() {
    use ratatui::text::Line;
    use ratatui::widgets::Paragraph;
    use unicode_width::UnicodeWidthStr;
    let text = "a👨\u{200d}👩\u{200d}👧\u{200d}👦b🇩🇪c👍🏽d❤\u{fe0f}e1\u{fe0f}\u{20e3}f";
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(30, 1)).expect("terminal");
    terminal
        .draw(|f| {
            f.render_widget(Paragraph::new(Line::from(text)), f.area());
            // As `render` leaves every frame.
            super::steady_cells(f.buffer_mut());
        })
        .expect("draws");
    let buf = terminal.backend().buffer();
    let (mut row, mut drawn, mut skip) = (String::new(), 0, 0);
    for cell in &buf.content {
        let sym = cell.symbol();
        // A terminal writes each symbol and moves on by its width, over the cells it covers.
        if skip > 0 {
            skip -= 1;
        } else {
            drawn += sym.width();
            skip = sym.width().saturating_sub(1);
        }
        assert!(
            !sym.contains(['\u{200d}', '\u{fe0f}', '\u{20e3}'])
                && !sym.chars().any(|c| ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
                    || ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)),
            "{sym:?}"
        );
        // One character a cell: more would be drawn over the next cell, which the next
        // frame's diff takes for what it holds (a letter left behind on the next screen).
        assert_eq!(sym.chars().count(), 1, "{sym:?}");
        row.push_str(sym);
    }
    assert!(
        row.starts_with("a👨 b") && row.contains("bDEc👍 d❤ e1 f"),
        "{row:?}"
    );
    // A zero-width joiner is left out of every cell that is not an emoji's (a terminal takes
    // what follows it into its cell: a Malayalam chillu took the space after it, a Devanagari
    // conjunct is drawn a cell narrower); a non-joiner only where its script joins nothing
    // (Persian's stays).
    for (grapheme, shown) in [
        ("a\u{200d}", Some("a")),
        ("c\u{200c}", Some("c")),
        // A wide letter is taken for an emoji's start: its first character alone.
        ("文\u{200d}", None),
        ("क्\u{200d}ष", Some("क्ष")),
        ("ന്\u{200d}", Some("ന്")),
        ("ی\u{200c}", None),
        ("\u{200d}", Some(" ")),
        ("👩\u{200d}💻", None),
    ] {
        assert_eq!(super::unjoined(grapheme).as_deref(), shown, "{grapheme:?}");
    }
    // What a terminal draws is as wide as the layout counted, cell for cell.
    assert_eq!(drawn, 30, "{row:?}");
    assert!(Line::from(text).width() < 30);
}

/// A filter longer than the screen: the empty list says so on one row, cut (esc's hint stays
/// in sight), and the input line shows the filter's end, where the cursor is.
#[tokio::test]
async fn a_long_filter_is_one_row_cut_above_and_its_end_below() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::Filter).await;
    let text = format!("{}QEND", "ab".repeat(1000));
    crate::app::update::tests::type_text(&mut s, &ctx, &text).await;
    let rows = super::tests::rows(&s, 80, 24);
    let said: Vec<&String> = rows
        .iter()
        .filter(|r| r.contains("No users match /"))
        .collect();
    assert_eq!(said.len(), 1, "{}", rows.join("\n"));
    assert!(said[0].contains("…"), "{}", said[0]);
    assert!(
        rows.iter().any(|r| r.contains("esc clears the filter")),
        "{}",
        rows.join("\n")
    );
    assert_eq!(
        rows.iter().filter(|r| r.contains("ababab")).count(),
        3,
        "{}",
        rows.join("\n")
    );
    assert!(rows[23].trim_end().ends_with("QEND"), "{}", rows[23]);
}

/// A grapheme shown as less than it is goes over the cells left blank for it, never over a
/// character a layout put beside it (the Journey canvas gives `❤️` one cell, `X` the next).
#[test]
fn a_steady_symbol_never_writes_over_the_next_character() {
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 4, 1));
    buf.content[0].set_symbol("❤\u{fe0f}");
    buf.content[1].set_symbol("X");
    buf.content[2].set_symbol("🇩🇪");
    super::steady_cells(&mut buf);
    let row: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
    // The flag's second letter goes into the blank cell after it.
    assert_eq!(row, ["❤", "X", "D", "E"]);
}
