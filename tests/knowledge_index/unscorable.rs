//! Knowledge rows whose embedding pgvector cannot score (all zeros, too small or too large a
//! norm, another dimension, NULL): reported as malformed on every search path, never ranked.

use super::*;
use ctxlens::store::KnowledgeHits;

/// `[x, x, …]` of 384 components.
fn vector_of(x: &str) -> String {
    format!("[{}]", vec![x; 384].join(","))
}

/// Knowledge rows whose embedding pgvector cannot score: (id, milestone, components). 1e-30 and
/// 1e-45 square to 0 in single precision while `vector_norm` (double) is > 0; pgvector gives the
/// first a clamped distance of 0 or 2, the second NaN. 1e20 squares past `float`'s range.
const UNSCORABLE: &[(i64, &str, &str)] = &[
    (901, "'M4'", "0"),
    (902, "'M4'", "1e-30"),
    (903, "'M4'", "1e-45"),
    (904, "NULL", "1e20"),
    (905, "'M2'", "-1e-30"),
];

fn insert_unscorable(db: &str, table: &str) {
    let rows: Vec<String> = UNSCORABLE
        .iter()
        .map(|(id, m, x)| format!("({id}, {m}, 'odd {id}', 'c', '{}')", vector_of(x)))
        .collect();
    sql(
        db,
        &format!(
            "INSERT INTO {table} (id, milestone, title, content, embedding) VALUES {}",
            rows.join(", ")
        ),
    );
}

/// The ids a search reported as malformed, and whether any of them was ranked too.
fn reported(found: &ctxlens::store::KnowledgeHits) -> Vec<String> {
    for h in &found.hits {
        assert!(
            !h.id.starts_with("kn:90"),
            "{} ranked with similarity {}",
            h.id,
            h.similarity
        );
    }
    let mut ids: Vec<String> = found
        .malformed
        .iter()
        .map(|m| {
            assert!(
                m.reason.starts_with("similarity is NaN: the embedding"),
                "{m:?}"
            );
            assert_eq!(
                m.source,
                m.id.as_deref()
                    .unwrap_or("")
                    .replace("kn:", "knowledge id=")
            );
            m.id.clone().unwrap_or_default()
        })
        .collect();
    ids.sort();
    ids
}

/// The databases of [`unscorable_embeddings_are_reported_on_every_search_path`]: migrated now,
/// migrated by an earlier version, and an untyped `vector` column.
const NAMES: [&str; 3] = ["unscorable_new", "unscorable_old", "unscorable_untyped"];

/// What the searches of the unscorable rows ask.
const PRICE: &str = "How should I price my product against landed cost?";

/// The `[stores.tables]` that read the knowledge rows from the untyped `articles` table.
fn articles() -> ctxlens::store::tables::Tables {
    ctxlens::store::tables::Tables {
        knowledge: "articles".into(),
        ..Default::default()
    }
}

/// Creates the [`NAMES`] databases with the demo and the [`UNSCORABLE`] rows.
fn create_unscorable_databases() {
    // Three databases with the demo and the odd rows: migrated now (the index of unscorable
    // rows), migrated by an earlier version (only the all-zero rows' index), and an untyped
    // `vector` column (no index; a row of another dimension besides).
    for name in NAMES {
        migrate_and_seed(&Postgres::shared().create_database(name));
    }
    insert_unscorable("unscorable_new", "knowledge");
    sql(
        "unscorable_old",
        "DROP INDEX knowledge_embedding_unscorable;
         CREATE INDEX knowledge_embedding_zero ON knowledge (id) WHERE vector_norm(embedding) = 0;",
    );
    insert_unscorable("unscorable_old", "knowledge");
    sql(
        "unscorable_untyped",
        "CREATE TABLE articles AS SELECT id, milestone, title, content, metadata,
                embedding::vector AS embedding, created_at FROM knowledge;",
    );
    insert_unscorable("unscorable_untyped", "articles");
    sql(
        "unscorable_untyped",
        "INSERT INTO articles (id, milestone, title, content, metadata, embedding, created_at)
         VALUES (906, 'M4', 'short', 'c', '{}', '[1,2,3]', now())",
    );
}

/// The stores of the [`NAMES`] databases, each connected as it is named.
struct Stores {
    new: PgStore,
    new_indexed: PgStore,
    old: PgStore,
    old_indexed: PgStore,
    untyped: PgStore,
}

/// The [`Stores`]: the indexed ones rule the sequential scan out; the untyped one reads the
/// `articles` table, whose column has no dimension.
async fn connect_stores(timeout: Duration) -> Stores {
    let url = |name: &str| Postgres::shared().url(name);
    let new = PgStore::connect(&url(NAMES[0]), timeout)
        .await
        .expect("connects");
    let new_indexed = PgStore::connect_with(&url(NAMES[0]), timeout, no_seqscan())
        .await
        .expect("connects");
    let old = PgStore::connect(&url(NAMES[1]), timeout)
        .await
        .expect("connects");
    let old_indexed = PgStore::connect_with(&url(NAMES[1]), timeout, no_seqscan())
        .await
        .expect("connects");
    let untyped = PgStore::connect_tables(&url(NAMES[2]), timeout, &articles())
        .await
        .expect("connects");
    assert_eq!(untyped.dim, None);
    Stores {
        new,
        new_indexed,
        old,
        old_indexed,
        untyped,
    }
}

#[test]
fn unscorable_embeddings_are_reported_on_every_search_path() {
    create_unscorable_databases();
    let timeout = Duration::from_secs(10);
    runtime().block_on(async {
        let s = connect_stores(timeout).await;
        for (filter, want) in [
            (Some("M4"), vec!["kn:901", "kn:902", "kn:903", "kn:904"]),
            (None, vec!["kn:901", "kn:902", "kn:903", "kn:904", "kn:905"]),
        ] {
            let q = query(PRICE, filter, -1.0);
            // The split search plans on the index of unscorable rows where it exists.
            let plan = s.new_indexed.explain_search(&q).await.expect("EXPLAIN");
            assert!(plan.contains("knowledge_embedding_unscorable"), "{plan}");
            let exact = s.new.search_exact(&q).await.expect("exact");
            assert_eq!(reported(&exact), want, "{filter:?}: exact scan");
            alone_or_batched_every_store_finds_them(&s, &q, &exact).await;
            let plan = s.old_indexed.explain_search(&q).await.expect("EXPLAIN");
            assert!(!plan.contains("knowledge_embedding_zero"), "{plan}");
            the_untyped_column_reports_them_and_the_short_row(&s.untyped, &q, &exact, &want).await;
        }
        // The catalogue marks the rows no search can score (the report's dead knowledge says why).
        let rows = s
            .new
            .knowledge_catalogue(None, 100_000)
            .await
            .expect("catalogue");
        let marked: Vec<i64> = rows.iter().filter(|r| r.unscorable).map(|r| r.id).collect();
        assert_eq!(marked, [901, 902, 903, 904, 905]);
        migrating_the_old_database_adds_the_new_index(&s.new, timeout).await;
        // A query vector pgvector cannot score finds nothing (not every row as NaN).
        let zero = KnowledgeQuery {
            embedding: vec![0.0; 384],
            ..query(PRICE, None, -1.0)
        };
        assert_eq!(
            s.new.search(&zero).await.expect("search"),
            Default::default()
        );
    });
    explain_answers_for_an_unscorable_row();
}

/// `q` on every store, alone and searched with others in one statement, finds what the exact
/// scan finds (`exact`; the untyped column's own answer is checked apart).
async fn alone_or_batched_every_store_finds_them(
    s: &Stores,
    q: &KnowledgeQuery,
    exact: &KnowledgeHits,
) {
    let filter = &q.milestone_filter;
    // Searched with others in one statement (another text, and `q` again): the same.
    let other = KnowledgeQuery {
        embedding: embed("trademark", 384),
        ..q.clone()
    };
    let batch = [q.clone(), other.clone(), q.clone()];
    for (store, how) in [
        (&s.new, "migrated"),
        (&s.new_indexed, "migrated, index scans"),
        (&s.old, "old zero index"),
        (&s.old_indexed, "old zero index, index scans"),
        (&s.untyped, "untyped"),
    ] {
        let found = store.search(q).await.expect("search");
        if how != "untyped" {
            assert_eq!(&found, exact, "{filter:?}: {how}");
        }
        let alone = store.search(&other).await.expect("search");
        let together: Vec<_> = store
            .search_many(&batch)
            .await
            .into_iter()
            .map(|r| r.expect("batched search"))
            .collect();
        assert_eq!(
            together,
            [found.clone(), alone, found],
            "{filter:?}: {how}, batched"
        );
    }
}

/// The untyped column ranks what the exact scan ranks (`exact`), and reports the unscorable
/// rows `want` and the row of another dimension.
async fn the_untyped_column_reports_them_and_the_short_row(
    untyped: &PgStore,
    q: &KnowledgeQuery,
    exact: &KnowledgeHits,
    want: &[&str],
) {
    let filter = &q.milestone_filter;
    let found = untyped.search(q).await.expect("untyped search");
    assert!(
        exact.hits.len() >= 10,
        "{filter:?}: {} hits",
        exact.hits.len()
    );
    assert_eq!(found.hits, exact.hits, "{filter:?}: untyped");
    let mut ids: Vec<String> = found
        .malformed
        .iter()
        .filter_map(|m| m.id.clone())
        .collect();
    ids.sort();
    // The row of another dimension is of M4: every filter here lets it through.
    let mut want: Vec<&str> = want.to_vec();
    want.push("kn:906");
    assert_eq!(ids, want, "{filter:?}: untyped");
    let short = found
        .malformed
        .iter()
        .find(|m| m.source == "knowledge id=906");
    assert_eq!(
        short.map(|m| m.reason.as_str()),
        Some("embedding has 3 dimensions, the query 384")
    );
}

/// `migrate` of the database an earlier version migrated adds the index of unscorable rows
/// beside the old one, and its searches then read it, finding what `new`'s find.
async fn migrating_the_old_database_adds_the_new_index(new: &PgStore, timeout: Duration) {
    let url = Postgres::shared().url(NAMES[1]);
    // Migrating the old database adds the new index beside the old one; searches then read it.
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", url.clone())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("  created knowledge_embedding_unscorable\n"),
        "{}",
        out.stdout
    );
    let defs = sql(
        NAMES[1],
        "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_zero'",
    );
    assert_eq!(
        defs.trim(),
        "knowledge_embedding_zero",
        "the old index is left alone"
    );
    let migrated = PgStore::connect_with(&url, timeout, no_seqscan())
        .await
        .expect("connects");
    let q = query(PRICE, Some("M4"), 0.4);
    let plan = migrated.explain_search(&q).await.expect("EXPLAIN");
    assert!(plan.contains("knowledge_embedding_unscorable"), "{plan}");
    assert_eq!(
        migrated.search(&q).await.expect("search"),
        new.search(&q).await.expect("search")
    );
}

/// `explain` of an unscorable row of the database migrated now: its search gate fails, saying
/// why, and no similarity is made up.
fn explain_answers_for_an_unscorable_row() {
    // `explain` answers for such a row: the search gate fails, saying why (not an error).
    let env = [("DATABASE_URL", Postgres::shared().url(NAMES[0]))];
    let ask = [
        "explain",
        "u005",
        "kn:901",
        "--query",
        "price against landed cost",
    ];
    let out = ctxlens_with(&[&ask[..], &["--json"]].concat(), &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let e: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(e["first_failed"], "search", "{e}");
    assert_eq!(e["gates"][0]["pass"], false, "{e}");
    let detail = e["gates"][0]["detail"].as_str().expect("detail");
    assert!(detail.contains("knowledge id=901"), "{detail}");
    assert!(
        e["row"]["similarity"].is_null(),
        "no similarity is made up: {e}"
    );
    // Its title and milestone can be read, and are said.
    assert_eq!(
        (&e["row"]["title"], &e["row"]["milestone"]),
        (&serde_json::json!("odd 901"), &serde_json::json!("M4")),
        "{e}"
    );
    let text = ctxlens_with(&ask, &env);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("← first failed gate")
            && text
                .stdout
                .contains("kn:901 \"odd 901\" (M4) (cannot be scored)")
            && text.stdout.contains("the search skips the row"),
        "{}",
        text.stdout
    );
}

/// A table whose embedding column allows NULL (SPEC §1 has it NOT NULL): a row without one is
/// returned by no search, so every search names it as a malformed row, with or without
/// `ctxlens migrate`'s index of unscorable rows, and the catalogue marks it never retrievable.
#[test]
fn a_null_embedding_is_a_malformed_row_on_every_search_path() {
    let name = "null_embedding";
    let url = Postgres::shared().create_database(name);
    migrate_and_seed(&url);
    sql(
        name,
        "ALTER TABLE knowledge ALTER COLUMN embedding DROP NOT NULL;
         INSERT INTO knowledge (id, milestone, title, content, embedding)
         VALUES (907, 'M4', 'no embedding', 'c', NULL);
         CREATE TABLE articles AS SELECT id, milestone, title, content, metadata,
                embedding::vector AS embedding, created_at FROM knowledge;
         -- Five rows of another dimension before it: the untyped search reports at most five.
         INSERT INTO articles (id, milestone, title, content, metadata, embedding, created_at)
         SELECT -g, 'M4', 'short', 'c', '{}', '[1,2,3]', now() FROM generate_series(6, 10) g;",
    );
    runtime().block_on(async {
        let timeout = Duration::from_secs(10);
        let indexed = PgStore::connect(&url, timeout).await.expect("connects");
        sql(name, "DROP INDEX knowledge_embedding_unscorable");
        let unindexed = PgStore::connect(&url, timeout).await.expect("connects");
        let untyped = PgStore::connect_tables(&url, timeout, &articles())
            .await
            .expect("connects");
        for filter in [Some("M4"), None] {
            let q = query("How should I price my product?", filter, -1.0);
            for (store, how) in [
                (&indexed, "index"),
                (&unindexed, "no index"),
                (&untyped, "untyped column"),
            ] {
                let found = [
                    store.search(&q).await.expect("search"),
                    store.search_exact(&q).await.expect("exact"),
                    store
                        .search_many(std::slice::from_ref(&q))
                        .await
                        .remove(0)
                        .expect("batched"),
                ];
                for f in found {
                    let null: Vec<(&str, &str)> = f
                        .malformed
                        .iter()
                        .filter(|m| m.id.as_deref() == Some("kn:907"))
                        .map(|m| (m.source.as_str(), m.reason.as_str()))
                        .collect();
                    assert_eq!(
                        null,
                        [("knowledge id=907", "embedding is NULL")],
                        "{filter:?}, {how}: {:?}",
                        f.malformed
                    );
                    assert!(f.hits.iter().all(|h| h.id != "kn:907"), "{how}: ranked");
                }
            }
        }
        let rows = indexed
            .knowledge_catalogue(None, 100_000)
            .await
            .expect("catalogue");
        assert!(rows.iter().any(|r| r.id == 907 && r.unscorable), "{rows:?}");
    });
}
