//! Live-store benchmark: load one demo user (sessions, journey, knowledge search) from a
//! redis-server and a PostgreSQL+pgvector that the test harness starts on loopback.
// A benchmark harness: a failed setup step ends the run with its message.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

// The test harness's servers, so benchmarks and tests start them the same way.
#[path = "../tests/common"]
mod harness {
    #[allow(dead_code)]
    pub mod servers;
}
use harness::servers;

use ctxlens::demo::Dataset;
use ctxlens::engine::Policy;
use ctxlens::store::live::{Endpoints, LiveStore};
use ctxlens::store::{KnowledgeParams, LoadOptions, load_snapshot, seed};

fn load_user(c: &mut Criterion) {
    let redis = servers::RedisServer::start();
    let db = servers::Postgres::shared().create_database("bench_live");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store = rt.block_on(async {
        let ends = Endpoints {
            redis_url: Some(redis.url()),
            database_url: Some(db.clone()),
            key_prefix: String::new(),
            tables: Default::default(),
            connect_timeout: Duration::from_secs(3),
            query_timeout: None,
        };
        let store = LiveStore::connect(&ends).await.expect("connects");
        let (r, pg) = (
            store.redis.as_ref().expect("redis"),
            store.pg.as_ref().expect("postgres"),
        );
        seed::migrate(pg).await.expect("migrate");
        // The column exists now: connect again so the store reads its dimension.
        let pg2 = ctxlens::store::postgres::PgStore::connect(&db, Duration::from_secs(3))
            .await
            .expect("connects");
        let data = Dataset::demo();
        seed::seed_postgres(&pg2, &data, true)
            .await
            .expect("seed postgres");
        seed::seed_redis(r, &data, true, true)
            .await
            .expect("seed redis");
        LiveStore::connect(&ends).await.expect("connects")
    });
    let policy = Policy::preset("prolaunch").expect("preset");
    let params = KnowledgeParams::of(&policy);
    let opts = LoadOptions::default();
    for user in ["u005", "u062"] {
        c.bench_function(
            &format!("load demo user {user} from live stores (2 Redis + 3 Postgres round trips)"),
            |b| {
                b.iter(|| {
                    rt.block_on(async {
                        black_box(
                            load_snapshot(&store, user, &opts, params)
                                .await
                                .expect("loads"),
                        )
                    })
                })
            },
        );
    }
}

criterion_group!(benches, load_user);
criterion_main!(benches);
