//! What `?` lists: the current screen's keys first, in the words of that screen, then the keys
//! that work everywhere. The keys themselves come from the keymap.

use super::action::Action;
use super::state::Screen;

/// Keys that work on every screen, in help order.
pub const EVERYWHERE: &[Action] = &[
    Action::ShowUsers,
    Action::ShowLayers,
    Action::ShowBudget,
    Action::ShowJourney,
    Action::ShowTune,
    Action::ShowPrompt,
    Action::ShowLive,
    Action::ShowReport,
    Action::Palette,
    Action::Help,
    Action::Back,
    Action::Refresh,
    Action::Earlier,
    Action::Later,
    Action::Present,
    Action::Close,
    Action::Quit,
];

/// Moving a cursor or a view, as most screens do.
const MOVE: &[(Action, &str)] = &[
    (Action::Down, "down"),
    (Action::Up, "up"),
    (Action::PageDown, "page down"),
    (Action::PageUp, "page up"),
    (Action::Top, "top"),
    (Action::Bottom, "bottom"),
];

/// The Users screen's own keys.
const USERS_KEYS: &[(Action, &str)] = &[
    (Action::Select, "open the user"),
    (Action::Filter, "filter (fuzzy: id, milestone, name)"),
    (
        Action::CycleSort,
        "sort: user, milestone, tokens, truncation, activity",
    ),
    (Action::ToggleTuned, "show the tuned policy's figures"),
    (Action::Yank, "copy the user id"),
];

/// The Layers screen's own keys.
const LAYERS_KEYS: &[(Action, &str)] = &[
    (Action::Select, "the item's full text and detail"),
    (Action::NextPane, "one layer at a time, then all"),
    (Action::PrevPane, "the layer before"),
    (
        Action::Explain,
        "explain the knowledge item: why (not) used",
    ),
    (Action::Yank, "copy the item's text"),
    (
        Action::ToggleTokens,
        "in the item's detail: its text cut into tokens",
    ),
    (
        Action::ToggleTokenIds,
        "in the item's detail: the token ids",
    ),
];

/// The Budget screen's own keys: scrolling the layer budgets when they do not fit.
const BUDGET_KEYS: &[(Action, &str)] = &[
    (
        Action::Down,
        "scroll the layer budgets (when they do not fit)",
    ),
    (Action::Up, "scroll back"),
    (Action::PageDown, "a page down"),
    (Action::PageUp, "a page up"),
    (Action::Top, "the first layer"),
    (Action::Bottom, "the last layer's margins"),
];

/// The Journey screen's own keys: moving on the map, and time travel.
const JOURNEY_KEYS: &[(Action, &str)] = &[
    (Action::Left, "to a dependency (else the layer before)"),
    (Action::Right, "to a dependant (else the layer after)"),
    (Action::Up, "the box above"),
    (Action::Down, "the box below"),
    (Action::Top, "the first milestone"),
    (Action::Bottom, "the last milestone"),
    (Action::PageDown, "scroll the selection's panel down"),
    (Action::PageUp, "scroll the selection's panel up"),
    (
        Action::Earlier,
        "time travel: the user as of the moment before",
    ),
    (Action::Later, "the moment after (past the last: now)"),
    (Action::Present, "back to now (to T first under tui --at T)"),
    (Action::Yank, "copy the user id"),
];

/// The Tune screen's own keys.
const TUNE_KEYS: &[(Action, &str)] = &[
    (Action::Right, "raise the value"),
    (Action::Increase, "raise the value"),
    (Action::Left, "lower the value"),
    (Action::Decrease, "lower the value"),
    (Action::Select, "type a value"),
    (
        Action::ResetTuning,
        "back to the baseline (twice over unsaved changes)",
    ),
    (
        Action::Optimize,
        "optimizer: search the fleet, enter loads a candidate",
    ),
    (Action::Yank, "copy the --set flags"),
    (Action::NextMatch, "the next changed field"),
    (Action::PrevMatch, "the changed field before"),
    (Action::PageDown, "scroll the diff's item changes"),
    (Action::PageUp, "scroll them back"),
];

/// The Prompt screen's own keys.
const PROMPT_KEYS: &[(Action, &str)] = &[
    (Action::Filter, "search"),
    (
        Action::NextMatch,
        "next match (in the diff without a search: next change)",
    ),
    (Action::PrevMatch, "previous match (or change)"),
    (Action::ToggleDiff, "diff: tuned vs baseline"),
    (Action::Yank, "copy the prompt as shown"),
];

/// The Live screen's own keys.
const LIVE_KEYS: &[(Action, &str)] = &[
    (Action::ToggleAll, "every user's events, or the open user's"),
    (Action::Pause, "pause or resume"),
    (
        Action::NextPane,
        "the moves scroll the cached context and findings, or the events",
    ),
];

/// The Report screen's own keys.
const REPORT_KEYS: &[(Action, &str)] = &[
    (Action::Select, "open a most-affected user on Tune"),
    (Action::NextMatch, "the next most-affected user"),
    (Action::PrevMatch, "the one before"),
    (Action::Right, "scroll sideways (the first column stays)"),
    (Action::Left, "scroll back"),
];

/// The keys `screen` gives a meaning of its own (not the moves every list has).
pub fn own_keys(screen: Screen) -> &'static [(Action, &'static str)] {
    match screen {
        Screen::Users => USERS_KEYS,
        Screen::Layers => LAYERS_KEYS,
        Screen::Budget => BUDGET_KEYS,
        Screen::Journey => JOURNEY_KEYS,
        Screen::Tune => TUNE_KEYS,
        Screen::Prompt => PROMPT_KEYS,
        Screen::Live => LIVE_KEYS,
        Screen::Report => REPORT_KEYS,
    }
}

/// The keys of `screen`, each with what it does there.
pub fn screen_keys(screen: Screen) -> Vec<(Action, &'static str)> {
    let own = own_keys(screen);
    let moves = match screen {
        Screen::Journey | Screen::Budget => &[][..],
        _ => MOVE,
    };
    // A move the screen gives a meaning of its own is listed once, with that meaning.
    let moves = moves
        .iter()
        .filter(|(a, _)| !own.iter().any(|(o, _)| o == a));
    own.iter().chain(moves).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::Keymap;

    #[test]
    fn every_screen_key_and_global_key_is_bound() {
        let k = Keymap::default();
        for screen in Screen::ALL {
            for (a, what) in screen_keys(screen) {
                assert!(k.key_for(&a).is_some(), "{screen:?}: {what} has no key");
            }
        }
        for a in EVERYWHERE {
            assert!(k.key_for(a).is_some(), "{a:?} has no key");
        }
    }

    #[test]
    fn each_screen_lists_the_keys_that_work_there() {
        let has =
            |screen: Screen, action: Action| screen_keys(screen).iter().any(|(a, _)| *a == action);
        assert!(has(Screen::Layers, Action::Explain), "e on Layers");
        assert!(has(Screen::Layers, Action::ToggleTokens));
        for a in [Action::Earlier, Action::Later, Action::Present] {
            assert!(has(Screen::Journey, a.clone()), "{a:?} on Journey");
        }
        // Each action once per screen: Tune's page keys scroll its diff, and say only that.
        for screen in Screen::ALL {
            let keys = screen_keys(screen);
            for (i, (a, _)) in keys.iter().enumerate() {
                assert!(
                    !keys[..i].iter().any(|(b, _)| b == a),
                    "{screen:?} lists {a:?} twice"
                );
            }
        }
    }
}
