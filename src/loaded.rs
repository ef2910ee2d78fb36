//! One user as loaded, and what a person may see of it. Under `--redact` the data is masked here,
//! once, when it is loaded (SPEC §6): every command and screen shows the masked copy, while
//! assembly counts tokens on the stored text and findings compare against an unmasked replay.

use crate::engine::cache::CachedContext;
use crate::engine::redact::{mask, mask_json, mask_quoted, mask_snapshot};
use crate::engine::{Assembly, Engine, Margins, Policy, Snapshot};
use crate::findings::{Finding, findings};
use crate::store::{UserData, UserSummary};

/// A loaded user: the stored data (kept private: only assembly reads it) and, under
/// `--redact`, the masked copy everything else sees.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    data: UserData,
    snapshot: Snapshot,
    masked: Option<Box<(UserData, Snapshot)>>,
}

impl Loaded {
    pub fn new(data: UserData, snapshot: Snapshot, redact: bool) -> Self {
        let masked = redact.then(|| Box::new((mask_user_data(&data), mask_snapshot(&snapshot))));
        Loaded {
            data,
            snapshot,
            masked,
        }
    }

    /// The user's data as shown (masked under `--redact`).
    pub fn data(&self) -> &UserData {
        self.masked.as_ref().map_or(&self.data, |m| &m.0)
    }

    /// The snapshot as shown (masked under `--redact`).
    pub fn snapshot(&self) -> &Snapshot {
        self.masked.as_ref().map_or(&self.snapshot, |m| &m.1)
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
            engine.assemble_redacted(&self.snapshot, policy)
        } else {
            engine.assemble(&self.snapshot, policy)
        }
    }

    /// How `other` differs from this user, and why (`ctxlens diff`): found on the stored data
    /// (the comparison's own fields hold ids, timestamps and numbers, no user text); the two
    /// assemblies it carries are the ones shown (masked under `--redact`).
    pub fn compare(
        &self,
        engine: &Engine,
        policy: &Policy,
        other: &Loaded,
        other_policy: &Policy,
    ) -> crate::engine::cause::Comparison {
        let mut c = crate::engine::cause::compare(
            engine,
            (&self.snapshot, policy),
            (&other.snapshot, other_policy),
        );
        if self.redacted() {
            c.before = self.assemble(engine, policy);
        }
        if other.redacted() {
            c.after = other.assemble(engine, other_policy);
        }
        c
    }

    /// Why knowledge row `row` was (not) used, gate by gate: assembled from the stored data (the
    /// explanation holds ids, titles and numbers, no user text).
    pub fn explain_knowledge(
        &self,
        engine: &Engine,
        policy: &Policy,
        row: &crate::engine::snapshot::KnowledgeEntry,
    ) -> crate::engine::explain::Explanation {
        engine.explain_knowledge(&self.snapshot, policy, row)
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
                own = engine.assemble(&self.snapshot, policy);
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
            for f in &mut found {
                f.message = mask_quoted(&f.message);
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
        let info = self.data.as_of.clone()?;
        let notes = self
            .snapshot
            .notes
            .iter()
            .filter(|n| n.kind.is_time_travel())
            .map(|n| {
                let mut n = n.clone();
                if self.redacted() {
                    n.message = mask_quoted(&n.message);
                }
                n
            })
            .collect();
        Some(AsOfView { info, notes })
    }

    /// The cached context in one line (items, tokens, policy, when written), read from the
    /// stored value; `None` without one, an error when it cannot be read.
    pub fn cached_summary(&self) -> Option<Result<String, String>> {
        let v = self.data.cached_context.as_ref()?;
        Some(match CachedContext::from_json(v) {
            Ok(c) => Ok(format!(
                "{} items, {} tokens, policy {}, written {}",
                c.items.len(),
                c.total_tokens,
                c.policy,
                c.created_at
            )),
            Err(e) if self.redacted() => Err(mask_quoted(&e)),
            Err(e) => Err(e),
        })
    }
}

/// A user's data as a person may see it under `--redact`: display name, chat, journey values,
/// the cached context and quoted values in malformed reasons masked.
pub fn mask_user_data(d: &UserData) -> UserData {
    let mut out = d.clone();
    out.display_name = d.display_name.as_deref().map(mask);
    let snap_like = Snapshot {
        user_id: d.user_id.clone(),
        session_id: d.session_id.clone(),
        current_milestone: d.current_milestone.clone(),
        now: d.now,
        query: None,
        session: d.session.clone(),
        journey: d.journey.clone(),
        knowledge: Vec::new(),
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        malformed: d.malformed.clone(),
        notes: Vec::new(),
    };
    let masked = mask_snapshot(&snap_like);
    out.session = masked.session;
    out.journey = masked.journey;
    out.malformed = masked.malformed;
    out.cached_context = d.cached_context.as_ref().map(mask_json);
    out
}

/// A listing row as a person may see it under `--redact`: the display name masked.
pub fn mask_summary(u: &mut UserSummary) {
    u.display_name = u.display_name.as_deref().map(mask);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_inside_a_turn_does_not_unmask_what_follows() {
        let text = r###"{"user_id":"u1","session_id":"s1","now":"2025-01-15T12:00:00Z",
            "session":[{"user":"## Relevant knowledge\nmy secret recipe","assistant":"## User query\nkeep it secret",
                        "timestamp":"2025-01-15T11:00:00Z"}]}"###;
        let snap = Snapshot::from_json(text).expect("parses");
        let data = UserData::of_snapshot(&snap);
        let policy = Policy::preset("prolaunch").expect("preset");
        let a = Loaded::new(data, snap, true).assemble(&Engine::default(), &policy);
        assert!(!a.prompt.contains("secret"), "{}", a.prompt);
        assert!(!a.prompt.contains("recipe"), "{}", a.prompt);
        assert!(a.prompt.contains("## Recent conversation"), "{}", a.prompt);
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
        let plain = Loaded::new(data.clone(), snap.clone(), false);
        let masked = Loaded::new(data, snap, true);
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
