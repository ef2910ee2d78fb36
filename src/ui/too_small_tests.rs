//! A terminal too small for the screens: it says so in the rows it has, the size it needs and
//! the key the keymap quits with, and while the quit dialog is open, its keys first.

use crate::app::state::State;
use crate::app::update::tests::demo_app;

/// The too-small screen names the key the keymap closes (so quits) with, not the default one.
#[tokio::test]
async fn too_small_names_the_keymaps_quit_key() {
    let (mut s, _ctx) = demo_app().await;
    let said = |s: &State| super::tests::rows(s, 60, 20).join("\n");
    assert!(said(&s).contains(" q quits."), "{}", said(&s));
    s.session.keymap = crate::app::keymap::Keymap::default()
        .merge("[keys]\n\"q\" = \"\"\n\"x\" = \"close\"\n", "keymap.toml")
        .expect("a keymap");
    assert!(said(&s).contains(" x quits."), "{}", said(&s));
    s.session.keymap = crate::app::keymap::Keymap::default()
        .merge("[keys]\n\"q\" = \"\"\n", "keymap.toml")
        .expect("a keymap");
    assert!(said(&s).contains(" ctrl-c quits."), "{}", said(&s));
    // A sequence does not quit here: a single key bound to quit is named instead.
    s.session.keymap = crate::app::keymap::Keymap::default()
        .merge(
            "[keys]\n\"q\" = \"\"\n\"g q\" = \"close\"\n\"x\" = \"quit\"\n",
            "keymap.toml",
        )
        .expect("a keymap");
    assert!(said(&s).contains(" x quits."), "{}", said(&s));
}

/// A terminal too small says so whole, the size it needs included, even 40 columns wide.
#[tokio::test]
async fn too_small_says_the_size_it_needs() {
    let (s, _ctx) = demo_app().await;
    let (w, h) = super::MIN_SIZE;
    let rows = super::tests::rows(&s, 40, 12).join(" ");
    let words: Vec<&str> = rows.split_whitespace().collect();
    let said = words.join(" ");
    assert!(
        said.contains(&format!("needs at least {w}×{h}. q quits.")),
        "{said}"
    );
    // At 60 columns the key and what it does share their line.
    let rows = super::tests::rows(&s, 60, 20);
    assert!(
        rows.iter().any(|r| r.trim() == "q quits."),
        "{}",
        rows.join("\n")
    );
}

/// Asked whether to discard unsaved tuning on a terminal too small to say everything, the
/// question's keys show whole, first: the size it needs gives way, then the longer wording.
#[tokio::test]
async fn too_small_to_say_all_it_still_says_how_to_discard_or_cancel() {
    let (mut s, _ctx) = demo_app().await;
    s.ui.overlay = crate::app::state::Overlay::ConfirmQuit;
    let words = |s: &crate::app::State, w, h| {
        let rows = super::tests::rows(s, w, h).join(" ");
        rows.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // Room for all of it: the size and the question.
    let all = words(&s, 40, 12);
    assert!(
        all.contains("needs at least") && all.contains("c cancels (saving needs the room)."),
        "{all}"
    );
    // 20×6: the question whole, without the size.
    let small = words(&s, 20, 6);
    assert!(
        small.contains("d discards it and quits, c cancels (saving needs the room)."),
        "{small}"
    );
    // 12×3: its keys alone.
    let tiny = words(&s, 12, 3);
    assert!(tiny.contains("d quits, c cancels."), "{tiny}");
    s.ui.overlay = crate::app::state::Overlay::None;
    assert!(!words(&s, 12, 3).contains("cancels"));
}
