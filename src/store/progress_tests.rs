//! Progress events read from published payloads.
#[test]
fn progress_is_a_percentage_or_the_message_is_unreadable() {
    let read = |p: &str| {
        let payload =
            format!(r#"{{"milestone":"M2","progress":{p},"timestamp":"2025-01-15T10:00:00Z"}}"#);
        super::parse_progress("u1", payload.as_bytes()).map_err(|e| e.message(""))
    };
    assert_eq!(read("0").map(|e| e.progress), Ok(0.0));
    assert_eq!(read("100").map(|e| e.progress), Ok(100.0));
    assert_eq!(
        read("1e300").map(|e| e.progress),
        Err("progress:u1: progress `1e300` is outside 0–100".into())
    );
    assert_eq!(
        read("-50").map(|e| e.progress),
        Err("progress:u1: progress `-50` is outside 0–100".into())
    );
    assert_eq!(
        read("\"50\"").map(|e| e.progress),
        Err("progress:u1: progress is a string, not a number".into())
    );
}

/// The channel names the user: a payload that names another is nobody's event; one that
/// names the same user (or none, as the seed writes it) is the user's.
#[test]
fn a_payload_naming_another_user_is_nobodys_event() {
    let read = |u: &str| {
        let payload = format!(
            r#"{{"user_id":{u},"milestone":"M2","progress":5,"timestamp":"2025-01-15T10:00:00Z"}}"#
        );
        super::parse_progress("u1", payload.as_bytes())
            .map(|e| e.user_id)
            .map_err(|e| e.message(""))
    };
    assert_eq!(read("\"u1\""), Ok("u1".into()));
    assert_eq!(
        read("\"u2\""),
        Err("progress:u1: payload names user \"u2\", not the channel's: taken as neither's".into())
    );
    // The payload's text, whatever it holds: masked under --redact as quoted values are.
    let said = read("\"my password is hunter2\"").expect_err("another user");
    assert!(
        !crate::engine::redact::mask_quoted(&said).contains("hunter2"),
        "{said}"
    );
    assert_eq!(
        read("7"),
        Err("progress:u1: user_id is a number, not a string".into())
    );
}

/// What is wrong with a message is named: its shape, or the field and what it holds.
#[test]
fn an_unreadable_message_says_what_is_wrong_with_it() {
    let read = |p: &str| {
        super::parse_progress("u1", p.as_bytes())
            .map(|e| e.milestone)
            .map_err(|e| e.message(""))
    };
    assert_eq!(
        read("[1,2]"),
        Err("progress:u1: payload is an array, not an object with milestone, progress and timestamp".into())
    );
    assert_eq!(
        read(r#"{"milestone":12,"progress":50,"timestamp":1}"#),
        Err("progress:u1: milestone is a number, not a string".into())
    );
    assert_eq!(
        read(r#"{"progress":50,"timestamp":1}"#),
        Err("progress:u1: no milestone".into())
    );
}

/// The user stays whole whatever its id holds (`: ` included): it is never read back out of
/// the message.
#[test]
fn an_unreadable_message_keeps_a_user_id_with_a_colon_whole() {
    let bad = super::parse_progress("team: a", b"nope").expect_err("not JSON");
    assert_eq!(bad.user.as_deref(), Some("team: a"));
    assert!(bad.why.starts_with("payload is not JSON: "), "{}", bad.why);
    assert_eq!(bad.message(""), format!("progress:team: a: {}", bad.why));
    // Bytes that are no UTF-8 are said to be that, not JSON with a bad code point.
    let bad = super::parse_progress(
        "u1",
        b"{\"milestone\":\"\xff\xfe\",\"progress\":0.3,\"timestamp\":1}",
    )
    .expect_err("not UTF-8");
    assert_eq!(
        bad.why,
        "payload is not valid UTF-8 (invalid utf-8 sequence of 1 bytes from index 14)"
    );
}

#[test]
fn the_near_miss_floor_reads_as_written() {
    assert_eq!(super::near_miss_floor(0.7), 0.4);
    assert_eq!(super::near_miss_floor(0.75).to_string(), "0.45");
    assert_eq!(super::near_miss_floor(-0.9), -1.2);
}

/// A key twice is no event: JSON readers differ on which one counts, so this one would show a
/// figure another consumer does not.
#[test]
fn a_payload_with_a_key_twice_is_no_event() {
    let read = |p: &str| {
        super::parse_progress("u1", p.as_bytes())
            .map(|e| e.progress)
            .map_err(|e| e.message(""))
    };
    assert_eq!(
        read(r#"{"milestone":"M2","progress":50,"timestamp":"2025-01-15T12:00:00Z","progress":60}"#),
        Err("progress:u1: payload has the key \"progress\" twice: readers differ on which one counts".into())
    );
    // Nested objects may repeat a key of the top level.
    assert_eq!(
        read(
            r#"{"milestone":"M2","progress":50,"timestamp":"2025-01-15T12:00:00Z","meta":{"progress":1}}"#
        ),
        Ok(50.0)
    );
}
