//! Keys as the keymap in use binds them: the status bar's hints, the help and its search, and
//! the titles and messages that name a key.

use super::status_tests::bar;
use super::tests::rows;
use crate::app::Action;
use crate::app::keymap::Keymap;
use crate::app::update::tests::{demo_app, open, settle, type_text};

/// The default keymap with `toml` (a keymap file's text) merged over it.
fn keymap(toml: &str) -> Keymap {
    Keymap::default()
        .merge(toml, "keymap.toml")
        .expect("a keymap")
}

/// Searching help counts its matches as the other searches do (`3/57 keys`), or says none.
#[tokio::test]
async fn a_help_search_counts_its_matches() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::Help).await;
    settle(&mut s, &ctx, Action::Filter).await;
    type_text(&mut s, &ctx, "tune").await;
    let line = bar(&s, 120);
    let (found, all) = super::help::match_count(&s, "tune");
    assert!(found > 0 && found < all, "{found}/{all}");
    assert!(line.contains(&format!("   {found}/{all} keys")), "{line}");
    type_text(&mut s, &ctx, "zzqx").await;
    assert!(bar(&s, 120).contains("no match"), "{}", bar(&s, 120));
}

/// Help lists every screen's own keys after this one's, so a search finds a key wherever it
/// works, under the screen it works on and the key that opens it.
#[tokio::test]
async fn a_help_search_finds_the_keys_of_other_screens() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    settle(&mut s, &ctx, Action::Help).await;
    let (found, _) = super::help::match_count(&s, "optimizer");
    assert_eq!(found, 1, "Tune's o, from Layers");
    let entries = super::help::entries(&s);
    let at = entries
        .iter()
        .position(|(_, _, what)| what.starts_with("optimizer"))
        .expect("listed");
    let heading = entries[..at]
        .iter()
        .rev()
        .find(|(head, ..)| *head)
        .map(|(_, _, w)| w.clone());
    assert_eq!(heading.as_deref(), Some("Tune screen (5)"));
    assert_eq!(entries[0].2, "Layers screen", "this screen's keys first");
    let layers_headings = entries
        .iter()
        .filter(|(head, _, w)| *head && w.starts_with("Layers screen"))
        .count();
    assert_eq!(layers_headings, 1, "not listed again among the others");
}

/// The Users title names the key that shows the tuned policy's figures as the keymap binds it.
#[tokio::test]
async fn the_users_title_names_the_tuned_figures_key_of_the_keymap() {
    let (mut s, _ctx) = demo_app().await;
    assert!(
        rows(&s, 120, 40)
            .join("\n")
            .contains("figures: baseline (t tuned)")
    );
    s.session.keymap = keymap("[keys]\n\"t\" = \"\"\n\"z\" = \"toggle_tuned\"\n");
    let users = rows(&s, 120, 40).join("\n");
    assert!(users.contains("figures: baseline (z tuned)"), "{users}");
}

/// The bar's hints and the help name the keys of the keymap in use: a remapped action shows
/// its new key, an action bound to nothing is not hinted and reads "unbound" in the help.
#[tokio::test]
async fn hints_and_help_follow_the_keymap_in_use() {
    let (mut s, ctx) = demo_app().await;
    assert!(
        bar(&s, 120).contains("? help  : cmd  / filter  q quit"),
        "{}",
        bar(&s, 120)
    );
    s.session.keymap = keymap(
        "[keys]\n\"x\" = \"close\"\n\"q\" = \"\"\n\"?\" = \"\"\n\"f1\" = \"help\"\n\"/\" = \"\"\n\"esc\" = \"\"\n",
    );
    let shown = bar(&s, 120);
    assert!(shown.contains("f1 help  : cmd  x quit"), "{shown}");
    // A key bound to quit itself (not to close) is hinted as well.
    let kept = std::mem::replace(
        &mut s.session.keymap,
        keymap("[keys]\n\"x\" = \"quit\"\n\"q\" = \"\"\n"),
    );
    let quits = bar(&s, 120);
    assert!(quits.contains("/ filter  ctrl-c quit"), "{quits}");
    s.session.keymap = kept;
    assert!(
        !shown.contains("? help") && !shown.contains("filter"),
        "{shown}"
    );
    settle(&mut s, &ctx, Action::Help).await;
    let entries = super::help::entries(&s);
    let filter = entries
        .iter()
        .find(|(_, _, what)| what.starts_with("filter users"))
        .expect("the filter line");
    assert_eq!(filter.1, "unbound");
    // With esc unbound, help's title names the key that closes it: the help key.
    let help = rows(&s, 120, 40).join("\n");
    assert!(help.contains("f1 close"), "{help}");
    assert!(
        entries.iter().all(|(head, k, _)| *head || !k.is_empty()),
        "{entries:?}"
    );
}

/// Remapped, the titles and messages that name a key name the new one.
#[tokio::test]
async fn titles_and_messages_name_the_remapped_keys() {
    let (mut s, ctx) = demo_app().await;
    s.session.keymap = keymap(
        "[keys]\n\"d\" = \"\"\n\"D\" = \"toggle_diff\"\n\"y\" = \"\"\n\"Y\" = \"yank\"\n\"T\" = \"\"\n\"z\" = \"toggle_tokens\"\n\"e\" = \"\"\n\"w\" = \"explain\"\n",
    );
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowPrompt).await;
    let prompt = rows(&s, 120, 40).join("\n");
    assert!(prompt.contains("· D diff"), "{prompt}");
    settle(&mut s, &ctx, Action::ShowTune).await;
    let tune = rows(&s, 120, 40).join("\n");
    assert!(tune.contains("Y copies"), "{tune}");
    settle(&mut s, &ctx, Action::ShowLayers).await;
    settle(&mut s, &ctx, Action::Select).await;
    let item = rows(&s, 120, 40).join("\n");
    assert!(item.contains("z tokens · Y copy"), "{item}");
    settle(&mut s, &ctx, Action::Close).await;
    settle(&mut s, &ctx, Action::Explain).await;
    let said = s
        .status
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.starts_with("w explains a knowledge row"), "{said}");
}

/// Every title's hints follow the keymap: a hint whose action has no key is left out, a
/// rebound one names its key (the overlays' close key among them).
#[tokio::test]
async fn every_titles_hints_follow_the_keymap() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    s.session.keymap = keymap(
        "[keys]\n\"q\" = \"\"\n\"esc\" = \"\"\n\"Q\" = \"close\"\n\"r\" = \"\"\n\"z\" = \"reset_tuning\"\n\"n\" = \"\"\n\"N\" = \"\"\n\"enter\" = \"\"\n\"space\" = \"select\"\n\"t\" = \"\"\n\"tab\" = \"\"\n\"h\" = \"\"\n\"left\" = \"\"\n",
    );
    settle(&mut s, &ctx, Action::ShowLayers).await;
    settle(&mut s, &ctx, Action::Select).await;
    let item = rows(&s, 120, 40).join("\n");
    assert!(item.contains("· Q ─") || item.contains("· Q "), "{item}");
    assert!(!item.contains("· esc"), "{item}");
    settle(&mut s, &ctx, Action::Close).await;
    let layers = rows(&s, 120, 40).join("\n");
    assert!(layers.contains("23 rows · space open"), "{layers}");
    assert!(!layers.contains("tab one layer"), "{layers}");
    settle(&mut s, &ctx, Action::ShowTune).await;
    let tune = rows(&s, 120, 40).join("\n");
    assert!(
        tune.contains("Tune prolaunch · → step · space type · z reset"),
        "{tune}"
    );
    settle(&mut s, &ctx, Action::Right).await;
    let tune = rows(&s, 120, 40).join("\n");
    assert!(tune.contains("1 changed ─"), "{tune}");
    settle(&mut s, &ctx, Action::ShowUsers).await;
    let users = rows(&s, 120, 40).join("\n");
    assert!(
        users.contains("figures: baseline ") && !users.contains("unbound"),
        "{users}"
    );
    s.session.keymap = keymap(
        "[keys]\n\"p\" = \"\"\n\"space\" = \"\"\n\"P\" = \"pause\"\n\"a\" = \"\"\n\"A\" = \"toggle_all\"\n",
    );
    settle(&mut s, &ctx, Action::ShowLive).await;
    let live = rows(&s, 200, 40).join("\n");
    assert!(live.contains("· P pause · A all/mine"), "{live}");
}

#[tokio::test]
async fn layers_help_lists_e() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u005").await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    let entries = super::help::entries(&s);
    let layers: Vec<&(bool, String, String)> = entries
        .iter()
        .skip(1)
        .take_while(|(head, ..)| !head)
        .collect();
    assert!(
        layers
            .iter()
            .any(|(_, k, what)| k == "e" && what.starts_with("explain the knowledge item")),
        "{layers:?}"
    );
    settle(&mut s, &ctx, Action::Help).await;
    let all = rows(&s, 120, 40).join("\n");
    assert!(all.contains("e  explain the knowledge item"), "{all}");
    // Budget's own keys name every move it has, g g and G too.
    settle(&mut s, &ctx, Action::Help).await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let entries = super::help::entries(&s);
    let own: Vec<&str> = entries
        .iter()
        .skip(1)
        .take_while(|(head, ..)| !head)
        .map(|(_, k, _)| k.as_str())
        .collect();
    for key in ["j", "k", "g g", "G"] {
        assert!(
            own.iter().any(|k| k.split(", ").any(|one| one == key)),
            "{key}: {own:?}"
        );
    }
}

/// The `/` hint says what `/` does where it is pressed: on Prompt it searches the prompt.
#[tokio::test]
async fn the_slash_hint_says_search_on_prompt() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    s.status.message = None;
    assert!(bar(&s, 120).contains("/ filter"), "{}", bar(&s, 120));
    s.ui.screen = crate::app::state::Screen::Prompt;
    let shown = bar(&s, 120);
    assert!(
        shown.contains("/ search") && !shown.contains("filter"),
        "{shown}"
    );
}
