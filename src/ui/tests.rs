//! Snapshots of every screen on the demo, at 120×40 and 80×24, in their states and themes.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::render;
use super::theme::{Theme, load_all};
use crate::app::Action;
use crate::app::action::InputKey;
use crate::app::state::{ProgressEvent, Screen, State};
use crate::app::update::tests::{demo_app, open, settle, type_text};

fn draw(s: &State, w: u16, h: u16, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| render(f, s, theme)).expect("draws");
    terminal
}

fn snap(name: &str, s: &mut State) {
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
    for screen in [
        Screen::Layers,
        Screen::Budget,
        Screen::Journey,
        Screen::Prompt,
    ] {
        s.ui.screen = screen;
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

#[tokio::test]
async fn loading_error_counting_and_small_states() {
    let engine = crate::engine::Engine::default();
    let session = crate::app::update::tests::session(&engine);
    let mut s = State::new(session, "DEMO".into(), true, "default".into(), false);
    s.status.loading = vec!["users".into(), "tokenizer cl100k_base".into()];
    snap("loading", &mut s);
    crate::app::update(
        &mut s,
        Action::StoreFailed(
            "users".into(),
            crate::app::update::tests::memory_down("refused"),
        ),
    );
    snap("error", &mut s);
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
        let a = crate::app::run::run_effect(effect, store.clone(), s.session.engine.clone()).await;
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

#[tokio::test]
async fn layers_in_every_theme() {
    let mut s = with_user("u062").await;
    let (themes, errors) = load_all(None);
    assert!(errors.is_empty());
    for (name, theme) in &themes {
        let terminal = draw(&s, 120, 40, theme);
        // Debug shows every cell's colours, so the snapshot pins the theme, not just the text.
        insta::assert_snapshot!(
            format!("theme_{name}"),
            format!("{:?}", terminal.backend().buffer())
        );
    }
    s.ui.size = (120, 40);
}

#[tokio::test]
async fn report_screen_before_and_after_a_change() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    snap("report_baseline", &mut s);
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    for _ in 0..20 {
        settle(&mut s, &store, Action::Decrease).await; // budget.total 4000 → 2000
    }
    settle(&mut s, &store, Action::ShowReport).await;
    snap("report_lowered_budget", &mut s);
    for _ in 0..12 {
        settle(&mut s, &store, Action::Down).await;
    }
    snap("report_scrolled", &mut s);
}
