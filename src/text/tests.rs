//! The sanitiser's promises: inert text, ids that never read alike, cuts that keep escapes whole.
use super::*;

#[test]
fn a_shell_word_is_quoted_unless_plain() {
    assert_eq!(shell_word("u062"), "u062");
    assert_eq!(shell_word("a b"), "'a b'");
    assert_eq!(shell_word("it's"), r"'it'\''s'");
    assert_eq!(shell_word(""), "''");
}

#[test]
fn preview_cuts_by_display_width() {
    assert_eq!(preview("\nhello world", 20), "hello world");
    assert_eq!(preview("抹茶セットと", 7), "抹茶セ…");
    assert_eq!(preview("抹茶セットと", 8), "抹茶セ…");
    assert_eq!(preview("abcdefghij", 5), "abcd…");
    assert_eq!(preview("a\u{1b}[2Jb", 20), "a␛[2Jb");
}

#[test]
fn fit_keeps_indentation_whether_or_not_it_cuts() {
    assert_eq!(fit("    short", 20), "    short");
    assert_eq!(fit("    a longer line", 10), "    a lon…");
    assert_eq!(fit("  抹茶セットと", 8), "  抹茶…");
    assert_eq!(fit("\tx\u{1b}", 5), "␉x␛");
}

fn rows(line: &str, width: usize) -> Vec<&str> {
    wrap(line, width).into_iter().map(|r| &line[r]).collect()
}

#[test]
fn wrap_moves_words_whole_and_breaks_only_longer_ones() {
    assert_eq!(rows("the quick brown fox", 10), ["the quick", "brown fox"]);
    assert_eq!(rows("the quick brown fox", 9), ["the quick", "brown fox"]);
    assert_eq!(
        rows("hello ", 5),
        ["hello"],
        "the spaces at a break show nowhere"
    );
    assert_eq!(rows("ab abcdefghij", 4), ["ab a", "bcde", "fghi", "j"]);
    assert_eq!(rows("  - indented item", 30), ["  - indented item"]);
    assert_eq!(rows("", 10), [""]);
    assert_eq!(rows("x", 0), ["x"], "a zero width is one cell");
    // Wide characters never straddle a row's end.
    assert_eq!(rows("抹茶セットと", 5), ["抹茶", "セッ", "トと"]);
    assert_eq!(rows("ok 抹茶セットと", 7), ["ok 抹茶", "セット", "と"]);
    // A run of wide characters that would fit on a row of its own still fills this one
    // first: a line may break between any two of them.
    assert_eq!(
        rows("Uji から Köln まで、船便と航空便", 20),
        ["Uji から Köln まで、", "船便と航空便"]
    );
    // A Latin word still moves whole.
    assert_eq!(rows("から landedcost", 10), ["から", "landedcost"]);
}

proptest::proptest! {
    /// Every row fits, the rows follow each other, and no character but a space at a break
    /// is left out: the last words of a long paragraph are always on some row.
    #[test]
    fn wrap_loses_nothing_and_every_row_fits(
        words in proptest::collection::vec("[a-z]{1,30}|抹茶{1,9}| {1,3}", 0..60),
        width in 2usize..50,
    ) {
        let line: String = words.concat();
        let ranges = wrap(&line, width);
        let mut at = 0;
        for r in &ranges {
            proptest::prop_assert!(r.start >= at && r.start <= r.end);
            proptest::prop_assert!(line[at..r.start].chars().all(|c| c == ' '));
            proptest::prop_assert!(line[r.clone()].width() <= width, "{:?}", &line[r.clone()]);
            at = r.end;
        }
        proptest::prop_assert!(line[at..].chars().all(|c| c == ' '));
    }
}

/// The payloads the README's Reliability section names, and what a reader sees of them.
const PAYLOADS: &[(&str, &str, &str)] = &[
    ("retitle", "\u{1b}]0;pwned\u{7}", "␛]0;pwned␇"),
    ("clipboard", "\u{1b}]52;c;aGk=\u{7}", "␛]52;c;aGk=␇"),
    ("clear", "\u{1b}[2J", "␛[2J"),
    ("report", "\u{1b}[6n", "␛[6n"),
    ("c1 csi", "\u{9b}6n", "\\u{9b}6n"),
    ("bidi override", "abc\u{202e}fed", "abc\\u{202e}fed"),
    ("bidi isolate", "\u{2067}x\u{2069}", "\\u{2067}x\\u{2069}"),
    ("bell", "ding\u{7}", "ding␇"),
    ("backspace", "ab\u{8}\u{8}", "ab␈␈"),
    ("bare cr", "safe\rEVIL", "safe␍EVIL"),
    ("nul and del", "a\u{0}b\u{7f}", "a␀b␡"),
];

#[test]
fn every_control_becomes_visible_and_inert() {
    for (name, payload, shown) in PAYLOADS {
        assert_eq!(inert_line(payload), *shown, "{name}");
        assert_eq!(inert(payload), *shown, "{name}");
        let out = inert(payload);
        assert!(
            !out.chars().any(|c| unsafe_char(c) && c != '\n'),
            "{name}: {out:?}"
        );
    }
}

#[test]
fn newlines_stay_in_text_and_are_escaped_in_fields() {
    assert_eq!(inert("a\nb\r\nc\td"), "a\nb\nc    d");
    assert_eq!(inert_line("u1\nu2\r\n\t"), "u1␊u2␍␊␉");
    assert!(matches!(inert("plain ünïcode 🎉"), Cow::Borrowed(_)));
    assert!(matches!(inert_line("plain"), Cow::Borrowed(_)));
    // A zero-width joiner is not a control: emoji sequences stay whole.
    assert_eq!(inert_line("👩\u{200d}💻"), "👩\u{200d}💻");
}

/// Invisible characters that could hide text from the reader (ASCII smuggled in tag
/// characters, zero-width spaces, a byte-order mark) show as escapes.
#[test]
fn invisible_characters_that_hide_text_show() {
    let smuggled = "ok\u{e0049}\u{e0047}\u{200b}x\u{feff}\u{2060}\u{180e}";
    assert_eq!(
        inert(smuggled),
        "ok\\u{e0049}\\u{e0047}\\u{200b}x\\u{feff}\\u{2060}\\u{180e}"
    );
    assert_eq!(inert_line("a\u{fffa}b"), "a\\u{fffa}b");
    // Characters a terminal draws as nothing, which would make two ids read alike.
    for c in [
        '\u{ad}',
        '\u{34f}',
        '\u{115f}',
        '\u{3164}',
        '\u{ffa0}',
        '\u{2800}',
        '\u{1d173}',
    ] {
        let id = format!("u001{c}");
        assert_eq!(inert_line(&id), format!("u001\\u{{{:x}}}", c as u32));
    }
    // An emoji's variation selector stays in text; an id shows it, quoted.
    assert_eq!(inert_line("I \u{2764}\u{fe0f} it"), "I \u{2764}\u{fe0f} it");
    assert_eq!(shown_id("u001\u{fe0f}"), "u001\\u{fe0f}");
    assert_eq!(shown_id("h1 "), "\"h1 \"");
    assert_eq!(shown_id(" h1"), "\" h1\"");
    assert_eq!(shown_id("h1"), "h1");
    assert_eq!(shown_id(""), "\"\"");
}

/// An id is copied as it is, unless showing it changes it: then as an ANSI-C string bash
/// reads back to the same bytes, in any locale; a shell word likewise.
#[test]
fn an_id_to_copy_names_the_id_exactly() {
    assert_eq!(shell_word("u062"), "u062");
    // Pasted after `ctxlens inspect`, what the id holds never runs, and it stays one argument.
    assert_eq!(shell_word("evil:user one"), "'evil:user one'");
    assert_eq!(shell_word("zx$(touch pwned);id"), "'zx$(touch pwned);id'");
    assert_eq!(shell_word(""), "''");
    assert_eq!(shell_word("zq "), "'zq '");
    assert_eq!(shell_word("xesc\u{1b}]0;T\u{7}"), "$'xesc\\x1b]0;T\\x07'");
    assert_eq!(shell_word("xesc\u{241b}'"), "$'xesc\\xe2\\x90\\x9b\\''");
    assert_eq!(shell_word("u\u{a0}\\"), "$'u\\xc2\\xa0\\\\'");
    assert_eq!(shell_word("pg:u\u{a0}"), "$'pg:u\\xc2\\xa0'");
    let raw = "a\u{1b}[2J\u{202e}b\u{241b}'\\ \u{a0}\u{e0041}";
    for word in [
        shell_word(raw),
        shell_word("zx$(touch pwned);id `x` | y > z *"),
        shell_word("\"zq \"\"\\"),
    ] {
        let raw = match word.as_ref() {
            w if w.starts_with("'zx") => "zx$(touch pwned);id `x` | y > z *",
            w if w.starts_with("'\"") => "\"zq \"\"\\",
            _ => raw,
        };
        assert_eq!(inert_line(&word), word, "holds no control");
        let bash = std::process::Command::new("bash")
            .env("LC_ALL", "C")
            .args(["-c", &format!("printf %s {word}")])
            .output()
            .expect("bash runs");
        assert_eq!(String::from_utf8_lossy(&bash.stdout), raw);
    }
}

/// Two different ids never read alike: what could be taken for an escape is escaped too.
#[test]
fn shown_ids_never_read_alike() {
    let ids = [
        "xesc\u{1b}[31m\u{7}",
        "xesc\u{241b}[31m\u{2407}",
        "xesc\\u{1b}[31m\u{7}",
        "xbidi\u{202e}evil",
        "xbidi\\u{202e}evil",
        "xbidi\\\\u{202e}evil",
        "u019 ",
        "u019\u{a0}",
        "u019\u{2007}",
        "u019\u{202f}",
        "u019\u{3000}",
        "\"u019 \"",
        "\"u019",
        "u019",
        "\"\"",
        "",
        " ",
        "\" \"",
        "a\tb",
        "a\u{2409}b",
        // Joiners and combining marks: `zab` three ways, `zé` composed and decomposed.
        "zab",
        "za\u{200c}b",
        "za\u{200d}b",
        "z\u{e9}",
        "ze\u{301}",
        "zcomb\u{300}",
        "zcomb\u{340}",
    ];
    let shown: Vec<String> = ids.iter().map(|i| shown_id(i).into_owned()).collect();
    for (i, a) in shown.iter().enumerate() {
        assert_eq!(inert_line(a), a.as_str(), "{a} is inert");
        for (j, b) in shown.iter().enumerate().skip(i + 1) {
            assert_ne!(a, b, "{:?} and {:?} read alike", ids[i], ids[j]);
        }
    }
    assert_eq!(shown_id("xesc\u{1b}[31m"), "xesc␛[31m");
    assert_eq!(shown_id("xesc\u{241b}[31m"), "xesc\\u{241b}[31m");
    assert_eq!(shown_id("u\\*"), "u\\\\*");
    assert_eq!(shown_id("u019\u{a0}"), "u019\\u{a0}");
    assert_eq!(shown_id("\"a"), "\"\\\"a\"");
    assert_eq!(shown_id("a\"b"), "a\"b");
    assert_eq!(shown_id("Zoë-日本"), "Zoë-日本");
}

#[test]
fn quoted_values_are_inert_and_end_at_their_closing_quote() {
    assert_eq!(quoted("M\u{1b}[2J9"), "\"M␛[2J9\"");
    // A control's escape has one backslash, as everywhere; a stored backslash is doubled.
    assert_eq!(quoted("M\u{202e}9"), r#""M\u{202e}9""#);
    assert_eq!(quoted("M\\u{202e}9"), r#""M\\u{202e}9""#);
    let q = quoted("a\"b\\");
    assert_eq!(q, r#""a\"b\\""#);
    assert_eq!(
        crate::engine::redact::mask_quoted(&format!("milestone {q} is odd")),
        "milestone \"•\\\"•\\\\\" is odd"
    );
}

#[test]
fn fit_middle_keeps_both_ends_and_the_width() {
    assert_eq!(fit_middle("3f2a9c1e-8d4b#12", 10), "3f2a9…b#12");
    assert_eq!(fit_middle("s1#3", 10), "s1#3");
    assert_eq!(fit_middle("日本語のセッション#7", 9), "日本…ン#7");
    let long = "x".repeat(200_000) + "#9";
    assert_eq!(fit_middle(&long, 8).width(), 8);
}

#[test]
fn pad_counts_display_columns_and_the_empty_id_shows() {
    assert_eq!(pad("☕ tea", 8).width(), 8);
    assert_eq!(pad("tea", 6), "tea   ");
    assert_eq!(pad("longer than", 4), "longer than");
    assert_eq!(shown_id(""), "\"\"");
    assert_eq!(shown_id("u\u{1b}1"), "u␛1");
}

#[test]
fn fit_cuts_after_making_inert() {
    assert_eq!(fit("short", 10), "short");
    assert_eq!(fit("a\u{1b}bcdefgh", 5), "a␛bc…");
    // Never inside an escape: it goes whole, or not at all.
    assert_eq!(fit("xbidi\u{202e}evil", 10), "xbidi…");
    assert_eq!(fit("xbidi\u{202e}evil", 14), "xbidi\\u{202e}…");
    assert_eq!(fit_middle("xbidi\u{202e}evil-and-more", 12), "xbidi…-more");
    assert_eq!(fit_middle("a\u{202e}b-long-tail-id#12", 16), "a…l-id#12");
    assert_eq!(
        fit_middle("a\u{202e}b-long-tail-id#12", 19),
        "a\\u{202e}…ail-id#12"
    );
}

#[test]
fn inert_but_colour_keeps_sgr_and_shows_every_other_escape() {
    let painted = "\x1b[2mfree: layers.sess\x1b[2Jion.weight\x1b[0m \x1b]0;t\x07 \x1b";
    assert_eq!(
        inert_but_colour(painted),
        "\x1b[2mfree: layers.sess␛[2Jion.weight\x1b[0m ␛]0;t␇ ␛"
    );
    assert_eq!(inert_but_colour("plain\u{202e}"), "plain\\u{202e}");
}

#[test]
fn a_cut_never_splits_a_joined_emoji_and_measures_it_as_drawn() {
    let family = "👩\u{200d}👩\u{200d}👧";
    assert_eq!(
        family.width(),
        2,
        "one person-sized cell pair, as terminals draw it"
    );
    let text = format!("emoji 🚀🎉{family} CJK 漢字テスト");
    let cut = fit(&text, 12);
    assert_eq!(cut, "emoji 🚀🎉…");
    assert!(
        fit(&text, 13).ends_with(&format!("{family}…")),
        "{}",
        fit(&text, 13)
    );
    for max in 0..30 {
        let cut = fit(&text, max);
        assert!(cut.width() <= max, "{max}: {cut:?}");
        assert!(
            !cut.contains("\u{200d}…"),
            "{max}: a dangling joiner: {cut:?}"
        );
        let mid = fit_middle(&text, max);
        assert!(mid.width() <= max.max(1), "{max}: {mid:?}");
    }
}

#[test]
fn a_preview_of_more_than_its_line_ends_in_an_ellipsis() {
    assert_eq!(preview(&"line\n".repeat(5000), 20), "line ⏎ line ⏎ line …");
    assert_eq!(preview("\n  only line  \n\n", 40), "only line");
    assert_eq!(
        preview("User: hi?\n\nAssistant: yes", 40),
        "User: hi? ⏎ Assistant: yes"
    );
    assert_eq!(preview("abcdef\nmore", 4), "abc…");
}

/// A value of megabytes on one line is cut from its start alone: the same result as a short
/// one, the ellipsis shown.
#[test]
fn a_huge_line_is_cut_from_its_start() {
    let huge = "word ".repeat(1_000_000);
    assert_eq!(fit(&huge, 12), "word word w…");
    assert_eq!(preview(&huge, 12), "word word w…");
    let escaped = format!("\u{1b}[2J{}", "x".repeat(2_000_000));
    assert_eq!(fit(&escaped, 10), "␛[2Jxxxxx…");
}

/// An id as ctxlens writes it — quoted where lists show it so, as `y` copies it — reads back
/// as exactly that id; anything else is the id as typed.
#[test]
fn an_id_typed_as_written_reads_back() {
    for id in [
        "twin ",
        "",
        "u001",
        "a b",
        "it's",
        "esc\u{1b}]0;pwned\u{7}",
        "nbsp\u{a0}x",
        "back\\slash",
        " \"quoted\" ",
    ] {
        assert_eq!(typed_id(&shell_word(id)).as_deref(), Ok(id), "{id:?}");
        if shown_id(id).starts_with('"') && !id.contains('\\') {
            assert_eq!(typed_id(&shown_id(id)).as_deref(), Ok(id), "{id:?}");
        }
    }
    assert_eq!(typed_id("plain id").as_deref(), Ok("plain id"));
    assert!(typed_id("\"unterminated").is_err());
    assert!(typed_id("$'\\xzz'").is_err());
}

/// A quoted value in a message: whole when short, its start and its length when long, so the
/// sentence around it stays readable (`:user` with a pasted megabyte).
#[test]
fn a_long_quoted_value_is_cut_and_its_length_said() {
    assert_eq!(quoted("u062"), "\"u062\"");
    let long = "é".repeat(3_000);
    let q = quoted(&long);
    assert_eq!(q, format!("\"{}\"… (3,000 characters)", "é".repeat(60)));
    let err = crate::store::StoreError::UserNotFound {
        store: "DEMO".into(),
        user: "x".repeat(5_000),
    };
    let msg = err.to_string();
    assert!(
        msg.len() < 120 && msg.ends_with("(5,000 characters) not found in DEMO"),
        "{msg}"
    );
}

/// A row of wide characters breaks between graphemes: an emoji family (joined by U+200D), a
/// flag and a letter with its accent are never cut in two, at any width.
#[test]
fn wrap_never_cuts_a_grapheme() {
    use unicode_segmentation::UnicodeSegmentation;
    let line = format!(
        "{}👨\u{200d}👩\u{200d}👧\u{200d}👦🇩🇪e\u{301}文字👍🏽終",
        "全角".repeat(3)
    );
    let bounds: Vec<usize> = line.grapheme_indices(true).map(|(i, _)| i).collect();
    for width in 1..=20 {
        for r in wrap(&line, width) {
            assert!(
                (r.start == line.len() || bounds.contains(&r.start))
                    && (r.end == line.len() || bounds.contains(&r.end)),
                "width {width}: {r:?} cuts a grapheme of {line:?}"
            );
        }
    }
}

/// An escape shown for a character (`\u{200d}`) is broken whole to the next row, as a grapheme
/// is, never as `\u{20` here and `0d}` there; one wider than a row is still broken.
#[test]
fn wrap_keeps_an_escape_whole() {
    let line = r"abc\u{200d}de";
    let rows: Vec<&str> = wrap(line, 8).into_iter().map(|r| &line[r]).collect();
    assert_eq!(rows, ["abc", r"\u{200d}", "de"]);
    let narrow: Vec<&str> = wrap(line, 4).into_iter().map(|r| &line[r]).collect();
    assert_eq!(narrow.concat(), line, "nothing lost when it cannot fit");
    assert!(
        narrow
            .iter()
            .all(|r| unicode_width::UnicodeWidthStr::width(*r) <= 4),
        "{narrow:?}"
    );
}
