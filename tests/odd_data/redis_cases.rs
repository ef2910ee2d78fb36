//! Odd data in Redis: whole values, list elements and turns, text, the cached context, user ids.

use super::cases::{Case, E, V, W, case};

/// A turn of the good question, newer than the user's good session: a session holding it is read.
const GOOD_TURN: V =
    V::T(r#"{"user":"good question {u}","assistant":"ok","timestamp":"2025-01-15T11:00:00Z"}"#);

macro_rules! turns {
    ($bad:expr) => {
        concat!(
            r#"[{"user":"good question {u}","assistant":"ok","timestamp":"2025-01-15T11:00:00Z"},"#,
            $bad,
            "]"
        )
    };
}

pub const CASES: &[Case] = &[
    // Redis: whole values.
    case(
        "value over the read limit",
        &[W::Set("session:{u}:big", V::Huge)],
        "",
        &[E::Malformed("session:{u}:big", "over the 4 MiB read limit")],
    ),
    case(
        "list element over the read limit",
        &[W::Push("session:{u}:biglist", &[V::Huge])],
        "",
        &[E::Malformed(
            "session:{u}:biglist",
            "over the 4 MiB read limit (read no further)",
        )],
    ),
    case(
        "list of elements over the read limit together",
        &[W::Push("session:{u}:longlist", &[V::Large, V::Large])],
        "",
        &[E::Malformed(
            "session:{u}:longlist",
            "bytes, over the 4 MiB read limit",
        )],
    ),
    case(
        "string value not UTF-8",
        &[W::Set("session:{u}:bin", V::B(b"[\"\xff\xfe\"]"))],
        "",
        &[E::Malformed("session:{u}:bin", "value is not valid UTF-8")],
    ),
    case(
        "list element not UTF-8",
        &[W::Push(
            "session:{u}:l",
            &[GOOD_TURN, V::B(b"{\"user\":\"\xc3\x28\"}")],
        )],
        "",
        &[E::Malformed(
            "session:{u}:l[1]",
            "element is not valid UTF-8",
        )],
    ),
    case(
        "hash where a session should be",
        &[W::Hash("session:{u}:h")],
        "",
        &[E::Malformed(
            "session:{u}:h",
            "key holds a Redis hash, not a string or a list",
        )],
    ),
    case(
        "set where a session should be",
        &[W::Members("session:{u}:s")],
        "",
        &[E::Malformed("session:{u}:s", "key holds a Redis set")],
    ),
    case(
        "sorted set where a session should be",
        &[W::Sorted("session:{u}:z")],
        "",
        &[E::Malformed("session:{u}:z", "key holds a Redis zset")],
    ),
    case(
        "stream where a session should be",
        &[W::Stream("session:{u}:x")],
        "",
        &[E::Malformed("session:{u}:x", "key holds a Redis stream")],
    ),
    case(
        "JSON object, not an array",
        &[W::Set(
            "session:{u}:o",
            V::T(r#"{"user":"hi","assistant":"yo"}"#),
        )],
        "",
        &[E::Malformed(
            "session:{u}:o",
            "expected a JSON array of turns, found an object",
        )],
    ),
    case(
        "JSON scalar, not an array",
        &[W::Set("session:{u}:n", V::T("42"))],
        "",
        &[E::Malformed(
            "session:{u}:n",
            "expected a JSON array of turns, found a number",
        )],
    ),
    case(
        "empty session array",
        &[W::Set("session:{u}:e", V::T("[]"))],
        "",
        &[E::Session("session:{u}:e", 0)],
    ),
    case(
        "empty string value",
        &[W::Set("session:{u}:e", V::T(""))],
        "",
        &[E::Malformed(
            "session:{u}:e",
            "value is not JSON: EOF while parsing",
        )],
    ),
    case(
        "whitespace-only value",
        &[W::Set("session:{u}:w", V::T(" \n\t "))],
        "",
        &[E::Malformed(
            "session:{u}:w",
            "value is not JSON: EOF while parsing",
        )],
    ),
    case(
        "JSON 10,000 levels deep",
        &[W::Set("session:{u}:d", V::Deep)],
        "",
        // The array's one element is what is too deep: a malformed turn, counted on its
        // session's line (the session with the user's good turn is the one read).
        &[E::SessionMalformed("session:{u}:d", 1)],
    ),
    case(
        "raw NUL byte in a value",
        &[W::Set("session:{u}:nul", V::B(b"[{\"user\":\"a\x00b\"}]"))],
        "",
        &[E::SessionMalformed("session:{u}:nul", 1)],
    ),
    // Redis: list elements and turns.
    case(
        "list element 10,000 levels deep",
        &[W::Push("session:{u}:l", &[GOOD_TURN, V::Deep])],
        "",
        &[E::Malformed(
            "session:{u}:l[1]",
            "element is JSON nested deeper than the 127 levels ctxlens reads",
        )],
    ),
    case(
        "bad entries in sessions that are not read",
        &[
            W::Push(
                "session:{u}:old",
                &[
                    V::T(r#"{"user":"old","assistant":"ok","timestamp":"2025-01-10T10:00:00Z"}"#),
                    V::T("{oops"),
                    V::T("7"),
                ],
            ),
            W::Set("session:{u}:older", V::T("not json at all")),
        ],
        "",
        &[
            E::Session("session:{u}:old", 1),
            E::SessionMalformed("session:{u}:old", 2),
            E::SessionMalformed("session:{u}:older", 1),
            E::SessionMalformed("session:{u}:good", 0),
        ],
    ),
    case(
        "list element not JSON",
        &[W::Push("session:{u}:l", &[GOOD_TURN, V::T("{oops")])],
        "",
        &[E::Malformed(
            "session:{u}:l[1]",
            "element is not JSON: key must be a string",
        )],
    ),
    case(
        "a JSON string in the session array",
        &[W::Set("session:{u}:a", V::T(turns!(r#""hello there""#)))],
        "",
        &[E::Malformed(
            "session:{u}:a[1]",
            "expected a JSON object, found a string",
        )],
    ),
    case(
        "list element JSON-encoded twice",
        &[W::Push(
            "session:{u}:l",
            &[
                GOOD_TURN,
                V::T(r#""{\"user\":\"x\",\"assistant\":\"y\",\"timestamp\":1}""#),
            ],
        )],
        "",
        &[E::Malformed(
            "session:{u}:l[1]",
            "found a string (JSON encoded twice?)",
        )],
    ),
    case(
        "number past f64 in a list element",
        &[W::Push(
            "session:{u}:l",
            &[
                GOOD_TURN,
                V::T(r#"{"user":"x","assistant":"y","timestamp":1e999}"#),
            ],
        )],
        "",
        &[E::Malformed(
            "session:{u}:l[1]",
            "element is not JSON: number out of range",
        )],
    ),
    case(
        "NaN literal in a list element",
        &[W::Push(
            "session:{u}:l",
            &[
                GOOD_TURN,
                V::T(r#"{"user":"x","assistant":"y","timestamp":NaN}"#),
            ],
        )],
        "",
        &[E::Malformed(
            "session:{u}:l[1]",
            "element is not JSON: expected value",
        )],
    ),
    case(
        "turn missing a field",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(r#"{"user":"x","timestamp":1}"#)),
        )],
        "",
        &[E::Malformed(
            "session:{u}:t[1]",
            "missing field `assistant`",
        )],
    ),
    case(
        "turn with wrong types",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(r#"{"user":42,"assistant":["y"],"timestamp":1}"#)),
        )],
        "",
        &[E::Malformed(
            "session:{u}:t[1]",
            "field `user` must be a string, found a number",
        )],
    ),
    case(
        "role not user, assistant or system",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(r#"{"role":"bot","content":"x","timestamp":1}"#)),
        )],
        "",
        &[E::Malformed(
            "session:{u}:t[1]",
            "field `role` must be user, assistant or system, found \"bot\"",
        )],
    ),
    case(
        "timestamp string not RFC 3339",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(
                r#"{"user":"x","assistant":"y","timestamp":"15/01/2025 11:00"}"#
            )),
        )],
        "",
        &[E::Malformed(
            "session:{u}:t[1]",
            "is neither RFC 3339 nor epoch seconds",
        )],
    ),
    case(
        "epoch seconds out of range",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(r#"{"user":"x","assistant":"y","timestamp":1e15}"#)),
        )],
        "",
        &[E::Malformed(
            "session:{u}:t[1]",
            "epoch seconds `1000000000000000` is after 9999-12-31 (milliseconds where seconds belong?)",
        )],
    ),
    case(
        "negative huge epoch float",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(
                r#"{"user":"x","assistant":"y","timestamp":-1.5e300}"#
            )),
        )],
        "",
        &[E::Malformed("session:{u}:t[1]", "out of range")],
    ),
    case(
        "turn dated in the year 9999",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(
                r#"{"user":"x","assistant":"y","timestamp":"9999-12-31T23:59:59Z"}"#
            )),
        )],
        "",
        &[E::Finding(
            "future_timestamp",
            "session:{u}:t",
            "1 turn dated after now",
        )],
    ),
    case(
        "timestamp of another type",
        &[W::Set(
            "session:{u}:t",
            V::T(turns!(r#"{"user":"x","assistant":"y","timestamp":true}"#)),
        )],
        "",
        &[E::Malformed(
            "session:{u}:t[1]",
            "expected a string or number, found a boolean",
        )],
    ),
    // Redis: text that must come through as data.
    case(
        "escaped NUL in a turn",
        &[W::Set(
            "session:{u}:t",
            V::T(
                r#"[{"user":"good question {u}","assistant":"a\u0000b","timestamp":"2025-01-15T11:00:00Z"}]"#,
            ),
        )],
        "",
        &[E::Text("a\u{0}b")],
    ),
    case(
        "escape sequences in a turn",
        &[W::Set(
            "session:{u}:t",
            V::T(
                r#"[{"user":"good question {u}","assistant":"\u001b[31mred\u001b[0m\u001b]0;title\u0007","timestamp":"2025-01-15T11:00:00Z"}]"#,
            ),
        )],
        "",
        &[E::Text("\u{1b}[31mred\u{1b}[0m\u{1b}]0;title\u{7}")],
    ),
    case(
        "bidi controls in a turn",
        &[W::Set(
            "session:{u}:t",
            V::T(
                r#"[{"user":"good question {u}","assistant":"\u202eevil\u202c \u2066x\u2069","timestamp":"2025-01-15T11:00:00Z"}]"#,
            ),
        )],
        "",
        &[E::Text("\u{202e}evil\u{202c} \u{2066}x\u{2069}")],
    ),
    // Redis: the cached context.
    case(
        "cached context not JSON",
        &[W::Set("context:{u}:{m}", V::T("not json"))],
        "",
        &[
            E::Malformed(
                "context:{u}:{m}",
                "cached context is not JSON: expected ident",
            ),
            // Its TTL was read all the same: stored without one, said as for a readable one.
            E::Finding("no_ttl", "context:{u}:{m}", "cached context has no TTL"),
        ],
    ),
    case(
        "cached context not an object",
        &[W::Set("context:{u}:{m}", V::T("[1,2]"))],
        "",
        &[E::Finding("cache_unreadable", "context:{u}:{m}", "")],
    ),
    case(
        "cached context 10,000 levels deep",
        &[W::Set("context:{u}:{m}", V::Deep)],
        "",
        &[E::Malformed(
            "context:{u}:{m}",
            "cached context is JSON nested deeper than the 127 levels ctxlens reads",
        )],
    ),
    case(
        "cached context a list",
        &[W::Push("context:{u}:{m}", &[V::T("{}")])],
        "",
        &[E::Malformed(
            "context:{u}:{m}",
            "key holds a Redis list, not a string",
        )],
    ),
    // Redis: user ids.
    Case {
        user: "{c}:x:y",
        ..case(
            "user id with colons",
            &[],
            "",
            &[E::Session("session:{u}:good", 1)],
        )
    },
    Case {
        user: "{c}*",
        ..case(
            "user id with a star",
            &[W::Set("session:{c}X:good", V::T("[]"))],
            "",
            &[
                E::Session("session:{u}:good", 1),
                E::NoSession("session:{c}X:good"),
            ],
        )
    },
    Case {
        user: "{c}?",
        ..case(
            "user id with a question mark",
            &[W::Set("session:{c}Z:good", V::T("[]"))],
            "",
            &[
                E::Session("session:{u}:good", 1),
                E::NoSession("session:{c}Z:good"),
            ],
        )
    },
    Case {
        user: "{c}[ab]",
        ..case(
            "user id with brackets",
            &[W::Set("session:{c}a:good", V::T("[]"))],
            "",
            &[
                E::Session("session:{u}:good", 1),
                E::NoSession("session:{c}a:good"),
            ],
        )
    },
    case(
        "a key two users could own",
        &[W::Set("session:{u}:k:s1", V::T("[]"))],
        "INSERT INTO user_journeys (user_id, current_milestone) VALUES ('{u}:k', '{m}');",
        &[
            E::Finding(
                "ambiguous_key",
                "session:{u}:k:s1",
                "could belong to {u} or {u}:k",
            ),
            E::NoSession("session:{u}:k:s1"),
        ],
    ),
];
