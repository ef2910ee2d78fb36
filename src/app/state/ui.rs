//! Where the user is looking: the screens and their history, the overlay open, and the input
//! line being typed (what it is for, its editor, Tab's candidates).

/// The screens, in number-key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Users,
    Layers,
    Budget,
    Journey,
    Tune,
    Prompt,
    Live,
    Report,
}

impl Screen {
    pub const ALL: [Screen; 8] = [
        Screen::Users,
        Screen::Layers,
        Screen::Budget,
        Screen::Journey,
        Screen::Tune,
        Screen::Prompt,
        Screen::Live,
        Screen::Report,
    ];

    /// The action that shows this screen (what its tab is named by the key of).
    pub fn show_action(self) -> crate::app::action::Action {
        use crate::app::action::Action;
        match self {
            Screen::Users => Action::ShowUsers,
            Screen::Layers => Action::ShowLayers,
            Screen::Budget => Action::ShowBudget,
            Screen::Journey => Action::ShowJourney,
            Screen::Tune => Action::ShowTune,
            Screen::Prompt => Action::ShowPrompt,
            Screen::Live => Action::ShowLive,
            Screen::Report => Action::ShowReport,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Users => "Users",
            Screen::Layers => "Layers",
            Screen::Budget => "Budget",
            Screen::Journey => "Journey",
            Screen::Tune => "Tune",
            Screen::Prompt => "Prompt",
            Screen::Live => "Live",
            Screen::Report => "Report",
        }
    }
}

/// Where the user is looking and what is open.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub screen: Screen,
    /// Screens shown before this one, newest last: `esc` goes back to them.
    pub history: Vec<Screen>,
    pub overlay: Overlay,
    /// The overlay the quit prompt covers: answering "cancel" goes back to it.
    pub under_quit: Overlay,
    /// How the item overlay shows text: as is, or cut into tokens (with their ids).
    pub tokens: crate::app::token_view::TokenView,
    /// The active input line, if any: keys go to it instead of the keymap.
    pub input: Option<Input>,
    /// `:` commands run so far, oldest first (↑/↓ in the palette).
    pub palette_history: Vec<String>,
    pub size: (u16, u16),
    /// The keys of a sequence typed so far (`g` of `g g`): the status bar shows them.
    pub keys_pending: String,
    pub theme: String,
    pub redact: bool,
    pub tick: u64,
    pub quit: Quit,
    /// Said on stderr once the terminal is given back (the screen that showed it is gone): what
    /// quitting after a save wrote, and where.
    pub farewell: Option<String>,
    /// How many rows the help overlay's lines took when last drawn (wrapped at its width): where
    /// its scrolling ends. Set while drawing, read by the scroll keys.
    pub help_rows: std::cell::Cell<usize>,
    /// How many rows the item overlay's lines took when last drawn (wrapped at its width): where
    /// its scrolling ends. Set while drawing, read by the scroll keys.
    pub item_rows: std::cell::Cell<usize>,
    /// Keys of a burst are being taken in before the next frame (set by the loop): a tuning
    /// stepped meanwhile is replayed once, when the burst ends or before anything else is done
    /// ([`UserState::replay_held`](crate::app::state::UserState::replay_held)).
    pub burst: bool,
}

/// Whether the app is ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quit {
    #[default]
    No,
    /// Once the tuned policy is written (saved from the quit prompt).
    AfterSave,
    Now,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    /// The help overlay, with its search text.
    Help {
        search: String,
        scroll: usize,
    },
    /// The selected item's full detail (Layers screen), scrolled this far.
    Item {
        scroll: usize,
    },
    /// `q` with unsaved tuning: save, discard or cancel.
    ConfirmQuit,
    /// `:diff`: two contexts side by side and the first cause, scrolled this far.
    Diff {
        scroll: usize,
    },
    /// `e` / `:explain`: a knowledge row's gates.
    Explain {
        scroll: usize,
    },
    /// The optimizer over the Tune screen (`o`): the search as it goes, its candidates.
    Optimize,
}

/// A line being typed: what it is for, the line editor, and Tab's candidates.
#[derive(Debug, Clone)]
pub struct Input {
    pub kind: InputKind,
    pub line: tui_input::Input,
    /// What Tab found for the word under the cursor (shown while more than one).
    pub completions: Vec<String>,
    /// Tab found nothing for the word under the cursor: said on the line until the next edit
    /// (the status bar, where errors show, is under the line while it is open).
    pub unmatched: bool,
    /// Where ↑/↓ is in the palette history (`None`: the line being typed).
    pub recalled: Option<usize>,
    /// The line being typed when ↑ first recalled the history: ↓ past the newest gives it back.
    pub draft: String,
    /// The text is a suggestion (a file name to save to, a field's value): what is typed or
    /// pasted first replaces it; a key that moves or deletes keeps it to edit.
    pub suggested: bool,
    /// A paste into it was cut at [`crate::app::update::input::PASTE_MAX`] characters: said
    /// on the line while it is open, and with what running it did.
    pub cut: bool,
}

impl Input {
    pub fn new(kind: InputKind, text: &str) -> Input {
        Input {
            kind,
            line: tui_input::Input::new(text.to_string()),
            completions: Vec::new(),
            unmatched: false,
            recalled: None,
            draft: String::new(),
            suggested: false,
            cut: false,
        }
    }

    /// An input line holding `text` as a suggestion (see [`Input::suggested`]).
    pub fn suggesting(kind: InputKind, text: &str) -> Input {
        Input {
            suggested: !text.is_empty(),
            ..Input::new(kind, text)
        }
    }

    pub fn text(&self) -> &str {
        self.line.value()
    }
}

impl PartialEq for Input {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.text() == other.text()
            && self.line.cursor() == other.line.cursor()
            && self.completions == other.completions
            && self.unmatched == other.unmatched
            && self.recalled == other.recalled
            && self.draft == other.draft
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `/` on Users.
    Filter,
    /// `/` on Prompt.
    Search,
    /// `/` in help.
    HelpSearch,
    /// `:` anywhere.
    Palette,
    /// Enter on a Tune field.
    Edit,
    /// The file the tuned policy is written to (`:w` alone, `s` at the quit prompt): the line
    /// holds the file name only.
    Save,
}
