//! The palette's habits from shells and vim: ↑/↓ through the commands run before, and Tab
//! completing commands, ids, themes and a Tune field's values.

use super::*;

#[tokio::test]
async fn the_palette_remembers_and_completes() {
    let (mut s, store) = demo_app().await;
    for cmd in ["theme light", "theme default"] {
        settle(&mut s, &store, Action::Palette).await;
        type_text(&mut s, &store, cmd).await;
        settle(&mut s, &store, key(InputKey::Enter)).await;
    }
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "the").await;
    settle(&mut s, &store, key(InputKey::Up)).await;
    assert_eq!(input_text(&s), Some("theme default"));
    settle(&mut s, &store, key(InputKey::Up)).await;
    assert_eq!(input_text(&s), Some("theme light"));
    settle(&mut s, &store, key(InputKey::Down)).await;
    settle(&mut s, &store, key(InputKey::Down)).await;
    assert_eq!(input_text(&s), Some("the"), "back to the line being typed");
    // ↓ past the newest keeps the line typed.
    settle(&mut s, &store, key(InputKey::Down)).await;
    assert_eq!(input_text(&s), Some("the"), "↓ on the line being typed");
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "us").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("user "));
    type_text(&mut s, &store, "u06").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    let c = &s.ui.input.as_ref().expect("open").completions;
    assert!(c.len() > 5 && c.contains(&"u062".to_string()), "{c:?}");
    type_text(&mut s, &store, "2").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("user u062"));
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "set layers.jou").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("set layers.journey."));
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "policy layered").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("policy layered-adr"));
    // Every key :set takes, the text ones Tune does not step too; then a key's values.
    for (typed, completed) in [
        ("set truncate_ma", "set truncate_marker="),
        ("set strategy=tr", "set strategy=truncate"),
        ("set tokenizer=o2", "set tokenizer=o200k_base"),
        ("set dedupe=ne", "set dedupe=near"),
    ] {
        settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
        type_text(&mut s, &store, typed).await;
        settle(&mut s, &store, key(InputKey::Tab)).await;
        assert_eq!(input_text(&s), Some(completed), "{typed}");
    }
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "set strategy=").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    let c = &s.ui.input.as_ref().expect("open").completions;
    assert!(c.contains(&"strategy=stop".to_string()), "{c:?}");
    // Nothing to complete is said on the line itself, until the next key.
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "user zz").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    let bottom = crate::ui::tests::rows(&s, 80, 24).pop().unwrap_or_default();
    assert!(bottom.contains("nothing completes \"zz\""), "{bottom}");
    type_text(&mut s, &store, "q").await;
    assert!(!s.ui.input.as_ref().expect("open").unmatched);
    // Candidates that agree on less than was typed (an id quoted for the shell, `$'u062…'`,
    // beside `u062`) keep the word typed, and are listed.
    let mut odd = s.users.rows[0].clone();
    odd.summary.user_id = "u062\u{1b}]0;x".into();
    s.users.rows.push(odd);
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "user u062").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("user u062"));
    let c = &s.ui.input.as_ref().expect("open").completions;
    assert_eq!(c.len(), 2, "{c:?}");
}

/// Tab in a Tune field being typed into completes the values the field takes.
#[tokio::test]
async fn tab_completes_a_tune_fields_values() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    let at = crate::app::tune::fields(&s.session.policy)
        .iter()
        .position(|f| f.key == "strategy")
        .expect("a strategy field");
    for _ in 0..at {
        settle(&mut s, &store, Action::Down).await;
    }
    settle(&mut s, &store, Action::Select).await;
    settle(&mut s, &store, key(InputKey::DeleteToStart)).await;
    type_text(&mut s, &store, "tr").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("truncate"));
}

#[tokio::test]
async fn the_palette_completes_theme_names() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "theme ").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    let mut listed = s.ui.input.as_ref().expect("open").completions.clone();
    listed.sort();
    assert_eq!(listed, ["default", "high-contrast", "light"]);
    assert_eq!(input_text(&s), Some("theme "));
    type_text(&mut s, &store, "hi").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("theme high-contrast"));
    assert!(
        s.ui.input
            .as_ref()
            .is_some_and(|i| i.completions.is_empty())
    );
    settle(&mut s, &store, key(InputKey::Enter)).await;
    assert_eq!(s.ui.theme, "high-contrast", "the completed name runs");
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "theme zz").await;
    settle(&mut s, &store, key(InputKey::Tab)).await;
    assert_eq!(input_text(&s), Some("theme zz"), "nothing completes it");
    let said = s.status.message.as_ref().map(|m| m.text.as_str());
    assert_eq!(said, Some("nothing completes \"zz\""));
}
