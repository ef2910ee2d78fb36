//! TUI benchmark: one tweak → replay → render into a `TestBackend`, for a 1,000-item user.
// A benchmark harness: a failed setup step ends the run with its message.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use ctxlens::app::keymap::Keymap;
use ctxlens::app::state::{Screen, Session, State};
use ctxlens::app::{Action, update};
use ctxlens::engine::{Engine, Policy, Tokenizer};
use ctxlens::store::UserData;
use ctxlens::ui::{render, theme::Theme};

mod common;

/// The app with a 1,000-item user open on `screen`, tokens cached.
fn app(screen: Screen) -> State {
    let engine = Engine::default();
    engine.tokens.warm(Tokenizer::Cl100kBase);
    let policy = Policy::preset("prolaunch").expect("preset");
    let session = Session {
        engine,
        baseline: policy.clone(),
        policy,
        keymap: Keymap::default(),
        themes: vec!["default".into()],
        ready: [Tokenizer::Cl100kBase, Tokenizer::Chars4].into(),
        warming: Default::default(),
        policy_asked: None,
    };
    let mut s = State::new(session, "BENCH".into(), false, "default".into(), false);
    let snap = common::user(400, 300, 300);
    let data = UserData {
        stored_as: None,
        user_id: snap.user_id.clone(),
        display_name: None,
        current_milestone: snap.current_milestone.clone(),
        now: snap.now,
        sessions: vec![],
        session_id: snap.session_id.clone(),
        session: snap.session.clone(),
        journey: snap.journey.clone(),
        cached_context: None,
        cached_context_ttl: None,
        cached_context_ttl_read: false,
        ttls_known: true,
        cached_context_key: None,
        malformed: vec![],
        notes: vec![],
        moments: vec![],
        as_of: None,
    };
    s.user.loading = Some(snap.user_id.clone());
    let searched = ctxlens::store::KnowledgeParams::of(&s.session.policy);
    let load = s.user.load;
    update(
        &mut s,
        Action::UserLoaded(Box::new((load, data, snap, searched, None))),
    );
    s.ui.screen = screen;
    s
}

fn tweak_replay_render(c: &mut Criterion) {
    let theme = Theme::default();
    for screen in [Screen::Tune, Screen::Layers] {
        let mut s = app(screen);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let mut up = false;
        c.bench_function(
            &format!("tweak → replay → render, 1000 items ({screen:?})"),
            |b| {
                b.iter(|| {
                    // budget.total is the first Tune field: alternate 4000 ↔ 3900 so every round replays.
                    up = !up;
                    let action = if up {
                        Action::Decrease
                    } else {
                        Action::Increase
                    };
                    s.ui.screen = Screen::Tune;
                    update(&mut s, action);
                    s.ui.screen = screen;
                    terminal
                        .draw(|f| render(f, black_box(&s), &theme))
                        .expect("draws");
                })
            },
        );
    }
}

criterion_group!(benches, tweak_replay_render);
criterion_main!(benches);
