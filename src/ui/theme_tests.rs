//! Every theme, drawn: each role styled as the theme says it is, on a purpose-built user that
//! shows every decision.

use super::tests::{draw, state_of};
use super::theme::load_all;
use crate::app::state::State;

/// A purpose-built user (not the demo's): two turns kept, one knowledge hit below the threshold,
/// one malformed turn, so every decision style shows.
fn fixture_state() -> State {
    state_of(FIXTURE)
}

const FIXTURE: &str = r#"{"user_id":"t1","session_id":"s1","current_milestone":"M1",
      "now":"2025-01-15T12:00:00Z","query":"price",
      "session":[
        {"user":"How do I price candles?","assistant":"From landed cost.","timestamp":"2025-01-15T10:00:00Z"},
        {"user":"Margin?","assistant":"Sixty percent.","timestamp":"2025-01-15T11:00:00Z"},
        {"user":"broken"}],
      "knowledge":[{"id":"kn:1","milestone":null,"title":"Logistics","content":"Carriers.","similarity":0.5}]}"#;

/// The style of the first cell showing `symbol` on the screen, outside the selection (`bg`).
fn style_of(
    buffer: &ratatui::buffer::Buffer,
    symbol: &str,
    selection: Option<ratatui::style::Color>,
) -> Option<ratatui::style::Style> {
    buffer
        .content()
        .iter()
        .find(|c| c.symbol() == symbol && c.style().bg != selection)
        .map(|c| c.style())
}

#[test]
fn every_theme_styles_each_role_as_it_says() {
    let mut s = fixture_state();
    s.ui.size = (80, 24);
    let (themes, errors) = load_all(None);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(themes.len() >= 3, "{:?}", themes.keys());
    let mut seen = Vec::new();
    for (name, t) in &themes {
        let terminal = draw(&s, 80, 24, t);
        let b = terminal.backend().buffer();
        // The selected row takes the selection's colours: look at the others.
        let role = |symbol: &str| {
            style_of(b, symbol, t.selected().bg).unwrap_or_else(|| panic!("{name}: no {symbol}"))
        };
        // Cell styles carry the base style underneath: compare what the role sets.
        let sets = |style: ratatui::style::Style, want: ratatui::style::Style| {
            want.fg.is_none_or(|c| style.fg == Some(c))
                && want.bg.is_none_or(|c| style.bg == Some(c))
                && style.add_modifier.contains(want.add_modifier)
        };
        assert!(
            sets(role("✔"), t.decision(crate::engine::Decision::Kept)),
            "{name}: kept"
        );
        assert!(
            sets(role("✘"), t.decision(crate::engine::Decision::Dropped)),
            "{name}: dropped"
        );
        assert!(sets(role("⚠"), t.error()), "{name}: malformed");
        assert!(sets(role("╭"), t.border(false)), "{name}: border");
        let focused = b
            .content()
            .iter()
            .any(|c| c.symbol() == "╭" && sets(c.style(), t.border(true)));
        assert!(focused, "{name}: the focused table's border");
        let badge = b
            .content()
            .iter()
            .find(|c| c.symbol() == "F" && c.style().bg == t.badge().bg)
            .is_some();
        assert!(badge, "{name}: the FIXTURE badge");
        seen.push((role("✔"), role("✘")));
    }
    for (i, a) in seen.iter().enumerate() {
        assert!(
            !seen[i + 1..].contains(a),
            "two themes style decisions alike"
        );
    }
}
