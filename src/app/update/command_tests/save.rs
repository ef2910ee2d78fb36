//! Saving the tuned policy as a person drives it: under a name of its own, from a prompt that
//! holds the file name alone, never over a file unasked, and never into what is no file (a
//! directory, a device, a link that leads nowhere or into a missing folder).

use super::*;

#[tokio::test]
async fn a_tuned_policy_is_saved_under_a_name_of_its_own() {
    let (mut s, ctx) = demo_app().await;
    // Untuned, it is the baseline: written under its name.
    let (_, toml) = saved(&command(&mut s, &ctx, "w same.toml").await);
    assert!(toml.contains("name = \"prolaunch\""), "{toml}");
    command(&mut s, &ctx, "set budget.total=3700").await;
    let (path, toml) = saved(&command(&mut s, &ctx, "w tuned.toml").await);
    assert_eq!(path, "tuned.toml");
    // A name is quoted as `:user` quotes an id: the quotes are not part of it.
    for (typed, file) in [
        ("w \"my tuned.toml\"", "my tuned.toml"),
        ("w 'a b.toml'", "a b.toml"),
        ("w $'c\\x27d.toml'", "c'd.toml"),
    ] {
        assert_eq!(
            saved(&command(&mut s, &ctx, typed).await).0,
            file,
            "{typed}"
        );
    }
    command(&mut s, &ctx, "w \"open.toml").await;
    let (said, error) = message(&s);
    assert!(
        error && said.starts_with("save: \"open.toml: not a quoted file name"),
        "{said}"
    );
    let written = Policy::from_toml(&toml, &path).expect("it reads back");
    assert_eq!(
        written.name, "prolaunch-tuned",
        "as `ctxlens optimize` names it"
    );
    assert_eq!(written.budget.total, Some(3700));
    // Only the file says so: the session still compares it with its baseline.
    assert_eq!(s.session.policy.name, "prolaunch");
    assert!(s.modified());
}

/// `:w` never replaces a file unasked (`:w!` does); once written, quitting does not ask again
/// until the policy is tuned further.
#[tokio::test]
async fn saving_refuses_to_replace_a_file_and_quit_knows_what_was_written() {
    let (mut s, ctx) = demo_app().await;
    command(&mut s, &ctx, "set budget.total=3700").await;
    // Cargo.toml is there (tests run in the crate's directory).
    assert!(command(&mut s, &ctx, "w Cargo.toml").await.is_empty());
    let (text, error) = message(&s);
    assert!(
        error && text.contains("Cargo.toml exists") && text.contains(":w!"),
        "{text}"
    );
    let (path, _) = saved(&command(&mut s, &ctx, "w! Cargo.toml").await);
    assert_eq!(path, "Cargo.toml");
    assert!(s.unsaved(), "not written until the write says so");
    update(&mut s, Action::Saved(path));
    assert!(s.modified() && !s.unsaved());
    update(&mut s, Action::Quit);
    assert_eq!(s.ui.quit, Quit::Now, "written: nothing to ask");
    s.ui.quit = Quit::No;
    command(&mut s, &ctx, "set budget.total=3600").await;
    update(&mut s, Action::Quit);
    assert_eq!(s.ui.overlay, Overlay::ConfirmQuit, "tuned since");
    // The quit prompt's save refuses an existing file too, and stays.
    update(&mut s, Action::Input(InputKey::Char('s')));
    update(&mut s, Action::Input(InputKey::DeleteToStart));
    type_text(&mut s, &ctx, "Cargo.toml").await;
    assert!(update(&mut s, Action::Input(InputKey::Enter)).is_empty());
    assert_eq!(s.ui.quit, Quit::No);
    assert!(message(&s).0.contains("exists"), "{:?}", message(&s));
}

/// The demo app with the policy tuned (unsaved), so a refused save leaves it unsaved.
async fn tuned_app() -> (State, EffectContext) {
    let (mut s, ctx) = demo_app().await;
    command(&mut s, &ctx, "set budget.total=3700").await;
    (s, ctx)
}

/// A directory is no file to save into, even with `:w!`: the message says so, not "use :w!".
#[tokio::test]
async fn saving_into_a_directory_says_it_is_one() {
    let (mut s, ctx) = tuned_app().await;
    for cmd in ["w src", "w! src"] {
        assert!(command(&mut s, &ctx, cmd).await.is_empty(), "{cmd}");
        let (text, error) = message(&s);
        assert!(
            error && text.contains("src is a directory") && !text.contains(":w!"),
            "{cmd}: {text}"
        );
    }
    assert!(s.unsaved());
}

/// A link that leads nowhere is there all the same: writing through it would make a file
/// elsewhere, so it is replaced only when asked (`:w!`).
#[tokio::test]
async fn saving_through_a_link_to_nothing_asks_for_w_bang() {
    let (mut s, ctx) = tuned_app().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(dir.path().join("elsewhere.toml"), &link).expect("symlink");
    let link = link.to_str().expect("utf-8");
    assert!(command(&mut s, &ctx, &format!("w {link}")).await.is_empty());
    assert!(
        message(&s)
            .0
            .contains("elsewhere.toml, which is not there; nothing written (:w! "),
        "{:?}",
        message(&s)
    );
    assert_eq!(
        saved(&command(&mut s, &ctx, &format!("w! {link}")).await).0,
        link
    );
}

/// A link into a folder that is not there: the folder is named, with or without `:w!` (the
/// system would name the link, whose own folder is there).
#[tokio::test]
async fn saving_into_a_missing_folder_names_the_folder() {
    let (mut s, ctx) = tuned_app().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let gone = dir.path().join("gone");
    let to_gone = dir.path().join("to-gone.toml");
    std::os::unix::fs::symlink(gone.join("p.toml"), &to_gone).expect("symlink");
    for w in ["w", "w!"] {
        assert!(
            command(&mut s, &ctx, &format!("{w} {}", to_gone.display()))
                .await
                .is_empty(),
            "{w}"
        );
        let (text, error) = message(&s);
        assert_eq!(
            (text, error),
            (
                format!(
                    "save: {} is a link to {}, whose folder {} is not there; nothing written",
                    to_gone.display(),
                    gone.join("p.toml").display(),
                    gone.display()
                ),
                true
            ),
            "{w}"
        );
    }
    // A relative link leads from its own folder; a plain name in a missing folder names it.
    std::fs::remove_file(&to_gone).expect("removed");
    std::os::unix::fs::symlink("gone/p.toml", &to_gone).expect("symlink");
    command(&mut s, &ctx, &format!("w! {}", to_gone.display())).await;
    assert!(
        message(&s).0.ends_with(&format!(
            "whose folder {} is not there; nothing written",
            gone.display()
        )),
        "{:?}",
        message(&s)
    );
    command(
        &mut s,
        &ctx,
        &format!("w! {}", gone.join("p.toml").display()),
    )
    .await;
    assert_eq!(
        message(&s).0,
        format!(
            "save: no folder {} to write {} in; nothing written",
            gone.display(),
            gone.join("p.toml").display()
        )
    );
}

/// A loop of links, and a link into a folder that takes no file: said, not offered `:w!`.
#[tokio::test]
async fn saving_through_a_loop_of_links_or_into_a_folder_that_takes_no_file_says_so() {
    let (mut s, ctx) = tuned_app().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("la.toml"), dir.path().join("lb.toml"));
    std::os::unix::fs::symlink(&b, &a).expect("symlink");
    std::os::unix::fs::symlink(&a, &b).expect("symlink");
    command(&mut s, &ctx, &format!("w {}", a.display())).await;
    assert_eq!(
        message(&s).0,
        format!(
            "save: {} is a loop of links, which leads to no file; nothing written",
            a.display()
        )
    );
    let proc = dir.path().join("proc.toml");
    std::os::unix::fs::symlink("/proc/1/x.toml", &proc).expect("symlink");
    command(&mut s, &ctx, &format!("w {}", proc.display())).await;
    assert!(
        message(&s).0.starts_with("save: cannot write in /proc/1: ")
            && message(&s).0.ends_with("; nothing written"),
        "{:?}",
        message(&s)
    );
    assert!(s.unsaved());
}

/// A device (or a FIFO) is no file either: never "saved", so a quit still asks.
#[tokio::test]
async fn saving_into_a_device_says_it_is_no_regular_file() {
    let (mut s, ctx) = tuned_app().await;
    for cmd in ["w /dev/null", "w! /dev/null"] {
        assert!(command(&mut s, &ctx, cmd).await.is_empty(), "{cmd}");
        let (text, error) = message(&s);
        assert!(
            error && text.contains("/dev/null is not a regular file"),
            "{cmd}: {text}"
        );
    }
    assert!(s.unsaved());
}

#[tokio::test]
async fn the_save_prompt_edits_the_file_name_alone() {
    let (mut s, ctx) = demo_app().await;
    command(&mut s, &ctx, "set budget.total=3700").await;
    update(&mut s, Action::Quit);
    assert_eq!(s.ui.overlay, Overlay::ConfirmQuit);
    update(&mut s, Action::Input(InputKey::Char('s')));
    let input = s.ui.input.as_ref().expect("the save prompt");
    assert_eq!(
        (input.kind, input.text()),
        (InputKind::Save, "prolaunch-tuned.toml")
    );
    // ctrl-u clears the name, and only the name: what is typed next is the file.
    update(&mut s, Action::Input(InputKey::DeleteToStart));
    assert_eq!(s.ui.input.as_ref().map(|i| i.text()), Some(""));
    type_text(&mut s, &ctx, "mine.toml").await;
    let effects = update(&mut s, Action::Input(InputKey::Enter));
    let (path, toml) = saved(&effects);
    assert_eq!(path, "mine.toml");
    assert!(toml.contains("name = \"prolaunch-tuned\""), "{toml}");
    assert_eq!(s.ui.quit, Quit::AfterSave, "quits once written");
    // `:w` alone asks for the file the same way; an empty name writes nothing.
    s.ui.quit = Quit::No;
    assert!(command(&mut s, &ctx, "w").await.is_empty());
    assert_eq!(s.ui.input.as_ref().map(|i| i.kind), Some(InputKind::Save));
    update(&mut s, Action::Input(InputKey::DeleteToStart));
    assert!(update(&mut s, Action::Input(InputKey::Enter)).is_empty());
    assert!(message(&s).0.contains("no file name"), "{:?}", message(&s));
}

/// The file offered is the policy's name made a plain file name: what the prompt shows is what
/// is written, in this directory, with no control character in it; an untuned policy is not
/// called tuned.
#[tokio::test]
async fn the_offered_file_name_is_the_policy_name_made_plain() {
    let (mut s, ctx) = demo_app().await;
    s.session.policy.name = "b\u{1b}]0;pwned\u{7}/../x y".into();
    s.session.baseline = s.session.policy.clone();
    assert!(command(&mut s, &ctx, "w").await.is_empty());
    let input = s.ui.input.as_ref().expect("the save prompt");
    assert_eq!(input.text(), "b__0_pwned__.._x_y.toml");
    s.session.policy.name = "..".into();
    s.session.baseline = s.session.policy.clone();
    command(&mut s, &ctx, "w").await;
    assert_eq!(s.ui.input.as_ref().map(|i| i.text()), Some("policy.toml"));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plain.toml");
    update(&mut s, Action::Input(InputKey::DeleteToStart));
    type_text(&mut s, &ctx, &file.to_string_lossy()).await;
    let effects = update(&mut s, Action::Input(InputKey::Enter));
    let (path, _) = saved(&effects);
    update(&mut s, Action::Saved(path.clone()));
    assert_eq!(message(&s).0, format!("policy written to {path}"));
}

#[tokio::test]
async fn saving_writes_the_tuned_policy_and_it_loads_back() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set budget.total=2500").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tuned.toml");
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, &format!("w {}", path.display())).await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    assert_eq!(
        s.status.message.as_ref().map(|m| m.error),
        Some(false),
        "{:?}",
        s.status.message
    );
    let saved =
        crate::config::load_policy(&path.display().to_string(), &[]).expect("saved policy loads");
    // Under a name of its own, told apart from the baseline it was tuned from.
    assert_eq!(saved.name, "prolaunch-tuned");
    let mut tuned = s.session.policy.clone();
    tuned.name = saved.name.clone();
    assert_eq!(saved, tuned);
    // A relative name is said in full: where the file went, whatever the directory.
    let cwd = std::env::current_dir().expect("cwd");
    let up = "../".repeat(cwd.components().count().saturating_sub(1));
    let relative = format!(
        "{up}{}",
        dir.path()
            .join("again.toml")
            .display()
            .to_string()
            .trim_start_matches('/')
    );
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, &format!("w {relative}")).await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let said = s.status.message.clone().expect("a message").text;
    let full = std::fs::canonicalize(dir.path().join("again.toml")).expect("written");
    assert!(
        said.ends_with(&format!("written to {}", full.display())),
        "{said}"
    );
    assert!(dir.path().join("again.toml").exists());
}

/// `~/` in `:w` and `:policy` is the home directory, as in a shell: not a directory named `~`.
#[tokio::test]
async fn a_tilde_names_the_home_directory() {
    let (mut s, ctx) = demo_app().await;
    let home = std::env::var("HOME").expect("HOME is set");
    let home = home.trim_end_matches('/');
    let effects = command(&mut s, &ctx, "w ~/ctxlens-tilde-2f9c.toml").await;
    let (path, _) = saved(&effects);
    assert_eq!(path, format!("{home}/ctxlens-tilde-2f9c.toml"));
    let effects = command(&mut s, &ctx, "policy! ~/tuned.toml").await;
    assert_eq!(effects, [Effect::LoadPolicy(format!("{home}/tuned.toml"))]);
}
