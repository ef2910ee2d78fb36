//! `y`: what the screen is about, to the clipboard — the selected item's text (Layers), the
//! `--set` flags of the tuning (Tune), the prompt as shown (Prompt), else the user id — made
//! inert first, as everything shown is: stored text never carries controls out of ctxlens.

use super::{Effect, error, info, layers};
use crate::app::state::{Screen, State};
use crate::app::tune;

/// The text `y` copies here, and what to call it.
fn what(s: &State) -> Option<(String, String)> {
    let view = s.user.view.as_ref();
    let user = || view.map(|v| ("user id".to_string(), v.data().user_id.clone()));
    match s.ui.screen {
        Screen::Users => s
            .selected_row()
            .map(|r| ("user id".into(), r.summary.user_id.clone())),
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
            let flags = tune::set_flags(&s.session.baseline, &s.session.policy);
            (!flags.is_empty()).then(|| ("the --set flags".into(), flags.join(" ")))
        }
        Screen::Prompt => {
            let lines = super::nav::prompt_lines(s);
            (!lines.is_empty()).then(|| ("the prompt".into(), lines.join("\n")))
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
    info(
        s,
        &format!(
            "copied {name} ({} characters) to the clipboard",
            text.chars().count()
        ),
    );
    vec![Effect::Clipboard(text)]
}
