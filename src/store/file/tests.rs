use super::*;

#[test]
fn a_byte_order_mark_is_not_part_of_the_json() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/data/snapshot-u1.json")).expect("reads");
    let dir = tempfile::tempdir().expect("tempdir");
    let bom = dir.path().join("bom.json");
    std::fs::write(&bom, format!("\u{feff}{text}")).expect("writes");
    let plain = Snapshot::from_json(&text).expect("parses");
    assert_eq!(read_snapshot(&bom).expect("reads with a BOM"), plain);
}

#[test]
fn an_empty_file_is_named_at_line_1_column_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = read_snapshot(&write(dir.path(), "empty.json", "")).expect_err("empty");
    assert!(err.contains("empty.json:1:1: "), "{err}");
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin.json");
    std::fs::write(&bin, b"{\n  \"user_id\": \"u\xff1\"\n}").expect("writes");
    let err = read_snapshot(&bin).expect_err("not UTF-8");
    assert!(
        err.ends_with("bin.json:2:16: not UTF-8 (byte 0xFF): not a snapshot file"),
        "{err}"
    );
}

#[test]
fn an_id_twice_in_a_file_is_read_once_and_the_copies_are_malformed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("fixtures/diff/u005-after.json")).expect("reads");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let first = v["journey"][0].clone();
    let id = first["id"].as_str().expect("id").to_string();
    let rows = v["journey"].as_array_mut().expect("journey");
    let before = rows.len();
    rows.push(first.clone());
    rows.push(first);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("twice.json");
    std::fs::write(&path, v.to_string()).expect("writes");
    let snap = read_snapshot(&path).expect("reads");
    assert_eq!(snap.journey.len(), before);
    let copies: Vec<&str> = snap.malformed.iter().map(|m| m.source.as_str()).collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert_eq!(
        copies,
        [
            format!("twice.json journey (copy 2 of 3 of {id})"),
            format!("twice.json journey (copy 3 of 3 of {id})")
        ]
    );
    assert_eq!(snap.malformed[0].id.as_deref(), Some(id.as_str()));
    assert!(
        snap.malformed[0].reason.contains("this copy is not read"),
        "{}",
        snap.malformed[0].reason
    );
}

fn fixture() -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/data/snapshot-u1.json")).expect("reads");
    serde_json::from_str(&text).expect("json")
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes");
    path
}

/// A row's JSON as deep as the stores read it (127 levels) sits three levels down in a
/// file: the file reads back; a file nested past 256 levels is refused naming where.
#[test]
fn a_file_holding_a_row_as_deep_as_the_stores_read_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = fixture();
    let deep = format!("{}\"leaf\"{}", "{\"k\":".repeat(127), "}".repeat(127));
    v["journey"][0]["data"] = serde_json::json!({});
    let text = v
        .to_string()
        .replacen("\"data\":{}", &format!("\"data\":{deep}"), 1);
    let snap = read_snapshot(&write(dir.path(), "deep.json", &text)).expect("reads");
    assert_eq!(
        snap.journey.len(),
        v["journey"].as_array().expect("rows").len()
    );
    let mut depth = 0;
    let mut at = &snap.journey[0].data;
    while let Some(next) = at.get("k") {
        depth += 1;
        at = next;
    }
    assert_eq!(depth, 127);
    let too = format!("{{\n\"user_id\": {}{}", "[".repeat(300), "]".repeat(300));
    let err = read_snapshot(&write(dir.path(), "too.json", &too)).expect_err("too deep");
    assert!(
        err.ends_with("too.json:2:267: JSON nested deeper than 256 levels: not read"),
        "{err}"
    );
}

/// A journey row or knowledge hit that cannot be read is one malformed item naming the file,
/// the list, its place and id and the field; the rest of the file replays.
#[test]
fn an_item_that_cannot_be_read_is_one_malformed_item_naming_its_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = fixture();
    let rows = v["journey"].as_array().expect("rows").len();
    let id = v["journey"][1]["id"].as_str().expect("id").to_string();
    v["journey"][1]["timestamp"] = "2025-01-10T10:00:00+25:00".into();
    v["knowledge"][0]["similarity"] = "NaN".into();
    let hits = v["knowledge"].as_array().expect("hits").len();
    let snap = read_snapshot(&write(dir.path(), "odd.json", &v.to_string())).expect("reads");
    assert_eq!(snap.journey.len(), rows - 1);
    assert_eq!(snap.knowledge.len(), hits - 1);
    let bad: Vec<(&str, &str)> = snap
        .malformed
        .iter()
        .map(|m| (m.source.as_str(), m.reason.as_str()))
        .collect();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert_eq!(bad[0].0, format!("odd.json journey[1] ({id})"));
    assert!(bad[0].1.starts_with("timestamp: "), "{bad:?}");
    assert!(
        bad[1].0.starts_with("odd.json knowledge[0] (kn:"),
        "{bad:?}"
    );
    assert!(
        bad[1]
            .1
            .starts_with("similarity: invalid type: string \"NaN\""),
        "{bad:?}"
    );
    assert_eq!(snap.malformed[0].id.as_deref(), Some(id.as_str()));
    // What is wrong elsewhere still fails the file, with its line and column.
    v["now"] = "soon".into();
    let err = read_snapshot(&write(dir.path(), "odd.json", &v.to_string())).expect_err("now");
    assert!(err.starts_with("snapshot "), "{err}");
    assert!(err.contains("odd.json:1:"), "{err}");
}

/// A number no `f64` holds (`1e999`, valid JSON) in one hit, or in one journey row's data,
/// is that item's fault: it is a malformed item naming the field, and the rest replays.
#[test]
fn a_number_out_of_range_is_its_items_fault() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = fixture();
    let rows = v["journey"].as_array().expect("rows").len();
    let hits = v["knowledge"].as_array().expect("hits").len();
    v["knowledge"][0]["similarity"] = "HUGE".into();
    v["journey"][0]["data"] = serde_json::json!({"score": "HUGE"});
    let text = v.to_string().replace("\"HUGE\"", "1e999");
    let snap = read_snapshot(&write(dir.path(), "huge.json", &text)).expect("reads");
    assert_eq!(
        (snap.journey.len(), snap.knowledge.len()),
        (rows - 1, hits - 1)
    );
    let bad: Vec<(&str, &str)> = snap
        .malformed
        .iter()
        .map(|m| (m.source.split(' ').nth(1).unwrap_or(""), m.reason.as_str()))
        .collect();
    assert_eq!(
        bad,
        [
            ("journey[0]", "data.score: number out of range"),
            ("knowledge[0]", "similarity: number out of range")
        ]
    );
    // The same number outside any row still fails the file, naming line and column.
    let mut w = fixture();
    w["now"] = "HUGE".into();
    let top = w.to_string().replace("\"HUGE\"", "1e999");
    let err = read_snapshot(&write(dir.path(), "top.json", &top)).expect_err("not an item's");
    assert!(err.contains("top.json:1:"), "{err}");
}

/// A hand-edited file's rows of an unexpected shape get the notes the stores give them
/// (so the same findings), and a note the file already holds for a row is not repeated.
#[test]
fn a_files_odd_rows_are_noted_as_the_stores_note_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = fixture();
    v["journey"][2]["milestone"] = serde_json::Value::Null;
    v["journey"][3]["data"]["to"] = 7.into();
    let snap = read_snapshot(&write(dir.path(), "odd.json", &v.to_string())).expect("reads");
    let notes: Vec<(&str, &str)> = snap
        .notes
        .iter()
        .map(|n| (n.source.as_str(), n.message.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                "odd.json journey (mb:3)",
                "milestone_data row without a milestone: it contributes to no milestone"
            ),
            (
                "odd.json journey (mb:4)",
                "transition data's `to` is a number, not a milestone id"
            ),
        ]
    );
    // Written from the stores, the note names the row as they do, and is read once.
    v["notes"] = serde_json::json!([{
        "kind": "unexpected_shape",
        "source": "memory_bank id=3",
        "message": "milestone_data row without a milestone: it contributes to no milestone"
    }]);
    let snap = read_snapshot(&write(dir.path(), "odd.json", &v.to_string())).expect("reads");
    let sources: Vec<&str> = snap.notes.iter().map(|n| n.source.as_str()).collect();
    assert_eq!(sources, ["memory_bank id=3", "odd.json journey (mb:4)"]);
}

/// A journey row with a knowledge id, a hit with a turn's id: each a malformed item naming
/// the file, the list, its place and id; the rest replays, and nothing is taken for another.
#[test]
fn an_id_of_another_lists_shape_is_malformed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = fixture();
    let rows = v["journey"].as_array().expect("rows").len();
    let hits = v["knowledge"].as_array().expect("hits").len();
    v["journey"][1]["id"] = "kn:57".into();
    v["knowledge"][0]["id"] = "s2#7".into();
    // Another spelling of a row's number is no id either.
    v["journey"][2]["id"] = "mb:03".into();
    v["knowledge"][1]["id"] = "kn:1e3".into();
    let snap = read_snapshot(&write(dir.path(), "mixed.json", &v.to_string())).expect("reads");
    assert_eq!(
        (snap.journey.len(), snap.knowledge.len()),
        (rows - 2, hits - 2)
    );
    let bad: Vec<&str> = snap.malformed.iter().map(|m| m.source.as_str()).collect();
    assert_eq!(
        bad,
        [
            "mixed.json journey[1] (kn:57)",
            "mixed.json journey[2] (mb:03)",
            "mixed.json knowledge[0] (s2#7)",
            "mixed.json knowledge[1] (kn:1e3)"
        ]
    );
    assert!(
        snap.malformed[0]
            .reason
            .starts_with("a journey id is mb:N, N a row")
    );
}

/// Read item by item, a row with an id of another list's shape is named by its place in
/// the file, not by its place among the rows that were read.
#[test]
fn an_id_of_another_shape_is_named_by_its_place_in_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = fixture();
    v["journey"][1]["timestamp"] = "not a time".into();
    v["journey"][3]["id"] = "kn:57".into();
    let snap = read_snapshot(&write(dir.path(), "both.json", &v.to_string())).expect("reads");
    let bad: Vec<&str> = snap.malformed.iter().map(|m| m.source.as_str()).collect();
    assert!(bad.contains(&"both.json journey[3] (kn:57)"), "{bad:?}");
}

/// A recorded search whose least similarity is no similarity is taken as not recorded,
/// with a note naming the file and the value (short, however many digits it has).
#[test]
fn a_search_recorded_out_of_range_is_taken_as_not_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (v, shown) in [(-1e308, "-1e308"), (1.5, "1.5")] {
        let mut json = fixture();
        json["knowledge_search"] =
            serde_json::json!({"min_similarity": v, "limit": 15, "milestone_only": true});
        let snap = read_snapshot(&write(dir.path(), "ks.json", &json.to_string())).expect("reads");
        assert_eq!(snap.knowledge_search, None);
        let note = snap
            .notes
            .iter()
            .find(|n| n.source == "ks.json knowledge_search")
            .expect("a note");
        assert!(
            note.message
                .starts_with(&format!("min_similarity {shown} is not a similarity")),
            "{}",
            note.message
        );
    }
}

/// The notes of `snap` about fields no snapshot has.
fn unknown_fields(snap: &Snapshot) -> Vec<String> {
    snap.notes
        .iter()
        .filter(|n| n.kind == crate::engine::snapshot::NoteKind::UnknownField)
        .map(|n| format!("{}: {}", n.source, n.message))
        .collect()
}

/// A field no snapshot has is read past (SPEC §4 lets another writer add fields), but never
/// unseen: a misspelt `knowledge` would leave the hits empty, so each such field is a finding
/// naming the file and the field, quoted as data (of many items once, with how many), the
/// top-level one with the field it may have meant unless the file has that one too; a file
/// ctxlens writes has none.
#[test]
fn fields_no_snapshot_has_are_read_past_and_noted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clean =
        read_snapshot(&write(dir.path(), "clean.json", &fixture().to_string())).expect("reads");
    assert_eq!(unknown_fields(&clean), Vec::<String>::new());
    let mut v = fixture();
    let hits = v
        .as_object_mut()
        .and_then(|o| o.remove("knowledge"))
        .expect("hits");
    assert!(hits.as_array().is_some_and(|h| h.len() > 1), "hits: {hits}");
    v["knowledgeX"] = hits;
    v["Call Jane 555-0199"] = serde_json::json!(1);
    // Near the name of a field the file has: another writer's field, no guess.
    v["sessions"] = serde_json::json!([]);
    for row in v["journey"].as_array_mut().expect("journey") {
        row["bogus"] = serde_json::json!(true);
    }
    v["knowledge_search"] = serde_json::json!({"min_similarity": 0.4, "limit": 15, "oops": 1});
    let snap = read_snapshot(&write(dir.path(), "typo.json", &v.to_string())).expect("reads");
    assert!(snap.knowledge.is_empty(), "the misspelt list is not read");
    let rows = v["journey"].as_array().map_or(0, Vec::len);
    let said = unknown_fields(&snap);
    let tail = "no snapshot field (SPEC §4), read past as another writer's addition";
    for want in [
        format!("typo.json: \"knowledgeX\": {tail}; did you mean knowledge?"),
        format!("typo.json: journey[].\"bogus\", in {rows} items: {tail}"),
        format!("typo.json: knowledge_search.\"oops\": {tail}"),
        format!("typo.json: \"Call Jane 555-0199\": {tail}"),
        format!("typo.json: \"sessions\": {tail}"),
    ] {
        assert!(said.contains(&want), "{want}\n{said:#?}");
    }
    assert_eq!(said.len(), 5, "{said:#?}");
    // A file with an item that cannot be read (read item by item) still notes every field.
    let mut broken = v.clone();
    broken["journey"][0]["timestamp"] = serde_json::json!("not a time");
    let snap =
        read_snapshot(&write(dir.path(), "broken.json", &broken.to_string())).expect("reads");
    assert_eq!(snap.malformed.len(), 1, "{:?}", snap.malformed);
    assert_eq!(
        unknown_fields(&snap).len(),
        5,
        "{:#?}",
        unknown_fields(&snap)
    );
    // A bare number no f64 holds as a row (read as malformed) before the misspelt field.
    let text = broken.to_string();
    assert!(
        text.find("\"journey\"") < text.find("\"knowledgeX\""),
        "journey first"
    );
    let huge = text.replacen("\"journey\":[", "\"journey\":[1e999,", 1);
    let snap = read_snapshot(&write(dir.path(), "huge.json", &huge)).expect("reads");
    assert_eq!(snap.malformed.len(), 2, "{:?}", snap.malformed);
    assert_eq!(
        unknown_fields(&snap).len(),
        5,
        "{:#?}",
        unknown_fields(&snap)
    );
}

/// A hostile file's unknown fields cost what the notes show: a great many distinct fields
/// name the first and count the rest, a field met many times is one note, and a key of a
/// megabyte is shown cut.
#[test]
fn a_great_many_unknown_fields_name_a_few_and_count_the_rest() {
    use super::unknown::UNKNOWN_NAMED;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = fixture();
    for i in 0..500 {
        v[format!("extra_{i}")] = serde_json::json!(i);
    }
    v["k".repeat(1 << 20)] = serde_json::json!(0);
    let snap = read_snapshot(&write(dir.path(), "many.json", &v.to_string())).expect("reads");
    let said = unknown_fields(&snap);
    assert_eq!(said.len(), UNKNOWN_NAMED + 1, "{said:#?}");
    assert_eq!(
        said.last().map(String::as_str),
        Some(
            format!(
                "many.json: and {} more occurrences of fields no snapshot has, not named here, read past",
                501 - UNKNOWN_NAMED
            )
            .as_str()
        )
    );
    assert!(said.iter().all(|n| n.len() < 300), "{said:#?}");
    // A row holding an unknown key three times is one row.
    let mut v = fixture();
    let text = v.to_string().replacen(
        "\"journey\":[{",
        "\"journey\":[{\"bogus\":1,\"bogus\":2,\"bogus\":3,",
        1,
    );
    v = serde_json::from_str(&text).expect("json");
    assert!(v["journey"][0].get("bogus").is_some(), "{text}");
    let snap = read_snapshot(&write(dir.path(), "thrice.json", &text)).expect("reads");
    assert_eq!(
        unknown_fields(&snap),
        vec!["thrice.json: journey[].\"bogus\": no snapshot field (SPEC §4), read past as another writer's addition".to_string()]
    );
    // The same field in every item, and twice in an object: one note.
    let mut v = fixture();
    let text = v.to_string();
    let twice = text.replacen("{", "{\"dup\":1,\"dup\":2,", 1);
    v = serde_json::from_str(&twice).expect("json");
    assert!(v.get("dup").is_some());
    let snap = read_snapshot(&write(dir.path(), "dup.json", &twice)).expect("reads");
    assert_eq!(
        unknown_fields(&snap),
        vec!["dup.json: \"dup\": no snapshot field (SPEC §4), read past as another writer's addition".to_string()]
    );
}

/// A field of the wrong type outside the journey and knowledge lists fails the file: the error
/// names the field by its place in the file (`notes[0]`) and says what JSON was expected, not
/// the name of a type in ctxlens's code.
#[test]
fn a_field_of_the_wrong_type_is_named_by_its_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "notes",
            serde_json::json!(["x"]),
            "notes[0]: invalid type: string \"x\", expected an object",
        ),
        (
            "knowledge_search",
            serde_json::json!([1]),
            "knowledge_search: invalid length 1, expected an object",
        ),
        (
            "current_milestone",
            serde_json::json!(5),
            "current_milestone: invalid type: integer `5`, expected a string",
        ),
        // A whole number past the field's range is read by serde as a float: said as too large.
        (
            "knowledge_search",
            serde_json::json!({"min_similarity": 0.5, "limit": 1e20, "milestone_only": false}),
            "knowledge_search.limit: a number too large, expected a whole number ≥ 0",
        ),
        (
            "knowledge_search",
            serde_json::json!({"min_similarity": 0.5, "limit": -3, "milestone_only": false}),
            "knowledge_search.limit: invalid value: integer `-3`, expected a whole number ≥ 0",
        ),
        (
            "knowledge_search",
            serde_json::json!({"min_similarity": 0.5, "limit": 2.5, "milestone_only": false}),
            "knowledge_search.limit: invalid type: floating point `2.5`, expected a whole number ≥ 0",
        ),
    ];
    for (field, value, said) in cases {
        let mut v = fixture();
        v[field] = value;
        let path = write(dir.path(), "wrong.json", &v.to_string());
        let err = read_snapshot(&path).expect_err(field);
        assert!(
            err.starts_with("snapshot ") && err.contains("wrong.json:1:"),
            "{err}"
        );
        assert!(err.ends_with(said), "{field}: {err}");
        assert!(!err.contains("struct"), "{err}");
    }
}
