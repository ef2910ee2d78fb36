//! Odd data in Postgres: timestamps chrono cannot hold, jsonb, NULLs, duplicates, embeddings.

use super::cases::{Case, E, Table, case};

pub const CASES: &[Case] = &[
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
            "data is JSON nested deeper than the 127 levels ctxlens reads",
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
        "transition from a number",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', '{m}', '{\"from\": 5, \"to\": \"{m}\", \"context\": \"c\"}', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data's `from` is a number, not a milestone id",
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
        "NULL memory_bank created_at",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', '{m}', '{\"summary\": \"x\"}', NULL);",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "created_at is NULL (SPEC §1: NOT NULL); treated as no timestamp",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "NULL milestone on milestone_data",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', NULL, '{\"summary\": \"x\"}', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "milestone_data row without a milestone: it contributes to no milestone",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "business_dna data a string",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'business_dna', NULL, '\"just a string\"', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "business_dna data is a string, not an object: read as it is",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "transition context a string",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', '{m}', '{\"from\": \"M0\", \"to\": \"{m}\", \"context\": \"c\"}', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data's `context` is a string, not an object: read as it is",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "transition to another milestone than its row's",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', 'M1', '{\"from\": \"M0\", \"to\": \"M2\", \"context\": {}}', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data's `to` differs from its row's milestone: its text and score follow `to`, the row's milestone is not used",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "transition from a number and to another milestone",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', 'M1', '{\"from\": 123, \"to\": \"M2\", \"context\": 7}', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data's `from` is a number, not a milestone id",
            ),
            // Every odd field is named, not the first alone.
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data's `context` is a number, not an object",
            ),
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data's `to` differs from its row's milestone",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "transition from a milestone not in the map",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', 'M2', '{\"from\": \"ZZ6\", \"to\": \"M2\", \"context\": {}}', now());",
        &[
            E::Finding(
                "unknown_milestone",
                "memory_bank id={id}",
                "transition data's `from` \"ZZ6\" is not in the dependency map",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "transition from a milestone to itself",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'transition', 'M2', '{\"from\": \"M2\", \"to\": \"M2\", \"context\": {}}', now());",
        &[
            E::Finding(
                "unexpected_shape",
                "memory_bank id={id}",
                "transition data's `from` and `to` are the same milestone",
            ),
            E::Item("mb:{id}"),
        ],
    ),
    case(
        "milestone not in the map",
        &[],
        "INSERT INTO memory_bank VALUES ({id}, '{u}', 'milestone_data', 'ZZ9', '{}', now());",
        &[
            E::Finding(
                "unknown_milestone",
                "memory_bank id={id}",
                "milestone \"ZZ9\" is not in the dependency map",
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
                "current milestone \"ZZ8\" is not in the dependency map",
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
    // An id that ends in spaces is quoted where a row of it is named, as ids are everywhere.
    Case {
        knowledge: false,
        user: " {c} ",
        ..case(
            "NULL current milestone of a user whose id has spaces at its ends",
            &[],
            "UPDATE user_journeys SET current_milestone = NULL WHERE user_id = '{u}';",
            &[E::Malformed(
                "user_journeys user_id=\"{u}\"",
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
