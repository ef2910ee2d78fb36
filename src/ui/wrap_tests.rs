//! Long text on screen: the last page of a list is full, the Prompt screen and the item overlay
//! scroll by the rows drawn (so the end of a long paragraph can be read and a match is brought
//! on screen), and marks and gutters stay on every row of a wrapped line.

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
