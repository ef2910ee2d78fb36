//! One user as loaded, and what a person may see of it. Under `--redact` the data is masked here,
//! once, when it is loaded (SPEC §6): every command and screen shows the masked copy, while
//! assembly counts tokens on the stored text and findings compare against an unmasked replay.

use crate::engine::cache::CachedContext;
use crate::engine::redact::{mask, mask_milestone, mask_quoted, mask_snapshot, mask_words};
use crate::engine::{Assembly, Engine, Margins, MilestoneMap, Policy, Snapshot};
use crate::findings::{Finding, findings};
use crate::store::UserData;

mod mask;

pub use mask::{mask_event, mask_summary};
use mask::{mask_named, mask_user_data, unknown_milestones};

/// A loaded user: the stored data (kept private: only assembly reads it) and, under
/// `--redact`, the masked copy everything else sees.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    data: UserData,
    snapshot: Snapshot,
    masked: Option<Box<Masked>>,
}

/// What `--redact` shows of a user.
#[derive(Debug, Clone, PartialEq)]
struct Masked {
    data: UserData,
    snapshot: Snapshot,
    /// The milestone ids in the user's stored data that the map does not know, longest first:
    /// masked wherever a message, a key or a note names them.
    unknown: Vec<String>,
}

/// How much replaying one comparison may do (delta debugging, then naming what each input
/// does), counted in items replayed: each replay costs the items of the two snapshots. A very
/// large user (tens of thousands of turns) answers within seconds, its set then not known to
/// be minimal. Counted, not timed, so the same inputs give the same answer on every run and
/// every machine.
pub const REPLAY_WORK: usize = 4_000_000;

impl Loaded {
    /// `redact`: under `--redact`, the engine's milestone map (the ids it knows stay in clear).
    pub fn new(data: UserData, snapshot: Snapshot, redact: Option<&MilestoneMap>) -> Self {
        let masked = redact.map(|map| {
            let unknown = unknown_milestones(&data, &snapshot, map);
            let (mut shown_data, mut shown_snapshot) = (
                mask_user_data(&data, &snapshot, map),
                mask_snapshot(&snapshot, map),
            );
            mask_named(&mut shown_data, &mut shown_snapshot, &snapshot, &unknown);
            Box::new(Masked {
                data: shown_data,
                snapshot: shown_snapshot,
                unknown,
            })
        });
        Loaded {
            data,
            snapshot,
            masked,
        }
    }

    /// The user's data as shown (masked under `--redact`).
    pub fn data(&self) -> &UserData {
        self.masked.as_ref().map_or(&self.data, |m| &m.data)
    }

    /// The snapshot as shown (masked under `--redact`).
    pub fn snapshot(&self) -> &Snapshot {
        self.masked.as_ref().map_or(&self.snapshot, |m| &m.snapshot)
    }

    /// A message, key or detail about this user as shown: under `--redact`, the milestone ids
    /// the map does not know are masked in it.
    pub fn shown_text(&self, text: &str) -> String {
        match &self.masked {
            Some(m) => mask_words(text, &m.unknown),
            None => text.to_string(),
        }
    }

    /// The snapshot exactly as stored: what `snapshot --out` writes (refused under `--redact`).
    pub fn stored_snapshot(&self) -> Option<&Snapshot> {
        self.masked.is_none().then_some(&self.snapshot)
    }

    pub fn redacted(&self) -> bool {
        self.masked.is_some()
    }

    /// The assembly as shown: counted on the stored text; under `--redact` the texts of chat,
    /// journey and query items are masked and the prompt is built from them.
    pub fn assemble(&self, engine: &Engine, policy: &Policy) -> Assembly {
        if self.redacted() {
            let mut a = engine.assemble_redacted(&self.snapshot, policy);
            for m in &mut a.malformed {
                m.reason = self.shown_text(&m.reason);
                m.source = self.shown_text(&m.source);
            }
            a
        } else {
            engine.assemble(&self.snapshot, policy)
        }
    }

    /// How `other` differs from this user, and why (`ctxlens diff`): found on the stored data
    /// (the comparison's own fields hold ids, timestamps and numbers, no user text); the two
    /// assemblies it carries are the ones shown (masked under `--redact`).
    /// The stored snapshot named as the user is listed: a user listed under a label
    /// (`USER@FILE`, a folder with the user in several files) is named by it where a comparison
    /// names it, since the file's own id may read as another entry's label (`a@z.json`). Only
    /// for naming: the data stays the file's (its cache is that id's).
    fn named(&self) -> std::borrow::Cow<'_, Snapshot> {
        if self.data.stored_as.is_none() {
            return std::borrow::Cow::Borrowed(&self.snapshot);
        }
        let mut s = self.snapshot.clone();
        s.user_id.clone_from(&self.data.user_id);
        std::borrow::Cow::Owned(s)
    }

    pub fn compare(
        &self,
        engine: &Engine,
        policy: &Policy,
        other: &Loaded,
        other_policy: &Policy,
    ) -> crate::engine::cause::Comparison {
        // The work budget is kept here: each call of `stop` comes before one replay.
        let per_replay = (items(&self.snapshot) + items(&other.snapshot)).max(1);
        let replays = std::cell::Cell::new(0usize);
        let stop = || {
            let done = replays.get();
            replays.set(done + 1);
            done.saturating_add(1).saturating_mul(per_replay) > REPLAY_WORK
        };
        let (a, b) = (self.named(), other.named());
        let mut c = crate::engine::cause::compare(engine, (&a, policy), (&b, other_policy), &stop);
        if self.redacted() {
            c.before = self.assemble(engine, policy);
        }
        if other.redacted() {
            c.after = other.assemble(engine, other_policy);
        }
        // The input changes name milestones (`M1 → M2`, a row's milestone): either side's
        // unknown ones masked.
        if self.redacted() || other.redacted() {
            let shown = |t: &str| other.shown_text(&self.shown_text(t));
            for i in &mut c.inputs {
                i.subject = shown(&i.subject);
                i.detail = shown(&i.detail);
            }
            for e in &mut c.cause {
                e.effects = e.effects.iter().map(|x| shown(x)).collect();
            }
        }
        c
    }

    /// Why knowledge row `row` was (not) used, gate by gate: assembled from the stored data (the
    /// explanation holds ids, titles and numbers, no user text; the user's milestone is shown as
    /// the masked copy shows it).
    pub fn explain_knowledge(
        &self,
        engine: &Engine,
        policy: &Policy,
        row: &crate::engine::snapshot::KnowledgeEntry,
    ) -> crate::engine::explain::Explanation {
        let mut e = engine.explain_knowledge_as(&self.snapshot, policy, row, self.redacted());
        if self.redacted() {
            e.current_milestone = self.snapshot().current_milestone.clone();
            // The row's milestone, when the map does not know it, is masked like the user's.
            let row_unknown: Vec<String> = row
                .milestone
                .iter()
                .filter(|m| !m.is_empty() && !engine.milestones.contains(m))
                .cloned()
                .collect();
            e.row.milestone = row
                .milestone
                .as_deref()
                .map(|m| mask_milestone(m, &engine.milestones));
            for g in &mut e.gates {
                g.detail = mask_words(&self.shown_text(&g.detail), &row_unknown);
            }
        }
        e
    }

    /// [`Loaded::explain_knowledge`] of the loaded hit `id`, taken from the stored data (the
    /// shown copy's milestone may be masked, which the milestone gate must not compare).
    pub fn explain_hit(
        &self,
        engine: &Engine,
        policy: &Policy,
        id: &str,
    ) -> Option<crate::engine::explain::Explanation> {
        let hit = self.snapshot.knowledge.iter().find(|h| h.id == id)?;
        Some(self.explain_knowledge(engine, policy, hit))
    }

    /// The query as stored, to embed it again (never shown: under `--redact` the shown one is
    /// masked).
    pub fn query_to_embed(&self) -> Option<&str> {
        self.snapshot.query.as_deref()
    }

    /// How far each budget is from changing what `policy` keeps (counted on the stored text;
    /// margins name items by id and count tokens, so nothing in them needs masking).
    pub fn margins(&self, engine: &Engine, policy: &Policy) -> Margins {
        engine.margins(&self.snapshot, policy)
    }

    /// Findings under `policy`, against an unmasked replay (`replay`, when the caller holds one
    /// of `policy` and the data is not masked; else one is made). Under `--redact` values quoted
    /// in messages are masked.
    pub fn findings(
        &self,
        engine: &Engine,
        policy: &Policy,
        replay: Option<&Assembly>,
    ) -> Vec<Finding> {
        let own;
        let replay = match replay.filter(|_| !self.redacted()) {
            Some(a) => a,
            None => {
                let mut a = engine.assemble(&self.snapshot, policy);
                if self.redacted() {
                    crate::engine::redact::unlink_across_the_mask(&mut a);
                }
                own = a;
                &own
            }
        };
        let mut found = findings(
            &self.data,
            &self.snapshot,
            policy,
            &engine.milestones,
            replay,
        );
        if self.redacted() {
            // A cached context's key names its milestone; a quoted milestone id the map knows
            // stays, as it does everywhere else.
            for f in &mut found {
                // A note a snapshot file wrote is its words: masked whole. The milestone ids
                // the map does not know first (see `mask_words`).
                let named = self.shown_text(&f.message);
                f.message = if self.snapshot.recorded_note(&f.source, &f.message) {
                    mask(&named)
                } else {
                    crate::engine::redact::mask_quoted_keeping(&named, &engine.milestones)
                };
                f.source = self.shown_text(&f.source);
            }
        }
        found
    }
}

/// What a load as of an earlier instant (`--at`) found out, as every output shows it: the
/// instant, when the data was read, the milestone of then and where it comes from, and the notes
/// on what cannot be told (their quoted values masked under `--redact`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AsOfView {
    #[serde(flatten)]
    pub info: crate::engine::rewind::AsOf,
    pub notes: Vec<crate::engine::snapshot::Note>,
}

impl Loaded {
    /// What the `--at` load found out; `None` for a load of the present.
    pub fn as_of(&self) -> Option<AsOfView> {
        // The shown copies: the milestone of then and the notes masked under --redact.
        let info = self.data().as_of.clone()?;
        let notes = self
            .snapshot()
            .notes
            .iter()
            .filter(|n| n.kind.is_time_travel())
            .cloned()
            .collect();
        Some(AsOfView { info, notes })
    }

    /// A snapshot file written `--at T` and read as it is: what it could not reconstruct then
    /// (its time-travel notes). None for a load `--at` ([`Loaded::as_of`] holds those) or of now.
    pub fn file_notes(&self) -> Vec<crate::engine::snapshot::Note> {
        if self.data().as_of.is_some() {
            return Vec::new();
        }
        self.snapshot()
            .notes
            .iter()
            .filter(|n| n.kind.is_time_travel())
            .cloned()
            .collect()
    }

    /// Why the cached context is not compared with the replay (`None`: it is, or there is
    /// none): decided on the stored data, shown as the rest is.
    pub fn cache_not_compared(&self) -> Option<String> {
        crate::findings::cache_not_compared(&self.data, &self.snapshot)
            .map(|why| self.shown_text(&why))
    }

    /// The cached context in one line (items, tokens, policy, when written), read from the
    /// stored value; `None` without one, an error when it cannot be read.
    pub fn cached_summary(&self) -> Option<Result<String, String>> {
        let v = self.data.cached_context.as_ref()?;
        Some(match CachedContext::from_json(v) {
            Ok(c) => {
                // The policy name is the writer's text: under --redact shown only when it is
                // one of ctxlens's presets.
                let preset = crate::engine::policy::PRESETS
                    .iter()
                    .any(|(name, _)| *name == c.policy);
                let policy = if self.redacted() && !preset {
                    mask(&c.policy)
                } else {
                    c.policy
                };
                Ok(format!(
                    "{} items, {} tokens, policy {policy}, written {}",
                    c.items.len(),
                    crate::text::thousands(c.total_tokens as f64, 0),
                    c.created_at
                ))
            }
            Err(e) if self.redacted() => Err(mask_quoted(&e)),
            Err(e) => Err(e),
        })
    }
}

/// The items a replay of `snapshot` assembles (turns, memory-bank rows, knowledge hits).
fn items(snapshot: &Snapshot) -> usize {
    snapshot.session.len() + snapshot.journey.len() + snapshot.knowledge.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_masked_whole_and_only_whole() {
        let words = vec!["my stage".to_string(), "M1x".to_string(), "ab".to_string()];
        assert_eq!(
            mask_words(
                "context:u1:my stage · M1x → M1 · M1xy · ab, abc, (ab)",
                &words
            ),
            "context:u1:•• ••••• · ••• → M1 · M1xy · ••, abc, (••)"
        );
        assert_eq!(mask_words("nothing to hide", &[]), "nothing to hide");
        assert_eq!(mask_words("é ab é", &words), "é •• é");
    }

    #[test]
    fn a_heading_inside_a_turn_does_not_unmask_what_follows() {
        let text = r###"{"user_id":"u1","session_id":"s1","now":"2025-01-15T12:00:00Z",
            "session":[{"user":"## Relevant knowledge\nmy secret recipe","assistant":"## User query\nkeep it secret",
                        "timestamp":"2025-01-15T11:00:00Z"}]}"###;
        let snap = Snapshot::from_json(text).expect("parses");
        let data = UserData::of_snapshot(&snap);
        let policy = Policy::preset("prolaunch").expect("preset");
        let a = Loaded::new(data, snap, Some(&MilestoneMap::default()))
            .assemble(&Engine::default(), &policy);
        assert!(!a.prompt.contains("secret"), "{}", a.prompt);
        assert!(!a.prompt.contains("recipe"), "{}", a.prompt);
        assert!(a.prompt.contains("## Recent conversation"), "{}", a.prompt);
    }

    #[test]
    fn milestones_the_map_does_not_know_are_masked_in_items_prompt_and_moments() {
        let text = r#"{"user_id":"u1","current_milestone":"zqvstage","now":"2025-01-15T12:00:00Z",
            "journey":[{"id":"mb:1","kind":"transition","milestone":"zqvstage","data":{"from":"zqvfrom","to":"zqvstage","context":{}},
                        "timestamp":"2025-01-15T10:00:00Z"},
                       {"id":"mb:2","kind":"milestone_data","milestone":"zqvdone","data":{"a":1},
                        "timestamp":"2025-01-15T11:00:00Z"},
                       {"id":"mb:3","kind":"milestone_data","milestone":"M1","data":{"a":1},
                        "timestamp":"2025-01-15T11:00:00Z"}]}"#;
        let snap = Snapshot::from_json(text).expect("parses");
        let mut data = UserData::of_snapshot(&snap);
        data.moments = crate::engine::rewind::moments(&snap);
        let policy = Policy::preset("prolaunch").expect("preset");
        let (engine, map) = (Engine::default(), MilestoneMap::default());
        let plain = Loaded::new(data.clone(), snap.clone(), None).assemble(&engine, &policy);
        assert!(plain.prompt.contains("zqvfrom"), "{}", plain.prompt);
        let shown = Loaded::new(data, snap, Some(&map));
        let a = shown.assemble(&engine, &policy);
        let all = format!(
            "{}{:?}{:?}{:?}",
            a.prompt,
            a.items,
            shown.data(),
            shown.snapshot()
        );
        assert!(!all.contains("zqv"), "{all}");
        let labels: Vec<&str> = shown
            .data()
            .moments
            .iter()
            .map(|m| m.label.as_str())
            .collect();
        assert_eq!(
            labels,
            ["transition → ••••••••", "completed •••••••, completed M1"]
        );
    }

    /// A milestone id the map does not know is masked whole in a note that names it, a quote in
    /// it included: masked after the note's quoted values, `MQ "q"` was no longer found (and
    /// showed as `MQ "•"`); an unbalanced quote did not mask the rest of the note.
    #[test]
    fn a_quote_inside_an_unknown_milestone_does_not_unmask_it_in_notes() {
        for (milestone, shown) in [
            (r#"MILEQA "q""#, "•••••• •••"),
            (r#"MILEQB "q"#, "•••••• ••"),
        ] {
            let text = serde_json::json!({"user_id": "u1", "current_milestone": milestone,
                "now": "2025-01-15T12:00:00Z"});
            let mut snap = Snapshot::from_json(&text.to_string()).expect("parses");
            let message = format!(
                "user_journeys keeps only the present: the milestone at T ({milestone}) is derived from memory_bank, not read"
            );
            snap.notes.push(crate::engine::snapshot::Note {
                kind: crate::engine::snapshot::NoteKind::OnlyCurrent,
                source: "user_journeys".into(),
                message,
            });
            let data = UserData::of_snapshot(&snap);
            let shown_snap = Loaded::new(data, snap, Some(&MilestoneMap::default()));
            let notes: Vec<&str> = shown_snap
                .snapshot()
                .notes
                .iter()
                .map(|n| n.message.as_str())
                .collect();
            assert_eq!(
                notes,
                [format!(
                    "user_journeys keeps only the present: the milestone at T ({shown}) is derived from memory_bank, not read"
                )],
                "{milestone}"
            );
        }
    }

    /// Users listed under labels (a folder of snapshot files: `USER@FILE`) are named by them in
    /// a comparison, never by the files' own ids, which may read as another entry's label.
    #[test]
    fn a_comparison_names_users_as_listed() {
        let side = |stored: &str, listed: &str| {
            let text = serde_json::json!({"user_id": stored, "now": "2025-01-15T12:00:00Z"});
            let snap = Snapshot::from_json(&text.to_string()).expect("parses");
            let mut data = UserData::of_snapshot(&snap);
            data.user_id = listed.into();
            data.stored_as = Some(stored.into());
            Loaded::new(data, snap, None)
        };
        let (a, b) = (
            side("a@z.json", "\"a@z.json\"@w.json"),
            side("a", "a@z.json"),
        );
        let policy = Policy::preset("prolaunch").expect("preset");
        let c = a.compare(&Engine::default(), &policy, &b, &policy);
        let details: Vec<&str> = c.inputs.iter().map(|i| i.detail.as_str()).collect();
        assert!(
            details.contains(&"\"a@z.json\"@w.json → a@z.json"),
            "{details:?}"
        );
        // The data stays the file's: its own id is still known.
        assert_eq!(a.snapshot.user_id, "a@z.json");
    }

    /// A cached context's policy name is its writer's text: under --redact shown only when it
    /// is a preset's.
    #[test]
    fn a_cached_contexts_policy_name_is_masked_unless_a_presets() {
        for (policy, shown) in [
            ("zqv secret plan", "policy ••• •••••• ••••,"),
            ("prolaunch", "policy prolaunch,"),
        ] {
            let text = serde_json::json!({"user_id": "u1", "current_milestone": "M3",
                "now": "2025-01-15T12:00:00Z",
                "cached_context": {"user_id": "u1", "milestone": "M3", "policy": policy,
                    "created_at": "2025-01-15T11:50:00Z", "total_tokens": 50,
                    "items": [{"id": "s1#0", "layer": "session", "tokens": 5}], "prompt": "p"}});
            let snap = Snapshot::from_json(&text.to_string()).expect("parses");
            let data = UserData::of_snapshot(&snap);
            let plain = Loaded::new(data.clone(), snap.clone(), None).cached_summary();
            let plain = plain.expect("a cache").expect("readable");
            assert!(plain.contains(&format!("policy {policy},")), "{plain}");
            let masked = Loaded::new(data, snap, Some(&MilestoneMap::default())).cached_summary();
            let masked = masked.expect("a cache").expect("readable");
            assert!(masked.contains(shown), "{masked}");
        }
    }

    use crate::store::{KnowledgeParams, LoadOptions, MemoryStore, load_snapshot};

    #[tokio::test]
    async fn masked_view_keeps_counts_and_hides_words() {
        let store = MemoryStore::demo();
        let policy = Policy::preset("prolaunch").expect("preset");
        let (snap, data) = load_snapshot(
            &store,
            "u068",
            &LoadOptions::default(),
            KnowledgeParams::of(&policy),
        )
        .await
        .expect("demo user");
        let engine = Engine::default();
        let plain = Loaded::new(data.clone(), snap.clone(), None);
        let masked = Loaded::new(data, snap, Some(&MilestoneMap::default()));
        let (a, b) = (
            plain.assemble(&engine, &policy),
            masked.assemble(&engine, &policy),
        );
        assert_eq!(a.total_tokens, b.total_tokens);
        let tokens = |x: &Assembly| x.items.iter().map(|i| i.kept_tokens).collect::<Vec<_>>();
        assert_eq!(tokens(&a), tokens(&b));
        // Masking keeps every character's place; labels and headings stay readable.
        for (x, y) in a.items.iter().zip(&b.items) {
            assert_eq!(x.text.chars().count(), y.text.chars().count(), "{}", x.id);
            assert_eq!(
                x.kept_text.as_ref().map(|t| t.chars().count()),
                y.kept_text.as_ref().map(|t| t.chars().count()),
                "{}",
                x.id
            );
        }
        assert_eq!(a.prompt.chars().count(), b.prompt.chars().count());
        assert!(b.prompt.contains("\nUser: ••"), "{}", b.prompt);
        assert!(b.prompt.contains("Business DNA\n"), "{}", b.prompt);
        let name = plain.data().display_name.clone().expect("a name");
        assert!(
            !masked
                .data()
                .display_name
                .as_deref()
                .unwrap_or("")
                .contains(&name)
        );
        let first = name.split(' ').next().unwrap_or("");
        assert!(!b.prompt.contains(first), "{}", b.prompt);
        assert!(b.prompt.contains("## Recent conversation"));
        assert_eq!(
            plain.findings(&engine, &policy, Some(&a)),
            masked.findings(&engine, &policy, None)
        );
        assert!(masked.stored_snapshot().is_none());
    }
}
