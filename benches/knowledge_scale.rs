//! Knowledge search at scale: 100,000 vectors (384 dims) under the HNSW index, with the milestone
//! and threshold filters; p50/p99 latency of the search statement and recall against an exact
//! scan. `cargo bench --bench knowledge_scale`; under `cargo test` it runs small (2,000 rows).

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ctxlens::demo::Dataset;
use ctxlens::engine::embed::embed;
use ctxlens::store::postgres::PgStore;
use ctxlens::store::{KnowledgeQuery, NEAR_MISSES, seed};

#[path = "../tests/common"]
mod harness {
    #[allow(dead_code)]
    pub mod servers;
}

/// A variant of an article: a random 70 % of its words, plus a few words of another article.
fn variant(rng: &mut ChaCha8Rng, texts: &[String]) -> (usize, String) {
    let i = rng.random_range(0..texts.len());
    let other = &texts[rng.random_range(0..texts.len())];
    let mut words: Vec<&str> = texts[i]
        .split_whitespace()
        .filter(|_| rng.random_bool(0.7))
        .collect();
    words.extend(other.split_whitespace().take(8));
    (i, words.join(" "))
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (rows, queries): (usize, usize) = if full { (100_000, 300) } else { (2_000, 20) };
    let rows = std::env::var("CTXLENS_SCALE_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(rows);
    let pg = harness::servers::Postgres::shared();
    let url = pg.create_database("knowledge_scale");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = PgStore::connect(&url, Duration::from_secs(10)).await.expect("connects");
        seed::migrate(&store).await.expect("migrate");
        let store = PgStore::connect(&url, Duration::from_secs(10)).await.expect("connects");
        let dim = store.dim.expect("vector(384) column");
        // Load without the index (maintaining it row by row is slow), build it after.
        sqlx::query("DROP INDEX IF EXISTS knowledge_embedding_idx").execute(store.pool()).await.expect("drop index");
        let demo = Dataset::demo().knowledge;
        let texts: Vec<String> = demo.iter().map(|k| k.content.clone()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let start = Instant::now();
        for chunk in 0..rows.div_ceil(5_000) {
            let n = (rows - chunk * 5_000).min(5_000);
            let (mut ms, mut ts, mut cs, mut es) = (vec![], vec![], vec![], vec![]);
            for _ in 0..n {
                let (i, text) = variant(&mut rng, &texts);
                let v = embed(&text, dim);
                ms.push(demo[i].milestone.clone());
                ts.push(demo[i].title.clone());
                es.push(format!("[{}]", v.iter().map(f32::to_string).collect::<Vec<_>>().join(",")));
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
        let loaded = start.elapsed();
        // Building the index once, after loading, is much faster than growing it row by row.
        let start = Instant::now();
        let mut conn = store.pool().acquire().await.expect("connection");
        for sql in [
            "DROP INDEX IF EXISTS knowledge_embedding_idx",
            "SET maintenance_work_mem = '1GB'",
            "CREATE INDEX knowledge_embedding_idx ON knowledge USING hnsw (embedding vector_cosine_ops)",
            "ANALYZE knowledge",
        ] {
            sqlx::query(sql).execute(&mut *conn).await.expect(sql);
        }
        drop(conn);
        let indexed = start.elapsed();
        let (mut times, mut recall, mut counted) = (Vec::new(), 0.0, 0);
        for _ in 0..queries {
            let (i, text) = variant(&mut rng, &texts);
            let words: Vec<&str> = text.split_whitespace().take(25).collect();
            let q = KnowledgeQuery {
                embedding: embed(&words.join(" "), dim),
                milestone_filter: demo[i].milestone.clone(),
                min_similarity: 0.7 - 0.3,
                limit: 10 + NEAR_MISSES,
            };
            let t = Instant::now();
            let got = store.search(&q).await.expect("search");
            times.push(t.elapsed());
            let exact = store.search_exact(&q).await.expect("exact search");
            if !exact.hits.is_empty() {
                let found = exact.hits.iter().filter(|h| got.hits.iter().any(|g| g.id == h.id)).count();
                recall += found as f64 / exact.hits.len() as f64;
                counted += 1;
            }
        }
        times.sort();
        let ef: String = sqlx::query_scalar("SHOW hnsw.ef_search").fetch_one(store.pool()).await.expect("show");
        let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
        println!(
            "knowledge search, {rows} vectors × {dim}, ef_search {ef}: p50 {:.2} ms, p99 {:.2} ms, recall {:.3} over {counted} queries (load {:.1} s, index build {:.1} s)",
            pct(0.5).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            if counted == 0 { 0.0 } else { recall / counted as f64 },
            loaded.as_secs_f64(),
            indexed.as_secs_f64()
        );
        assert!(counted > 0, "queries found hits to compare");
    });
}
