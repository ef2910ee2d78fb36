//! A paste (bracketed: the terminal marks it) is text typed into the open input line at its
//! cursor, as one line; it is never keys: a line break in it does not run the line, and a `q` in
//! it does not quit.

use super::input::PASTE_MAX;
use super::tests::{demo_app, open, settle, type_text};
use crate::app::action::{Action, InputKey};
use crate::app::state::{InputKind, Overlay, Quit, Screen, State};

fn input(s: &State) -> Option<(InputKind, &str, usize)> {
    s.ui.input
        .as_ref()
        .map(|i| (i.kind, i.text(), i.line.cursor()))
}

fn paste(text: &str) -> Action {
    Action::Paste(text.to_string())
}

#[tokio::test]
async fn a_paste_into_the_palette_is_text_its_line_break_and_q_are_not_keys() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::Palette).await;
    settle(&mut s, &ctx, paste("user u005\nq")).await;
    assert_eq!(s.ui.quit, Quit::No, "the app runs on");
    assert_eq!(
        input(&s),
        Some((InputKind::Palette, "user u005 q", 11)),
        "the text in the palette, not run, the cursor after it"
    );
    assert_eq!(s.ui.screen, Screen::Users, "no command ran");
    // Inserted at the cursor: between what was typed before and after it.
    settle(&mut s, &ctx, Action::Input(InputKey::Home)).await;
    settle(&mut s, &ctx, paste("  ")).await;
    assert_eq!(input(&s), Some((InputKind::Palette, "  user u005 q", 2)));
    // The line runs only on enter, as typed.
    settle(&mut s, &ctx, Action::Input(InputKey::End)).await;
    settle(&mut s, &ctx, Action::Input(InputKey::Backspace)).await;
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    assert_eq!(s.ui.screen, Screen::Layers);
    let open = s.user.view.as_ref().map(|v| v.snapshot().user_id.as_str());
    assert_eq!(open, Some("u005"));
    assert_eq!(s.ui.quit, Quit::No);
}

#[tokio::test]
async fn a_paste_into_the_filter_filters_and_neither_switches_screens_nor_resets_tuning() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::Palette).await;
    type_text(&mut s, &ctx, "set budget.total=2000").await;
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    assert!(s.modified());
    settle(&mut s, &ctx, Action::ShowUsers).await;
    settle(&mut s, &ctx, Action::Filter).await;
    // As keys, the line break would close the filter, `5` show Tune and `r` reset the tuning.
    settle(&mut s, &ctx, paste("u06\n5r")).await;
    assert_eq!(input(&s), Some((InputKind::Filter, "u06 5r", 6)));
    assert_eq!(s.users.filter, "u06 5r", "the list follows the filter");
    assert_eq!(s.ui.screen, Screen::Users);
    assert!(s.modified(), "the tuning stays");
}

#[tokio::test]
async fn a_paste_becomes_one_line_without_control_characters() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::Palette).await;
    // CR LF is one break; tabs are spaces; ESC, BEL and the line breaks that end it are dropped.
    settle(&mut s, &ctx, paste("a\r\nb\tc\u{1b}[2Jd\u{7}\u{9b}e\r\n\n")).await;
    assert_eq!(input(&s).map(|i| i.1), Some("a b c[2Jde"));
    // A huge paste is cut, and the status bar says so.
    settle(&mut s, &ctx, Action::Input(InputKey::DeleteToStart)).await;
    let huge = "x".repeat(PASTE_MAX + 10);
    settle(&mut s, &ctx, paste(&huge)).await;
    assert_eq!(input(&s).map(|i| i.1.len()), Some(PASTE_MAX));
    let m = s.status.message.clone().expect("said");
    assert!(m.text.contains("the rest left out"), "{m:?}");
    // The open line says so itself: a long line would hide the status bar's note.
    let t = crate::ui::tests::draw(&s, 80, 24, &crate::ui::theme::Theme::default());
    let buf = t.backend().buffer();
    let bottom: String = (0..80).map(|x| buf[(x, 23)].symbol().to_string()).collect();
    assert!(bottom.starts_with("[paste cut] :"), "{bottom}");
    // Deleted, the line typed after it is whole.
    settle(&mut s, &ctx, Action::Input(InputKey::DeleteToStart)).await;
    assert!(s.ui.input.as_ref().is_some_and(|i| !i.cut));
    // Run, what it did is said with the cut: a value set from it is not taken for the whole.
    settle(&mut s, &ctx, paste(&format!("set truncate_marker={huge}"))).await;
    assert!(s.ui.input.as_ref().is_some_and(|i| i.cut));
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    let m = s.status.message.clone().expect("said");
    assert!(
        m.text
            .ends_with("the paste was cut to its first 4,096 characters, the rest left out"),
        "{m:?}"
    );
    assert_eq!(m.text.matches("the paste was cut").count(), 1, "{m:?}");
    // A command that says something (here, an error) says it with the cut.
    settle(&mut s, &ctx, Action::Palette).await;
    settle(&mut s, &ctx, paste(&format!("set nosuchkey={huge}"))).await;
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    let m = s.status.message.clone().expect("said");
    assert!(m.error, "{m:?}");
    assert!(
        m.text.contains("nosuchkey")
            && m.text
                .ends_with(" · the paste was cut to its first 4,096 characters, the rest left out"),
        "{m:?}"
    );
}

#[tokio::test]
async fn a_paste_with_no_input_line_open_is_ignored_and_said() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, paste("q")).await;
    assert_eq!((s.ui.quit, s.ui.screen), (Quit::No, Screen::Users));
    let m = s.status.message.clone().expect("said");
    assert!(m.text.starts_with("paste ignored"), "{m:?}");
    // Nor is it an answer to the quit prompt: `d` there would discard the tuning and quit.
    settle(&mut s, &ctx, Action::Palette).await;
    type_text(&mut s, &ctx, "set budget.total=2000").await;
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    settle(&mut s, &ctx, Action::Quit).await;
    assert_eq!(s.ui.overlay, Overlay::ConfirmQuit);
    settle(&mut s, &ctx, paste("d")).await;
    assert_eq!(
        (&s.ui.overlay, s.ui.quit),
        (&Overlay::ConfirmQuit, Quit::No)
    );
    assert!(s.modified());
}
