//! What is on screen: screens and their history, overlays, the input line, the clock, quitting,
//! live events.

use super::Effect;
use super::error;
use super::open_user;
use crate::app::action::Action;
use crate::app::state::{Input, InputKind, LiveEntry, MAX_EVENTS, Overlay, Quit, Screen, State};

/// Screens kept for `esc` to go back through.
const HISTORY: usize = 32;

/// Applies an action of this part of the state.
pub(super) fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            quit(s);
            vec![]
        }
        Action::Tick => tick(s),
        Action::Resize(w, h) => {
            s.ui.size = (w, h);
            vec![]
        }
        Action::KeysPending(keys) => {
            s.ui.keys_pending = keys;
            vec![]
        }
        Action::Help => {
            toggle_help(s);
            vec![]
        }
        Action::Palette => {
            s.ui.input = Some(Input::new(InputKind::Palette, ""));
            vec![]
        }
        Action::Filter => {
            filter(s);
            vec![]
        }
        Action::Back => {
            back(s);
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
            event(s, ev);
            vec![]
        }
        Action::ProgressUnreadable(u) => {
            unreadable(s, u);
            vec![]
        }
        Action::ToggleAll if s.ui.screen == Screen::Live => {
            s.live.all = !s.live.all;
            s.live.scroll = 0;
            vec![]
        }
        Action::Pause if s.ui.screen == Screen::Live => {
            pause(s);
            vec![]
        }
        _ => vec![],
    }
}

/// Quitting: asked first over unsaved tuning (the quit prompt, over the overlay open), else at
/// once.
fn quit(s: &mut State) {
    if s.unsaved() {
        if s.ui.overlay != Overlay::ConfirmQuit {
            s.ui.under_quit = std::mem::replace(&mut s.ui.overlay, Overlay::ConfirmQuit);
        }
    } else {
        s.ui.quit = Quit::Now;
    }
}

/// `?`: the help overlay opened afresh, or closed.
fn toggle_help(s: &mut State) {
    s.ui.overlay = match s.ui.overlay {
        Overlay::Help { .. } => Overlay::None,
        _ => Overlay::Help {
            search: String::new(),
            scroll: 0,
        },
    };
}

/// A progress event, listed on the Live screen: masked as it arrives, under --redact, like a
/// loaded user.
fn event(s: &mut State, mut ev: crate::app::state::ProgressEvent) {
    if s.ui.redact {
        crate::loaded::mask_event(&mut ev, &s.session.engine.milestones);
    }
    heard(s);
    arrived(s, LiveEntry::Event(ev));
}

/// A message on the progress channel that is no progress event, listed on the Live screen as
/// read (its reason masked under --redact).
fn unreadable(s: &mut State, mut u: crate::app::state::Unreadable) {
    if s.ui.redact {
        u.why = crate::engine::redact::mask_quoted(&u.why);
    }
    heard(s);
    arrived(s, LiveEntry::Unreadable(u));
}

/// `p` (or space) on Live: pauses the events, or resumes with those held meanwhile.
fn pause(s: &mut State) {
    s.live.paused = !s.live.paused;
    if !s.live.paused {
        let held = std::mem::take(&mut s.live.held);
        s.live.held_received = 0;
        for ev in held.into_iter().rev() {
            arrived(s, ev);
        }
    }
}

/// An event came on the progress channel: the store its loss marked down answers again, so it
/// is checked within a second rather than at the end of its backoff (up to 8 s), which would
/// leave the status bar saying DOWN beside the events arriving from it.
fn heard_from_channel(s: &mut State) {
    let Some(name) = s.live.channel_store.take() else {
        return;
    };
    if s.status.stores.iter().any(|st| !st.up && st.name == name) {
        let soon = s.ui.tick + crate::app::state::TICKS_PER_SECOND;
        s.status.health.next_check = s.status.health.next_check.min(soon);
    }
}

/// A message came on the progress channel (not one held while paused, shown later): the
/// channel is back.
fn heard(s: &mut State) {
    s.live.received += 1;
    s.live.trouble = None;
    heard_from_channel(s);
}

/// An event on the Live screen (held while paused), newest first. Scrolled away from the
/// newest, the view stays on the events it shows: one more listed above them moves the scroll
/// down with them.
fn arrived(s: &mut State, entry: LiveEntry) {
    let listed = listed_here(s, &entry);
    let live = &mut s.live;
    if live.paused {
        live.held_received += 1;
        live.held.push_front(entry);
        live.held.truncate(MAX_EVENTS);
        return;
    }
    if listed && live.scroll > 0 {
        live.scroll += 1;
    }
    live.events.push_front(entry);
    live.events.truncate(MAX_EVENTS);
}

/// Whether the Live screen lists `entry` as it is set now (every user's, or the open user's).
pub(super) fn listed_here(s: &State, entry: &LiveEntry) -> bool {
    let open = s.user.view.as_ref().map(|v| v.data().user_id.as_str());
    s.live.all || open.is_none_or(|u| entry.user() == Some(u))
}

/// The clock: messages expire, and the stores are checked when due.
fn tick(s: &mut State) -> Vec<Effect> {
    s.ui.tick += 1;
    if s.status
        .message
        .as_ref()
        .is_some_and(|m| s.ui.tick > m.until)
    {
        s.status.message = None;
    }
    let h = &mut s.status.health;
    if s.ui.tick >= h.next_check && !h.checking {
        h.checking = true;
        return vec![Effect::CheckHealth];
    }
    vec![]
}

/// `/`: a fresh query — the help search in help, the prompt search on Prompt, else the users
/// filter.
fn filter(s: &mut State) {
    let kind = match (&s.ui.overlay, s.ui.screen) {
        (Overlay::Help { .. }, _) => InputKind::HelpSearch,
        (_, Screen::Prompt) => {
            s.user.search_from = s.user.scroll;
            InputKind::Search
        }
        _ => {
            s.ui.overlay = Overlay::None;
            if s.ui.screen != Screen::Users {
                go(s, Screen::Users);
            }
            InputKind::Filter
        }
    };
    s.ui.input = Some(Input::new(kind, ""));
}

/// `esc`: closes the overlay, else goes back to the previous screen.
fn back(s: &mut State) {
    if s.ui.overlay != Overlay::None {
        // The token view asked for in an item's overlay is that overlay's: the Layers table's
        // side panel shows text again.
        if matches!(s.ui.overlay, Overlay::Item { .. }) {
            s.ui.tokens = Default::default();
        }
        s.ui.overlay = Overlay::None;
    } else if let Some(prev) = s.ui.history.pop() {
        s.ui.screen = prev;
    } else {
        s.status.message = None;
    }
}

/// Switches to `screen`, remembering the one left for `esc`. Each screen is in the history
/// once, where it was last left (a screen gone to again leaves its older place): after any
/// number of switches, `esc` walks back through the screens last seen, each once.
pub(super) fn go(s: &mut State, screen: Screen) {
    s.ui.overlay = Overlay::None;
    if s.ui.screen != screen {
        let left = s.ui.screen;
        s.ui.history.retain(|x| *x != screen && *x != left);
        s.ui.history.push(left);
        if s.ui.history.len() > HISTORY {
            s.ui.history.remove(0);
        }
        s.ui.screen = screen;
    }
}

pub(super) fn show(s: &mut State, screen: Screen) -> Vec<Effect> {
    let fleet_wide = matches!(screen, Screen::Users | Screen::Report);
    if !fleet_wide && s.user.view.is_none() && s.user.loading.is_none() {
        // Every other screen is about one user: open the one under the cursor.
        let Some(id) = s.selected_row().map(|r| r.summary.user_id.clone()) else {
            error(s, "no user to show yet");
            return vec![];
        };
        go(s, screen);
        return open_user(s, id);
    }
    go(s, screen);
    vec![]
}
