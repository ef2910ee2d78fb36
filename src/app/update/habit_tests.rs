//! The habits people bring from k9s and lazygit: `q` asks when tuned, `esc` goes back, overlays
//! scroll, a line editor, `/` starts afresh, palette history and completion, messages expire,
//! `y` copies. The screens' own keys are in `screen_key_tests`.

use super::tests::{demo_app, open, settle, type_text};
use super::{Effect, update};
use crate::app::action::{Action, InputKey};
use crate::app::state::{
    InputKind, MESSAGE_SECONDS, Overlay, Quit, Screen, State, TICKS_PER_SECOND,
};

mod palette;

pub(super) fn key(k: InputKey) -> Action {
    Action::Input(k)
}

fn input_text(s: &State) -> Option<&str> {
    s.ui.input.as_ref().map(|i| i.text())
}

pub(super) async fn tuned_u062() -> (State, crate::tui::effects::EffectContext) {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set budget.total=2000").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(s.modified());
    (s, store)
}

#[tokio::test]
async fn q_with_unsaved_tuning_asks_and_saving_quits_once_written() {
    let (mut s, store) = tuned_u062().await;
    settle(&mut s, &store, Action::Quit).await;
    assert_eq!(
        (&s.ui.overlay, s.ui.quit),
        (&Overlay::ConfirmQuit, Quit::No)
    );
    // Keys other than the answers do nothing; `c` cancels.
    settle(&mut s, &store, Action::Down).await;
    assert_eq!(s.ui.overlay, Overlay::ConfirmQuit);
    settle(&mut s, &store, key(InputKey::Char('c'))).await;
    assert_eq!((&s.ui.overlay, s.ui.quit), (&Overlay::None, Quit::No));
    // Asked over an open overlay, "cancel" goes back to it, not past it.
    settle(&mut s, &store, Action::ShowLayers).await;
    settle(&mut s, &store, Action::Select).await;
    let item = s.ui.overlay.clone();
    assert!(matches!(item, Overlay::Item { .. }), "{item:?}");
    settle(&mut s, &store, Action::Quit).await;
    assert_eq!(s.ui.overlay, Overlay::ConfirmQuit);
    settle(&mut s, &store, key(InputKey::Esc)).await;
    assert_eq!((&s.ui.overlay, s.ui.quit), (&item, Quit::No));
    settle(&mut s, &store, Action::Back).await;
    // `s`: the save prompt, filled with a file name alone; enter writes, then quits.
    settle(&mut s, &store, Action::Quit).await;
    settle(&mut s, &store, key(InputKey::Char('s'))).await;
    assert_eq!(input_text(&s), Some("prolaunch-tuned.toml"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tuned.toml");
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, &path.display().to_string()).await;
    assert_eq!(s.ui.quit, Quit::AfterSave);
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert_eq!(s.ui.quit, Quit::Now, "{:?}", s.status.message);
    // Said again once the terminal is given back: the screen that said it is gone.
    assert_eq!(
        s.ui.farewell,
        Some(format!("tuned policy written to {}", path.display()))
    );
    let saved = crate::config::load_policy(&path.display().to_string(), &[]).expect("loads");
    assert_eq!(saved.name, "prolaunch-tuned");
    assert_eq!(saved.budget, s.session.policy.budget);
}

#[tokio::test]
async fn a_failed_save_from_the_quit_prompt_stays_and_discard_quits() {
    let (mut s, store) = tuned_u062().await;
    settle(&mut s, &store, Action::Quit).await;
    settle(&mut s, &store, key(InputKey::Char('s'))).await;
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "/nonexistent/dir/tuned.toml").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert_eq!(s.ui.quit, Quit::No, "still here after the failed write");
    assert!(s.status.message.as_ref().is_some_and(|m| m.error));
    settle(&mut s, &store, Action::Quit).await;
    settle(&mut s, &store, key(InputKey::Char('d'))).await;
    assert_eq!(s.ui.quit, Quit::Now);
    // Untuned, `q` quits at once.
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Quit).await;
    assert_eq!(s.ui.quit, Quit::Now);
}

#[tokio::test]
async fn esc_goes_back_one_level_overlay_then_screens() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    settle(&mut s, &store, Action::Help).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        settle(&mut s, &store, Action::Back).await;
        seen.push((s.ui.screen, s.ui.overlay.clone()));
    }
    assert_eq!(
        seen,
        [
            (Screen::Journey, Overlay::None),
            (Screen::Layers, Overlay::None),
            (Screen::Users, Overlay::None),
            (Screen::Users, Overlay::None),
        ]
    );
    // Switching screens many times over: esc walks back through the screens last seen, each
    // once, never through every switch.
    // The number keys, 1 to 8, as help lists them first.
    let screens = &crate::app::help::EVERYWHERE[..Screen::ALL.len()];
    for _ in 0..50 {
        for a in screens {
            settle(&mut s, &store, a.clone()).await;
        }
    }
    let mut back = vec![s.ui.screen];
    for _ in 0..20 {
        settle(&mut s, &store, Action::Back).await;
        if back.last() != Some(&s.ui.screen) {
            back.push(s.ui.screen);
        }
    }
    let mut last_seen = Screen::ALL.to_vec();
    last_seen.reverse();
    assert_eq!(back, last_seen);
}

/// An error shown is closed by esc first, as an overlay: the screen under it stays (a bad
/// value typed on Tune leaves Tune only at the next esc).
#[tokio::test]
async fn esc_closes_an_error_before_it_leaves_the_screen() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set budget.total=-5").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(s.status.message.as_ref().is_some_and(|m| m.error));
    settle(&mut s, &store, Action::Back).await;
    assert_eq!((s.ui.screen, &s.status.message), (Screen::Tune, &None));
    settle(&mut s, &store, Action::Back).await;
    assert_eq!(s.ui.screen, Screen::Layers, "the next esc goes back");
}

/// `q` closes an overlay as a pager does (help, the item), and only then quits;
/// ctrl-c (`quit`) quits from an overlay too.
#[tokio::test]
async fn q_closes_an_overlay_before_it_quits() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::Select).await;
    assert!(matches!(s.ui.overlay, Overlay::Item { .. }));
    settle(&mut s, &store, Action::Help).await;
    assert!(matches!(s.ui.overlay, Overlay::Help { .. }));
    settle(&mut s, &store, Action::Close).await;
    assert_eq!((s.ui.overlay.clone(), s.ui.quit), (Overlay::None, Quit::No));
    assert_eq!(s.ui.screen, Screen::Layers, "the screen stays");
    settle(&mut s, &store, Action::Help).await;
    settle(&mut s, &store, Action::Quit).await;
    assert_eq!(s.ui.quit, Quit::Now, "ctrl-c quits from an overlay");
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Close).await;
    assert_eq!(s.ui.quit, Quit::Now, "q quits without an overlay");
}

#[tokio::test]
async fn overlays_scroll_instead_of_moving_the_selection() {
    let (mut s, store) = demo_app().await;
    s.ui.size = (80, 24);
    open(&mut s, &store, "u062").await;
    // mb:330, a long milestone record.
    for _ in 0..9 {
        settle(&mut s, &store, Action::Down).await;
    }
    settle(&mut s, &store, Action::Select).await;
    assert_eq!(s.ui.overlay, Overlay::Item { scroll: 0 });
    // Drawn once, as the loop does: its wrapped length is known then.
    let theme = crate::ui::theme::Theme::default();
    crate::ui::tests::draw(&s, 80, 24, &theme);
    for _ in 0..3 {
        settle(&mut s, &store, Action::Down).await;
    }
    assert_eq!(s.ui.overlay, Overlay::Item { scroll: 3 });
    assert_eq!(s.user.cursor, 9, "the selection stays");
    settle(&mut s, &store, Action::Bottom).await;
    let Overlay::Item { scroll: bottom } = s.ui.overlay else {
        panic!("still open")
    };
    let lines = s.ui.item_rows.get();
    assert!(bottom > 3 && bottom < lines, "{bottom} of {lines}");
    settle(&mut s, &store, Action::PageUp).await;
    settle(&mut s, &store, Action::Top).await;
    assert_eq!(s.ui.overlay, Overlay::Item { scroll: 0 });
    settle(&mut s, &store, Action::Help).await;
    // Drawn once (its wrapped length is known then), at a size where it does not fit.
    s.ui.size = (80, 24);
    crate::ui::tests::draw(&s, 80, 24, &theme);
    settle(&mut s, &store, Action::PageDown).await;
    assert!(matches!(s.ui.overlay, Overlay::Help { scroll, .. } if scroll > 0));
}

#[tokio::test]
async fn the_input_line_edits_like_readline() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set budget.total=2500").await;
    settle(&mut s, &store, key(InputKey::DeleteWord)).await;
    assert_eq!(input_text(&s), Some("set budget.total="));
    settle(&mut s, &store, key(InputKey::Home)).await;
    settle(&mut s, &store, key(InputKey::Right)).await;
    settle(&mut s, &store, key(InputKey::Delete)).await;
    settle(&mut s, &store, key(InputKey::Char('E'))).await;
    assert_eq!(input_text(&s), Some("sEt budget.total="));
    settle(&mut s, &store, key(InputKey::End)).await;
    type_text(&mut s, &store, "3000").await;
    settle(&mut s, &store, key(InputKey::WordLeft)).await;
    settle(&mut s, &store, key(InputKey::DeleteToEnd)).await;
    assert_eq!(input_text(&s), Some("sEt budget.total="));
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    assert_eq!(input_text(&s), Some(""));
}

#[tokio::test]
async fn slash_starts_a_fresh_query_and_the_prompt_search_counts() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "u06").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert_eq!(s.users.filter, "u06");
    settle(&mut s, &store, Action::Filter).await;
    assert_eq!(input_text(&s), Some(""), "a fresh query");
    settle(&mut s, &store, key(InputKey::Esc)).await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    settle(&mut s, &store, Action::Filter).await;
    assert_eq!(s.ui.input.as_ref().map(|i| i.kind), Some(InputKind::Search));
    type_text(&mut s, &store, "milestone").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    let hits = super::search_lines(&s);
    assert!(hits.len() > 2, "{hits:?}");
    settle(&mut s, &store, Action::NextMatch).await;
    // The second match is on screen: the view moves only when it must (as in less and vim).
    let (_, height) = super::prompt_area(s.ui.size);
    let row = super::match_scroll(&s, 1).expect("a row");
    assert_eq!(s.user.found, 1);
    assert!(
        (s.user.scroll..s.user.scroll + height).contains(&row),
        "{row} not in view from {}",
        s.user.scroll
    );
    assert!(super::match_scroll(&s, 1) > super::match_scroll(&s, 0));
    // A match below the screen brings the view to it.
    let k = (0..hits.len())
        .find(|&k| super::match_scroll(&s, k).is_some_and(|r| r >= height))
        .expect("u062's prompt has a match below the first screen");
    s.user.scroll = 0;
    s.user.found = k - 1;
    settle(&mut s, &store, Action::NextMatch).await;
    assert_eq!(Some(s.user.scroll), super::match_scroll(&s, k));
    s.user.found = 1;
    settle(&mut s, &store, Action::PrevMatch).await;
    settle(&mut s, &store, Action::PrevMatch).await;
    assert_eq!(s.user.found, hits.len() - 1, "wraps around");
    // Another user's prompt: the search stays, counted from its first match there.
    open(&mut s, &store, "u066").await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    let there = super::search_lines(&s).len();
    assert!(there > 0 && there < hits.len(), "{there}");
    assert_eq!(s.user.found, 0);
    s.user.found = hits.len() - 1;
    assert_eq!(
        super::current_match(&s, there),
        there - 1,
        "never past the last"
    );
    settle(&mut s, &store, Action::NextMatch).await;
    assert_eq!(s.user.found, 0, "from the last, the next is the first");
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    // A query that ends in no match leaves the view where the search began, not at the match
    // of a shorter prefix typed on the way.
    let before = s.user.scroll;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "aqqqqzz").await;
    assert!(super::search_lines(&s).is_empty());
    assert_eq!(s.user.scroll, before);
    settle(&mut s, &store, key(InputKey::Enter)).await;
    // `/` then enter on nothing typed ends the search: no old query kept behind an empty one.
    settle(&mut s, &store, Action::Filter).await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert_eq!(s.user.search, "");
    settle(&mut s, &store, Action::ShowUsers).await;
    settle(&mut s, &store, Action::Filter).await;
    type_text(&mut s, &store, "u06").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    settle(&mut s, &store, Action::Filter).await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert_eq!(s.users.filter, "");
}

/// Ticks the clock `n` times.
fn ticks(s: &mut State, n: u64) {
    for _ in 0..n {
        update(s, Action::Tick);
    }
}

#[tokio::test]
async fn messages_expire_and_errors_stay_longer() {
    let ttl = MESSAGE_SECONDS * TICKS_PER_SECOND;
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "theme light").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(s.status.message.as_ref().is_some_and(|m| !m.error));
    ticks(&mut s, ttl);
    assert!(
        s.status.message.is_some(),
        "still there at {MESSAGE_SECONDS} s"
    );
    ticks(&mut s, 1);
    assert_eq!(s.status.message, None, "gone after {MESSAGE_SECONDS} s");
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "frobnicate").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(s.status.message.as_ref().is_some_and(|m| m.error));
    ticks(&mut s, ttl + 1);
    assert!(
        s.status.message.as_ref().is_some_and(|m| m.error),
        "an error stays longer"
    );
    ticks(&mut s, ttl - 1);
    assert!(s.status.message.is_some(), "still there at twice the time");
    ticks(&mut s, 1);
    assert_eq!(s.status.message, None, "gone after twice the time");
}

/// The text `y` puts on the clipboard here.
fn yanked(s: &mut State) -> String {
    match update(s, Action::Yank).as_slice() {
        [Effect::Clipboard(text)] => text.clone(),
        other => panic!("no clipboard effect: {other:?}"),
    }
}

#[tokio::test]
async fn y_copies_what_the_screen_is_about() {
    let (mut s, store) = tuned_u062().await;
    assert_eq!(yanked(&mut s), {
        let a = s
            .user
            .view
            .as_ref()
            .and_then(|v| v.tuned.as_ref())
            .expect("replayed");
        a.items[0].text.clone()
    });
    settle(&mut s, &store, Action::ShowTune).await;
    assert_eq!(yanked(&mut s), "--set budget.total=2000");
    // On Prompt, the prompt as shown; with the diff shown, the diff, said as such.
    settle(&mut s, &store, Action::ShowPrompt).await;
    let prompt = yanked(&mut s);
    assert!(
        s.status
            .message
            .as_ref()
            .is_some_and(|m| m.text.contains("the prompt ("))
    );
    settle(&mut s, &store, Action::ToggleDiff).await;
    let diff = yanked(&mut s);
    assert_ne!(diff, prompt);
    let said = s.status.message.clone().expect("a message").text;
    assert!(said.contains("the prompt diff"), "{said}");
    settle(&mut s, &store, Action::ToggleDiff).await;
    settle(&mut s, &store, Action::ShowUsers).await;
    assert_eq!(yanked(&mut s), "u062");
    // `r` resets on Tune only, where the tuning shows; elsewhere it says so and keeps it.
    settle(&mut s, &store, Action::ResetTuning).await;
    assert!(s.modified(), "kept off Tune");
    let said = s.status.message.clone().expect("a message").text;
    assert!(said.contains(":reset"), "{said}");
    settle(&mut s, &store, Action::ShowTune).await;
    settle(&mut s, &store, Action::ResetTuning).await;
    assert!(!s.modified());
    assert!(
        update(&mut s, Action::Yank).is_empty(),
        "nothing tuned to copy"
    );
}

#[tokio::test]
async fn y_copies_stored_text_inert() {
    use crate::demo::hostile::{dataset, user_id};
    use crate::store::{MemoryStore, Store};
    let store: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(MemoryStore::from_dataset(dataset(), "DEMO").expect("dataset"));
    let (mut s, store) = super::tests::app_over(store, false).await;
    open(&mut s, &store, &user_id(0)).await;
    let text = yanked(&mut s);
    assert!(!text.is_empty());
    assert!(
        !text
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{7}' || ('\u{80}'..='\u{9f}').contains(&c)),
        "{text:?}"
    );
    assert!(
        text.contains('␛'),
        "the escape is shown, not sent: {text:?}"
    );
    // The user id, as the shell argument that opens that user and no other (its shown form,
    // `h00␛]0;pwned␇`, is another id's).
    settle(&mut s, &store, Action::ShowBudget).await;
    assert_eq!(yanked(&mut s), r"$'h00\x1b]0;pwned\x07'");
    let said = s.status.message.clone().expect("a message").text;
    assert!(said.contains("user id as a shell argument"), "{said}");
}

/// A diff open when the policy changes (`:set`, `:policy`) is closed, saying why, instead of
/// showing figures of a policy no longer in use.
#[tokio::test]
async fn a_diff_open_when_the_policy_changes_is_closed_saying_why() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "diff u061").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(
        matches!(s.ui.overlay, Overlay::Diff { .. }),
        "{:?}",
        s.ui.overlay
    );
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set budget.total=3000").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert_eq!(s.ui.overlay, Overlay::None);
    let said = s.status.message.clone().expect("a message").text;
    assert!(said.contains("the policy changed"), "{said}");
    // Reopened, it is of the policy in use.
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "diff u061").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(matches!(s.ui.overlay, Overlay::Diff { .. }));
}

/// The Tune diff of another user (opened from the Report's most affected, or any way) is read
/// from its first change, not from where the last user's was scrolled to; the same user
/// reloaded keeps its place.
#[tokio::test]
async fn another_users_tune_diff_starts_at_its_first_change() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    s.tune.diff_scroll = 4;
    open(&mut s, &store, "u062").await;
    assert_eq!(s.tune.diff_scroll, 4, "the same user keeps its place");
    open(&mut s, &store, "u001").await;
    assert_eq!(s.tune.diff_scroll, 0);
}

/// `T` and `i` act in an item's detail: elsewhere they say how to get there, and turn nothing
/// on that the next item opened would show unasked.
#[tokio::test]
async fn t_outside_an_items_detail_says_where_it_works() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for key in [Action::ToggleTokens, Action::ToggleTokenIds] {
        ticks(&mut s, 1);
        settle(&mut s, &store, key).await;
        let said = s.status.message.clone().expect("a message").text;
        assert!(said.contains("enter opens the item first"), "{said}");
    }
    assert!(!s.ui.tokens.on && !s.ui.tokens.ids);
    settle(&mut s, &store, Action::Select).await;
    settle(&mut s, &store, Action::ToggleTokens).await;
    assert!(s.ui.tokens.on, "in the item's detail");
}

/// `r` over unsaved tuning of several fields asks first (there is no undo): a second `r`
/// while the question shows resets; once it has expired, `r` asks again.
#[tokio::test]
async fn r_asks_before_it_throws_away_unsaved_tuning() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    settle(&mut s, &store, Action::Increase).await;
    settle(&mut s, &store, Action::Down).await;
    settle(&mut s, &store, Action::Increase).await;
    let tuned = s.session.policy.clone();
    assert_eq!(
        crate::app::tune::changed_keys(&s.session.baseline, &tuned).len(),
        2
    );
    settle(&mut s, &store, Action::ResetTuning).await;
    assert_eq!(s.session.policy, tuned, "kept: asked first");
    let said = s.status.message.clone().expect("a question").text;
    assert!(
        said.contains("r again throws away the 2 unsaved changes"),
        "{said}"
    );
    ticks(&mut s, MESSAGE_SECONDS * TICKS_PER_SECOND + 1);
    settle(&mut s, &store, Action::ResetTuning).await;
    assert_eq!(s.session.policy, tuned, "the question expired: asked again");
    settle(&mut s, &store, Action::ResetTuning).await;
    assert!(!s.modified(), "the second r resets");
    // Anything done between the two (a move, another screen and back, another change) takes
    // the question back: the next r asks again.
    for between in [
        vec![Action::Down],
        vec![Action::ShowLayers, Action::ShowTune],
        vec![Action::Increase],
    ] {
        settle(&mut s, &store, Action::Increase).await;
        settle(&mut s, &store, Action::Down).await;
        settle(&mut s, &store, Action::Increase).await;
        settle(&mut s, &store, Action::ResetTuning).await;
        for a in between.clone() {
            settle(&mut s, &store, a).await;
        }
        let tuned = s.session.policy.clone();
        settle(&mut s, &store, Action::ResetTuning).await;
        assert_eq!(
            s.session.policy, tuned,
            "{between:?}: asked again, not reset"
        );
        settle(&mut s, &store, Action::ResetTuning).await;
        assert!(!s.modified(), "{between:?}: the second r in a row resets");
        settle(&mut s, &store, Action::Up).await;
    }
    settle(&mut s, &store, Action::ResetTuning).await;
    let said = s.status.message.clone().expect("a message").text;
    assert!(said.contains("nothing tuned"), "{said}");
    // One field tuned: reset at once.
    settle(&mut s, &store, Action::Increase).await;
    settle(&mut s, &store, Action::ResetTuning).await;
    assert!(!s.modified());
}

/// The `:diff` overlay says, as `ctxlens diff` does, that the query starred with the set that
/// explains the change was not replayed: its stars are not all counted.
#[tokio::test]
async fn the_diff_overlay_says_the_starred_query_is_not_counted() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    for _ in 0..11 {
        settle(&mut s, &store, Action::Earlier).await;
    }
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "diff").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert!(
        matches!(s.ui.overlay, Overlay::Diff { .. }),
        "{:?}",
        s.status.message
    );
    let screen = crate::ui::tests::rows(&s, 200, 60).join("\n");
    assert!(screen.contains("* query changed"), "{screen}");
    assert!(
        screen.contains("input changes explain the prompt change")
            && screen.contains("and the query that moved their hits, starred too (not replayed)"),
        "{screen}"
    );
}
