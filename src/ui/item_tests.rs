//! The Layers item beside the table when wide, its duplicate badge, and the item overlay's
//! tokens: the text cut into tokens, ids on demand, where a truncated item was cut.

use super::screen_tests::{run, text};
use super::tests::draw;
use super::theme::Theme;
use crate::app::Action;
use crate::app::state::Screen;
use crate::app::update::tests::{demo_app, open, settle};

#[tokio::test]
async fn layers_show_the_selected_item_beside_the_table_when_wide() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for _ in 0..9 {
        settle(&mut s, &store, Action::Down).await;
    }
    s.ui.size = (160, 40);
    let terminal = draw(&s, 160, 40, &Theme::default());
    insta::assert_snapshot!("layers_preview_160x40", terminal.backend());
    let t = format!("{:?}", terminal.backend());
    assert!(
        t.contains("source     embedded demo: memory_bank id=330"),
        "{t}"
    );
    // Named in its title; a text longer than the pane says how much more there is.
    assert!(t.contains(" Selected · mb:330 "), "{t}");
    assert!(t.contains(" more rows: enter shows the whole text"), "{t}");
    let _ = Screen::Layers;
}

#[tokio::test]
async fn layers_badge_copies_and_the_item_names_its_original() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u070").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    let t = text(&s, 120, 40);
    assert!(t.contains("✔ kept · dup of s1#5"), "{t}");
    assert!(t.contains("✔ kept · dup of mb:372"), "{t}");
    // The second row is the resent turn: its overlay names the first copy and the cost.
    settle(&mut s, &store, Action::Down).await;
    settle(&mut s, &store, Action::Select).await;
    let t = text(&s, 120, 40);
    assert!(
        t.contains("copy of    s1#5 (session) · exact · 101 tokens spent on it"),
        "{t}"
    );
    settle(&mut s, &store, Action::Back).await;
    settle(&mut s, &store, Action::Up).await;
    settle(&mut s, &store, Action::Select).await;
    assert!(text(&s, 120, 40).contains("copied by  s1#4 (session)"));
    // Under dedupe the copy is dropped before the fit, and the badge says of what.
    settle(&mut s, &store, Action::Back).await;
    run(&mut s, &store, "set dedupe=exact").await;
    let t = text(&s, 120, 40);
    assert!(t.contains("✘ dup of s1#5"), "{t}");
    assert!(t.contains("✘ dup of mb:372"), "{t}");
}

/// At 80×24 a copy's long badge does not squeeze every row's text: copies show the short form
/// (`✘ … dup of mb:327`: the `…` says a reason was cut, never dropped silently) and the text
/// keeps more than a word.
#[tokio::test]
async fn a_copys_badge_leaves_the_text_its_width_at_80x24() {
    let (mut s, store) = demo_app().await;
    s.ui.size = (80, 24);
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    settle(&mut s, &store, Action::NextPane).await;
    settle(&mut s, &store, Action::NextPane).await;
    let t = text(&s, 80, 24);
    let rows: Vec<&str> = t.lines().filter(|l| l.contains("│journey ")).collect();
    assert!(
        rows.iter().any(|r| r.contains("✘ … dup of mb:327")),
        "the copy names its original: {t}"
    );
    // The text column: what follows the decision, up to the border.
    let kept = rows
        .iter()
        .find(|r| r.contains("✔ kept"))
        .unwrap_or_else(|| panic!("a kept journey row: {t}"));
    let text_part = kept.split("✔ kept").nth(1).unwrap_or_default().trim();
    assert!(text_part.chars().count() >= 15, "{kept}\n{t}");
}

/// Where the item overlay's title would be cut, its hints give way first: `esc` stays in
/// sight, and what is cut ends in `…`.
#[tokio::test]
async fn the_item_overlays_title_keeps_esc_when_narrow() {
    let head = " s1#0 · session · 14275-14294/14294";
    let fit = |room| {
        super::item::fitted_title(
            head,
            [" · j/k scroll", " · T tokens", " · y copy", " · esc"],
            room,
        )
    };
    assert_eq!(
        fit(90),
        " s1#0 · session · 14275-14294/14294 · j/k scroll · T tokens · y copy · esc "
    );
    assert_eq!(
        fit(70),
        " s1#0 · session · 14275-14294/14294 · T tokens · y copy · esc "
    );
    assert_eq!(fit(50), " s1#0 · session · 14275-14294/14294 · esc ");
    assert_eq!(fit(20), " s1#0 · session · … ");
    // At 80×24 a demo item's title has room for every hint.
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    settle(&mut s, &store, Action::Select).await;
    let t = text(&s, 80, 24);
    assert!(t.contains("j/k scroll · T tokens · y copy · esc"), "{t}");
}

#[tokio::test]
async fn the_item_overlay_cuts_the_text_into_tokens_and_shows_ids_on_demand() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    settle(&mut s, &store, Action::Select).await;
    let tokens = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.as_ref())
        .map_or(0, |a| a.items[0].tokens);
    settle(&mut s, &store, Action::ToggleTokens).await;
    let t = text(&s, 120, 40);
    assert!(
        t.contains(&format!(
            "{tokens} tokens (cl100k_base) in 2 lines · T plain text · i shows ids"
        )),
        "{t}"
    );
    assert!(t.contains(" │ User:"), "{t}");
    // The title names what T does now: back to the text.
    assert!(
        t.contains("j/k scroll · T plain text · y copy · esc"),
        "{t}"
    );
    settle(&mut s, &store, Action::ToggleTokenIds).await;
    assert!(text(&s, 120, 40).contains("     │ ids 1502 25 "));
    // Closed, the token view goes with it (the wide side panel shows text); another item
    // opens as its text, whatever the last one showed.
    settle(&mut s, &store, Action::Back).await;
    assert_eq!(s.ui.tokens, Default::default());
    settle(&mut s, &store, Action::Down).await;
    settle(&mut s, &store, Action::Select).await;
    assert_eq!(s.ui.tokens, Default::default());
    assert!(text(&s, 120, 40).contains("j/k scroll · T tokens · y copy · esc"));
    settle(&mut s, &store, Action::ToggleTokens).await;
    // Off again: the plain text, no counts.
    settle(&mut s, &store, Action::ToggleTokens).await;
    assert_eq!(s.ui.tokens, Default::default());
    assert!(!text(&s, 120, 40).contains(" │ User:"));
}

#[tokio::test]
async fn a_truncated_item_says_where_it_was_cut() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    run(&mut s, &store, "set strategy=truncate").await;
    run(&mut s, &store, "set layers.journey.weight=0.45").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    let at = {
        let a = s.user.view.as_ref().and_then(|v| v.tuned.as_ref());
        a.and_then(|a| {
            crate::app::update::shown_rows(&s, a).iter().position(|r| {
                matches!(r, crate::app::update::LayerRow::Item(i)
                    if i.decision == crate::engine::Decision::Truncated)
            })
        })
    };
    s.user.cursor = at.expect("a truncated journey row");
    settle(&mut s, &store, Action::Select).await;
    let t = text(&s, 120, 40);
    // The journey item cut at the end of the layer's 1,800 tokens: the prefix and the 6-token
    // marker add up to what the item keeps.
    assert!(
        t.contains(
            "cut        after character 2,734 of 3,464 (line 7) · prefix 581 + marker 6 = 587 of \
             747 tokens"
        ),
        "{t}"
    );
    // At 80 columns the field wraps under its value, not under its name.
    s.ui.size = (80, 24);
    let narrow = text(&s, 80, 24);
    let rows: Vec<&str> = narrow.lines().collect();
    let at = rows
        .iter()
        .position(|r| r.contains("cut        after character 2,734"))
        .unwrap_or_else(|| panic!("the cut field: {narrow}"));
    let next = rows[at + 1];
    let value_col = rows[at].find("after character").unwrap_or_default();
    assert_eq!(
        next.get(value_col - 11..value_col).map(str::trim),
        Some(""),
        "the second row hangs under the value: {next}"
    );
    settle(&mut s, &store, Action::ToggleTokens).await;
    assert!(text(&s, 200, 160).contains('✂'));
}

/// Malformed rows whose keys differ only at their end stay apart at 80×24: the key is cut in
/// its middle, so what tells them apart shows.
#[tokio::test]
async fn malformed_rows_show_the_end_of_their_keys() {
    let mut v = crate::app::update::tests::snapshot_u1();
    v["malformed"] = serde_json::json!([
        {"source": "session:u1:a-rather-long-session-name:s2", "reason": "not UTF-8"},
        {"source": "session:u1:a-rather-long-session-name:s4", "reason": "over 4 MiB"},
    ]);
    let (mut s, ctx, _dir) =
        crate::app::update::tests::app_over_files(&[("u1.json", v.to_string())]).await;
    s.ui.size = (80, 24);
    settle(&mut s, &ctx, Action::Select).await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    let t = text(&s, 80, 24);
    let rows: Vec<&str> = t.lines().filter(|l| l.contains("me:s")).collect();
    assert_eq!(rows.len(), 2, "{t}");
    assert!(
        rows[0].contains("sessio…me:s2: not") && rows[1].contains("sessio…me:s4: ove"),
        "cut in the middle, the reason after: {rows:#?}"
    );
}

/// An item read from a snapshot file says so, not `redis …`: no store was read.
#[tokio::test]
async fn an_item_from_a_snapshot_file_names_the_file_as_its_source() {
    let u1 = crate::app::update::tests::snapshot_u1().to_string();
    let (mut s, ctx, _dir) = crate::app::update::tests::app_over_files(&[("u1.json", u1)]).await;
    settle(&mut s, &ctx, Action::Select).await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    settle(&mut s, &ctx, Action::Select).await;
    let t = text(&s, 120, 40);
    assert!(t.contains("source     snapshot file: session:u1:"), "{t}");
    assert!(!t.contains("source     redis"), "{t}");
}

/// A score past everyday magnitudes shows whole on Layers (`1.00e308`, never `1.00e`, which
/// would read as 1.00), as the CLI shows it.
#[tokio::test]
async fn a_huge_score_is_shown_whole() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    run(&mut s, &store, "set recency.boost=1e308").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    for (w, h) in [(120, 40), (80, 24)] {
        let t = text(&s, w, h);
        let row = t
            .lines()
            .find(|l| l.contains("s2#7"))
            .unwrap_or_else(|| panic!("s2#7 at {w}×{h}: {t}"));
        assert!(row.contains(" 1.00e308 "), "{w}×{h}: {row}");
    }
}

/// The Layers columns are sized over every row shown, not the page: scrolling from the first
/// row to the last leaves each column header where it was.
#[tokio::test]
async fn layers_columns_stay_put_while_the_table_scrolls() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    let header = |s: &crate::app::state::State| {
        text(s, 80, 24)
            .lines()
            .find(|l| l.contains("DECISION"))
            .map(str::to_string)
            .expect("a header row")
    };
    let top = header(&s);
    for _ in 0..40 {
        settle(&mut s, &store, Action::Down).await;
        assert_eq!(header(&s), top, "at row {}", s.user.cursor);
    }
}

/// An item's text is wrapped once per text and width (a snapshot file's megabyte turn is not
/// wrapped again at every frame), and another text — even at the same address and length,
/// changed in its middle — gets rows of its own.
#[tokio::test]
async fn an_items_text_rows_are_kept_per_text_and_width() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    let t = Theme::default();
    let view = s.user.view.as_ref().expect("open");
    let mut it = view.tuned.as_ref().expect("replayed").items[0].clone();
    it.kept_text = None;
    it.text = "word ".repeat(400);
    let first = super::item::text_rows(&it, &t, 60);
    assert!(std::rc::Rc::ptr_eq(
        &first,
        &super::item::text_rows(&it, &t, 60)
    ));
    let narrower = super::item::text_rows(&it, &t, 30);
    assert!(narrower.len() > first.len(), "rows of their own width");
    // The same text changed in place (same address, same length), in its middle: read anew.
    it.text = format!("{}{}", "word ".repeat(2_000), "word ".repeat(2_000));
    let before = super::item::text_rows(&it, &t, 60);
    it.text[5_000..5_004].make_ascii_uppercase();
    let middle = super::item::text_rows(&it, &t, 60);
    assert!(!std::rc::Rc::ptr_eq(&before, &middle));
    assert!(middle.iter().any(|l| l.to_string().contains("WORD")));
    it.text = "word ".repeat(400);
    it.text.make_ascii_uppercase();
    let upper = super::item::text_rows(&it, &t, 60);
    let shown = |rows: &[ratatui::text::Line<'_>]| rows[0].to_string();
    assert!(shown(&upper).starts_with("WORD WORD"), "{}", shown(&upper));
    assert!(shown(&first).starts_with("word word"), "{}", shown(&first));
}
