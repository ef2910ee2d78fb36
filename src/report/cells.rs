//! The cells and titled tables every report renderer shares (what a reader sees, the plain
//! value CSV carries) and the number formats.

/// How a cell reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Pass,
    Fail,
    Dim,
    Bold,
}

/// One cell: what a reader sees, and the plain value CSV carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub shown: String,
    pub raw: String,
    pub tone: Tone,
}

/// The most columns a user id takes in a table (the CSV and `--json` keep it whole).
pub(super) const ID_COLUMNS: usize = 40;

impl Cell {
    /// A text cell: user ids and messages are stored text, shown inert.
    pub(super) fn text(s: impl Into<String>) -> Self {
        let s = s.into();
        Cell {
            shown: crate::text::inert_line(&s).into_owned(),
            raw: s,
            tone: Tone::Plain,
        }
    }

    /// A user id: shown (and carried in CSV) so that two ids never read alike.
    pub(super) fn id(s: &str) -> Self {
        let raw = crate::text::shown_id(s).into_owned();
        Cell {
            // A table's column is as wide as its widest id: one of hundreds of characters is cut
            // in its middle (its start and end show), not every row padded past the screen.
            shown: crate::text::fit_middle(&raw, ID_COLUMNS),
            raw,
            tone: Tone::Plain,
        }
    }

    /// A milestone as the stores name it (stored text, of any length): inert, cut in its
    /// middle to a user id's columns as [`Cell::id`] is, whole in CSV and `--json`.
    pub(super) fn milestone(s: impl Into<String>) -> Self {
        let raw = s.into();
        Cell {
            shown: crate::text::fit_middle(&raw, ID_COLUMNS),
            raw,
            tone: Tone::Plain,
        }
    }

    pub(super) fn num(shown: String, raw: impl ToString) -> Self {
        Cell {
            shown,
            raw: raw.to_string(),
            tone: Tone::Plain,
        }
    }

    /// No value: `n/a` where people read it, an empty CSV field (as every missing value there).
    pub(super) fn none() -> Self {
        Cell {
            shown: "n/a".into(),
            raw: String::new(),
            tone: Tone::Dim,
        }
    }

    pub(super) fn tone(mut self, tone: Tone) -> Self {
        self.tone = tone;
        self
    }
}

/// A titled table; `columns[i]` is (CSV key, heading, right-aligned).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<(&'static str, String, bool)>,
    /// Each row: its CSV key, then one cell per column.
    pub rows: Vec<(String, Vec<Cell>)>,
}

pub use crate::text::thousands;

/// A row of a measure table: its key, its label and its value.
pub(super) fn row(key: &str, label: &str, value: Cell) -> (String, Vec<Cell>) {
    (key.to_string(), vec![Cell::text(label), value])
}

pub(super) fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

pub(super) fn opt_pct(v: Option<f64>) -> Cell {
    match v {
        Some(v) => Cell::num(pct(v), v),
        None => Cell::none(),
    }
}
