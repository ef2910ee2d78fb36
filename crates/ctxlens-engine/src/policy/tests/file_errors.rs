//! What is wrong with a policy file or a `--set`, named where it is: the file's line and column,
//! the key, the argument.

use super::*;

/// Two layers fed by one source (`session`), the second written from line 8.
const DUP_SOURCE: &str = "name = \"p\"\n[budget]\ntotal = 100\n[[layers]]\nname=\"a\"\nsource=\"session\"\nweight=0.5\n[[layers]]\nname=\"b\"\nsource=\"session\"\nweight=0.5\n";

#[test]
fn file_errors_name_file_line_and_column() {
    let unknown = "name = \"p\"\nstrategy = \"stop\"\nwieght = 3\n[budget]\ntotal = 10\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=1\n";
    let err = Policy::from_toml(unknown, "p.toml").expect_err("unknown key");
    assert!(
        err.to_string()
            .starts_with("p.toml:3:1: unknown field `wieght`"),
        "{err}"
    );

    let wrong_type = "name = \"p\"\n[budget]\ntotal = \"lots\"\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=1\n";
    let err = Policy::from_toml(wrong_type, "p.toml").expect_err("wrong type");
    assert!(
        err.to_string()
            .starts_with("p.toml:3:9: invalid type: string \"lots\", expected a whole number"),
        "{err}"
    );
    // A count below 0 is said in words, not as Rust's u32.
    let below = "name = \"p\"\n[budget]\ntotal = 100\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=1\ncap = -5\n";
    let err = Policy::from_toml(below, "p.toml").expect_err("negative cap");
    assert!(
        err.to_string().starts_with("p.toml:8:7: ")
            && err
                .to_string()
                .ends_with("expected a whole number from 0 to 4294967295"),
        "{err}"
    );

    let syntax = "name = \"p\n";
    let err = Policy::from_toml(syntax, "p.toml").expect_err("syntax");
    assert_eq!(
        err.to_string(),
        "p.toml:1:10: invalid basic string, expected `\"`"
    );
}

#[test]
fn a_layer_error_is_placed_at_the_layer_it_names() {
    let negative = "name = \"p\"\n[budget]\ntotal = 100\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=-1\n";
    let err = Policy::from_toml(negative, "p.toml").expect_err("negative");
    assert_eq!(
        err.to_string(),
        "p.toml:7:1: layers.s.weight: must be a finite number ≥ 0, got -1"
    );

    // A layer whose name has a dot, beside one named by its first part: the longer name's.
    let dotted = "name = \"p\"\n[budget]\ntotal = 100\n[[layers]]\nname=\"a\"\nsource=\"session\"\nweight=0.5\n[[layers]]\nname=\"a.b\"\nsource=\"journey\"\nweight=-1\n";
    let err = Policy::from_toml(dotted, "p.toml").expect_err("negative");
    assert_eq!(
        err.to_string(),
        "p.toml:11:1: layers.a.b.weight: must be a finite number ≥ 0, got -1"
    );
    // A name used twice: the second use.
    let twice = dotted
        .replace("a.b", "a")
        .replace("weight=-1", "weight=0.5");
    let err = Policy::from_toml(&twice, "p.toml").expect_err("twice");
    assert!(
        err.to_string().starts_with("p.toml:9:1: layers.a: "),
        "{err}"
    );
}

#[test]
fn a_budget_of_no_room_or_a_negative_term_is_refused_at_its_key() {
    let t_le_0 = "name = \"p\"\n[budget]\nmodel_max_tokens = 1000\nexpected_output_tokens = 800\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=1\n";
    let err = Policy::from_toml(t_le_0, "p.toml").expect_err("T <= 0");
    assert_eq!(
        err.to_string(),
        "p.toml:3:1: budget: total budget T = -300 must be > 0 (model_max_tokens 1000 − expected_output_tokens 800 − overhead 500)"
    );

    // A negative term would lift T over the model's window.
    for (line, key, at) in [
        ("overhead = -99999", "budget.overhead", "5:1"),
        (
            "expected_output_tokens = -50",
            "budget.expected_output_tokens",
            "4:1",
        ),
    ] {
        let text = format!(
            "name = \"p\"\n[budget]\nmodel_max_tokens = 8192\nexpected_output_tokens = 100\n{line}\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=1\n"
        )
        .replacen("expected_output_tokens = 100\nexpected_output_tokens", "expected_output_tokens", 1);
        let err = Policy::from_toml(&text, "p.toml").expect_err(line);
        let v = line.rsplit(' ').next().unwrap_or_default();
        assert_eq!(
            err.to_string(),
            format!("p.toml:{at}: {key}: must be a count of tokens ≥ 0, got {v}")
        );
    }
}

#[test]
fn a_blank_name_is_refused_in_a_file_and_by_a_set() {
    // Names show in every header: a blank one is refused (`--set name=` too).
    let blank = "name = \" \"\n[budget]\ntotal = 100\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=1\n";
    let err = Policy::from_toml(blank, "p.toml").expect_err("blank name");
    assert_eq!(err.to_string(), "p.toml:1:1: name: must not be empty");
    let blank_layer = blank
        .replace("name = \" \"", "name = \"p\"")
        .replace("name=\"s\"", "name=\"\"");
    let err = Policy::from_toml(&blank_layer, "p.toml").expect_err("blank layer");
    assert_eq!(
        err.to_string(),
        "p.toml:4:3: layers: a layer's name must not be empty"
    );
    let err = Policy::preset("prolaunch")
        .expect("preset")
        .with_overrides(&["name=".into()])
        .expect_err("--set name=");
    assert!(
        err.to_string().ends_with("name: must not be empty"),
        "{err}"
    );
}

#[test]
fn a_source_feeding_two_layers_names_both() {
    let err = Policy::from_toml(DUP_SOURCE, "p.toml").expect_err("dup source");
    assert_eq!(
        err.to_string(),
        "p.toml:10:1: layers.b.source: source session feeds layers a and b: one layer a source"
    );
    // Made by a --set on the other layer: both layers named, the --set given.
    let err = Policy::preset("prolaunch")
        .expect("preset")
        .with_overrides(&["layers.journey.source=knowledge".into()])
        .expect_err("two layers of one source");
    assert_eq!(
        err.to_string(),
        "--set layers.journey.source=knowledge: layers.knowledge.source: source knowledge feeds \
         layers journey and knowledge: one layer a source"
    );
}

#[test]
fn an_out_of_range_value_and_a_key_written_twice_are_said_in_the_files_words() {
    // A value of the right type out of the key's range, in the file's words; a key written
    // twice named; an integer past 64 bits out of range, not of another type.
    let err = Policy::preset("prolaunch")
        .expect("preset")
        .with_overrides(&["layers.journey.cap=-1".into()])
        .expect_err("cap=-1");
    assert_eq!(
        err.to_string(),
        "--set layers.journey.cap=-1: invalid value: integer `-1`, expected a whole number from 0 to 4294967295"
    );
    let twice = DUP_SOURCE.replace("total = 100\n", "total = 100\ntotal = 200\n");
    let err = Policy::from_toml(&twice, "p.toml").expect_err("twice");
    assert_eq!(err.to_string(), "p.toml:4:1: duplicate key total");
    let huge = DUP_SOURCE.replace("total = 100", "total = 99999999999999999999");
    let err = Policy::from_toml(&huge, "p.toml").expect_err("huge");
    assert!(
        err.to_string()
            .starts_with("p.toml:3:9: 99999999999999999999 is out of range, expected"),
        "{err}"
    );
}
