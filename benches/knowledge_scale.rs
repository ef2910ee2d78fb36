//! Knowledge search at scale: 100,000 vectors (384 dims) under the HNSW indexes, with the milestone
//! and threshold filters; p50/p99 latency of the search statement (`PgStore::search`, the one
//! production runs) and recall against an exact scan of the same statement. The indexes are the
//! ones `ctxlens migrate` makes: the table-wide one from the migrations and the partial ones of
//! `seed::create_partial_indexes` (a milestone's rows each, and the general rows), built after
//! loading by that same function.
//! `cargo bench --bench knowledge_scale`; under `cargo test` it runs small (2,000 rows).
//!
//! The corpus (`CTXLENS_SCALE_CORPUS`):
//! - `distinct` (default): 100 k distinct articles written from the demo articles' phrases. Each
//!   has a topic (a milestone, or general in the demo's proportion, 6 of 66) and is 50–120 words:
//!   85 % runs of 3–8 consecutive words from the demo articles of its topic, 15 % single words
//!   from the whole demo vocabulary. Topics cluster; no two articles are the same text. Queries
//!   are the demo's founder questions (`query` and `casual` of a random article, its placeholders
//!   filled from a random founder profile), filtered to the article's milestone (a random one for
//!   a general article) — what `replay` sends for a user's newest message.
//! - `near-duplicates`: 100 k variants of the 66 demo articles (a random 70 % of an article's
//!   words plus 8 words of another: ~1,500 near-duplicates per article), queried with the first 25
//!   words of another variant. A stress case: the top 15 lie among ~1,500 almost equal vectors.
//!
//! Other knobs: `CTXLENS_SCALE_ROWS`, `CTXLENS_SCALE_QUERIES`; `CTXLENS_SCALE_INDEX`, `;`-separated
//! `WITH (…)` parameter lists to build the table-wide index with in turn (default: the index the
//! migrations create; the partial indexes keep the defaults);
//! `CTXLENS_SCALE_SETTINGS`, `;`-separated sets of `,`-separated `name=value` settings run after
//! the production ones on every connection (default: the production settings alone);
//! `CTXLENS_SCALE_SHARED_BUFFERS=1GB` runs on a server of its own with that `shared_buffers`
//! (the harness's servers keep Postgres's default, 128 MB, in which the 205 MB of partial
//! indexes do not fit); `CTXLENS_SCALE_PARTIAL=off` leaves the partial indexes out (a database
//! with SPEC §1's index alone, where the search falls back to one scan of the table-wide index);
//! `CTXLENS_SCALE_DIAG=1` prints, for a few queries with misses, where the missed rows rank.
//!
//! Recall per query = the share of the exact scan's hits that the index search also returned
//! (by id), averaged over the queries whose exact scan finds anything. Also printed: the same
//! counting a returned hit exactly as similar as the exact scan's last one as found (a tie at the
//! limit, where either row is a right answer), and the pooled share over all queries.
// A benchmark harness: a failed setup step ends the run with its message.
#![allow(clippy::expect_used)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use corpus::{Corpus, LIMIT, THRESHOLD};
use ctxlens::engine::embed::embed;
use ctxlens::engine::milestones::MilestoneMap;
use ctxlens::store::postgres::{PgStore, SEARCH_SETTINGS};
use ctxlens::store::{KnowledgeHits, KnowledgeQuery, NEAR_MISS_MARGIN, NEAR_MISSES, seed};

#[path = "knowledge_scale/corpus.rs"]
mod corpus;
#[path = "../tests/common"]
mod harness {
    #[allow(dead_code)]
    pub mod servers;
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

/// Recall of `got` against `exact`: (by id, counting ties at the limit as found, hits found).
fn recall(exact: &KnowledgeHits, got: &KnowledgeHits, limit: usize) -> (f64, f64, usize) {
    let ids: HashSet<&str> = exact.hits.iter().map(|h| h.id.as_str()).collect();
    let by_id = got
        .hits
        .iter()
        .filter(|g| ids.contains(g.id.as_str()))
        .count();
    // When the exact scan filled the limit, a row exactly as similar as its last hit is an
    // equally right answer that the exact scan happened not to pick.
    let last = exact.hits.last().map(|h| h.similarity);
    let tied = got
        .hits
        .iter()
        .filter(|g| {
            ids.contains(g.id.as_str()) || (exact.hits.len() == limit && Some(g.similarity) == last)
        })
        .count()
        .min(exact.hits.len());
    let n = exact.hits.len() as f64;
    (by_id as f64 / n, tied as f64 / n, by_id)
}

/// The run's knobs, from the environment (see the module's documentation).
struct Config {
    rows: usize,
    queries: usize,
    partial: bool,
    corpus: String,
    near_duplicates: bool,
    indexes: Vec<String>,
    setting_sets: Vec<Vec<String>>,
}

impl Config {
    fn from_env() -> Self {
        let full = std::env::args().any(|a| a == "--bench");
        let partial = match std::env::var("CTXLENS_SCALE_PARTIAL").as_deref() {
            Err(_) | Ok("on") => true,
            Ok("off") => false,
            Ok(other) => panic!("CTXLENS_SCALE_PARTIAL: on or off, not {other}"),
        };
        let corpus = std::env::var("CTXLENS_SCALE_CORPUS").unwrap_or_else(|_| "distinct".into());
        let near_duplicates = match corpus.as_str() {
            "distinct" => false,
            "near-duplicates" => true,
            other => panic!("CTXLENS_SCALE_CORPUS: distinct or near-duplicates, not {other}"),
        };
        let indexes = std::env::var("CTXLENS_SCALE_INDEX")
            .map(|v| v.split(';').map(|s| s.trim().to_string()).collect())
            .unwrap_or_else(|_| vec![String::new()]);
        let setting_sets = std::env::var("CTXLENS_SCALE_SETTINGS")
            .map(|v| {
                v.split(';')
                    .map(|set| {
                        set.split(',')
                            .filter(|s| !s.trim().is_empty())
                            .map(|s| s.trim().to_string())
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_else(|_| vec![vec![]]);
        Config {
            rows: env_or("CTXLENS_SCALE_ROWS", if full { 100_000 } else { 2_000 }),
            queries: env_or("CTXLENS_SCALE_QUERIES", if full { 500 } else { 20 }),
            partial,
            corpus,
            near_duplicates,
            indexes,
            setting_sets,
        }
    }
}

fn main() {
    let cfg = Config::from_env();
    // A server of its own when shared_buffers is set (a restart applies it), else the shared one.
    let mut own = std::env::var("CTXLENS_SCALE_SHARED_BUFFERS")
        .ok()
        .map(|size| {
            let mut pg = harness::servers::Postgres::start();
            pg.psql(
                "postgres",
                &format!("ALTER SYSTEM SET shared_buffers = '{size}'"),
            );
            pg.restart();
            pg
        });
    let pg = match own.as_mut() {
        Some(pg) => &*pg,
        None => harness::servers::Postgres::shared(),
    };
    let url = pg.create_database("knowledge_scale");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(&cfg, &url));
}

async fn run(cfg: &Config, url: &str) {
    let map = MilestoneMap::default();
    let (store, production_index) = bare_table(url, &map).await;
    let dim = store.dim.expect("vector(384) column");
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let corpus = Corpus::new(cfg.near_duplicates);
    let (loaded, repeated) = load(&store, cfg.rows, &corpus, &mut rng, dim).await;
    sqlx::query("VACUUM ANALYZE knowledge")
        .execute(store.pool())
        .await
        .expect("analyze");

    let qs: Vec<KnowledgeQuery> = (0..cfg.queries)
        .map(|_| corpus.query(&mut rng, dim))
        .collect();
    // What each search should find, by an exact scan (there is no index yet).
    let mut exact = Vec::with_capacity(qs.len());
    let mut exact_times = Vec::with_capacity(qs.len());
    for q in &qs {
        let t = Instant::now();
        exact.push(store.search_exact(q).await.expect("exact search"));
        exact_times.push(t.elapsed());
    }
    exact_times.sort();
    let none = exact.iter().filter(|e| e.hits.is_empty()).count();
    let full_sets = exact
        .iter()
        .filter(|e| e.hits.len() == LIMIT + NEAR_MISSES)
        .count();
    let with_hits = qs.len() - none;
    let shared_buffers: String = sqlx::query_scalar("SHOW shared_buffers")
        .fetch_one(store.pool())
        .await
        .expect("shared_buffers");
    println!(
        "corpus {}: {} vectors × {dim} ({repeated} repeated texts), loaded in {:.1} s; \
         {} queries, threshold {THRESHOLD} − {NEAR_MISS_MARGIN}, limit {LIMIT} + {NEAR_MISSES}, milestone filter; \
         shared_buffers {shared_buffers}",
        cfg.corpus,
        cfg.rows,
        loaded.as_secs_f64(),
        qs.len()
    );
    println!(
        "exact scan: p50 {:.1} ms, p99 {:.1} ms; hits: none for {none} queries, the full {} for {full_sets}, fewer for {}",
        pct(&exact_times, 0.5),
        pct(&exact_times, 0.99),
        LIMIT + NEAR_MISSES,
        with_hits - full_sets,
    );
    assert!(with_hits > 0, "queries found hits to compare");

    if cfg.partial {
        partial_indexes(url, &store, &map).await;
    }
    for with in &cfg.indexes {
        table_wide_index(&store, with, &production_index).await;
        for extra in &cfg.setting_sets {
            measure(url, &store, (&qs, &exact), extra).await;
        }
    }
}

/// The table as the migrations make it, without its indexes (maintaining them row by row while
/// loading is slow; they are built after): the store and the migrations' HNSW index definition.
async fn bare_table(url: &str, map: &MilestoneMap) -> (PgStore, String) {
    let store = PgStore::connect(url, Duration::from_secs(10))
        .await
        .expect("connects");
    seed::migrate_for(&store, map).await.expect("migrate");
    let store = PgStore::connect(url, Duration::from_secs(60))
        .await
        .expect("connects");
    let production_index: String =
        sqlx::query_scalar("SELECT pg_get_indexdef('knowledge_embedding_idx'::regclass)")
            .fetch_one(store.pool())
            .await
            .expect("the migrations' HNSW index");
    sqlx::query("DROP INDEX knowledge_embedding_idx")
        .execute(store.pool())
        .await
        .expect("drop index");
    let tables = store.tables();
    let names = seed::partial_indexes(tables, map)
        .into_iter()
        .map(|i| i.name);
    let unscorable = ctxlens::store::pg_schema::unscorable_index(tables);
    for name in names.chain([unscorable]) {
        let drop = format!("DROP INDEX \"{name}\"");
        sqlx::query(sqlx::AssertSqlSafe(drop))
            .execute(store.pool())
            .await
            .expect("drop partial index");
    }
    (store, production_index)
}

/// Inserts `rows` articles in chunks of 5,000: how long it took, and how many texts repeated.
async fn load(
    store: &PgStore,
    rows: usize,
    corpus: &Corpus,
    rng: &mut ChaCha8Rng,
    dim: usize,
) -> (Duration, usize) {
    let start = Instant::now();
    let mut seen = HashSet::new();
    let mut repeated = 0;
    for chunk in 0..rows.div_ceil(5_000) {
        let n = (rows - chunk * 5_000).min(5_000);
        let (mut ms, mut ts, mut cs, mut es) = (vec![], vec![], vec![], vec![]);
        for _ in 0..n {
            let (m, text) = corpus.article(rng);
            if !seen.insert(xxhash_rust::xxh3::xxh3_64(text.as_bytes())) {
                repeated += 1;
            }
            let v = embed(&text, dim);
            ts.push(
                text.split_whitespace()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            ms.push(m);
            es.push(format!(
                "[{}]",
                v.iter().map(f32::to_string).collect::<Vec<_>>().join(",")
            ));
            cs.push(text);
        }
        sqlx::query(
            "INSERT INTO knowledge (milestone, title, content, embedding)
             SELECT m, t, c, e::vector FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) AS x(m, t, c, e)",
        )
        .bind(&ms)
        .bind(&ts)
        .bind(&cs)
        .bind(&es)
        .execute(store.pool())
        .await
        .expect("insert");
    }
    (start.elapsed(), repeated)
}

/// The partial indexes, by the function `ctxlens migrate` runs, with room to build in memory.
async fn partial_indexes(url: &str, store: &PgStore, map: &MilestoneMap) {
    let builder = PgStore::connect_with(
        url,
        Duration::from_secs(10),
        vec!["SET maintenance_work_mem = '1GB'".into()],
    )
    .await
    .expect("connects");
    let start = Instant::now();
    let made = seed::create_partial_indexes(&builder, map)
        .await
        .expect("partial indexes");
    let built = start.elapsed();
    drop(builder);
    let size: i64 = sqlx::query_scalar(
        "SELECT sum(pg_relation_size(indexrelid))::bigint FROM pg_index
          WHERE indrelid = 'knowledge'::regclass AND indpred IS NOT NULL",
    )
    .fetch_one(store.pool())
    .await
    .expect("partial index sizes");
    println!(
        "partial indexes: {} built in {:.1} s, {:.0} MB in all",
        made.created.len(),
        built.as_secs_f64(),
        size as f64 / 1e6
    );
}

/// (Re)builds the table-wide index `WITH (with)` (empty: as the migrations define it).
async fn table_wide_index(store: &PgStore, with: &str, production_index: &str) {
    let definition = if with.is_empty() {
        production_index.to_string()
    } else {
        format!(
            "CREATE INDEX knowledge_embedding_idx ON knowledge USING hnsw (embedding vector_cosine_ops) WITH ({with})"
        )
    };
    let start = Instant::now();
    let mut conn = store.pool().acquire().await.expect("connection");
    for sql in [
        "DROP INDEX IF EXISTS knowledge_embedding_idx",
        "SET maintenance_work_mem = '1GB'",
        definition.as_str(),
        "ANALYZE knowledge",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut *conn)
            .await
            .expect(sql);
    }
    drop(conn);
    let built = start.elapsed();
    let size: i64 = sqlx::query_scalar("SELECT pg_relation_size('knowledge_embedding_idx')")
        .fetch_one(store.pool())
        .await
        .expect("index size");
    let params = definition
        .split_once(" WITH ")
        .map_or("defaults (m = 16, ef_construction = 64)", |(_, w)| w);
    println!(
        "index {params}: built in {:.1} s, {:.0} MB",
        built.as_secs_f64(),
        size as f64 / 1e6
    );
}

/// Latency and recall of every query under the production settings and `extra`.
async fn measure(
    url: &str,
    store: &PgStore,
    (qs, exact): (&[KnowledgeQuery], &[KnowledgeHits]),
    extra: &[String],
) {
    let mut settings: Vec<String> = SEARCH_SETTINGS.iter().map(|s| (*s).to_string()).collect();
    settings.extend(extra.iter().map(|s| {
        let (k, v) = s.split_once('=').expect("name=value");
        format!("SET {k} = '{v}'")
    }));
    let searcher = PgStore::connect_with(url, Duration::from_secs(10), settings)
        .await
        .expect("connects");
    // Which indexes the first query's plan reads.
    let plan = searcher.explain_search(&qs[0]).await.expect("EXPLAIN");
    let scans: Vec<&str> = plan
        .lines()
        .filter(|l| l.contains("Scan using") || l.contains("Seq Scan"))
        .map(|l| {
            l.trim()
                .trim_start_matches("->  ")
                .split("  (cost")
                .next()
                .unwrap_or(l)
        })
        .collect();
    println!("  plan of the first query: {}", scans.join("; "));
    let mut passes = Vec::new();
    let mut results = Vec::new();
    // The first pass reads the index into the caches; the second is the steady state.
    for _ in 0..2 {
        let mut times = Vec::with_capacity(qs.len());
        results.clear();
        for q in qs {
            let t = Instant::now();
            let got = searcher.search(q).await.expect("search");
            times.push(t.elapsed());
            results.push(got);
        }
        times.sort();
        passes.push(times);
    }
    let with_hits = exact.iter().filter(|e| !e.hits.is_empty()).count();
    let (mut by_id, mut tied, mut found, mut wanted, mut short) = (0.0, 0.0, 0, 0, 0);
    for (e, g) in exact.iter().zip(&results) {
        if e.hits.is_empty() {
            continue;
        }
        let (r, t, f) = recall(e, g, LIMIT + NEAR_MISSES);
        by_id += r;
        tied += t;
        found += f;
        wanted += e.hits.len();
        if g.hits.len() < e.hits.len() {
            short += 1;
        }
    }
    if std::env::var("CTXLENS_SCALE_DIAG").is_ok() {
        diagnose(store, qs, exact, &results).await;
    }
    let label = if extra.is_empty() {
        "production settings".to_string()
    } else {
        extra.join(", ")
    };
    let warm = &passes[1];
    println!(
        "  {label}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (first pass p50 {:.2}, p99 {:.2}); \
         recall {:.4} (ties at the limit as found {:.4}; pooled {found}/{wanted} = {:.4}) over {with_hits} queries with hits, {short} returned fewer hits than the exact scan",
        pct(warm, 0.5),
        pct(warm, 0.99),
        pct(warm, 1.0),
        pct(&passes[0], 0.5),
        pct(&passes[0], 0.99),
        by_id / with_hits as f64,
        tied / with_hits as f64,
        found as f64 / wanted as f64,
    );
}

/// Where the missed rows rank: among all rows, and among those the filter lets through (for a
/// few queries with misses).
async fn diagnose(
    store: &PgStore,
    qs: &[KnowledgeQuery],
    exact: &[KnowledgeHits],
    results: &[KnowledgeHits],
) {
    let mut shown = 0;
    for ((q, e), g) in qs.iter().zip(exact).zip(results) {
        let missed: Vec<_> = e
            .hits
            .iter()
            .filter(|h| !g.hits.iter().any(|x| x.id == h.id))
            .collect();
        if missed.is_empty() || shown == 8 {
            continue;
        }
        shown += 1;
        let mut ranks = Vec::new();
        for h in missed.iter().take(3) {
            let (all, filtered): (i64, i64) = sqlx::query_as(
                "SELECT count(*), count(*) FILTER (WHERE milestone = $2 OR milestone IS NULL)
                   FROM knowledge WHERE 1 - (embedding <=> $1) > $3",
            )
            .bind(pgvector::Vector::from(q.embedding.clone()))
            .bind(q.milestone_filter.as_deref())
            .bind(h.similarity)
            .fetch_one(store.pool())
            .await
            .expect("rank");
            ranks.push(format!(
                "sim {:.3} rank {all} of all, {filtered} filtered",
                h.similarity
            ));
        }
        println!(
            "    missed {} of {} (got {}), exact sims {:.3}..{:.3}: {}",
            missed.len(),
            e.hits.len(),
            g.hits.len(),
            e.hits.first().map_or(0.0, |h| h.similarity),
            e.hits.last().map_or(0.0, |h| h.similarity),
            ranks.join("; ")
        );
    }
}
