//! The users list: loading with its figures, and the filter, which matches what a row shows.

use super::tests::{demo_app, settle, type_text};
use crate::app::action::{Action, InputKey};

#[tokio::test]
async fn users_load_with_stats_and_filter_picks_the_best_match() {
    let (mut s, store) = demo_app().await;
    assert_eq!(s.users.rows.len(), 71);
    assert!(
        s.users.rows.iter().all(|r| r.stats.is_some()),
        "every row replayed"
    );
    assert!(
        s.status.loading.is_empty(),
        "nothing left loading: {:?}",
        s.status.loading
    );
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "u062").await;
    assert_eq!(
        s.selected_row().map(|r| r.summary.user_id.as_str()),
        Some("u062")
    );
    settle(&mut s, &store, Action::Input(InputKey::Esc)).await;
    assert_eq!((s.users.filter.as_str(), s.users.shown.len()), ("", 71));
    // A milestone's name matches as the row shows it: every user at M4 Pricing Strategy.
    let at_m4 = s
        .users
        .rows
        .iter()
        .filter(|r| r.summary.current_milestone.as_deref() == Some("M4"))
        .count();
    assert!(at_m4 > 1);
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "pricing strategy").await;
    let shown: Vec<_> = s
        .users
        .shown
        .iter()
        .map(|i| &s.users.rows[*i].summary)
        .collect();
    let m4 = shown
        .iter()
        .filter(|r| r.current_milestone.as_deref() == Some("M4"))
        .count();
    assert_eq!(m4, at_m4, "every M4 user matches");
    assert!(
        shown[..at_m4]
            .iter()
            .all(|r| r.current_milestone.as_deref() == Some("M4")),
        "and they match best"
    );
    // Now only they: every word is held by the M4 rows alone.
    assert_eq!(shown.len(), at_m4, "only the rows holding every word");
    // A name typed is the users of that name, not every row whose text holds its letters in
    // order.
    settle(&mut s, &store, Action::Input(InputKey::Esc)).await;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "maren").await;
    let ids: Vec<&str> = s
        .users
        .shown
        .iter()
        .map(|i| s.users.rows[*i].summary.user_id.as_str())
        .collect();
    // The demo has three founders named Maren.
    assert_eq!(ids, ["u001", "u031", "u061"]);
    assert!(s.users.shown.iter().all(|i| {
        let r = &s.users.rows[*i].summary;
        r.display_name
            .as_deref()
            .is_some_and(|n| n.starts_with("Maren "))
    }));
    // Letters no row holds together fall back to fuzzy matching, best first.
    settle(&mut s, &store, Action::Input(InputKey::Esc)).await;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "mrnvllct").await;
    assert_eq!(
        s.selected_row().map(|r| r.summary.user_id.as_str()),
        Some("u001")
    );
}

/// The users filter matches what the row shows: a control character in a display name is
/// drawn as its symbol (`␛`), and typing that symbol finds the row.
#[tokio::test]
async fn the_users_filter_matches_the_inert_form_it_shows() {
    let (mut s, store) = demo_app().await;
    let row = s
        .users
        .rows
        .iter_mut()
        .find(|r| r.summary.user_id == "u005")
        .expect("u005");
    row.summary.display_name = Some("Name \u{1b}[2J of x".into());
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "␛[2J").await;
    let shown: Vec<&str> = s
        .users
        .shown
        .iter()
        .map(|i| s.users.rows[*i].summary.user_id.as_str())
        .collect();
    assert_eq!(shown, ["u005"]);
}

/// A query typed selects its first match and shows the list from the top, whichever row was
/// selected before (a k9s or fzf habit); clearing the filter keeps the row selected.
#[tokio::test]
async fn a_new_filter_selects_its_first_match() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Bottom).await;
    let last = s.selected_row().map(|r| r.summary.user_id.clone());
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "!M3").await;
    assert!(s.users.shown.len() > 20, "{}", s.users.shown.len());
    assert_eq!(s.users.cursor, 0, "the first match");
    assert_ne!(s.selected_row().map(|r| r.summary.user_id.clone()), last);
    settle(&mut s, &store, Action::Down).await;
    let picked = s.selected_row().map(|r| r.summary.user_id.clone());
    settle(&mut s, &store, Action::Input(InputKey::Esc)).await;
    assert_eq!(s.users.filter, "");
    assert_eq!(s.selected_row().map(|r| r.summary.user_id.clone()), picked);
}

/// `:diff ""` names the user whose id is empty (a legal id, listed as `""`), as `:user ""`
/// does; `:diff` alone still compares the open user's policies.
#[tokio::test]
async fn diff_of_the_quoted_empty_id_is_that_user() {
    use super::tests::{app_over_files, snapshot_u1};
    let mut nobody = snapshot_u1();
    nobody["user_id"] = "".into();
    let (mut s, ctx, _dir) = app_over_files(&[
        ("u1.json", snapshot_u1().to_string()),
        ("empty.json", nobody.to_string()),
    ])
    .await;
    super::tests::open(&mut s, &ctx, "u1").await;
    crate::app::update(&mut s, Action::Palette);
    type_text(&mut s, &ctx, "diff \"\"").await;
    let effects = crate::app::update(&mut s, Action::Input(InputKey::Enter));
    let Some(super::Effect::Compare(req)) = effects.first() else {
        panic!("a comparison: {effects:?}");
    };
    assert_eq!((req.a.user.as_str(), req.b.user.as_str()), ("u1", ""));
}

/// Two loads of one user in flight — the first step of a burst on the knowledge threshold asks
/// one, the burst's end another — show the one of the search the policy asks now, never the
/// earlier (a threshold stepped twenty times showed the first step's hits, and the last load
/// was dropped as superseded).
#[tokio::test]
async fn a_load_of_a_search_since_changed_is_not_shown() {
    use crate::app::update::{Effect, update};
    let (mut s, ctx) = demo_app().await;
    super::tests::open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowTune).await;
    let fields = crate::app::tune::fields(&s.session.policy);
    s.tune.cursor = fields
        .iter()
        .position(|f| f.key == "knowledge.similarity_threshold")
        .expect("the threshold is tuned");
    let loads = |effects: Vec<Effect>| -> Vec<Effect> {
        effects
            .into_iter()
            .filter(|e| matches!(e, Effect::LoadUser { .. }))
            .collect()
    };
    // The first step loads at once; the others are held, then loaded once.
    let first = loads(update(&mut s, Action::Left));
    assert_eq!(first.len(), 1, "{first:?}");
    s.ui.burst = true;
    for _ in 0..9 {
        assert!(loads(update(&mut s, Action::Left)).is_empty());
    }
    s.ui.burst = false;
    let last = loads(update(&mut s, Action::BurstEnded));
    assert_eq!(last.len(), 1, "{last:?}");
    // They answer in the order asked: the first, stale, is not shown, nor does it end the
    // loading the last is answering.
    for effect in first.into_iter().chain(last) {
        let answer = crate::tui::effects::run(effect, ctx.clone()).await;
        for e in update(&mut s, answer) {
            let more = crate::tui::effects::run(e, ctx.clone()).await;
            update(&mut s, more);
        }
    }
    let engine = ctx.engine.clone();
    let fresh = crate::store::load_snapshot(
        ctx.store.as_ref(),
        "u062",
        &crate::store::LoadOptions::default(),
        crate::store::KnowledgeParams::of(&s.session.policy),
    )
    .await
    .expect("u062");
    let fresh = crate::loaded::Loaded::new(fresh.1, fresh.0, None);
    let v = s.user.view.as_ref().expect("the user");
    assert_eq!(
        v.tuned.as_ref(),
        Some(&fresh.assemble(&engine, &s.session.policy)),
        "the tuned replay is of the search asked last"
    );
    assert_eq!(s.user.loading, None);
}

/// Tuning that widened the knowledge search, reset: the user is read again with the
/// baseline's search, so the baseline shows its own hits (not those of the wider search, which
/// it then filtered: "11 below threshold" where the CLI has 1).
#[tokio::test]
async fn a_reset_reads_the_baseline_search_again() {
    let (mut s, ctx) = demo_app().await;
    super::tests::open(&mut s, &ctx, "u062").await;
    let before = s.user.view.as_ref().and_then(|v| v.baseline.clone());
    super::tests::run_command(&mut s, &ctx, "set knowledge.similarity_threshold=-1").await;
    super::tests::run_command(&mut s, &ctx, "reset").await;
    assert_eq!(s.session.policy, s.session.baseline);
    let after = s.user.view.as_ref().and_then(|v| v.baseline.clone());
    assert!(before.is_some());
    assert_eq!(after, before, "the baseline of its own search again");
}

/// Two `:query` asked before the first is answered: the answers come in the order asked, and
/// the view is the last question's (the first, stale, is not shown, nor does it end the load).
#[tokio::test]
async fn a_load_of_a_query_since_changed_is_not_shown() {
    use crate::app::update::{Effect, update};
    let (mut s, ctx) = demo_app().await;
    super::tests::open(&mut s, &ctx, "u062").await;
    let mut asked = Vec::new();
    for q in ["pricing my fountains", "customs and duty"] {
        update(&mut s, Action::Palette);
        type_text(&mut s, &ctx, &format!("query {q}")).await;
        asked.extend(
            update(&mut s, Action::Input(InputKey::Enter))
                .into_iter()
                .filter(|e| matches!(e, Effect::LoadUser { .. })),
        );
    }
    assert_eq!(asked.len(), 2, "{asked:?}");
    for effect in asked {
        let answer = crate::tui::effects::run(effect, ctx.clone()).await;
        for e in update(&mut s, answer) {
            let more = crate::tui::effects::run(e, ctx.clone()).await;
            update(&mut s, more);
        }
    }
    let v = s.user.view.as_ref().expect("the user");
    assert_eq!(v.user.snapshot().query.as_deref(), Some("customs and duty"));
    assert_eq!(s.user.loading, None);
}
