//! What is on screen: screens, overlays, the input line, the clock, quitting, live events.

use super::Effect;
use super::error;
use super::user::open_user;
use crate::app::action::Action;
use crate::app::state::State;
use crate::app::state::{Input, InputKind, Overlay, Screen};

/// Applies an action of this part of the state.
pub(super) fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            s.ui.quit = true;
            vec![]
        }
        Action::Tick => {
            s.ui.tick += 1;
            let h = &mut s.status.health;
            if s.ui.tick >= h.next_check && !h.checking {
                h.checking = true;
                return vec![Effect::CheckHealth];
            }
            vec![]
        }
        Action::Resize(w, h) => {
            s.ui.size = (w, h);
            vec![]
        }
        Action::Help => {
            s.ui.overlay = match s.ui.overlay {
                Overlay::Help { .. } => Overlay::None,
                _ => Overlay::Help {
                    search: String::new(),
                    scroll: 0,
                },
            };
            vec![]
        }
        Action::Palette => {
            s.ui.input = Some(Input {
                kind: InputKind::Palette,
                text: String::new(),
            });
            vec![]
        }
        Action::Filter => {
            let kind = match (&s.ui.overlay, s.ui.screen) {
                (Overlay::Help { .. }, _) => InputKind::HelpSearch,
                (_, Screen::Prompt) => InputKind::Search,
                _ => {
                    s.ui.overlay = Overlay::None;
                    s.ui.screen = Screen::Users;
                    InputKind::Filter
                }
            };
            let text = match kind {
                InputKind::Filter => s.users.filter.clone(),
                InputKind::Search => s.user.search.clone(),
                _ => String::new(),
            };
            s.ui.input = Some(Input { kind, text });
            vec![]
        }
        Action::Back => {
            if s.ui.overlay != Overlay::None {
                s.ui.overlay = Overlay::None;
            } else {
                s.status.message = None;
            }
            vec![]
        }
        Action::ShowUsers => show(s, Screen::Users),
        Action::ShowLayers => show(s, Screen::Layers),
        Action::ShowBudget => show(s, Screen::Budget),
        Action::ShowJourney => show(s, Screen::Journey),
        Action::ShowTune => show(s, Screen::Tune),
        Action::ShowPrompt => show(s, Screen::Prompt),
        Action::ShowLive => show(s, Screen::Live),
        Action::ShowReport => show(s, Screen::Report),
        Action::Progress(ev) => {
            s.live.events.push_front(ev);
            s.live.events.truncate(crate::app::state::MAX_EVENTS);
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn show(s: &mut State, screen: Screen) -> Vec<Effect> {
    s.ui.overlay = Overlay::None;
    let fleet_wide = matches!(screen, Screen::Users | Screen::Report);
    if !fleet_wide && s.user.view.is_none() && s.user.loading.is_none() {
        // Every other screen is about one user: open the one under the cursor.
        let Some(id) = s.selected_row().map(|r| r.summary.user_id.clone()) else {
            error(s, "no user to show yet");
            return vec![];
        };
        s.ui.screen = screen;
        return open_user(s, id);
    }
    s.ui.screen = screen;
    vec![]
}
