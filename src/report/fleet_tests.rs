//! Reports of whole fleets: the demo through `run`, samples, cancelling, formats, caches and
//! users whose read fails.

use std::sync::Arc;

use super::run::{Plan, Quiet, run};
use super::source::{Fleet, Pick, read_user_list};
use super::*;
use crate::engine::{Engine, Policy};
use crate::store::{LoadOptions, MemoryStore, Store};

mod stores;

fn plan(candidate: Policy, baseline: Option<Policy>) -> Plan {
    Plan {
        candidate,
        baseline,
        top: DEFAULT_TOP,
        opts: LoadOptions::default(),
        cache: None,
        duplicates: false,
        knowledge_rows: super::knowledge::DEFAULT_LISTED,
        redact: false,
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

/// Data that could not be read (a session entry, a cached context that is not JSON) is
/// replayed without and said: counted over the fleet, each user's first item named, in every
/// format; the same count as the users' own malformed items, one by one.
#[test]
fn unreadable_data_is_counted_and_named_not_passed_over() {
    runtime().block_on(async {
        let p = Policy::preset("prolaunch").expect("preset");
        let demo: Arc<dyn Store> = Arc::new(MemoryStore::demo());
        let s = report(demo.clone(), Pick::All, plan(p.clone(), None)).await;
        let engine = Engine::default();
        let (mut items, mut users) = (0u64, 0u64);
        for u in ["u032", "u066"] {
            let (snap, _) = crate::store::load_snapshot(
                demo.as_ref(),
                u,
                &LoadOptions::default(),
                crate::store::KnowledgeParams::of(&p),
            )
            .await
            .expect("a snapshot");
            let n = engine.assemble(&snap, &p).malformed.len() as u64;
            assert!(n > 0, "{u}");
            items += n;
            users += 1;
        }
        assert_eq!((s.unreadable.items, s.unreadable.users), (items, users));
        assert!(
            s.unreadable
                .first
                .iter()
                .any(|m| m.starts_with("u066: session:u066:s2[1]: ")),
            "{:?}",
            s.unreadable.first
        );
        let head = format::headline(&s).join("\n");
        assert!(
            head.contains(&format!(
                "{items} items in 2 users unreadable: replayed without them (listed at the end)"
            )),
            "{head}"
        );
        assert!(format::markdown(&s).contains("Unreadable data ("));
        assert_eq!(s.to_json()["unreadable"]["items"], items);
        // Every such user is named in --json and CSV, not only the first few.
        assert_eq!(s.unreadable.user_ids, ["u032", "u066"]);
        assert_eq!(
            s.to_json()["unreadable"]["user_ids"],
            serde_json::json!(["u032", "u066"])
        );
        let csv = format::csv(&s);
        assert!(csv.contains("\nunreadable,"), "{csv}");
        assert!(
            csv.contains("\nunreadable_user,1,user_id,u032\nunreadable_user,2,user_id,u066\n"),
            "{csv}"
        );
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
        // A sample larger than the fleet (however large) is the whole fleet: nothing is made
        // ready for users that are not there.
        let all = report(
            store.clone(),
            Pick::Sample {
                n: usize::MAX,
                seed: 9,
            },
            plan(p.clone(), None),
        )
        .await;
        assert_eq!(all.users, 500);
        assert!(!all.source.contains("sample"), "{}", all.source);
        assert!(
            a.source
                .ends_with(" · a random sample of 40 of 500 users (seed 9)"),
            "{}",
            a.source
        );

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
        // The whole line is the id: `s3-000499 extra words` is nobody, not s3-000499.
        assert_eq!((s.users, s.errors.count), (1, 2));
        let shown = file.display().to_string();
        assert!(
            s.errors.first[0].starts_with(&format!("{shown}:4: user nobody")),
            "{:?}",
            s.errors.first
        );
        assert!(
            s.errors.first[1].starts_with(&format!("{shown}:6: user s3-000499 extra words")),
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

/// A stop asked once every user is read (while the knowledge rows are listed) ends the
/// listing, said as not read; the users read are all in the report, not marked partial.
#[test]
fn a_stop_while_the_rows_are_listed_ends_the_listing() {
    use std::sync::atomic::{AtomicBool, Ordering};
    /// Asks to stop once the run says every user is read.
    struct StopWhenDone(Arc<AtomicBool>, Option<u64>);
    impl super::run::Observer for StopWhenDone {
        fn total(&mut self, users: Option<u64>) {
            self.1 = users;
        }
        fn progress(&mut self, done: u64) {
            if Some(done) == self.1 {
                self.0.store(true, Ordering::SeqCst);
            }
        }
    }
    runtime().block_on(async {
        let asked = Arc::new(AtomicBool::new(false));
        let mut observer = StopWhenDone(asked.clone(), None);
        let cancel = std::future::poll_fn(|_| {
            if asked.load(Ordering::SeqCst) {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        });
        let p = Policy::preset("prolaunch").expect("preset");
        let demo: Arc<dyn Store> = Arc::new(MemoryStore::demo());
        let (t, info) = run(
            Fleet::Store {
                store: demo,
                pick: Pick::All,
            },
            plan(p, None),
            Arc::new(Engine::default()),
            &mut observer,
            cancel,
        )
        .await
        .expect("runs");
        assert!(asked.load(Ordering::SeqCst), "every user was read");
        assert!(!info.partial);
        assert_eq!(Some(t.users() + t.errors), info.users_total);
        assert_eq!(
            info.catalogue,
            super::knowledge::Catalogue::NotRead(
                "stopped (a signal) before the rows were listed".into()
            )
        );
    });
}

#[test]
fn json_and_csv_read_back() {
    runtime().block_on(async {
        let s = demo_with_budget("layered-adr", 2000).await;
        let json = serde_json::to_string_pretty(&s).expect("json");
        let mut back: Summary = serde_json::from_str(&json).expect("parses back");
        // The unrounded figures are the run's own, not written out.
        back.candidate.exact = s.candidate.exact;
        if let (Some(b), Some(a)) = (back.baseline.as_mut(), s.baseline.as_ref()) {
            b.exact = a.exact;
        }
        for (b, a) in back.monitoring.iter_mut().zip(&s.monitoring) {
            b.candidate.exact = a.candidate.exact;
            if let (Some(bb), Some(ab)) = (b.baseline.as_mut(), a.baseline.as_ref()) {
                bb.exact = ab.exact;
            }
        }
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
        assert_eq!(get("run", "", "users_failed"), "0");

        // A policy name from a file reaches no heading raw; users not read are rows of the CSV.
        let mut s = s;
        s.candidate.policy = "x\u{1b}]0;N\u{7}".into();
        s.errors.count = 1;
        s.errors.first = vec!["list.txt:4: user nobody: not found".into()];
        let md = format::markdown(&s);
        assert!(!md.contains('\u{1b}') && !md.contains('\u{7}'), "{md}");
        assert!(md.contains(r"x␛\]0;N␇"), "{md}");
        let text = format::csv(&s);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
        let has = |want: [&str; 4]| rows.iter().any(|r| r.iter().eq(want));
        assert!(has(["run", "", "users_failed", "1"]), "{text}");
        assert!(
            has(["failed", "1", "error", "list.txt:4: user nobody: not found"]),
            "{text}"
        );
        assert!(!text.contains("users_failed_listed"), "all listed: {text}");
        // More than are kept: the CSV says how many of them it lists.
        s.errors.count = 150;
        let text = format::csv(&s);
        assert!(text.contains("run,,users_failed_listed,1\n"), "{text}");
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

/// Verdicts and the optimizer decide on the unrounded figures: a rate just under its target is
/// a pass though it is shown rounded onto the target.
#[test]
fn verdicts_are_decided_on_the_unrounded_figures() {
    runtime().block_on(async {
        let mut s = demo_with_budget("prolaunch", 4000).await;
        s.candidate.truncation_rate = 0.05;
        s.candidate.exact.truncation_rate = 0.049_996;
        let m = s.candidate.monitor("truncation_rate");
        assert_eq!(
            (m.value, m.pass, m.exact),
            (Some(0.05), Some(true), Some(0.049_996))
        );
        // Shown with the digits that keep it off the edge it is not on.
        assert_eq!(
            format::beside_edges(m.exact.expect("exact"), "truncation_rate"),
            "4.9996 %"
        );
        let measured = crate::optimize::target::Metrics::of(&s.candidate, None);
        assert_eq!(measured.truncation_rate, 0.049_996);
        let t = crate::optimize::target::Target::parse("truncation_rate<0.05").expect("target");
        assert_eq!(t.violation(&measured), 0.0);
        // Written out as the report writes it.
        let json = serde_json::to_value(measured).expect("json");
        assert_eq!(json["truncation_rate"], 0.05);
    });
}

/// A candidate that changes no user's context says so where the most affected would be listed,
/// not "top 0".
#[test]
fn a_candidate_that_changes_nothing_lists_no_affected_users_in_words() {
    runtime().block_on(async {
        let s = demo_with_budget("prolaunch", 4000).await;
        assert_eq!(s.changes.as_ref().map(|c| c.users_changed), Some(0));
        let md = format::markdown(&s);
        assert!(
            md.contains("Most affected users: none (no user's context changed)"),
            "{md}"
        );
        assert!(!md.contains("top 0"), "{md}");
    });
}
