//! The odd-data corpus as data: each case writes one user's odd keys and rows and says what
//! `inspect --json` must report. Templates: `{u}` the user id, `{c}` the case's tag, `{m}` its
//! milestone, `{id}`/`{id2}` its row ids, `{good}` its good knowledge embedding, `{zeros}`,
//! `{tiny}`, `{denormal}`, `{huge}` 384-dimension vectors.

/// A value written to Redis.
#[derive(Debug, Clone, Copy)]
pub enum V {
    /// Text, templated.
    T(&'static str),
    /// Raw bytes, as they are.
    B(&'static [u8]),
    /// A JSON array of 10 MB (over the 4 MiB read limit).
    Huge,
    /// `[[[…]]]`, 10,000 deep.
    Deep,
}

/// A Redis write.
#[derive(Debug, Clone, Copy)]
pub enum W {
    Set(&'static str, V),
    Push(&'static str, &'static [V]),
    /// A hash, a set, a sorted set or a stream at the key.
    Hash(&'static str),
    Members(&'static str),
    Sorted(&'static str),
    Stream(&'static str),
}

/// What `inspect USER --json` must show.
#[derive(Debug, Clone, Copy)]
pub enum E {
    /// A malformed item of this source whose reason contains this.
    Malformed(&'static str, &'static str),
    /// A finding of this kind and source whose message contains this.
    Finding(&'static str, &'static str, &'static str),
    /// An assembly item whose text contains this.
    Text(&'static str),
    /// A session key with this many readable turns.
    Session(&'static str, u64),
    /// No session of this key.
    NoSession(&'static str),
    /// An assembly item of this id.
    Item(&'static str),
    /// The string at this JSON pointer contains this.
    Json(&'static str, &'static str),
}

/// Which knowledge table the case reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `knowledge`, `vector(384)`, with `ctxlens migrate`'s indexes.
    Typed,
    /// `articles`: the same rows in an untyped `vector` column (`[stores.tables]`).
    Untyped,
}

#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub name: &'static str,
    /// The user id, templated (`{c}` is the tag).
    pub user: &'static str,
    pub redis: &'static [W],
    /// SQL after the user's good rows, templated.
    pub sql: &'static str,
    pub expect: &'static [E],
    pub table: Table,
    /// Whether the user's good knowledge row must be among the hits (not when the case takes the
    /// user's current milestone away, which the search filters on).
    pub knowledge: bool,
}

const fn case(
    name: &'static str,
    redis: &'static [W],
    sql: &'static str,
    expect: &'static [E],
) -> Case {
    Case {
        name,
        user: "{c}",
        redis,
        sql,
        expect,
        table: Table::Typed,
        knowledge: true,
    }
}

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
        &[E::Malformed(
            "session:{u}:d",
            "value is not JSON: recursion limit exceeded",
        )],
    ),
    case(
        "raw NUL byte in a value",
        &[W::Set("session:{u}:nul", V::B(b"[{\"user\":\"a\x00b\"}]"))],
        "",
        &[E::Malformed(
            "session:{u}:nul",
            "value is not JSON: control character",
        )],
    ),
    // Redis: list elements and turns.
    case(
        "list element 10,000 levels deep",
        &[W::Push("session:{u}:l", &[GOOD_TURN, V::Deep])],
        "",
        &[E::Malformed(
            "session:{u}:l[1]",
            "element is not JSON: recursion limit exceeded",
        )],
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
            "epoch seconds 1000000000000000 out of range",
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
        &[E::Malformed(
            "context:{u}:{m}",
            "cached context is not JSON: expected ident",
        )],
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
            "cached context is not JSON: recursion limit exceeded",
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
    // Postgres: timestamps chrono cannot hold.
    case(
        "memory_bank created_at infinity",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', '{m}', '{\"s\": 1}', 'infinity');",
        &[
            E::Finding(
                "timestamp_out_of_range",
                "memory_bank id={id}",
                "created_at is infinity",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "memory_bank created_at -infinity",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', '{m}', '{}', '-infinity');",
        &[
            E::Finding(
                "timestamp_out_of_range",
                "memory_bank id={id}",
                "created_at is -infinity",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "memory_bank created_at in year 294276",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', '{m}', '{}', '294276-12-31 00:00:00+00');",
        &[
            E::Finding(
                "timestamp_out_of_range",
                "memory_bank id={id}",
                "created_at is 294276-12-31T00:00:00Z, outside the range ctxlens reads",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "knowledge created_at infinity",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding, created_at) VALUES ({id}, '{m}', 't', 'c', '{good}', 'infinity');",
        &[
            E::Finding(
                "timestamp_out_of_range",
                "knowledge id={id}",
                "created_at is infinity",
            ),
            E::Item("kn:{id}"),
        ],
    ),
    case(
        "knowledge created_at -infinity",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding, created_at) VALUES ({id}, '{m}', 't', 'c', '{good}', '-infinity');",
        &[
            E::Finding(
                "timestamp_out_of_range",
                "knowledge id={id}",
                "created_at is -infinity",
            ),
            E::Item("kn:{id}"),
        ],
    ),
    case(
        "knowledge created_at in year 294276",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding, created_at) VALUES ({id}, '{m}', 't', 'c', '{good}', '294276-06-01 12:00:00.5+00');",
        &[
            E::Finding(
                "timestamp_out_of_range",
                "knowledge id={id}",
                "created_at is 294276-06-01T12:00:00.500000Z",
            ),
            E::Item("kn:{id}"),
        ],
    ),
    // Postgres: jsonb and columns.
    case(
        "jsonb nested deeper than 128 levels",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'business_dna', NULL, (repeat('[', 1000) || repeat(']', 1000))::jsonb, now());",
        &[E::Malformed(
            "memory_bank id={id}",
            "data is JSON nested deeper than the 128 levels ctxlens reads",
        )],
    ),
    case(
        "transition data a scalar",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', '{m}', '42', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data is a number",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "transition data an array",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', '{m}', '[\"M0\", \"{m}\"]', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data is an array",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "unknown context_type",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'diary', NULL, '{}', now());",
        &[E::Malformed(
            "memory_bank id={id}",
            "unknown context_type \"diary\"",
        )],
    ),
    case(
        "NULL data",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'business_dna', NULL, NULL, now());",
        &[E::Malformed("memory_bank id={id}", "data is NULL")],
    ),
    case(
        "NULL context_type",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', NULL, NULL, '{}', now());",
        &[E::Malformed("memory_bank id={id}", "context_type is NULL")],
    ),
    case(
        "NULL memory_bank id",
        &[],
        "INSERT INTO memory_bank VALUES (NULL, '{u}', 'business_dna', NULL, '{}', now());",
        &[E::Malformed("memory_bank id=NULL", "id is NULL")],
    ),
    case(
        "NULL milestone on milestone_data",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', NULL, '{\"summary\": \"x\"}', now());",
        &[E::Item("mb:{id}")],
    ),
    case(
        "milestone not in the map",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', 'ZZ9', '{}', now());",
        &[
            E::Finding(
                "unknown_milestone",
                "memory_bank id={id}",
                "milestone ZZ9 is not in the dependency map",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    Case {
        knowledge: false,
        ..case(
            "current milestone not in the map",
            &[],
            "UPDATE user_journeys SET current_milestone = 'ZZ8' WHERE user_id = '{u}';",
            &[E::Finding(
                "unknown_milestone",
                "user_journeys",
                "current milestone ZZ8 is not in the dependency map",
            )],
        )
    },
    Case {
        knowledge: false,
        ..case(
            "NULL current milestone",
            &[],
            "UPDATE user_journeys SET current_milestone = NULL WHERE user_id = '{u}';",
            &[E::Malformed(
                "user_journeys user_id={u}",
                "current_milestone is NULL",
            )],
        )
    },
    case(
        "escape sequences and bidi in a display name",
        &[],
        "UPDATE user_journeys SET display_name = E'Eve \\x1b[2J\\u202eevil' WHERE user_id = '{u}';",
        &[E::Json("/display_name", "Eve \u{1b}[2J\u{202e}evil")],
    ),
    // Postgres: duplicates.
    case(
        "two user_journeys rows for one user",
        &[],
        "INSERT INTO user_journeys (user_id, current_milestone) VALUES ('{u}', 'ZZ7');",
        &[E::Finding(
            "duplicate_row",
            "user_journeys user_id={u}",
            "2 rows with this user id",
        )],
    ),
    case(
        "a memory_bank id repeated",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'business_dna', NULL, '{\"n\": 1}', now() - interval '1 hour'), ({id}, '{u}', 'business_dna', NULL, '{\"n\": 2}', now());",
        &[
            E::Finding(
                "duplicate_row",
                "memory_bank id={id}",
                "2 rows with this id",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "a knowledge id repeated",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding) VALUES ({id}, '{m}', 'a', 'c', '{good}'), ({id}, '{m}', 'b', 'c', '{good}');",
        &[
            E::Finding("duplicate_row", "knowledge id={id}", "2 rows with this id"),
            E::Item("kn:{id}"),
        ],
    ),
    // Postgres: knowledge rows.
    case(
        "NULL knowledge title",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding) VALUES ({id}, '{m}', NULL, 'c', '{good}');",
        &[E::Malformed("knowledge id={id}", "title is NULL")],
    ),
    case(
        "knowledge section nested deeper than 128 levels",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, metadata, embedding) VALUES ({id}, '{m}', 't', 'c', jsonb_build_object('section', (repeat('[', 500) || repeat(']', 500))::jsonb), '{good}');",
        &[E::Malformed(
            "knowledge id={id}",
            "section is JSON nested deeper",
        )],
    ),
    case(
        "zero vector",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding) VALUES ({id}, '{m}', 't', 'c', '{zeros}');",
        &[E::Malformed(
            "knowledge id={id}",
            "similarity is NaN: the embedding is all zeros",
        )],
    ),
    case(
        "denormal vector",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding) VALUES ({id}, '{m}', 't', 'c', '{denormal}');",
        &[E::Malformed(
            "knowledge id={id}",
            "is too small for pgvector's single-precision",
        )],
    ),
    case(
        "tiny vector",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding) VALUES ({id}, '{m}', 't', 'c', '{tiny}');",
        &[E::Malformed(
            "knowledge id={id}",
            "(its squares underflow to 0)",
        )],
    ),
    case(
        "huge vector",
        &[],
        "INSERT INTO knowledge (id, milestone, title, content, embedding) VALUES ({id}, '{m}', 't', 'c', '{huge}');",
        &[E::Malformed("knowledge id={id}", "(its squares overflow)")],
    ),
    Case {
        table: Table::Untyped,
        ..case(
            "wrong dimension on an untyped column",
            &[],
            "INSERT INTO articles (id, milestone, title, content, embedding) VALUES ({id}, '{m}', 't', 'c', '[1,2,3]');",
            &[E::Malformed(
                "knowledge id={id}",
                "embedding has 3 dimensions, the query 384",
            )],
        )
    },
];
