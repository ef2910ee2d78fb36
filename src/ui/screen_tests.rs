//! Snapshots of the screens' newer states at 120×40 and 80×24: the quit prompt, the prompt
//! diff, Live paused, the users' tuned figures, help on Journey, snapshot files, a long error,
//! the weights warning, and the wide Layers preview.

use super::tests::{draw, snap};
use super::theme::Theme;
use crate::app::Action;
use crate::app::action::InputKey;
use crate::app::state::State;
use crate::app::update::tests::{app_over_files, demo_app, open, settle, snapshot_u1, type_text};
use crate::tui::effects::EffectContext;

async fn tuned_u062() -> (State, EffectContext) {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    run(&mut s, &store, "set budget.total=2000").await;
    (s, store)
}

pub(super) async fn run(s: &mut State, store: &EffectContext, cmd: &str) {
    settle(s, store, Action::Palette).await;
    type_text(s, store, cmd).await;
    settle(s, store, Action::Input(InputKey::Enter)).await;
}

/// The screen as text, for assertions that name what must be on it.
pub(super) fn text(s: &State, w: u16, h: u16) -> String {
    format!("{:?}", draw(s, w, h, &Theme::default()).backend())
}

#[tokio::test]
async fn quit_prompt_and_prompt_diff() {
    let (mut s, store) = tuned_u062().await;
    settle(&mut s, &store, Action::Quit).await;
    snap("confirm_quit", &mut s);
    assert!(text(&s, 80, 24).contains("--set budget.total=2000"));
    settle(&mut s, &store, Action::Input(InputKey::Char('c'))).await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    settle(&mut s, &store, Action::ToggleDiff).await;
    snap("prompt_diff", &mut s);
    let t = text(&s, 120, 40);
    assert!(t.contains("Prompt diff · baseline → tuned"), "{t}");
}

#[tokio::test]
async fn live_paused_with_every_users_events() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u064").await;
    settle(&mut s, &store, Action::ShowLive).await;
    for (i, user) in ["u014", "u064", "u014"].iter().enumerate() {
        let ev = crate::store::ProgressEvent {
            user_id: user.to_string(),
            milestone: "M5".into(),
            progress: 40.0 + i as f64 * 10.0,
            timestamp: format!("2025-01-15T12:00:0{}Z", i * 3),
        };
        settle(&mut s, &store, Action::Progress(ev)).await;
        if i == 1 {
            settle(&mut s, &store, Action::Pause).await;
        }
    }
    let mine = text(&s, 120, 40);
    assert!(
        mine.contains("PAUSED, 1 new held")
            && !mine.contains("progress:u014")
            && mine.contains(" shown of 3 received"),
        "{mine}"
    );
    settle(&mut s, &store, Action::ToggleAll).await;
    snap("live_paused_all", &mut s);
    assert!(text(&s, 120, 40).contains("progress:u014"));
}

#[tokio::test]
async fn users_with_tuned_figures_and_help_on_journey() {
    let (mut s, store) = tuned_u062().await;
    settle(&mut s, &store, Action::ShowUsers).await;
    settle(&mut s, &store, Action::ToggleTuned).await;
    snap("users_tuned", &mut s);
    assert!(text(&s, 120, 40).contains("figures: tuned prolaunch* "));
    settle(&mut s, &store, Action::ShowJourney).await;
    settle(&mut s, &store, Action::Help).await;
    snap("help_journey", &mut s);
    let t = text(&s, 120, 40);
    let own = t.find("to a dependency").expect("the screen's keys");
    let global = t.find("Everywhere").expect("the global keys");
    assert!(own < global, "the screen's keys come first");
}

#[tokio::test]
async fn a_long_error_wraps_whole_and_the_weights_warning_shows() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    run(
        &mut s,
        &store,
        "frobnicate the context of every user right now please",
    )
    .await;
    snap("long_error", &mut s);
    let t = text(&s, 80, 24);
    assert!(
        t.contains(":q") && t.contains(" error "),
        "the whole message: {t}"
    );
    settle(&mut s, &store, Action::ShowTune).await;
    run(&mut s, &store, "set layers.journey.weight=0.6").await;
    s.status.message = None;
    // Whole at both sizes: the budgets it explains add up to 4,400 of the total 4,000.
    for (w, h) in [(120, 40), (80, 24)] {
        let t = text(&s, w, h);
        assert!(
            t.contains("⚠ layer weights sum to 1.1, not 1:") && t.contains("4,400 of 4,000"),
            "{w}×{h}: {t}"
        );
    }
    snap("tune_weights_warning", &mut s);
}

/// With the weights warning under the layer table, the Tune diff at 80×24 still draws item
/// changes — the rows its title counts — and the flags pane gives way.
#[tokio::test]
async fn tune_shows_item_changes_under_the_weights_warning_at_80x24() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    run(&mut s, &store, "set layers.journey.weight=0.375").await;
    run(&mut s, &store, "set session.max_items=1").await;
    s.status.message = None;
    let t = text(&s, 80, 24);
    assert!(t.contains("⚠ layer weights sum to 0.875"), "{t}");
    // A warning too long for the one line has its figures whole, in fewer words.
    run(&mut s, &store, "set budget.total=1234567890").await;
    s.status.message = None;
    let wide = text(&s, 80, 24);
    assert!(
        wide.contains("⚠ weights sum to 0.875: layers 1,080,246,903 of 1,234,567,890"),
        "{wide}"
    );
    let shown = t.lines().filter(|l| l.contains("│newly dropped ")).count();
    assert!(shown >= 1, "an item row under the warning: {t}");
    assert!(
        t.contains(&format!("1–{shown} of ")),
        "the title counts what is drawn: {t}"
    );
}

#[tokio::test]
async fn snapshot_files_say_snapshot() {
    use crate::store::snapshots::SnapshotStore;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/snapshot-u1.json");
    let files = SnapshotStore::open(&[path], "tests/data/snapshot-u1.json").expect("reads");
    let (mut s, store) =
        crate::app::update::tests::app_over(std::sync::Arc::new(files), false).await;
    settle(&mut s, &store, Action::Select).await;
    snap("snapshot_layers", &mut s);
    assert!(text(&s, 80, 24).contains(" SNAPSHOT "));
}

/// Help scrolls to its very last line at 80×24, where its lines wrap, and back one row.
#[tokio::test]
async fn help_scrolls_to_its_last_wrapped_line() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    s.ui.size = (80, 24);
    settle(&mut s, &ctx, Action::Help).await;
    let top = text(&s, 80, 24);
    assert!(top.contains("scroll the layer budgets"), "{top}");
    let rows = s.ui.help_rows.get();
    assert!(
        top.contains(&format!("Keys · 1-20/{rows} ·")),
        "says where it is: {top}"
    );
    // The last entry: the last screen's last key (Report's, seen from Budget).
    let (_, keys, last) = crate::ui::help::entries(&s).pop().expect("entries");
    let last = format!("{keys}  {last}");
    settle(&mut s, &ctx, Action::Bottom).await;
    let end = text(&s, 80, 24);
    assert!(end.contains(&last), "{last}: {end}");
    settle(&mut s, &ctx, Action::Up).await;
    let up = text(&s, 80, 24);
    assert!(!up.contains(&last) && up != top, "{up}");
}

/// A user in two snapshot files is listed twice (`USER@FILE`), and each row is counted.
#[tokio::test]
async fn a_user_in_two_snapshot_files_is_counted_in_both_rows() {
    let u1 = snapshot_u1().to_string();
    let (s, _ctx, _dir) = app_over_files(&[("a.json", u1.clone()), ("b.json", u1)]).await;
    let rows: Vec<(&str, bool)> = s
        .users
        .rows
        .iter()
        .map(|r| (r.summary.user_id.as_str(), r.stats.is_some()))
        .collect();
    assert_eq!(rows, [("u1@a.json", true), ("u1@b.json", true)]);
}

/// A snapshot file that cannot be read, opened from the list: the user screens say which and
/// why, also after the error message has gone, instead of "no user selected".
#[tokio::test]
async fn a_file_that_cannot_be_read_says_so_on_the_user_screens() {
    let (mut s, ctx, _dir) = app_over_files(&[
        ("a.json", snapshot_u1().to_string()),
        ("broken.json", "{\"user_id\": \"u1\", \"sess".into()),
    ])
    .await;
    open(&mut s, &ctx, "broken.json").await;
    // Said once, in the middle of the user screens: no error message over it.
    assert!(
        s.status.message.as_ref().is_none_or(|m| !m.error),
        "{:?}",
        s.status.message
    );
    for screen in [Action::ShowLayers, Action::ShowBudget, Action::ShowPrompt] {
        settle(&mut s, &ctx, screen).await;
        let t = text(&s, 80, 24);
        assert!(
            t.contains("Could not open broken.json.")
                && t.contains("EOF")
                && t.contains("while parsing"),
            "{t}"
        );
        assert!(!t.contains("No user selected"), "{t}");
    }
}

/// A file fixed on disk reads as fixed: `R` lists the files again and opening the user reads
/// its file again, no restart.
#[tokio::test]
async fn a_file_fixed_on_disk_reads_after_r() {
    let (mut s, ctx, dir) = app_over_files(&[
        ("a.json", snapshot_u1().to_string()),
        ("broken.json", "{\"user_id\": \"u1\", \"sess".into()),
    ])
    .await;
    open(&mut s, &ctx, "broken.json").await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    assert!(text(&s, 80, 24).contains("Could not open broken.json."));
    let mut fixed = snapshot_u1();
    fixed["user_id"] = "u2".into();
    std::fs::write(dir.path().join("broken.json"), fixed.to_string()).expect("write");
    settle(&mut s, &ctx, Action::Refresh).await;
    let ids: Vec<&str> = s
        .users
        .rows
        .iter()
        .map(|r| r.summary.user_id.as_str())
        .collect();
    assert!(
        ids.contains(&"u2") && !ids.contains(&"broken.json"),
        "{ids:?}"
    );
    open(&mut s, &ctx, "u2").await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    let t = text(&s, 80, 24);
    assert!(!t.contains("Could not open"), "{t}");
    assert!(t.contains("u2 · prolaunch"), "{t}");
}

/// A long user id squeezes the columns at 80: each heading takes its short form or ends in
/// `…`, never a word cut silently (`TOKENS / BUDG`).
#[tokio::test]
async fn users_headings_are_never_cut_silently() {
    let mut v = snapshot_u1();
    v["user_id"] = format!("nolong_{}", "x".repeat(250)).into();
    let (mut s, ctx, _dir) = app_over_files(&[("long.json", v.to_string())]).await;
    settle(&mut s, &ctx, Action::ShowUsers).await;
    for (w, h) in [(80, 24), (120, 40)] {
        let t = text(&s, w, h);
        let header = t
            .lines()
            .find(|l| l.contains("│USER"))
            .unwrap_or_else(|| panic!("{t}"));
        assert!(
            header.contains("TOKENS / BUDGET ") || header.contains("TOKENS "),
            "{w}: {header}"
        );
        assert!(
            !header.contains("BUDG ") && !header.contains("BUDGE "),
            "{w}: {header}"
        );
    }
}

/// The light theme paints its own background on every cell, overlays included, so it reads on
/// a dark terminal as on a light one.
#[tokio::test]
async fn the_light_theme_paints_every_cell_on_every_screen_and_overlay() {
    let (themes, _) = super::theme::load_all(None);
    let light = &themes["light"];
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    let screens = [
        Action::ShowUsers,
        Action::ShowLayers,
        Action::ShowBudget,
        Action::ShowJourney,
        Action::ShowTune,
        Action::ShowPrompt,
        Action::ShowLive,
        Action::ShowReport,
    ];
    for screen in screens {
        settle(&mut s, &ctx, screen.clone()).await;
        for overlay in [None, Some(Action::Help)] {
            if let Some(o) = &overlay {
                settle(&mut s, &ctx, o.clone()).await;
            }
            let term = super::tests::draw(&s, 120, 40, light);
            let buf = term.backend().buffer();
            let unpainted = unpainted(buf);
            assert!(
                unpainted.is_empty(),
                "{screen:?} {overlay:?}: {} cells on the terminal's background, from {:?}",
                unpainted.len(),
                unpainted.first()
            );
            if overlay.is_some() {
                settle(&mut s, &ctx, Action::Back).await;
            }
        }
    }
    // The item overlay, over Layers.
    settle(&mut s, &ctx, Action::ShowLayers).await;
    settle(&mut s, &ctx, Action::Select).await;
    let term = super::tests::draw(&s, 120, 40, light);
    let left = unpainted(term.backend().buffer());
    assert!(
        left.is_empty(),
        "item overlay: {} cells, from {:?}",
        left.len(),
        left.first()
    );
}

/// Cells left on the terminal's background (column, row), but for the second half of a wide
/// character, which the terminal draws with the first.
fn unpainted(buf: &ratatui::buffer::Buffer) -> Vec<(usize, usize)> {
    use unicode_width::UnicodeWidthStr;
    let cells = buf.content();
    let w = usize::from(buf.area.width);
    (0..cells.len())
        .filter(|&i| cells[i].bg == ratatui::style::Color::Reset)
        .filter(|&i| i % w == 0 || cells[i - 1].symbol().width() < 2)
        .map(|i| (i % w, i / w))
        .collect()
}

/// A current milestone the map does not know reads as such on Users, not as `M99 M99`.
#[tokio::test]
async fn an_unknown_milestone_reads_as_not_in_the_map() {
    let (mut s, _ctx) = demo_app().await;
    s.users.rows[0].summary.current_milestone = Some("M99".into());
    let t = text(&s, 120, 40);
    assert!(
        t.contains("M99 (not in the map)") && !t.contains("M99 M99"),
        "{t}"
    );
}

/// Sorted by user, snapshot files list by user id, not in the order of their files.
#[tokio::test]
async fn snapshot_files_sort_by_user_id() {
    let named = |user: &str| {
        let mut v = snapshot_u1();
        v["user_id"] = serde_json::json!(user);
        v.to_string()
    };
    let (s, _ctx, _dir) =
        app_over_files(&[("1.json", named("zeta")), ("2.json", named("alpha"))]).await;
    let shown: Vec<&str> = s
        .users
        .shown
        .iter()
        .map(|&i| s.users.rows[i].summary.user_id.as_str())
        .collect();
    assert_eq!(shown, ["alpha", "zeta"]);
}

/// A sort by figures some rows do not have yet says how many are not counted: the order is
/// not final. Counted, the note goes.
#[tokio::test]
async fn a_sort_by_tokens_says_how_many_rows_are_not_counted_yet() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::CycleSort).await; // milestone
    let t = text(&s, 120, 40);
    assert!(!t.contains("not counted yet"), "{t}");
    settle(&mut s, &store, Action::CycleSort).await; // tokens
    for r in s.users.rows.iter_mut().take(3) {
        r.stats = None;
    }
    let t = text(&s, 120, 40);
    assert!(t.contains("sort tokens ↓ (3 not counted yet)"), "{t}");
    for r in s.users.rows.iter_mut().take(3) {
        r.failed = Some("unreadable".into());
    }
    let t = text(&s, 120, 40);
    assert!(
        !t.contains("not counted yet"),
        "a failed row is not pending: {t}"
    );
}

/// A new sort shows the list from its top with the first row selected, also when the selection
/// was far down the old order (as drawn: the row under the header is the new first).
#[tokio::test]
async fn a_new_sort_shows_the_top_of_the_list() {
    let (mut s, store) = demo_app().await;
    s.ui.size = (80, 24);
    for _ in 0..30 {
        settle(&mut s, &store, Action::Down).await;
    }
    let id = |s: &State, i: usize| s.users.rows[s.users.shown[i]].summary.user_id.clone();
    let before = super::tests::rows(&s, 80, 24);
    assert!(
        !before[3].contains(&id(&s, 0)),
        "scrolled down the list: {before:#?}"
    );
    settle(&mut s, &store, Action::CycleSort).await; // milestone
    settle(&mut s, &store, Action::CycleSort).await; // tokens, largest first
    let tokens = |r: &crate::app::state::UserRow| r.stats.as_ref().map_or(0, |st| st.tokens);
    let most = s.users.rows.iter().map(tokens).max().expect("users");
    let top = id(&s, 0);
    let top_row = s.users.rows.iter().find(|r| r.summary.user_id == top);
    assert_eq!(top_row.map(tokens), Some(most), "the largest context first");
    let term = draw(&s, 80, 24, &Theme::default());
    let buf = term.backend().buffer();
    let row = |y: u16| -> String { (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect() };
    assert!(row(1).contains("sort tokens"), "{}", row(1));
    assert!(
        row(2).contains("USER") && row(3).starts_with(&format!("│{top} ")),
        "the new first row under the header: {}",
        row(3)
    );
    assert_eq!(
        buf[(1, 3)].bg,
        Theme::default().selected().bg.expect("a selection colour"),
        "and selected"
    );
}

/// The Layers preview shows from 140 columns (README: "From 140 columns"), not at 139.
#[tokio::test]
async fn the_layers_preview_starts_at_140_columns() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for _ in 0..9 {
        settle(&mut s, &store, Action::Down).await;
    }
    assert_eq!(crate::app::layout::PREVIEW_FROM, 140);
    for (w, shown) in [(139, false), (140, true)] {
        s.ui.size = (w, 40);
        let screen = text(&s, w, 40);
        assert_eq!(
            screen.contains("source     embedded demo: memory_bank id=330"),
            shown,
            "{w} columns: {screen}"
        );
    }
}

/// An item's source names the store it was read from; the demo's rows are marked as the demo's
/// (no Redis or Postgres was read).
#[tokio::test]
async fn an_items_source_names_its_store_except_on_the_demo() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for _ in 0..9 {
        settle(&mut s, &store, Action::Down).await;
    }
    s.ui.size = (160, 40);
    for (demo, shown) in [
        (true, "source     embedded demo: memory_bank id=330"),
        (false, "source     postgres memory_bank id=330"),
    ] {
        s.status.demo = demo;
        let screen = text(&s, 160, 40);
        assert!(screen.contains(shown), "demo {demo}: {screen}");
    }
}

/// At 80 columns a copy's badge keeps the id it copies whole; its reason gives way first.
#[tokio::test]
async fn a_copys_badge_keeps_what_it_copies_at_80x24() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    s.ui.size = (80, 24);
    // Down to the copies (the table scrolls with the selection).
    for _ in 0..13 {
        settle(&mut s, &store, Action::Down).await;
    }
    let t = text(&s, 80, 24);
    assert!(t.contains("dup of mb:327"), "{t}");
    assert!(t.contains("dup of mb:324"), "{t}");
    assert!(!t.contains("dup of …"), "{t}");
}
