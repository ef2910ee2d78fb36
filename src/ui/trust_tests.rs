//! Stored text on every screen and overlay: hostile text drawn inert, personal words masked
//! under `--redact`, and the explain and diff overlays the walk goes through.

use super::tests::{draw, snap};
use super::theme::Theme;
use crate::app::Action;
use crate::app::action::InputKey;
use crate::app::state::{ProgressEvent, Screen, State};
use crate::app::update::tests::{demo_app, open, settle, type_text};

/// Whether a cell shows something that would drive a terminal (ratatui drops C0 and C1
/// controls silently, so their absence alone proves nothing: the visible forms are checked too).
fn unsafe_cell(symbol: &str) -> bool {
    symbol.chars().any(|c| {
        matches!(c,
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
            | '\u{61c}' | '\u{200e}' | '\u{200f}'
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}')
    })
}

/// Every screen and overlay drawn at 120×40, as text; fails on any cell holding a control.
fn every_screen(s: &mut State) -> String {
    use crate::app::state::Overlay;
    let mut text = String::new();
    let views = [
        crate::app::token_view::TokenView::default(),
        crate::app::token_view::TokenView {
            on: true,
            ids: true,
        },
    ];
    for screen in Screen::ALL {
        for (overlay, view) in [
            (Overlay::None, views[0]),
            (Overlay::Item { scroll: 0 }, views[0]),
            (Overlay::Item { scroll: 0 }, views[1]),
            (Overlay::Diff { scroll: 0 }, views[0]),
            (Overlay::Explain { scroll: 0 }, views[0]),
        ] {
            if overlay != Overlay::None && screen != Screen::Layers {
                continue;
            }
            if matches!(overlay, Overlay::Diff { .. }) && s.user.compared.is_none()
                || matches!(overlay, Overlay::Explain { .. }) && s.user.explained.is_none()
            {
                continue;
            }
            s.ui.screen = screen;
            s.ui.overlay = overlay;
            s.ui.tokens = view;
            s.ui.size = (120, 40);
            let terminal = draw(s, 120, 40, &Theme::default());
            for cell in terminal.backend().buffer().content() {
                assert!(
                    !unsafe_cell(cell.symbol()),
                    "{screen:?}: a cell holds {:?}",
                    cell.symbol()
                );
                text.push_str(cell.symbol());
            }
            text.push('\n');
        }
    }
    s.ui.tokens = views[0];
    s.ui.overlay = Overlay::Help {
        search: String::new(),
        scroll: 0,
    };
    text.push_str(&format!(
        "{:?}",
        draw(s, 120, 40, &Theme::default()).backend()
    ));
    s.ui.overlay = Overlay::None;
    text
}

/// `:diff` of the open user, its baseline against a tight budget (then the tuning reset), and
/// `:explain ROW`: the comparison and the explanation `every_screen` draws in their overlays.
async fn diffed(s: &mut State, store: &crate::tui::effects::EffectContext, row: &str) {
    s.user.explained = None;
    let explain = format!("explain {row}");
    for cmd in ["set budget.total=150", "diff", "reset", explain.as_str()] {
        settle(s, store, Action::Palette).await;
        type_text(s, store, cmd).await;
        settle(s, store, Action::Input(InputKey::Enter)).await;
        settle(s, store, Action::Back).await;
    }
    assert!(s.user.compared.is_some(), "{:?}", s.status.message);
    assert!(s.user.explained.is_some(), "{:?}", s.status.message);
}

#[tokio::test]
async fn explain_overlay() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u005").await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "explain kn:27").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    snap("explain_overlay", &mut s);
}

/// A knowledge row the search can never return (its content embeds to the zero vector) is
/// answered in the overlay, as `ctxlens explain` answers it: the search gate failed, and why.
#[tokio::test]
async fn explain_overlay_of_an_unscorable_row() {
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
    open(&mut s, &ctx, "u005").await;
    settle(&mut s, &ctx, Action::Palette).await;
    type_text(&mut s, &ctx, "explain kn:990").await;
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    let e = s.user.explained.as_deref().expect("answered, not an error");
    assert_eq!(e.row.id, "kn:990");
    assert!(!e.scorable(), "{e:?}");
    snap("explain_overlay_unscorable", &mut s);
}

#[tokio::test]
async fn diff_overlay_side_by_side() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for cmd in ["set session.max_items=3", "diff"] {
        settle(&mut s, &store, Action::Palette).await;
        type_text(&mut s, &store, cmd).await;
        settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    }
    snap("diff_overlay", &mut s);
}

/// The diff's change tables keep their columns when a value is longer than usual: each input's
/// detail starts in the same column, a very long name cut in the middle.
#[tokio::test]
async fn diff_tables_stay_aligned_on_long_names() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for cmd in [
        "set session.max_items=3",
        "set knowledge.similarity_threshold=0.9",
        "set layers.journey.weight=0.3",
        "diff",
    ] {
        settle(&mut s, &store, Action::Palette).await;
        type_text(&mut s, &store, cmd).await;
        settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    }
    let c = s.user.compared.as_ref().expect("compared");
    let lines: Vec<String> = c
        .rows
        .iter()
        .filter_map(|r| match r {
            crate::app::diff_view::Row::Text(x, _) => Some(x.clone()),
            _ => None,
        })
        .collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Input changes"))
        .expect("an input table");
    let rows = &lines[at + 1..at + 4];
    let details = ["10 → 3", "0.7 → 0.9", "0.5 → 0.3"];
    let starts: Vec<usize> = rows
        .iter()
        .map(|r| {
            let d = details.iter().find(|d| r.ends_with(*d)).expect(r);
            r[..r.len() - d.len()].chars().count()
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{rows:#?}");
    assert!(
        rows.iter()
            .any(|r| r.contains("knowledge.similarity_threshold 0.7 → 0.9")),
        "every policy key whole: {rows:#?}"
    );
}

#[tokio::test]
async fn hostile_text_is_drawn_inert_on_every_screen() {
    use crate::demo::hostile::{PAYLOADS, dataset, user_id};
    use crate::store::{MemoryStore, Store};
    let store: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(MemoryStore::from_dataset(dataset(), "DEMO").expect("dataset"));
    let (mut s, store) = crate::app::update::tests::app_over(store, false).await;
    for (i, (name, payload)) in PAYLOADS.iter().enumerate() {
        let id = user_id(i);
        settle(
            &mut s,
            &store,
            Action::Progress(ProgressEvent {
                user_id: id.clone(),
                milestone: format!("M1{payload}"),
                progress: 50.0,
                timestamp: "2025-01-15T11:00:00Z".into(),
            }),
        )
        .await;
        s.ui.screen = Screen::Users;
        s.users.cursor = s
            .users
            .shown
            .iter()
            .position(|&r| s.users.rows[r].summary.user_id == id)
            .expect("listed");
        settle(&mut s, &store, Action::Select).await;
        settle(&mut s, &store, Action::ShowReport).await;
        diffed(&mut s, &store, &format!("kn:{}", 9000 + i)).await;
        let text = every_screen(&mut s);
        let shown = crate::text::inert_line(payload);
        assert!(
            text.contains(&*shown),
            "{name}: {shown} is not visible on any screen"
        );
        // The prompt, the names and the events show it in full.
        assert!(
            text.matches(&*shown).count() >= 4,
            "{name}: {shown} shows {} times",
            text.matches(&*shown).count()
        );
    }
}

#[tokio::test]
async fn redacted_screens_show_no_personal_word_and_cannot_be_probed() {
    use crate::demo::{Dataset, private_words};
    // Words the TUI itself shows (help, titles, findings), whatever the data.
    #[rustfmt::skip]
    const LABELS: &[&str] = &[
        "shift", "screen", "right", "raise", "kept", "filter", "everything", "cycle", "closure",
        "close", "seed", "nothing", "holds", "assistant", "carried", "context", "transition",
        "business", "milestone", "completed", "user", "system", "everywhere", "missing", "opens",
        "twice", "wants", "json", "cause", "earlier", "explain", "held", "moment", "today",
        "among", "rest", "there", "told", "unless", "theirs", "travel", "inside", "outside",
    ];
    let data = Dataset::demo();
    let private: std::collections::BTreeSet<String> = data
        .users
        .iter()
        .flat_map(|u| private_words(&data, &u.user_id, LABELS))
        .collect();
    let (mut s, store) = crate::app::update::tests::demo_app_with(true).await;
    let mut all = Vec::new();
    for user in [
        "u001", "u062", "u064", "u065", "u066", "u067", "u068", "u069", "u070", "u071",
    ] {
        open(&mut s, &store, user).await;
        diffed(&mut s, &store, "kn:27").await;
        let mut text = every_screen(&mut s).to_lowercase();
        // Every screen says the view is redacted: Screen::ALL plus the Layers overlays.
        assert!(
            text.matches("redacted").count() >= Screen::ALL.len(),
            "{user}: the REDACTED badge shows {} times",
            text.matches("redacted").count()
        );
        // And as of three moments back (time travel): its label, timeline and notes.
        for _ in 0..3 {
            crate::app::update::tests::settle(&mut s, &store, crate::app::Action::Earlier).await;
        }
        assert!(s.shown_at().is_some(), "{user} travelled");
        text.push_str(&every_screen(&mut s).to_lowercase());
        crate::app::update::tests::settle(&mut s, &store, crate::app::Action::Present).await;
        let shown: std::collections::BTreeSet<&str> =
            text.split(|c: char| !c.is_alphanumeric()).collect();
        let leaks: Vec<&String> = private
            .iter()
            .filter(|w| shown.contains(w.as_str()))
            .collect();
        all.extend(leaks.into_iter().map(|w| format!("{user}:{w}")));
    }
    assert!(all.is_empty(), "the TUI shows {all:?}");
    // The filter and the prompt search match what is shown (masked), not what is stored.
    let name = data
        .users
        .iter()
        .find(|u| u.user_id == "u068")
        .and_then(|u| u.journey.as_ref()?.display_name.clone())
        .expect("u068 has a name");
    let first = name.split(' ').next().expect("a word").to_string();
    settle(&mut s, &store, Action::ShowUsers).await;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, &first).await;
    assert!(
        s.users.shown.is_empty(),
        "filtering by {first:?} finds {} users",
        s.users.shown.len()
    );
    settle(&mut s, &store, Action::Input(InputKey::Esc)).await;
    let turn = private_words(&data, "u068", &[])
        .into_iter()
        .next()
        .expect("u068 has personal words");
    s.user.search = turn.clone();
    assert!(
        crate::app::update::search_lines(&s).is_empty(),
        "the prompt search finds {turn:?}"
    );
    // A query asked with `:query` is masked as the stored one is, the status bar's echo too.
    s.user.search.clear();
    open(&mut s, &store, "u068").await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, &format!("query why {turn}")).await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let shown = every_screen(&mut s).to_lowercase();
    assert!(
        !shown.contains(&turn),
        "the asked query's {turn:?} is shown"
    );
}
