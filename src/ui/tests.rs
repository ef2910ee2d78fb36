//! Snapshots of every screen on the demo, at 120×40 and 80×24, in their states and themes.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::render;
use super::theme::Theme;
use crate::app::Action;
use crate::app::action::InputKey;
use crate::app::state::{ProgressEvent, Screen, State};
use crate::app::update::tests::{demo_app, open, settle, type_text};

/// The screen as text, one string per row.
pub(crate) fn rows(s: &State, w: u16, h: u16) -> Vec<String> {
    let t = draw(s, w, h, &Theme::default());
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

pub(crate) fn draw(s: &State, w: u16, h: u16, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| render(f, s, theme)).expect("draws");
    terminal
}

pub(super) fn snap(name: &str, s: &mut State) {
    for (w, h) in [(120, 40), (80, 24)] {
        s.ui.size = (w, h);
        let terminal = draw(s, w, h, &Theme::default());
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

/// The demo with u062 (over budget) open.
async fn with_user(user: &str) -> State {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, user).await;
    s
}

#[tokio::test]
async fn users_screen() {
    let (mut s, store) = demo_app().await;
    snap("users", &mut s);
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "launch").await;
    snap("users_filtered", &mut s);
    type_text(&mut s, &store, "zzzz").await;
    snap("users_filter_no_match", &mut s);
}

#[tokio::test]
async fn every_user_screen() {
    let mut s = with_user("u062").await;
    for (screen, show) in [
        (Screen::Layers, Action::ShowLayers),
        (Screen::Budget, Action::ShowBudget),
        (Screen::Journey, Action::ShowJourney),
        (Screen::Prompt, Action::ShowPrompt),
    ] {
        // Opened as a key opens it (the Budget screen's margins are made as it opens).
        let effects = crate::app::update(&mut s, show);
        assert!(effects.is_empty(), "{effects:?}");
        assert_eq!(s.ui.screen, screen);
        snap(&format!("{screen:?}").to_lowercase(), &mut s);
    }
}

#[tokio::test]
async fn tune_screen_with_a_change() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    snap("tune_baseline", &mut s);
    for _ in 0..20 {
        settle(&mut s, &store, Action::Decrease).await; // budget.total 4000 → 2000
    }
    snap("tune_lowered_budget", &mut s);
    // At 80x24 the item changes take rows from the fields, and those that still do not fit
    // are scrolled by the page keys, to the last one.
    s.ui.size = (80, 24);
    let text = |s: &State| format!("{:?}", draw(s, 80, 24, &Theme::default()).backend());
    let before = text(&s);
    assert!(before.contains("· 1–4 of 5 (PgDn/PgUp)"), "{before}");
    // A page is what the pane showed: four changes here, so none is skipped.
    settle(&mut s, &store, Action::PageDown).await;
    assert!(text(&s).contains("· 5–5 of 5"));
    for _ in 0..10 {
        settle(&mut s, &store, Action::PageDown).await;
    }
    let after = text(&s);
    assert!(after.contains("· 5–5 of 5 (PgDn/PgUp)"), "{after}");
    assert!(after.contains("newly dropped  mb:329"), "{after}");
    settle(&mut s, &store, Action::PageUp).await;
    assert!(text(&s).contains("· 1–4 of 5"), "a page (four rows) back");
    // More kinds of change at 80 columns: the place is said briefly, never cut in the border
    // mid-word.
    s.session.policy = s
        .session
        .policy
        .clone()
        .with_overrides(&[
            "budget.total=1200".into(),
            "strategy=truncate".into(),
            "layers.knowledge.weight=0.6".into(),
        ])
        .expect("valid");
    settle(&mut s, &store, Action::Refresh).await;
    settle(&mut s, &store, Action::ShowTune).await;
    let shown = text(&s);
    let top = shown
        .lines()
        .find(|l| l.contains("Replay diff"))
        .unwrap_or_default()
        .to_string();
    assert!(top.contains("· 1–3/8"), "the place said briefly: {top}");
    assert!(
        !shown.contains("(PgDn") || shown.contains("(PgDn/PgUp)"),
        "{top}"
    );
}

#[tokio::test]
async fn live_screen() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u064").await;
    for (i, user) in ["u014", "u064"].iter().enumerate() {
        let ev = ProgressEvent {
            user_id: user.to_string(),
            milestone: "M5".into(),
            progress: 40.0 + i as f64 * 10.0,
            timestamp: format!("2025-01-15T12:00:0{i}Z"),
        };
        settle(&mut s, &store, Action::Progress(ev)).await;
    }
    settle(&mut s, &store, Action::ShowLive).await;
    snap("live", &mut s);
}

#[tokio::test]
async fn overlays_and_input() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u065").await;
    settle(&mut s, &store, Action::Select).await;
    snap("item_detail", &mut s);
    settle(&mut s, &store, Action::Back).await;
    settle(&mut s, &store, Action::Help).await;
    snap("help", &mut s);
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "tune").await;
    snap("help_search", &mut s);
    settle(&mut s, &store, Action::Input(InputKey::Esc)).await;
    settle(&mut s, &store, Action::Help).await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set strategy=sk").await;
    snap("palette", &mut s);
}

/// The quit dialog takes the keys while it is open, so it is always seen: a long error that
/// arrives meanwhile (a store's channel failing again and again) is drawn under it.
#[tokio::test]
async fn the_quit_dialog_is_drawn_over_a_long_error() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    crate::app::update::tests::run_command(&mut s, &store, "set budget.total=2000").await;
    settle(&mut s, &store, Action::Quit).await;
    assert_eq!(s.ui.overlay, crate::app::state::Overlay::ConfirmQuit);
    s.status.message = Some(crate::app::state::Message {
        text: "progress channel: the subscription ended; subscribing again\n".repeat(30),
        error: true,
        until: u64::MAX,
    });
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = rows(&s, w, h).join("\n");
        for shown in ["Quit?", "discard and quit", "cancel", "subscribing again"] {
            assert!(screen.contains(shown), "{shown} at {w}x{h}:\n{screen}");
        }
    }
}

#[tokio::test]
async fn loading_error_counting_and_small_states() {
    let engine = crate::engine::Engine::default();
    let session = crate::app::update::tests::session(&engine);
    let mut s = State::new(session, "DEMO".into(), true, "default".into(), false);
    s.status.loading = crate::app::task::Loading::of(&[
        crate::app::Task::Users,
        crate::app::Task::Tokenizer(crate::engine::Tokenizer::Cl100kBase),
    ]);
    snap("loading", &mut s);
    crate::app::update(
        &mut s,
        Action::Failed(
            crate::app::Task::Users,
            crate::app::update::tests::memory_down("refused").into(),
        ),
    );
    snap("error", &mut s);
    // Not an outage (a list past its deadline while the store answers): nothing reads it again
    // by itself, so the key that does is named, as the keymap binds it.
    let mut late = State::new(
        crate::app::update::tests::session(&engine),
        "DEMO".into(),
        true,
        "default".into(),
        false,
    );
    let waited = crate::store::StoreError::TimedOut {
        store: "memory".into(),
        what: "users".into(),
        secs: 3.0,
    };
    crate::app::update(
        &mut late,
        Action::Failed(crate::app::Task::Users, waited.into()),
    );
    assert!(late.status.stores.iter().all(|st| st.up));
    let said = rows(&late, 80, 24).join("\n");
    assert!(
        said.contains("Could not load users") && said.contains("R reads them again."),
        "{said}"
    );
    late.session.keymap = crate::app::keymap::Keymap::default()
        .merge(
            "[keys]\n\"R\" = \"\"\n\"f5\" = \"refresh\"\n",
            "keymap.toml",
        )
        .expect("a keymap");
    let said = rows(&late, 80, 24).join("\n");
    assert!(said.contains("f5 reads them again."), "{said}");
    // A user loaded while its tokenizer is still loading: run every effect but the warm-up.
    let (mut s, store) = demo_app().await;
    s.session
        .ready
        .remove(&crate::engine::Tokenizer::Cl100kBase);
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "user u001").await;
    let mut queue = crate::app::update(&mut s, Action::Input(InputKey::Enter));
    while let Some(effect) = queue.pop() {
        if matches!(effect, crate::app::Effect::WarmTokenizer(_)) {
            continue;
        }
        let a = crate::tui::effects::run(effect, store.clone()).await;
        queue.extend(crate::app::update(&mut s, a));
    }
    assert!(
        s.user.view.as_ref().is_some_and(|v| v.tuned.is_none()),
        "still counting"
    );
    snap("counting", &mut s);
    s.ui.screen = Screen::Layers;
    let small = draw(&s, 60, 20, &Theme::default());
    insta::assert_snapshot!("too_small_60x20", small.backend());
}

#[tokio::test]
async fn redacted_layers_and_prompt() {
    let (mut s, store) = crate::app::update::tests::demo_app_with(true).await;
    open(&mut s, &store, "u065").await;
    snap("redacted_layers", &mut s);
    s.ui.screen = Screen::Prompt;
    snap("redacted_prompt", &mut s);
}

/// The Layers screen of the snapshot `text`, replayed under the default policy.
pub(super) fn state_of(text: &str) -> State {
    let snap = crate::engine::Snapshot::from_json(text).expect("fixture");
    let data = crate::store::UserData::of_snapshot(&snap);
    let engine = crate::engine::Engine::default();
    let session = crate::app::update::tests::session(&engine);
    let mut s = State::new(session, "FIXTURE".into(), true, "default".into(), false);
    let a = engine.assemble(&snap, &s.session.policy);
    let margins = engine.margins(&snap, &s.session.policy);
    s.user.view = Some(crate::app::state::UserView {
        user: crate::loaded::Loaded::new(data, snap, None),
        baseline: Some(a.clone()),
        tuned: Some(a),
        margins: Some(margins),
        findings: Some(vec![]),
        loaded_tick: 0,
    });
    s.ui.screen = Screen::Layers;
    s
}

#[tokio::test]
async fn optimizer_overlay_then_the_tune_diff_of_its_best() {
    use crate::app::update::optimize_tests::{drive, optimizer_app};
    let (mut s, ctx, mut rx) = optimizer_app().await;
    drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    if let Some(p) = s.optimize.progress.as_deref_mut() {
        p.elapsed = std::time::Duration::from_millis(1500); // the clock, not the answer
    }
    snap("optimizer_done", &mut s);
    let text = format!("{:?}", draw(&s, 80, 24, &Theme::default()).backend());
    for want in [
        "done: 40 trials",
        "best #27",
        "✓ all",
        "enter load as tuned",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    settle(&mut s, &ctx, Action::Select).await;
    snap("tune_after_optimizer", &mut s);
}

/// When no trial meets the targets, the closest one's label is drawn whole, whatever its
/// number: a cut `closest #146` would read as trial 1 (or 14).
#[tokio::test]
async fn the_closest_trials_label_is_never_cut() {
    use crate::app::update::optimize_tests::{drive, optimizer_app};
    let (mut s, ctx, mut rx) = optimizer_app().await;
    drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    let p = s.optimize.progress.as_deref_mut().expect("an answer");
    let best = p.best.as_mut().expect("a best");
    best.trial = 146;
    best.feasible = false;
    for (w, h) in [(80, 24), (120, 40)] {
        let drawn = rows(&s, w, h);
        assert!(
            drawn.iter().any(|r| r.contains("closest #146 ")),
            "{w}x{h}: {drawn:#?}"
        );
    }
}

/// However long the Pareto front and wherever the cursor is, the chosen candidate's row is
/// drawn and highlighted, and the title says which rows show.
#[tokio::test]
async fn the_chosen_candidate_is_always_on_screen() {
    use crate::app::update::optimize_tests::{drive, optimizer_app};
    let (mut s, ctx, mut rx) = optimizer_app().await;
    drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    let p = s.optimize.progress.as_deref_mut().expect("an answer");
    let model = p.pareto.first().cloned().expect("a front");
    p.pareto = (0..50)
        .map(|i| crate::optimize::run::Candidate {
            trial: 1000 + i,
            ..model.clone()
        })
        .collect();
    let n = crate::app::update::candidates(p).len();
    for (w, h) in [(80, 24), (120, 40)] {
        s.ui.size = (w, h);
        settle(&mut s, &ctx, Action::Top).await;
        for i in 0..n {
            let list = crate::app::update::candidates(s.optimize.progress.as_deref().expect("p"));
            let trial = list[s.optimize.cursor].trial;
            assert_eq!(s.optimize.cursor, i);
            let term = draw(&s, w, h, &Theme::default());
            let buf = term.backend().buffer();
            let row = (0..h).find(|&y| {
                let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
                line.contains(&format!("#{trial} "))
            });
            let y = row.unwrap_or_else(|| panic!("{w}×{h}: #{trial} (row {i}) drawn"));
            let lit = (0..w)
                .any(|x| buf[(x, y)].bg == Theme::default().selected().bg.unwrap_or_default());
            assert!(lit, "{w}×{h}: #{trial} highlighted");
            settle(&mut s, &ctx, Action::Down).await;
        }
        let text = rows(&s, w, h).join("\n");
        assert!(text.contains(&format!("/{n}) ")), "{text}");
    }
}

#[tokio::test]
async fn users_column_shows_long_ids_whole_where_they_fit_and_cut_in_the_middle() {
    let (mut s, _store) = demo_app().await;
    s.ui.screen = Screen::Users;
    let long = "tenant-7:acme:user-0001"; // 23 columns
    s.users.rows[0].summary.user_id = long.into();
    let row = |terminal: &Terminal<TestBackend>, part: &str| {
        let buf = terminal.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .find(|l| l.contains(part))
            .unwrap_or_default()
    };
    // 120 columns: a fifth is 24, so the whole id shows, before the milestone.
    let wide = draw(&s, 120, 40, &Theme::default());
    assert!(row(&wide, "tenant-7").contains(&format!("{long} M0")));
    // 80 columns: cut to 16 in the middle, the rest of the row still in place.
    let narrow = draw(&s, 80, 24, &Theme::default());
    let line = row(&narrow, "tenant-7");
    assert!(line.contains("tenant-7…er-0001 M0"), "{line}");
    // Two ids that share their first 300 characters still read apart.
    let (a, b) = ("L".repeat(300) + "END", "L".repeat(300) + "ZZZ");
    s.users.rows[1].summary.user_id = a.clone();
    s.users.rows[2].summary.user_id = b.clone();
    for (w, h) in [(120, 40), (80, 24)] {
        let terminal = &draw(&s, w, h, &Theme::default());
        for end in ["LLEND", "LLZZZ"] {
            let line = row(terminal, end);
            assert!(
                line.starts_with("│LLL") && line.contains('…'),
                "{w}: {line}"
            );
        }
    }
    // The Layers header of such a user keeps its end and the policy after it.
    let mut one = state_of(&format!(
        r#"{{"user_id":"{a}","session_id":"s","current_milestone":"M1","now":"2025-01-15T12:00:00Z","session":[]}}"#
    ));
    one.ui.size = (80, 24);
    let screen = rows(&one, 80, 24).join("\n");
    assert!(
        screen.contains("LLEND · prolaunch · cl100k_base · stop "),
        "{screen}"
    );
    // Live, waiting for that user's events: the id cut in its middle, the line one line.
    one.ui.screen = Screen::Live;
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = rows(&one, w, h);
        let waiting = screen
            .iter()
            .find(|l| l.contains("waiting for"))
            .unwrap_or_else(|| panic!("{}", screen.join("\n")));
        assert!(
            waiting.contains("LLL…") && waiting.contains("LLEND's events from the"),
            "{w}: {waiting}"
        );
        assert!(waiting.contains("(a: every user's)"), "{w}: {waiting}");
    }
}

#[test]
fn layers_cut_the_decision_and_ids_in_their_middle_never_the_numbers() {
    // A UUID session id and three copies of one turn: long ids and `dup of` decisions.
    let turn = r#"{"user":"How should I price my ceramic mugs for wholesale buyers in Europe?","assistant":"Start from landed cost.","timestamp":"2025-01-15T10:00:0NZ"}"#;
    let turns: Vec<String> = (0..3).map(|n| turn.replace('N', &n.to_string())).collect();
    let text = format!(
        r#"{{"user_id":"d1","session_id":"3f2a9c1e-8d4b-4e2a-9f1c-0a1b2c3d4e5f","current_milestone":"M4",
            "now":"2025-01-15T12:00:00Z","session":[{}]}}"#,
        turns.join(",")
    );
    let mut s = state_of(&text);
    let a = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.clone())
        .expect("replayed");
    assert!(
        a.items.iter().any(|i| i.duplicate.is_some()),
        "copies found"
    );
    for (w, h) in [(80, 24), (120, 40)] {
        s.ui.size = (w, h);
        let screen = rows(&s, w, h).join("\n");
        for it in a.items.iter().filter(|i| i.layer == "session") {
            let tokens = format!("{}/{}", it.kept_tokens, it.tokens);
            let row = screen
                .lines()
                .find(|l| l.contains(&format!("#{} ", it.id.rsplit('#').next().unwrap_or(""))))
                .unwrap_or_else(|| panic!("{w}x{h}: no row of {}:\n{screen}", it.id));
            assert!(row.contains(&tokens), "{w}x{h}: {tokens} cut:\n{row}");
            assert!(row.contains("User:"), "{w}x{h}: no text:\n{row}");
        }
        assert!(screen.contains("dup of"), "{w}x{h}:\n{screen}");
    }
}

/// Tokens and budget are never cut: a huge budget widens the column, the bar gives way.
#[tokio::test]
async fn users_figures_are_never_cut() {
    let (mut s, _store) = demo_app().await;
    s.ui.screen = Screen::Users;
    let row = s.users.shown[0];
    if let Some(st) = s.users.rows[row].stats.as_mut() {
        st.tokens = 1_399_014;
        st.budget = u32::MAX;
    }
    for (w, h) in [(80, 24), (120, 40)] {
        let text = rows(&s, w, h).join("\n");
        assert!(text.contains("1,399,014 / 4,294,967,295"), "{w}:\n{text}");
        assert!(
            text.contains("1,057 / 4,000 ▰"),
            "the others keep their bar:\n{text}"
        );
    }
}

/// A wide character whose second half lies under an overlay's left edge gives way: the
/// overlay's border is drawn whole (the terminal never draws the cell after a wide one).
#[test]
fn a_wide_character_under_an_overlays_edge_leaves_its_border_whole() {
    use ratatui::layout::Rect;
    use ratatui::widgets::{Block, Paragraph};
    let mut terminal = Terminal::new(TestBackend::new(10, 3)).expect("test terminal");
    terminal
        .draw(|f| {
            f.render_widget(
                Paragraph::new("用户用户用\n用户用户用\n用户用户用"),
                f.area(),
            );
            // Column 3 is the second half of the wide `户` at 2.
            let popup = Rect::new(3, 0, 5, 3);
            super::clear(f, popup, &Theme::default());
            f.render_widget(Block::bordered(), popup);
        })
        .expect("draws");
    let buf = terminal.backend().buffer();
    let column: Vec<&str> = (0..3).map(|y| buf[(3, y)].symbol()).collect();
    assert_eq!(column, ["┌", "│", "└"]);
    assert_eq!(buf[(0, 1)].symbol(), "用", "what is not covered stays");
}

/// The tab bar names each screen by the key the keymap binds to it, as help and the status
/// bar do: a screen moved to another key shows that key, one bound to none shows no key, and a
/// click on the tab still opens it.
#[tokio::test]
async fn the_tab_bar_follows_the_keymap() {
    let (mut s, ctx) = demo_app().await;
    let bar = |s: &State| rows(s, 120, 40)[0].clone();
    assert!(
        bar(&s).contains(" 4 Journey ") && bar(&s).contains(" 7 Live "),
        "{}",
        bar(&s)
    );
    s.session.keymap = crate::app::keymap::Keymap::default()
        .merge(
            "[keys]\n\"4\" = \"\"\n\"alt-4\" = \"show_journey\"\n\"7\" = \"\"\n",
            "keymap.toml",
        )
        .expect("a keymap");
    let moved = bar(&s);
    assert!(moved.contains(" alt-4 Journey "), "{moved}");
    assert!(
        !moved.contains(" 4 Journey") && !moved.contains("7 Live"),
        "{moved}"
    );
    assert!(moved.contains(" Live "), "{moved}");
    for (w, h) in [(80, 24), (120, 40)] {
        s.ui.size = (w, h);
        let x = crate::app::layout::tabs(&s, w)
            .into_iter()
            .find(|t| t.0 == Screen::Journey)
            .map(|t| t.2)
            .expect("a Journey tab");
        assert!(rows(&s, w, h)[0].contains("alt-4"), "{w}x{h}");
        settle(&mut s, &ctx, Action::Click(x + 1, 0)).await;
        assert_eq!(s.ui.screen, Screen::Journey, "{w}x{h}");
        settle(&mut s, &ctx, Action::ShowUsers).await;
    }
}
