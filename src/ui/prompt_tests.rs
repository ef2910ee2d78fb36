//! The Prompt screen's search and diff: a search that finds nothing says so, one that finds
//! counts and steps through its matches, a long query gives way before its count, and the
//! diff marks what a tuning adds.

use super::journey_tests::find;
use super::screen_tests::{run, text};
use super::tests::draw;
use super::theme::Theme;
use crate::app::Action;
use crate::app::action::InputKey;
use crate::app::state::State;
use crate::app::update::tests::{demo_app, open, settle, type_text};
use crate::engine::Decision;
use crate::tui::effects::EffectContext;

/// The demo's u062 on the Prompt screen.
async fn prompt_of_u062() -> (State, EffectContext) {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    (s, store)
}

/// The prompt searched for `query`: `/`, the query typed, enter.
async fn search(s: &mut State, store: &EffectContext, query: &str) {
    settle(s, store, Action::Filter).await;
    type_text(s, store, query).await;
    settle(s, store, Action::Input(InputKey::Enter)).await;
}

/// The first word of the prompt's first header: a search for it finds.
fn header_word(s: &State) -> String {
    let lines = crate::app::update::prompt_lines(s);
    let header = lines.iter().find_map(|l| l.strip_prefix("## "));
    header
        .and_then(|h| h.split_whitespace().next())
        .expect("a header")
        .to_string()
}

/// The policy tuned and the prompt diff shown, its message gone: the diff's title is the longer.
async fn tuned_diff(s: &mut State, store: &EffectContext) {
    run(s, store, "set recency.boost=3").await;
    settle(s, store, Action::ToggleDiff).await;
    s.status.message = None;
}

/// A prompt search that finds nothing says so in the error colour as it is typed, and in the
/// prompt's title once entered, at both sizes.
#[tokio::test]
async fn the_prompt_search_says_no_match() {
    let (mut s, store) = prompt_of_u062().await;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "aqqqqzz").await;
    let t = Theme::default();
    for (w, h) in [(120, 40), (80, 24)] {
        s.ui.size = (w, h);
        let term = draw(&s, w, h, &t);
        let buf = term.backend().buffer();
        let screen = format!("{:?}", term.backend());
        let (_, y) = find(buf, "search /aqqqqzz ")
            .unwrap_or_else(|| panic!("{w}×{h}: the search line: {screen}"));
        let said = (0..w).find(|&x| buf[(x, y)].symbol() == "n" && buf[(x + 1, y)].symbol() == "o");
        let x = said.unwrap_or_else(|| panic!("{w}×{h}: no match said as typed: {screen}"));
        assert_eq!(
            buf[(x, y)].fg,
            t.error().fg.expect("error colour"),
            "{w}×{h}: \"no match\" in the error colour"
        );
        assert!(
            screen.contains(" · /aqqqqzz no match "),
            "{w}×{h}: {screen}"
        );
    }
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    for (w, h) in [(120, 40), (80, 24)] {
        s.ui.size = (w, h);
        let screen = text(&s, w, h);
        assert!(
            screen.contains(" · /aqqqqzz no match "),
            "{w}×{h}: {screen}"
        );
    }
}

/// A search that finds says which match of how many instead of "no match"; in the diff's
/// longer title (tuned) at 80 columns the hints give way and the count stays.
#[tokio::test]
async fn a_prompt_search_that_finds_says_which_match_of_how_many() {
    let (mut s, store, word) = searched_for_a_header_word().await;
    let screen = text(&s, 120, 40);
    assert!(
        screen.contains(&format!(" · /{word} 1/")) && !screen.contains("no match"),
        "{screen}"
    );
    // The diff's longer title (tuned) at 80 columns: the hints give way, the count stays.
    tuned_diff(&mut s, &store).await;
    let screen = text(&s, 80, 24);
    let title = screen
        .lines()
        .find(|l| l.contains("Prompt diff"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(title.contains(&format!(" · /{word} 1/")), "{title}");
    assert!(
        !title.contains(" plain"),
        "the hint gave way first: {title}"
    );
}

/// u062's Prompt at 80×24 after a search that found nothing, then one for a word of its
/// header (which it returns).
async fn searched_for_a_header_word() -> (State, EffectContext, String) {
    let (mut s, store) = prompt_of_u062().await;
    search(&mut s, &store, "aqqqqzz").await;
    s.ui.size = (80, 24);
    let word = header_word(&s);
    search(&mut s, &store, &word).await;
    (s, store, word)
}

/// A long query gives way before its count: cut, the count and "no match" stay in sight.
#[tokio::test]
async fn a_long_prompt_query_gives_way_before_its_count() {
    let (mut s, store, word) = searched_for_a_header_word().await;
    tuned_diff(&mut s, &store).await;
    for (query, said) in [
        (
            "Map every payment month by month: deposit, balance, freight",
            "1/1",
        ),
        (&*format!("{word} {}", "q".repeat(90)), "no match"),
    ] {
        search(&mut s, &store, query).await;
        s.status.message = None;
        for (w, h) in [(120, 40), (80, 24)] {
            let screen = text(&s, w, h);
            let title = screen
                .lines()
                .find(|l| l.contains("╭ Prompt"))
                .unwrap_or_else(|| panic!("{screen}"));
            assert!(title.contains(&format!("… {said} ")), "{w}×{h}: {title}");
        }
    }
}

/// A tuning that admits more than the baseline shows its new lines marked `+ `, in the kept
/// colour, and counted in the title.
#[tokio::test]
async fn the_prompt_diff_marks_added_lines() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    run(&mut s, &store, "set budget.total=16000").await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    settle(&mut s, &store, Action::ToggleDiff).await;
    s.status.message = None;
    let lines = crate::app::update::prompt_lines(&s);
    let added = lines.iter().filter(|l| l.starts_with("+ ")).count();
    assert!(added > 5, "journey items the larger budget admits: {added}");
    let t = Theme::default();
    s.ui.size = (120, 40);
    let mut seen = false;
    for _ in 0..200 {
        let term = draw(&s, 120, 40, &t);
        let buf = term.backend().buffer();
        let title: String = (0..120).map(|x| buf[(x, 1)].symbol().to_string()).collect();
        assert!(title.contains(&format!(" +{added} lines")), "{title}");
        if let Some((x, y)) = find(buf, "│+ ") {
            assert_eq!(
                buf[(x + 1, y)].fg,
                t.decision(Decision::Kept).fg.expect("kept")
            );
            seen = true;
            break;
        }
        settle(&mut s, &store, Action::PageDown).await;
    }
    assert!(seen, "an added line on screen");
}

/// The prompt search counts and steps through matches, not lines; the match `n` is on is
/// drawn apart from the others (bold, in the selection's colours).
#[tokio::test]
async fn the_prompt_search_steps_through_matches_and_marks_the_current_one() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "value").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let prompt = &s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.as_ref())
        .expect("replayed")
        .prompt;
    let occurrences = prompt.to_lowercase().matches("value").count();
    let lines = prompt
        .lines()
        .filter(|l| l.to_lowercase().contains("value"))
        .count();
    assert!(
        occurrences > lines,
        "a line holds two: {occurrences} in {lines} lines"
    );
    let hits = crate::app::update::search_hits(&s);
    assert_eq!(hits.len(), occurrences);
    let t = text(&s, 120, 40);
    assert!(t.contains(&format!("/value 1/{occurrences}")), "{t}");
    // Bold cells in the selection's colours: the current match, "value", alone.
    let current = |s: &State| {
        let term = draw(s, 120, 40, &Theme::default());
        let buf = term.backend().buffer().clone();
        let sel = Theme::default().selected().bg;
        let cells: Vec<(u16, u16)> = (2..39)
            .flat_map(|y| (1..119).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let c = &buf[(x, y)];
                c.modifier.contains(ratatui::style::Modifier::BOLD) && Some(c.bg) == sel
            })
            .collect();
        let word: String = cells.iter().map(|&(x, y)| buf[(x, y)].symbol()).collect();
        (word.to_lowercase(), cells)
    };
    let (word, first) = current(&s);
    assert_eq!(word, "value");
    // The next match on the same line: another place, same line count.
    let same_line = hits[1].0 == hits[0].0;
    settle(&mut s, &store, Action::NextMatch).await;
    let (word, second) = current(&s);
    assert_eq!(word, "value");
    assert_ne!(first, second, "the mark moved (same line: {same_line})");
}
