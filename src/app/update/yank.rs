//! `y`: what the screen is about, to the clipboard — the selected item's text (Layers), the
//! `--set` flags of the tuning (Tune), the prompt as shown (Prompt), else the user id — made
//! inert first, as everything shown is: stored text never carries controls out of ctxlens. A
//! user id is copied as the shell argument that opens that user ([`crate::text::shell_word`]).

use super::{Effect, error, info, layers};
use crate::app::state::{Screen, State};
use crate::app::tune;

/// The text `y` copies here, and what to call it.
fn what(s: &State) -> Option<(String, String)> {
    let view = s.user.view.as_ref();
    // As it is, unless showing it changes it: then as the shell argument that names it.
    let id = |id: &str| {
        let copy = crate::text::shell_word(id).into_owned();
        let name = if copy == id {
            "user id".to_string()
        } else {
            "user id as a shell argument".to_string()
        };
        (name, copy)
    };
    let user = || view.map(|v| id(&v.data().user_id));
    match s.ui.screen {
        Screen::Users => s.selected_row().map(|r| id(&r.summary.user_id)),
        Screen::Layers => {
            let a = view?.tuned.as_ref()?;
            match layers::selected_row(s, a)? {
                layers::LayerRow::Item(it) => Some((format!("{}'s text", it.id), it.text.clone())),
                layers::LayerRow::Malformed(m, _) => Some((
                    "the malformed entry".into(),
                    format!("{}: {}", m.source, m.reason),
                )),
            }
        }
        Screen::Tune => {
            let flags = tune::all_flags(&s.session.baseline, &s.session.policy);
            (!flags.is_empty()).then(|| ("the --set flags".into(), flags.join(" ")))
        }
        Screen::Prompt => {
            // What is shown: the prompt, or its diff (each line marked) when that is shown.
            let lines = super::nav::prompt_lines(s);
            let what = if s.user.diff {
                "the prompt diff"
            } else {
                "the prompt"
            };
            (!lines.is_empty()).then(|| (what.into(), lines.join("\n")))
        }
        _ => user(),
    }
}

pub(super) fn yank(s: &mut State) -> Vec<Effect> {
    let Some((name, text)) = what(s) else {
        let why = match s.ui.screen {
            Screen::Tune => "nothing to copy: the policy is not tuned",
            _ => "nothing to copy here",
        };
        error(s, why);
        return vec![];
    };
    // Masked under --redact already (the view is the masked copy); made inert here.
    let text = crate::text::inert(&text).into_owned();
    if let Err(why) = fits_the_clipboard(&name, &text, &whole_command(s)) {
        error(s, &why);
        return vec![];
    }
    info(
        s,
        &format!(
            "copied {name} ({} characters) to the clipboard",
            crate::text::thousands(text.chars().count() as f64, 0)
        ),
    );
    vec![Effect::Clipboard(text)]
}

/// The most a copy carries: terminals and tmux drop (or cut) an OSC 52 sequence much larger than
/// this, and a copy said to be made must be made.
const CLIPBOARD_MAX_BYTES: usize = 100_000;

/// The command that prints the open user's items whole: by its id from a store, by its file
/// from snapshot files (whose path the TUI does not keep).
fn whole_command(s: &State) -> String {
    if s.status.source == crate::store::snapshots::LABEL {
        return "`ctxlens replay FILE --json` on the user's snapshot file".into();
    }
    // As the shell argument that names the user, which escapes what a terminal would act on.
    let user = s.user.view.as_ref().map_or_else(
        || "USER".to_string(),
        |v| crate::text::shell_word(&v.data().user_id).into_owned(),
    );
    format!("`ctxlens replay {user} --json`")
}

/// Whether `text` can go through the terminal to the clipboard; if not, what to do instead
/// (`how`: the command that prints it whole).
fn fits_the_clipboard(name: &str, text: &str, how: &str) -> Result<(), String> {
    if text.len() <= CLIPBOARD_MAX_BYTES {
        return Ok(());
    }
    Err(format!(
        "not copied: {name} is {} bytes, more than the {} a terminal passes to the clipboard; {how} prints it whole",
        crate::text::thousands(text.len() as f64, 0),
        crate::text::thousands(CLIPBOARD_MAX_BYTES as f64, 0)
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_copy_larger_than_a_terminal_passes_is_refused_not_claimed() {
        let how = "`ctxlens replay u062 --json`";
        assert!(super::fits_the_clipboard("x", &"a".repeat(100_000), how).is_ok());
        let why = super::fits_the_clipboard("s2#0's text", &"a".repeat(5_000_256), how)
            .expect_err("too large");
        assert!(
            why.starts_with("not copied: s2#0's text is 5,000,256 bytes, more than the 100,000"),
            "{why}"
        );
        assert!(
            why.ends_with("; `ctxlens replay u062 --json` prints it whole"),
            "{why}"
        );
    }
}
