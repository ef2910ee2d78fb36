//! Single parts of the screen drawn on tiny purpose-built users and compared cell by cell, style
//! aside: a change to the demo's data moves none of them.

use ratatui::buffer::Buffer;
use ratatui::widgets::Paragraph;
use ratatui::{Frame, Terminal, backend::TestBackend};

use super::tests::state_of;
use super::theme::Theme;
use crate::app::state::State;

/// `part` drawn on a `w`×`h` terminal, every style reset: the symbols it shows, cell by cell.
fn drawn(w: u16, h: u16, part: impl FnOnce(&mut Frame)) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(part).expect("draws");
    let mut buf = terminal.backend().buffer().clone();
    for cell in &mut buf.content {
        let symbol = cell.symbol().to_string();
        cell.reset();
        cell.set_symbol(&symbol);
    }
    buf
}

/// Three layers: two turns, the business DNA and one milestone's data, one knowledge hit.
const THREE_LAYERS: &str = r#"{"user_id":"w1","session_id":"s1","current_milestone":"M2",
      "now":"2025-01-15T12:00:00Z","query":"price",
      "session":[
        {"user":"How do I price candles?","assistant":"From landed cost.","timestamp":"2025-01-15T10:00:00Z"},
        {"user":"Margin?","assistant":"Sixty percent.","timestamp":"2025-01-15T11:00:00Z"}],
      "journey":[
        {"id":"mb:1","kind":"business_dna","milestone":null,"data":{"company":"Wick Co."},"timestamp":"2024-11-02T10:00:00Z"},
        {"id":"mb:2","kind":"milestone_data","milestone":"M1","data":{"summary":"Candles sell."},"timestamp":"2024-12-01T10:00:00Z"}],
      "knowledge":[{"id":"kn:1","milestone":"M2","title":"Pricing","content":"Cost plus.","similarity":0.8}]}"#;

/// A user whose oldest turn is too long for what the session layer has left: the two newer
/// turns are kept, the oldest is cut by the budget.
fn cut_user() -> State {
    let long = "lorem ".repeat(1200);
    let text = format!(
        r#"{{"user_id":"w2","session_id":"s2","current_milestone":"M1",
          "now":"2025-01-15T12:00:00Z",
          "session":[
            {{"user":"Tell me all.","assistant":"{long}","timestamp":"2025-01-15T09:00:00Z"}},
            {{"user":"Costs?","assistant":"Low.","timestamp":"2025-01-15T10:00:00Z"}},
            {{"user":"Hello?","assistant":"Hi.","timestamp":"2025-01-15T11:00:00Z"}}]}}"#
    );
    state_of(&text)
}

/// The totals: the sum of the layers against the budget with its bar, then each layer's bar,
/// used / budget and what it kept; under them the table's first row.
#[test]
fn a_three_layer_users_totals_show_each_layers_bar_against_its_budget() {
    let s = state_of(THREE_LAYERS);
    let t = Theme::default();
    let shown = drawn(70, 10, |f| super::layers::render(f, f.area(), &s, &t));
    let want = Buffer::with_lines([
        "╭ w1 · prolaunch · cl100k_base · stop ───────────────────────────────╮",
        "│24 + 24 + 6 = 54 / 4,000 tokens █░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░   1%│",
        "│session   █░░░░░░░░░░░░░░░░      24 / 800    2 kept                 │",
        "│journey   █░░░░░░░░░░░░░░░░      24 / 2,000  2 kept                 │",
        "│knowledge █░░░░░░░░░░░░░░░░       6 / 1,200  1 kept                 │",
        "╰────────────────────────────────────────────────────────────────────╯",
        "╭ Items · all layers · 5 rows · tab one layer · enter open ──────────╮",
        "│LAYER     ID   KIND         TOKENS SCORE DECISION TEXT              │",
        "│session   s1#1 turn          10/10  2.00 ✔ kept   User: Margin? ⏎ A…│",
        "╰────────────────────────────────────────────────────────────────────╯",
    ]);
    assert_eq!(shown, want);
}

/// The session layer alone with its cut turn selected: the layer's bar marks the cut (`✂`),
/// the row says none of its tokens were kept and which budget cut it.
#[test]
fn a_cut_items_row_says_none_of_its_tokens_were_kept_and_why() {
    let mut s = cut_user();
    s.user.layer = Some(0);
    s.user.cursor = 2;
    let t = Theme::default();
    let shown = drawn(60, 10, |f| super::layers::render(f, f.area(), &s, &t));
    let want = Buffer::with_lines([
        "╭ w2 · prolaunch · cl100k_base · stop ─────────────────────╮",
        "│16 + 0 + 0 = 16 / 4,000 tokens █░░░░░░░░░░░░░░░░░░░░░   0%│",
        "│session   █░░░░░░░░░░░░░✂     16 / 800    2 kept · 1 cut  │",
        "│journey   ░░░░░░░░░░░░░░       0 / 2,000  0 kept          │",
        "│knowledge ░░░░░░░░░░░░░░       0 / 1,200  0 kept          │",
        "╰──────────────────────────────────────────────────────────╯",
        "╭ Items · layer session (1/3) · 3 rows · tab one layer · en╮",
        "│LAYER     ID   KIND TOKENS  SCORE DECISION       TEXT     │",
        "│session   s2#0 turn 0/1,209  2.00 ✘ layer budget User: Te…│",
        "╰──────────────────────────────────────────────────────────╯",
    ]);
    assert_eq!(shown, want);
}

/// The status bar at the narrowest screen (80 columns) shows every part; narrower, the key hint
/// and the store's address give way, while the source, the store's state, the policy and
/// READ-ONLY stay.
#[test]
fn the_status_bar_gives_way_as_it_narrows() {
    let s = state_of(THREE_LAYERS);
    let t = Theme::default();
    for (width, want) in [
        (
            80,
            " FIXTURE  ● up memory embedded demo  policy prolaunch   READ-ONLY   ? help      ",
        ),
        (
            60,
            " FIXTURE  ● up memory  policy prolaunch   READ-ONLY         ",
        ),
    ] {
        let shown = drawn(width, 1, |f| {
            super::status::render(f, f.area(), &s, &t);
        });
        assert_eq!(shown, Buffer::with_lines([want]), "{width} columns");
    }
}

/// A terminal too small: its size, the size needed and the key that quits, centred.
#[test]
fn too_small_says_its_size_the_size_needed_and_the_quit_key_centred() {
    let s = state_of(THREE_LAYERS);
    let t = Theme::default();
    let shown = drawn(30, 8, |f| super::too_small(f, f.area(), &s, &t));
    let want = Buffer::with_lines([
        "                              ",
        "                              ",
        "                              ",
        "   Terminal too small: 30×8.  ",
        " ctxlens needs at least 80×24.",
        "           q quits.           ",
        "                              ",
        "                              ",
    ]);
    assert_eq!(shown, want);
}

/// What a milestone contributes on Journey: each journey item with its kind, tokens and
/// decision; a milestone with only a knowledge hit contributes nothing to the journey layer.
#[test]
fn a_milestones_contributions_name_each_journey_item_or_nothing() {
    let s = state_of(THREE_LAYERS);
    let t = Theme::default();
    let v = s.user.view.as_ref().expect("the fixture is open");
    for (milestone, want) in [
        ("M1", "  mb:2 milestone 16/16 tokens ✔ kept    "),
        ("M2", "  nothing                               "),
    ] {
        let lines = super::journey::contribution_lines(v, milestone, &t);
        assert_eq!(lines.len(), 1, "{milestone}: one line");
        let shown = drawn(40, 1, |f| f.render_widget(Paragraph::new(lines), f.area()));
        assert_eq!(shown, Buffer::with_lines([want]), "{milestone}");
    }
}
