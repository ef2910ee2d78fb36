use std::sync::Arc;

use super::run::{Plan, Quiet, run};
use super::source::{Fleet, Pick, read_user_list};
use super::*;
use crate::engine::{Engine, Policy};
use crate::store::{LoadOptions, MemoryStore, Store};

fn outcome(
    total: usize,
    layers: [usize; 2],
    static_tokens: usize,
    rag_hit: Option<bool>,
    lost_reached: (usize, usize),
    cache: CacheState,
) -> PolicyOutcome {
    PolicyOutcome {
        total_tokens: total,
        layer_tokens: layers.to_vec(),
        layer_needs: layers.to_vec(),
        kept_score: total as f64,
        static_tokens,
        rag_hit,
        rag_retrieved: 0,
        rag_kept: 0,
        lost: lost_reached.0,
        reached: lost_reached.1,
        cache,
        duplicates: (0, 0),
    }
}

fn user(id: &str, milestone: Option<&str>, candidate: PolicyOutcome) -> UserOutcome {
    UserOutcome {
        user_id: id.into(),
        milestone: milestone.map(str::to_string),
        candidate,
        baseline: None,
        change: None,
    }
}

/// Two layers, `static` (static source) then `knowledge`, under 4000 tokens.
fn two_layer_policy() -> Policy {
    Policy::from_toml(
        "name = \"two\"\ntokenizer = \"chars4\"\n[budget]\ntotal = 4000\n\
         [[layers]]\nname = \"static\"\nsource = \"static\"\nweight = 0.25\n\
         [[layers]]\nname = \"knowledge\"\nsource = \"knowledge\"\nweight = 0.75\n",
        "two.toml",
    )
    .expect("policy")
}

fn four_users() -> Vec<UserOutcome> {
    use CacheState::*;
    vec![
        user(
            "a",
            Some("M1"),
            outcome(1000, [200, 800], 200, Some(true), (0, 10), Absent),
        ),
        user(
            "b",
            Some("M1"),
            outcome(
                2000,
                [500, 1500],
                500,
                Some(false),
                (1, 10),
                Present { drift: false },
            ),
        ),
        user(
            "c",
            Some("M2"),
            outcome(
                3000,
                [600, 2400],
                600,
                Some(true),
                (0, 10),
                Present { drift: true },
            ),
        ),
        user(
            "d",
            None,
            outcome(4000, [1000, 3000], 1000, None, (1, 10), Unreadable),
        ),
    ]
}

#[test]
fn a_fleet_of_four_gives_the_hand_computed_figures() {
    let p = two_layer_policy();
    let mut t = Tally::new(DEFAULT_TOP, false);
    for u in four_users() {
        t.add(u);
    }
    let s = t.summary(&p, None, RunInfo::default());
    let c = &s.candidate;
    assert_eq!(s.users, 4);
    // (1000 + 2000 + 3000 + 4000) / 4 = 2500: not under the target.
    assert_eq!(c.avg_context_tokens, 2500.0);
    // Nearest rank: p50 is the 2nd of 4, p90 and p99 the 4th.
    assert_eq!(
        (c.total_tokens.p50, c.total_tokens.p90, c.total_tokens.p99),
        (2000, 4000, 4000)
    );
    assert_eq!(
        c.layers[0].tokens,
        Dist {
            sum: 2300,
            mean: 575.0,
            p50: 500,
            p90: 1000,
            p99: 1000
        }
    );
    assert_eq!(c.layers[1].tokens.mean, 1925.0);
    assert_eq!(c.layers[0].budget, 1000);
    // 2300 static of 10000 tokens.
    assert_eq!(c.static_share, Some(0.23));
    // Three users searched, two kept a hit.
    assert_eq!(c.rag_hit_rate, Some(0.6667));
    // 2 lost of 40 that reached a fit: exactly 5 %, not under it.
    assert_eq!(c.truncation_rate, 0.05);
    // Two of four have a cached context, one of those two drifted; one value is unreadable.
    assert_eq!(
        (c.cache_hit_rate, c.cache_drift_rate, c.cache_unreadable),
        (0.5, Some(0.5), 1)
    );
    let verdicts: Vec<(String, Option<bool>)> = s
        .monitoring
        .iter()
        .map(|m| (m.metric.clone(), m.candidate.pass))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("avg_context_tokens".to_string(), Some(false)),
            ("static_share".to_string(), Some(true)),
            ("rag_hit_rate".to_string(), Some(false)),
            ("truncation_rate".to_string(), Some(false)),
        ]
    );
    // Milestones in name order, users with no journey first (empty key).
    let ms: Vec<(Option<&str>, u64, f64)> = s
        .milestones
        .iter()
        .map(|m| {
            (
                m.milestone.as_deref(),
                m.users,
                m.candidate.avg_context_tokens,
            )
        })
        .collect();
    assert_eq!(
        ms,
        [
            (None, 1, 4000.0),
            (Some("M1"), 2, 1500.0),
            (Some("M2"), 1, 3000.0)
        ]
    );
    assert_eq!(s.milestones[1].candidate.truncation_rate, 0.05);
    assert_eq!(s.milestones[1].candidate.rag_hit_rate, Some(0.5));
    assert!(s.changes.is_none());
}

#[test]
fn a_policy_without_static_layers_has_no_static_share() {
    let p = Policy::preset("prolaunch").expect("preset");
    let mut t = Tally::new(3, false);
    t.add(user(
        "a",
        None,
        outcome(100, [100, 0], 0, Some(true), (0, 1), CacheState::Absent),
    ));
    let s = t.summary(&p, None, RunInfo::default());
    assert_eq!(s.candidate.static_share, None);
    assert_eq!(
        s.monitoring[1].candidate,
        Metric {
            value: None,
            pass: None
        }
    );
}

fn change(dropped: usize, added: usize) -> Change {
    Change {
        prompt_changed: true,
        tokens_newly_dropped: dropped,
        tokens_newly_added: added,
        ..Change::default()
    }
}

#[test]
fn the_most_affected_are_the_top_n_by_tokens_dropped_whatever_the_order_or_split() {
    let mut users = four_users();
    for (u, c) in users.iter_mut().zip([
        change(300, 0),
        change(100, 50),
        change(300, 10),
        Change::default(),
    ]) {
        u.baseline = Some(u.candidate.clone());
        u.change = Some(c);
    }
    let p = two_layer_policy();
    let mut whole = Tally::new(2, true);
    for u in users.clone() {
        whole.add(u);
    }
    // The same users in two workers, merged in the other order.
    let (mut left, mut right) = (Tally::new(2, true), Tally::new(2, true));
    for (i, u) in users.into_iter().enumerate() {
        if i % 2 == 0 {
            left.add(u)
        } else {
            right.add(u)
        }
    }
    right.merge(left);
    for t in [whole, right] {
        let s = t.summary(&p, Some(&p), RunInfo::default());
        let ch = s.changes.expect("compared");
        assert_eq!((ch.users_compared, ch.users_changed), (4, 3));
        assert_eq!((ch.tokens_newly_dropped, ch.tokens_newly_added), (700, 60));
        let top: Vec<(&str, usize)> = ch
            .most_affected
            .iter()
            .map(|a| (a.user_id.as_str(), a.tokens_newly_dropped))
            .collect();
        // c and a drop 300 each; c added more, so it ranks first.
        assert_eq!(top, [("c", 300), ("a", 300)]);
        assert_eq!(s.milestones[1].users_changed, Some(2));
    }
}

#[test]
fn histogram_quantiles_are_nearest_rank() {
    let mut h = Histogram::default();
    for v in 1..=100 {
        h.add(v);
    }
    assert_eq!(
        (
            h.quantile(0.5),
            h.quantile(0.9),
            h.quantile(0.99),
            h.quantile(1.0)
        ),
        (50, 90, 99, 100)
    );
    assert_eq!(h.mean(), 50.5);
    assert_eq!(Histogram::default().quantile(0.5), 0);
}

#[test]
fn an_outcome_reads_its_figures_off_the_assembly() {
    // seed 003's fitContextsToBudget: b (300 tokens) kept, a truncated to 274 under 600.
    let toml = "name = \"s\"\ntokenizer = \"chars4\"\nstrategy = \"truncate\"\n[budget]\ntotal = 600\n\
        [[layers]]\nname = \"static\"\nsource = \"static\"\nweight = 1.0\n\
        [[static]]\nname = \"a\"\npriority = 1.0\ncategories = [\"*\"]\ntext = \"A\"\n\
        [[static]]\nname = \"b\"\npriority = 2.0\ncategories = [\"*\"]\ntext = \"B\"\n";
    let mut p = Policy::from_toml(toml, "s.toml").expect("policy");
    p.modules[0].text = "a".repeat(2000);
    p.modules[1].text = "b".repeat(1200);
    let snap = bare_snapshot("u", None);
    let a = Engine::default().assemble(&snap, &p);
    let o = PolicyOutcome::of(&snap, &p, &a);
    assert_eq!(o.total_tokens, 574);
    assert_eq!(o.layer_tokens, [574]);
    assert_eq!(o.static_tokens, 574);
    assert_eq!((o.lost, o.reached), (1, 2));
    assert_eq!(o.rag_hit, None, "no query, no knowledge layer");
    assert_eq!(o.cache, CacheState::Absent);
}

/// A user with nothing stored but its milestone.
fn bare_snapshot(user: &str, milestone: Option<&str>) -> crate::engine::Snapshot {
    crate::engine::Snapshot {
        user_id: user.into(),
        session_id: None,
        current_milestone: milestone.map(str::to_string),
        now: chrono::DateTime::UNIX_EPOCH,
        query: None,
        session: vec![],
        journey: vec![],
        knowledge: vec![],
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        malformed: vec![],
        notes: vec![],
    }
}

/// A cached context the store could not read at all (a malformed item naming the current
/// milestone's key, under any prefix) is counted unreadable, not absent.
#[test]
fn an_unreadable_cached_context_is_counted_so() {
    let p = Policy::preset("prolaunch").expect("preset");
    let mut snap = bare_snapshot("u:1", Some("M2"));
    let cache = |snap: &crate::engine::Snapshot| {
        let a = Engine::default().assemble(snap, &p);
        PolicyOutcome::of(snap, &p, &a).cache
    };
    assert_eq!(cache(&snap), CacheState::Absent);
    snap.malformed.push(crate::engine::snapshot::Malformed {
        id: None,
        source: "app:context:u:1:M1".into(),
        reason: "cached context is not JSON: expected value".into(),
    });
    assert_eq!(cache(&snap), CacheState::Absent, "another milestone's key");
    snap.malformed[0].source = "app:context:u:1:M2".into();
    assert_eq!(cache(&snap), CacheState::Unreadable);
}

fn plan(candidate: Policy, baseline: Option<Policy>) -> Plan {
    Plan {
        candidate,
        baseline,
        top: DEFAULT_TOP,
        opts: LoadOptions::default(),
        cache: None,
        duplicates: false,
        knowledge_rows: super::knowledge::DEFAULT_LISTED,
    }
}

async fn report(store: Arc<dyn Store>, pick: Pick, plan: Plan) -> Summary {
    let cand = plan.candidate.clone();
    let base = plan.baseline.clone();
    let (t, info) = run(
        Fleet::Store { store, pick },
        plan,
        Arc::new(Engine::default()),
        &mut Quiet,
        std::future::pending(),
    )
    .await
    .expect("report runs");
    t.summary(&cand, base.as_ref(), info)
}

/// The demo under `preset` with `budget.total` lowered to `total`, against the preset.
async fn demo_with_budget(preset: &str, total: u32) -> Summary {
    let base = Policy::preset(preset).expect("preset");
    let cand = base
        .clone()
        .with_overrides(&[format!("budget.total={total}")])
        .expect("override");
    let demo = Arc::new(MemoryStore::demo());
    report(demo, Pick::All, plan(cand, Some(base))).await
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn the_demo_fleet_against_itself_changes_nothing() {
    runtime().block_on(async {
        let p = Policy::preset("layered-adr").expect("preset");
        let s = report(
            Arc::new(MemoryStore::demo()),
            Pick::All,
            plan(p.clone(), Some(p)),
        )
        .await;
        assert_eq!(s.users, 71);
        assert_eq!(s.errors.count, 0);
        let ch = s.changes.expect("compared");
        assert_eq!(
            (ch.users_compared, ch.users_changed, ch.tokens_newly_dropped),
            (71, 0, 0)
        );
        assert!(ch.most_affected.is_empty());
        assert_eq!(s.baseline.as_ref(), Some(&s.candidate));
    });
}

#[test]
fn a_smaller_budget_drops_tokens_and_names_the_users() {
    runtime().block_on(async {
        let s = demo_with_budget("prolaunch", 1500).await;
        let ch = s.changes.expect("compared");
        assert!(
            ch.users_changed > 0 && ch.tokens_newly_dropped > 0,
            "{ch:?}"
        );
        assert!(
            s.candidate.avg_context_tokens < s.baseline.as_ref().expect("base").avg_context_tokens
        );
        let top = &ch.most_affected[0];
        assert!(
            top.tokens_newly_dropped >= ch.most_affected.last().expect("some").tokens_newly_dropped
        );
        // Every listed item really changed, and the drops add up for that user.
        let dropped: usize = top
            .items
            .iter()
            .map(|i| {
                let before = i.before.as_ref().map_or(0, |f| f.kept_tokens);
                let after = i.after.as_ref().map_or(0, |f| f.kept_tokens);
                assert_ne!(i.before, i.after);
                before.saturating_sub(after)
            })
            .sum();
        assert_eq!(dropped, top.tokens_newly_dropped);
    });
}

#[test]
fn the_report_equals_the_sum_of_single_replays() {
    runtime().block_on(async {
        let p = Policy::preset("prolaunch").expect("preset");
        let store = MemoryStore::demo();
        let engine = Engine::default();
        let mut total = 0usize;
        let ids: Vec<String> = store
            .users(None, 1000)
            .await
            .expect("users")
            .users
            .into_iter()
            .map(|u| u.user_id)
            .collect();
        for id in &ids {
            let (snap, _) = crate::store::load_snapshot(
                &store,
                id,
                &LoadOptions::default(),
                crate::store::KnowledgeParams::of(&p),
            )
            .await
            .expect("loads");
            total += engine.assemble(&snap, &p).total_tokens;
        }
        let s = report(Arc::new(store), Pick::All, plan(p, None)).await;
        assert_eq!(
            s.candidate.avg_context_tokens,
            ((total as f64 / ids.len() as f64) * 100.0).round() / 100.0
        );
    });
}

#[test]
fn a_sample_is_the_same_for_the_same_seed_and_a_list_names_missing_users_by_line() {
    runtime().block_on(async {
        let p = Policy::preset("prolaunch").expect("preset");
        let store: Arc<dyn Store> = Arc::new(MemoryStore::synthetic(3, 500));
        let a = report(
            store.clone(),
            Pick::Sample { n: 40, seed: 9 },
            plan(p.clone(), None),
        )
        .await;
        let b = report(
            store.clone(),
            Pick::Sample { n: 40, seed: 9 },
            plan(p.clone(), None),
        )
        .await;
        let c = report(
            store.clone(),
            Pick::Sample { n: 40, seed: 10 },
            plan(p.clone(), None),
        )
        .await;
        assert_eq!(a.users, 40);
        assert_eq!(a, b);
        assert_ne!(a.candidate, c.candidate);

        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("users.txt");
        std::fs::write(
            &file,
            "# ticket 42\ns3-000007\n\nnobody\ns3-000007\ns3-000499 extra words\n",
        )
        .expect("write");
        let listed = read_user_list(&file).expect("list");
        assert_eq!(listed.len(), 3);
        let s = report(store, Pick::Listed(listed), plan(p, None)).await;
        assert_eq!((s.users, s.errors.count), (2, 1));
        let shown = file.display().to_string();
        assert!(
            s.errors.first[0].starts_with(&format!("{shown}:4: user nobody")),
            "{:?}",
            s.errors.first
        );
    });
}

#[test]
fn cancelling_gives_a_partial_report() {
    runtime().block_on(async {
        let p = Policy::preset("prolaunch").expect("preset");
        let (t, info) = run(
            Fleet::Store {
                store: Arc::new(MemoryStore::synthetic(1, 100_000)),
                pick: Pick::All,
            },
            plan(p, None),
            Arc::new(Engine::default()),
            &mut Quiet,
            async {},
        )
        .await
        .expect("runs");
        assert!(info.partial);
        assert_eq!(info.users_total, Some(100_000));
        assert!(t.users() < 100_000);
        let stopped = info.stopped.expect("why it stopped");
        assert_eq!(stopped.cause, super::run::INTERRUPTED);
        assert_eq!(stopped.not_read, 100_000 - t.users() - t.errors);
        assert!(!stopped.not_read_lower_bound, "the total is known");
    });
}

#[test]
fn json_and_csv_read_back() {
    runtime().block_on(async {
        let s = demo_with_budget("layered-adr", 2000).await;
        let json = serde_json::to_string_pretty(&s).expect("json");
        let back: Summary = serde_json::from_str(&json).expect("parses back");
        assert_eq!(back, s);

        let text = format::csv(&s);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader.headers().expect("header"),
            vec!["section", "row", "column", "value"]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
        let get = |section: &str, row: &str, column: &str| {
            rows.iter()
                .find(|r| &r[0] == section && &r[1] == row && &r[2] == column)
                .map(|r| r[3].to_string())
                .unwrap_or_else(|| panic!("no {section}/{row}/{column}"))
        };
        assert_eq!(get("run", "", "users"), "71");
        let avg: f64 = get("monitoring", "avg_context_tokens", "candidate")
            .parse()
            .expect("number");
        assert_eq!(avg, s.candidate.avg_context_tokens);
        let changed: u64 = get("changes", "users_changed", "value")
            .parse()
            .expect("number");
        assert_eq!(changed, s.changes.as_ref().expect("compared").users_changed);
        let p99: usize = get("tokens_candidate", "total", "p99")
            .parse()
            .expect("number");
        assert_eq!(p99, s.candidate.total_tokens.p99);
        let md = format::markdown(&s);
        assert!(md.contains("| Avg context tokens | < 2500 |"), "{md}");
    });
}

#[test]
fn a_snapshot_cache_gives_the_same_report_and_reloads_for_other_knowledge_parameters() {
    runtime().block_on(async {
        let p = Policy::preset("prolaunch").expect("preset");
        let store: Arc<dyn Store> = Arc::new(MemoryStore::demo());
        let cache = Arc::new(run::SnapshotCache::new(50));
        let with_cache = |policy: &Policy| Plan {
            cache: Some(cache.clone()),
            ..plan(policy.clone(), None)
        };
        let fresh = report(store.clone(), Pick::All, plan(p.clone(), None)).await;
        let first = report(store.clone(), Pick::All, with_cache(&p)).await;
        assert_eq!(cache.len(), 50, "bounded by its capacity");
        let second = report(store.clone(), Pick::All, with_cache(&p)).await;
        assert_eq!(first, fresh);
        assert_eq!(second, fresh);
        // A lower threshold searches knowledge again: the same as without a cache.
        let wide = p
            .clone()
            .with_overrides(&["knowledge.similarity_threshold=0.3".into()])
            .expect("override");
        let cached = report(store.clone(), Pick::All, with_cache(&wide)).await;
        let uncached = report(store.clone(), Pick::All, plan(wide.clone(), None)).await;
        assert_eq!(cached, uncached);
        assert_ne!(cached.candidate.rag_hit_rate, fresh.candidate.rag_hit_rate);
        // Both sets of parameters are now held: a comparison of the two reads them from the cache.
        let both = Plan {
            baseline: Some(p.clone()),
            ..with_cache(&wide)
        };
        let cached = report(store.clone(), Pick::All, both).await;
        let uncached = report(store, Pick::All, plan(wide, Some(p))).await;
        assert_eq!(cached, uncached);
        assert!(cached.changes.is_some_and(|c| c.users_changed > 0));
    });
}

#[test]
fn listing_ids_pages_like_listing_users() {
    runtime().block_on(async {
        for store in [MemoryStore::demo(), MemoryStore::synthetic(2, 130)] {
            let (mut by_summary, mut by_id) = (Vec::new(), Vec::new());
            let mut cursor = None;
            loop {
                let page = store.users(cursor.as_deref(), 50).await.expect("users");
                by_summary.extend(page.users.into_iter().map(|u| u.user_id));
                let (ids, next) = store.user_ids(cursor.as_deref(), 50).await.expect("ids");
                by_id.extend(ids);
                assert_eq!(next, page.next_cursor);
                cursor = next;
                if cursor.is_none() {
                    break;
                }
            }
            assert!(by_id.len() >= 68, "{}", by_id.len());
            assert_eq!(by_id, by_summary, "{}", store.describe());
        }
        let bad = MemoryStore::demo().user_ids(Some("x"), 5).await;
        assert!(bad.is_err_and(|e| e.to_string().contains("invalid cursor \"x\"")));
    });
}

/// The demo, where reading `bad` panics (a bug on a data path) and reading any of `broken`
/// fails with a data error: what a report does with a batch that holds them.
struct BadUsers {
    demo: MemoryStore,
    bad: &'static str,
    broken: &'static [&'static str],
}

#[async_trait::async_trait]
impl Store for BadUsers {
    fn describe(&self) -> String {
        self.demo.describe()
    }
    fn user_count(&self) -> Option<usize> {
        self.demo.user_count()
    }
    async fn users(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<crate::store::UserPage, crate::store::StoreError> {
        self.demo.users(cursor, limit).await
    }
    async fn load_user(
        &self,
        user: &str,
        o: &LoadOptions,
    ) -> Result<crate::store::UserData, crate::store::StoreError> {
        if user == self.bad {
            panic!("index out of bounds reading {user}");
        }
        if self.broken.contains(&user) {
            return Err(crate::store::StoreError::Backend {
                store: "demo".into(),
                what: format!("reading {user}"),
                cause: "a row is unreadable".into(),
            });
        }
        self.demo.load_user(user, o).await
    }
    async fn health(&self) -> Vec<crate::store::Health> {
        self.demo.health().await
    }
    async fn subscribe(
        &self,
        user: Option<&str>,
    ) -> Result<crate::store::EventStream, crate::store::StoreError> {
        self.demo.subscribe(user).await
    }
    async fn search_knowledge(
        &self,
        q: &crate::store::KnowledgeQuery,
    ) -> Result<crate::store::KnowledgeHits, crate::store::StoreError> {
        self.demo.search_knowledge(q).await
    }
}

#[test]
fn a_user_whose_read_panics_or_fails_fails_alone_not_its_batch() {
    runtime().block_on(async {
        let demo = MemoryStore::demo();
        let all = demo.user_count().expect("the demo counts its users") as u64;
        let store = Arc::new(BadUsers {
            demo,
            bad: "u007",
            broken: &["u010", "u011"],
        });
        let policy = Policy::preset("prolaunch").expect("preset");
        let s = report(store, Pick::All, plan(policy, None)).await;
        // u007's panic fails its whole shared read; each of its batch is then read alone.
        assert_eq!(s.errors.count, 3, "{:?}", s.errors.first);
        assert_eq!(s.users, all - 3, "every other user is read");
        assert!(!s.partial, "a data error is no outage");
        let named = |u: &str| s.errors.first.iter().any(|e| e.contains(u));
        assert!(
            named("u007") && named("u010") && named("u011"),
            "{:?}",
            s.errors.first
        );
        assert!(
            s.errors
                .first
                .iter()
                .any(|e| e.contains("index out of bounds")),
            "{:?}",
            s.errors.first
        );
    });
}
