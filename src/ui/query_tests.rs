//! `:query` as a person uses it: another question retrieves other rows and an empty one goes
//! back to the newest turn; the what-if stays named on Layers and in the explain overlay, is
//! said whole, and is not taken for cache drift.

use super::theme::Theme;
use crate::app::Action;
use crate::app::action::InputKey;
use crate::app::state::State;
use crate::app::update::tests::{demo_app, open, settle, type_text};
use crate::tui::effects::EffectContext;

async fn run(s: &mut State, store: &EffectContext, cmd: &str) {
    settle(s, store, Action::Palette).await;
    type_text(s, store, cmd).await;
    settle(s, store, Action::Input(InputKey::Enter)).await;
}

/// The screen as text.
fn text(s: &State, w: u16, h: u16) -> String {
    format!(
        "{:?}",
        super::tests::draw(s, w, h, &Theme::default()).backend()
    )
}

#[tokio::test]
async fn query_asks_as_the_user_would_and_an_empty_one_goes_back() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u005").await;
    let hits = |s: &State| -> (Option<String>, Vec<String>) {
        let v = s.user.view.as_ref();
        (
            v.and_then(|v| v.snapshot().query.clone()),
            v.map(|v| {
                v.snapshot()
                    .knowledge
                    .iter()
                    .map(|h| h.id.clone())
                    .collect()
            })
            .unwrap_or_default(),
        )
    };
    let (stored, before) = hits(&s);
    let ask = "How do I vet a supplier and compare factory quotes before the first order?";
    run(&mut s, &store, &format!("query {ask}")).await;
    let (query, after) = hits(&s);
    assert_eq!(query.as_deref(), Some(ask));
    assert_ne!(after, before, "another question retrieves other rows");
    run(&mut s, &store, "query").await;
    assert_eq!(hits(&s), (stored, before));
}

/// A `:query` stays in sight while it is asked: Layers names it after the user, the explain
/// overlay says which question the row was scored against, and a cache made for the newest
/// turn is not reported as drifted from the what-if.
#[tokio::test]
async fn a_what_if_query_is_shown_and_not_taken_for_cache_drift() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    let drift = |s: &State| {
        s.user
            .view
            .as_ref()
            .and_then(|v| v.findings.as_ref())
            .map(|f| {
                f.iter()
                    .filter(|f| f.kind == crate::findings::FindingKind::CacheDrift)
                    .count()
            })
    };
    assert_eq!(drift(&s), Some(0), "a fresh cache");
    assert!(!text(&s, 120, 40).contains(":query"));
    run(&mut s, &store, "explain kn:25").await;
    assert!(text(&s, 120, 40).contains("(the newest turn)"));
    settle(&mut s, &store, Action::Back).await;
    let ask = "How do I vet a supplier before the first order?";
    run(&mut s, &store, &format!("query {ask}")).await;
    assert_eq!(drift(&s), Some(0), "the cache answered the turn, not this");
    let shown = text(&s, 120, 40);
    assert!(
        shown.contains(":query \"How do I vet a supplier"),
        "{shown}"
    );
    // At 80 columns the policy and the strategy stay whole; the question gets the rest.
    let narrow = text(&s, 80, 24);
    assert!(
        narrow.contains("u001 · prolaunch · cl100k_base · stop · :query \"How do I"),
        "{narrow}"
    );
    run(&mut s, &store, "explain kn:25").await;
    let shown = text(&s, 120, 40);
    assert!(
        shown.contains(&format!("query \"{ask}\" (:query)")),
        "{shown}"
    );
    settle(&mut s, &store, Action::Back).await;
    // A long question is said whole, not cut at the width of a short one.
    let long = "How should I price wholesale for boutiques and what margin do retailers \
                expect? And what about distributors, and consignment deals with galleries?";
    run(&mut s, &store, &format!("query {long}")).await;
    let said = s.status.message.as_ref().map(|m| m.text.clone());
    assert_eq!(said, Some(format!("query: {long}")));
    assert_eq!(
        crate::app::update::asked(&s),
        format!("\"{long}\" (:query)")
    );
}
