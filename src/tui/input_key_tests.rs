//! The line editor's keys as the terminal sends them: readline's control keys map to the
//! editing actions, and a control key without a meaning there is not typed as its letter.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::input_key;
use crate::app::action::InputKey;

fn ctrl(c: char) -> Option<InputKey> {
    input_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn readline_control_keys_edit_the_line() {
    assert_eq!(ctrl('a'), Some(InputKey::Home));
    assert_eq!(ctrl('e'), Some(InputKey::End));
    assert_eq!(ctrl('w'), Some(InputKey::DeleteWord));
    assert_eq!(ctrl('u'), Some(InputKey::DeleteToStart));
    assert_eq!(ctrl('k'), Some(InputKey::DeleteToEnd));
    // Not the letters: ctrl-a typed as `a` would edit the text instead of moving.
    for c in ['a', 'e', 'w'] {
        assert_ne!(ctrl(c), Some(InputKey::Char(c)));
    }
    assert_eq!(
        ctrl('x'),
        None,
        "a control key without a meaning is dropped"
    );
    let plain = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    assert_eq!(input_key(&plain), Some(InputKey::Char('a')));
}

/// The mapped keys do what their names say on the palette's line.
#[tokio::test]
async fn ctrl_a_e_and_w_move_and_delete_in_the_line() {
    use crate::app::Action;
    use crate::app::update::tests::{demo_app, settle};
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::Palette).await;
    let typed = |c: char| input_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    for c in "set budget.total=2000".chars() {
        settle(&mut s, &ctx, Action::Input(typed(c).expect("typed"))).await;
    }
    let text = |s: &crate::app::state::State| s.ui.input.as_ref().map(|i| i.text().to_string());
    for (key, then) in [
        ('w', "set budget.total="),
        ('a', "set budget.total="),
        ('e', "set budget.total="),
    ] {
        settle(&mut s, &ctx, Action::Input(ctrl(key).expect("mapped"))).await;
        assert_eq!(text(&s).as_deref(), Some(then), "after ctrl-{key}");
        // Where the cursor is shows in what a typed character does.
        let probe = if key == 'a' {
            "#set budget.total="
        } else {
            "set budget.total=#"
        };
        settle(&mut s, &ctx, Action::Input(InputKey::Char('#'))).await;
        assert_eq!(text(&s).as_deref(), Some(probe), "typed after ctrl-{key}");
        let undo = if key == 'a' {
            InputKey::Delete
        } else {
            InputKey::Backspace
        };
        if key == 'a' {
            settle(&mut s, &ctx, Action::Input(InputKey::Left)).await;
        }
        settle(&mut s, &ctx, Action::Input(undo)).await;
        assert_eq!(text(&s).as_deref(), Some(then));
    }
}
