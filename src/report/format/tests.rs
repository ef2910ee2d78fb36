//! The report's formats: figures beside target edges, users not read, cells a spreadsheet
//! will not run.

/// A figure next to a target's edge shows the decimals that tell it from the edge.
#[test]
fn a_figure_never_reads_as_the_edge_it_is_not_on() {
    use super::beside_edges;
    assert_eq!(beside_edges(0.7996, "rag_hit_rate"), "79.96 %");
    assert_eq!(beside_edges(0.8, "rag_hit_rate"), "80.0 % (= target)");
    assert_eq!(beside_edges(0.8163, "rag_hit_rate"), "81.6 %");
    assert_eq!(beside_edges(0.04999, "truncation_rate"), "4.999 %");
    assert_eq!(beside_edges(0.39999999, "static_share"), "40.0000 %");
    assert_eq!(beside_edges(2500.04, "avg_context_tokens"), "2,500.04");
    assert_eq!(beside_edges(1160.3, "avg_context_tokens"), "1,160.3");
}

/// How many users were not read, when the listing stopped too: never "at least 0".
#[test]
fn users_not_read_are_never_said_to_be_at_least_none() {
    let st = |not_read, lower| super::Stopped {
        cause: "postgres: gone".into(),
        not_read,
        not_read_lower_bound: lower,
        outage: true,
    };
    assert_eq!(super::not_read(&st(1200, false)), "1,200 users not read");
    let none = super::not_read(&st(0, true));
    assert!(!none.contains("0 users"), "{none}");
    assert!(
        none.contains("every user not listed yet not read"),
        "{none}"
    );
    let some = super::not_read(&st(256, true));
    assert!(
        some.starts_with("256 users listed and every user not listed yet"),
        "{some}"
    );
}

#[test]
fn a_cell_that_starts_as_a_formula_is_text_and_numbers_stay_numbers() {
    let cases = [
        (
            "=HYPERLINK(\"http://x\",\"y\")",
            "'=HYPERLINK(\"http://x\",\"y\")",
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-0.25", "-0.25"),
        ("+3", "+3"),
        // Words Rust reads as numbers and a spreadsheet as a formula.
        ("-inf", "'-inf"),
        ("-NaN", "'-NaN"),
        ("+infinity", "'+infinity"),
        ("u001", "u001"),
        ("", ""),
    ];
    for (cell, shown) in cases {
        assert_eq!(super::spreadsheet_safe(cell, false), shown, "{cell}");
    }
    // A user id that reads as a number is text in a text cell.
    assert_eq!(super::spreadsheet_safe("-1e5", true), "'-1e5");
    assert_eq!(super::spreadsheet_safe("+3", true), "'+3");
    assert_eq!(super::spreadsheet_safe("u001", true), "u001");
}

/// A total's change reads as the other figures do: grouped, signed, zero as `+0`.
#[test]
fn a_change_of_a_total_groups_its_digits_and_signs_the_difference() {
    use super::change;
    assert_eq!(change(2623, 6295), "2,623 → 6,295 (+3,672)");
    assert_eq!(change(12_000, 950), "12,000 → 950 (-11,050)");
    assert_eq!(change(7, 7), "7 → 7 (+0)");
}

/// A user id of hundreds of characters is cut in its middle in a table (start and end show),
/// so the other rows are not padded past the screen; the CSV keeps it whole.
#[test]
fn a_very_long_user_id_is_cut_in_its_middle_in_tables_not_in_csv() {
    let id = format!("start{}end", "L".repeat(500));
    let cell = super::super::cells::Cell::id(&id);
    assert_eq!(
        unicode_width::UnicodeWidthStr::width(cell.shown.as_str()),
        super::super::cells::ID_COLUMNS
    );
    assert!(
        cell.shown.starts_with("startL") && cell.shown.ends_with("Lend"),
        "{}",
        cell.shown
    );
    assert_eq!(cell.raw, id);
    // An id that fits is as it is.
    assert_eq!(super::super::cells::Cell::id("u005").shown, "u005");
}
