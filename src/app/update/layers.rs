//! The Layers screen's rows — every layer's items in policy order, each layer's unreadable data
//! after its items — which layer is shown (one, or all), and the row under the cursor.

use super::Effect;
use crate::app::action::Action;
use crate::app::layout;
use crate::app::state::{Overlay, State};
use crate::engine::snapshot::Malformed;
use crate::engine::{Assembly, Item, Source};

/// A row of the Layers table: an item, or data of a layer's source that could not be read
/// (with the index of that layer).
#[derive(Debug, Clone, Copy)]
pub enum LayerRow<'a> {
    Item(&'a Item),
    Malformed(&'a Malformed, usize),
}

/// The source layer a malformed entry of `user`'s would have fed, from its item id or where it
/// was read.
fn malformed_source(m: &Malformed, user: &str) -> Option<Source> {
    let id = m.id.as_deref().unwrap_or("");
    if id.starts_with("mb:") || m.source.starts_with("memory_bank") {
        Some(Source::Journey)
    } else if id.starts_with("kn:") || m.source.starts_with("knowledge") {
        Some(Source::Knowledge)
    } else if id.contains('#') || crate::store::keys::is_session_of(&m.source, user) {
        Some(Source::Session)
    } else {
        None
    }
}

/// The rows of layer `layer`: its items in output order, then the malformed data of its source
/// (data of no layer's source goes with the first layer).
pub fn layer_rows<'a>(s: &State, a: &'a Assembly, layer: usize) -> Vec<LayerRow<'a>> {
    let layers = &s.session.policy.layers;
    let Some(l) = layers.get(layer) else {
        return vec![];
    };
    let mut rows: Vec<LayerRow> = a
        .items
        .iter()
        .filter(|i| i.layer == l.name)
        .map(LayerRow::Item)
        .collect();
    let home = |m: &Malformed| {
        let src = malformed_source(m, &a.user_id);
        layers
            .iter()
            .position(|l| Some(l.source) == src)
            .unwrap_or(0)
    };
    rows.extend(
        a.malformed
            .iter()
            .filter(|m| home(m) == layer)
            .map(|m| LayerRow::Malformed(m, layer)),
    );
    rows
}

/// The rows shown: the chosen layer's, or every layer's in policy order.
pub fn shown_rows<'a>(s: &State, a: &'a Assembly) -> Vec<LayerRow<'a>> {
    match s.user.layer {
        Some(l) => layer_rows(s, a, l),
        None => (0..s.session.policy.layers.len())
            .flat_map(|l| layer_rows(s, a, l))
            .collect(),
    }
}

/// The row under the cursor.
pub fn selected_row<'a>(s: &State, a: &'a Assembly) -> Option<LayerRow<'a>> {
    shown_rows(s, a).get(s.user.cursor).copied()
}

fn row_id(r: &LayerRow) -> Option<String> {
    match r {
        LayerRow::Item(i) => Some(i.id.clone()),
        LayerRow::Malformed(m, _) => m.id.clone(),
    }
}

/// Number of rows shown.
pub(super) fn shown_len(s: &State) -> usize {
    s.user
        .view
        .as_ref()
        .and_then(|v| v.tuned.as_ref())
        .map_or(0, |a| shown_rows(s, a).len())
}

/// The id of the row under the cursor (`None`: nothing selected, or a row without an id).
pub(super) fn selected_id(s: &State) -> Option<String> {
    let a = s.user.view.as_ref()?.tuned.as_ref()?;
    selected_row(s, a).and_then(|r| row_id(&r))
}

/// The row under the cursor when it is data that could not be read: what to call it in a
/// message (`kn:7 (knowledge id=7)`), and why it could not be read.
pub(super) fn selected_unreadable(s: &State) -> Option<(String, String)> {
    let a = s.user.view.as_ref()?.tuned.as_ref()?;
    match selected_row(s, a)? {
        LayerRow::Malformed(m, _) => {
            let name = match &m.id {
                Some(id) => format!("{id} ({})", m.source),
                None => m.source.clone(),
            };
            Some((name, m.reason.clone()))
        }
        LayerRow::Item(_) => None,
    }
}

/// Puts the cursor back on the row with id `id`, where the rows are now (a replay may order
/// them otherwise); it stays where it was when that row is gone.
pub(super) fn reselect(s: &mut State, id: Option<String>) {
    let Some(id) = id else { return };
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return;
    };
    if let Some(at) = shown_rows(s, a)
        .iter()
        .position(|r| row_id(r).as_deref() == Some(&id))
    {
        s.user.cursor = at;
    }
}

/// Shows layer `layer` (or all): the selected row stays selected when it is still shown.
pub(super) fn show_layer(s: &mut State, layer: Option<usize>) {
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.clone()) else {
        s.user.layer = layer;
        s.user.cursor = 0;
        return;
    };
    let keep = selected_row(s, &a).and_then(|r| row_id(&r));
    s.user.layer = layer;
    let rows = shown_rows(s, &a);
    s.user.cursor = keep
        .and_then(|id| rows.iter().position(|r| row_id(r).as_deref() == Some(&id)))
        .unwrap_or(0);
}

pub(super) fn navigate(s: &mut State, action: Action) -> Vec<Effect> {
    let n = s.session.policy.layers.len();
    match action {
        // Cycle: all layers, then each one, then all again.
        Action::NextPane => {
            let next = match s.user.layer {
                None if n > 0 => Some(0),
                Some(l) if l + 1 < n => Some(l + 1),
                _ => None,
            };
            show_layer(s, next);
        }
        Action::PrevPane => {
            let prev = match s.user.layer {
                None => n.checked_sub(1),
                Some(0) => None,
                Some(l) => Some(l - 1),
            };
            show_layer(s, prev);
        }
        Action::Select => {
            if shown_len(s) > 0 {
                s.ui.overlay = Overlay::Item { scroll: 0 };
                // Each item opens as its text: the token view is asked for per item.
                s.ui.tokens = Default::default();
            }
        }
        other => {
            let page = layout::layers(layout::Areas::new(s.ui.size).body, n).rows();
            s.user.cursor = super::moved(s.user.cursor, shown_len(s), &other, page);
        }
    }
    vec![]
}

/// A click at (`x`, `y`) on the Layers screen: selects the row clicked.
pub(super) fn click(s: &mut State, x: u16, y: u16) {
    let areas = layout::layers(
        layout::Areas::new(s.ui.size).body,
        s.session.policy.layers.len(),
    );
    let t = areas.table;
    let first_row = t.y + 2;
    if x < t.x || x >= t.x + t.width || y < first_row || y + 1 >= t.y + t.height {
        return;
    }
    let target =
        layout::offset(s.user.cursor, areas.rows(), shown_len(s)) + usize::from(y - first_row);
    if target < shown_len(s) {
        s.user.cursor = target;
    }
}
