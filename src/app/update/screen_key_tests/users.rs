//! The Users screen's keys as pages of the list arrive: the tuned figures, a sort or a filter
//! reading the pages not loaded yet (its top kept while they come), `G` reading on to the last
//! page, and a page of a listing read again left out.

use super::*;

#[tokio::test]
async fn users_show_tuned_figures_and_a_new_sort_selects_the_top() {
    let (mut s, store) = tuned_u062().await;
    // Off the list, `t` says where it works and changes nothing.
    settle(&mut s, &store, Action::ShowBudget).await;
    settle(&mut s, &store, Action::ToggleTuned).await;
    assert!(!s.users.show_tuned);
    let said = s.status.message.as_ref().map(|m| m.text.as_str());
    assert_eq!(said, Some("t: on Users (1), the tuned policy's figures"));
    settle(&mut s, &store, Action::ShowUsers).await;
    settle(&mut s, &store, Action::ToggleTuned).await;
    assert!(s.users.show_tuned);
    let row = s
        .users
        .rows
        .iter()
        .find(|r| r.summary.user_id == "u062")
        .expect("listed");
    let (base, tuned) = (
        row.stats.as_ref().expect("baseline"),
        row.tuned.as_ref().expect("tuned"),
    );
    assert_eq!((base.budget, tuned.budget), (4000, 2000));
    assert_eq!(
        super::super::shown_stats(&s, row).map(|x| x.budget),
        Some(2000)
    );
    // Tuning again counts the tuned figures again.
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set budget.total=3000").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(
        s.users
            .rows
            .iter()
            .all(|r| r.tuned.as_ref().is_some_and(|t| t.budget == 3000))
    );
    s.users.cursor = 30;
    settle(&mut s, &store, Action::CycleSort).await; // milestone
    assert_eq!(s.users.cursor, 0, "a new order is read from its top");
    s.users.cursor = 30;
    settle(&mut s, &store, Action::CycleSort).await; // tokens ↓
    assert_eq!(s.users.cursor, 0, "a new order is read from its top");
    let first = super::super::shown_stats(&s, &s.users.rows[s.users.shown[0]]).expect("counted");
    assert!(
        s.users
            .rows
            .iter()
            .filter_map(|r| r.tuned.as_ref())
            .all(|t| t.tokens <= first.tokens)
    );
}

/// A listed user with nothing but its id.
fn summary(id: &str) -> crate::store::UserSummary {
    crate::store::UserSummary {
        user_id: id.into(),
        current_milestone: None,
        display_name: None,
        last_activity: None,
        sessions: None,
    }
}

#[tokio::test]
async fn a_filter_or_a_sort_reads_the_pages_not_loaded_yet() {
    let (mut s, _store) = demo_app().await;
    // A list of which one page is loaded, more to come.
    s.users.rows.clear();
    let page = crate::store::UserPage {
        users: vec![summary("a1"), summary("a2")],
        next_cursor: Some("pg:a2".into()),
        unlisted: Vec::new(),
    };
    s.users.asked = Some(None);
    let effects = update(&mut s, Action::UsersLoaded(None, page.clone()));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { .. })),
        "unfiltered, by id: the next page waits for the cursor"
    );
    // Filtering asks for the rest, page after page, until the list is whole.
    s.ui.screen = Screen::Users;
    update(&mut s, Action::Filter);
    let effects = update(&mut s, Action::Input(InputKey::Char('z')));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { cursor: Some(c) } if c == "pg:a2")),
        "{effects:?}"
    );
    // So does an order other than by id.
    let (mut s, _store) = demo_app().await;
    s.users.rows.clear();
    s.ui.screen = Screen::Users;
    s.users.asked = Some(None);
    update(&mut s, Action::UsersLoaded(None, page));
    let effects = update(&mut s, Action::CycleSort);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { cursor: Some(c) } if c == "pg:a2")),
        "{effects:?}"
    );
}

/// A new sort shows its order from the top and keeps it there while the rest of the list
/// arrives, even after `G` asked for the end of the list as it was: the pages arriving later
/// neither move the cursor to their end nor keep it on the user first when the sort was asked.
#[tokio::test]
async fn a_new_sort_keeps_its_top_while_pages_arrive() {
    let (mut s, _store) = demo_app().await;
    s.users.rows.clear();
    s.ui.screen = Screen::Users;
    let with = |id: &str, m: &str| crate::store::UserSummary {
        current_milestone: Some(m.into()),
        ..summary(id)
    };
    s.users.asked = Some(None);
    let first = crate::store::UserPage {
        users: vec![with("a1", "M5"), with("a2", "M6")],
        next_cursor: Some("pg:a2".into()),
        unlisted: Vec::new(),
    };
    update(&mut s, Action::UsersLoaded(None, first));
    update(&mut s, Action::Bottom);
    assert!(s.users.to_end);
    update(&mut s, Action::CycleSort);
    assert!(
        !s.users.to_end,
        "the new order's top replaces the end asked for"
    );
    // The next page holds a user whose milestone comes first in the new order.
    s.users.asked = Some(Some("pg:a2".into()));
    let next = crate::store::UserPage {
        users: vec![with("b1", "M0"), with("b2", "M9")],
        next_cursor: None,
        unlisted: Vec::new(),
    };
    update(&mut s, Action::UsersLoaded(Some("pg:a2".into()), next));
    let top = s.selected_row().map(|r| r.summary.user_id.clone());
    assert_eq!(top.as_deref(), Some("b1"), "{:?}", s.users.shown);
    // Once the person moves, the selection is theirs again.
    update(&mut s, Action::Down);
    let picked = s.selected_row().map(|r| r.summary.user_id.clone());
    assert!(!s.users.at_top);
    assert_eq!(picked.as_deref(), Some("a1"));
}

/// A page of users `ids`, the next one at `next`.
fn page(ids: &[&str], next: Option<&str>) -> crate::store::UserPage {
    crate::store::UserPage {
        users: ids.iter().map(|i| summary(i)).collect(),
        next_cursor: next.map(str::to_string),
        unlisted: Vec::new(),
    }
}

/// A page of a listing read again since (`R` while the pages of a sort were still coming), or
/// one asked twice, is left out: every user is listed once.
#[tokio::test]
async fn a_page_of_a_listing_read_again_is_left_out() {
    let (mut s, _store) = demo_app().await;
    // The second page of the first listing is under way when the list is read again.
    s.users.rows.clear();
    s.users.asked = Some(None);
    update(
        &mut s,
        Action::UsersLoaded(None, page(&["a1", "a2"], Some("pg:a2"))),
    );
    s.users.asked = Some(Some("pg:a2".into()));
    s.status.stores.iter_mut().for_each(|st| st.up = true);
    let effects = update(&mut s, Action::Refresh);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { cursor: None })),
        "{effects:?}"
    );
    // The old listing's page arrives first: left out; then the new first page, twice.
    update(
        &mut s,
        Action::UsersLoaded(Some("pg:a2".into()), page(&["a3", "a4"], None)),
    );
    let first = page(&["a1", "a2"], Some("pg:a2"));
    update(&mut s, Action::UsersLoaded(None, first.clone()));
    update(&mut s, Action::UsersLoaded(None, first));
    assert_eq!(s.users.ids(), ["a1", "a2"]);
    assert!(!s.status.loading.contains(&crate::app::Task::Users));
}

/// `G` on a list not wholly loaded goes to its end: the pages are read one after another,
/// the cursor on the last row as each arrives, until the last page; a move in between stops it.
#[tokio::test]
async fn bottom_on_users_reads_on_to_the_last_page() {
    let (mut s, _store) = demo_app().await;
    let asks = |effects: &[Effect], at: &str| {
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { cursor: Some(c) } if c == at))
    };
    s.ui.screen = Screen::Users;
    s.users.rows.clear();
    s.users.asked = Some(None);
    update(
        &mut s,
        Action::UsersLoaded(None, page(&["a1", "a2"], Some("p2"))),
    );
    let effects = update(&mut s, Action::Bottom);
    assert!(asks(&effects, "p2"), "{effects:?}");
    let effects = update(
        &mut s,
        Action::UsersLoaded(Some("p2".into()), page(&["a3", "a4"], Some("p3"))),
    );
    assert_eq!(s.users.cursor, 3, "on the last row loaded");
    assert!(asks(&effects, "p3"), "and reading on: {effects:?}");
    update(
        &mut s,
        Action::UsersLoaded(Some("p3".into()), page(&["a5"], None)),
    );
    assert_eq!((s.users.cursor, s.users.to_end), (4, false), "at the end");
    // A move before the end stops the reading on.
    s.users.rows.clear();
    s.users.shown.clear();
    s.users.asked = Some(None);
    s.users.loaded_all = false;
    update(
        &mut s,
        Action::UsersLoaded(None, page(&["b1", "b2"], Some("q2"))),
    );
    update(&mut s, Action::Bottom);
    update(&mut s, Action::Up);
    let effects = update(
        &mut s,
        Action::UsersLoaded(Some("q2".into()), page(&["b3", "b4"], Some("q3"))),
    );
    assert!(!asks(&effects, "q3"), "{effects:?}");
    assert_eq!(s.users.cursor, 0);
}
