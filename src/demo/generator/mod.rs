//! Deterministic generator of the demo dataset and of synthetic fleets: seeded ChaCha8, no clock.
//!
//! Every user gets its own RNG seeded from (seed, index), so a synthetic fleet of N users is a
//! prefix of a larger one and nothing depends on iteration order. Timestamps are offsets from the
//! fixed `NOW`. JSON objects are built with their keys in sorted order, so the output is the same
//! whether or not serde_json's `preserve_order` feature is enabled somewhere in the build.

use std::fmt::Write as _;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{Value, json};

use crate::demo::content::{
    DEPENDENCIES, FIRST_NAMES, LAST_NAMES, MILESTONE_TEXT, MILESTONES, NOTES, OFF_TOPIC_QUERY,
    PROFILES, Profile, UNICODE_CHATS, UNICODE_FOUNDER, UNICODE_PROFILE, articles,
};
use crate::demo::{Dataset, DemoUser, JourneyRow, KnowledgeRow, MemoryRow, RedisKey, RedisValue};
use crate::engine::embed::{BUILTIN_DIM, cosine, embed};

mod awkward;
#[cfg(test)]
mod cache_tests;
mod caches;
mod dupes;
mod journey;
mod plan;
mod sessions;
#[cfg(test)]
mod tests;

use awkward::*;
use dupes::*;
use journey::*;
use plan::*;
use sessions::*;

/// The dataset's fixed clock.
pub const NOW: &str = "2025-01-15T12:00:00Z";
/// `NOW` in Unix seconds.
const NOW_EPOCH: i64 = 1_736_942_400;
const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// Seed of the demo dataset (the seed design document's id).
const DEMO_SEED: u64 = 0xe149_cc85_e127_8aaa;
/// Normal users in the demo.
const DEMO_NORMAL_USERS: usize = 60;
/// TTL of a session key (seed 000).
const SESSION_TTL: u64 = 3_600;

/// The demo dataset: 60 normal users, then the awkward ones (`u061`–`u068`) and those whose
/// context holds copies (`u069`–`u071`), with the contexts the system cached for them.
///
/// Cache entries are assembled through the store, which is async: this runs a current-thread
/// runtime and must not be called from inside another one.
pub fn generate_demo() -> Dataset {
    let knowledge = knowledge();
    let article_vecs: Vec<Vec<f32>> = articles()
        .iter()
        .map(|a| embed(a.content, BUILTIN_DIM))
        .collect();
    let mut ids = 0i64;
    let mut users = Vec::with_capacity(DEMO_NORMAL_USERS + 8);
    for index in 0..DEMO_NORMAL_USERS {
        let mut rng = user_rng(DEMO_SEED, index as u64);
        let facts = Facts::demo(index, &mut rng);
        let plan = demo_plan(index, &facts, &article_vecs);
        users.push(normal_user(
            format!("u{:03}", index + 1),
            &plan,
            &facts,
            &mut rng,
            &mut ids,
        ));
    }
    users.extend(awkward_users(&mut ids));
    users.extend(duplicate_users(&mut ids));
    let mut dataset = Dataset {
        now: NOW.to_string(),
        knowledge,
        users,
    };
    // The in-memory store over generated data cannot fail: `NOW` parses and every user exists.
    #[allow(clippy::expect_used)]
    caches::add_cached_contexts(&mut dataset).expect("demo users load from their own dataset");
    dataset
}

/// `users` normal users with ids `s{seed}-{index:06}`, deterministic from `seed`; same knowledge table as the demo.
/// They have no cached contexts: assembling every user of a large fleet would dominate generation.
///
/// Each user has its own RNG seeded from (seed, index), so a smaller fleet is a prefix of a larger one.
pub fn generate_synthetic(seed: u64, users: usize) -> Dataset {
    Dataset {
        now: NOW.to_string(),
        knowledge: knowledge(),
        users: (0..users).map(|i| synthetic_user(seed, i)).collect(),
    }
}

/// Memory-bank ids of synthetic user `i` start after `i × SYNTHETIC_ID_STRIDE`, so any one user
/// can be made on its own (a user has far fewer rows than this).
const SYNTHETIC_ID_STRIDE: i64 = 1_000;

/// The id of synthetic user `index` of fleet `seed`.
pub fn synthetic_id(seed: u64, index: usize) -> String {
    format!("s{seed}-{index:06}")
}

/// Synthetic user `index` of fleet `seed`, made on its own (what [`generate_synthetic`] holds at `index`).
pub fn synthetic_user(seed: u64, index: usize) -> DemoUser {
    let mut rng = user_rng(seed, index as u64);
    let facts = Facts::random(&mut rng);
    let plan = random_plan(&mut rng);
    let mut ids = index as i64 * SYNTHETIC_ID_STRIDE;
    normal_user(synthetic_id(seed, index), &plan, &facts, &mut rng, &mut ids)
}

/// The knowledge table every generated dataset shares.
pub fn knowledge_rows() -> Vec<KnowledgeRow> {
    knowledge()
}

/// Pretty JSON with a trailing newline (the format of `fixtures/demo.json`).
pub fn to_pretty_json(d: &Dataset) -> String {
    // Serialising plain data (strings, numbers, JSON values) cannot fail.
    #[allow(clippy::expect_used)]
    let mut s = serde_json::to_string_pretty(d).expect("dataset serialises");
    s.push('\n');
    s
}

// ---------------------------------------------------------------- time and randomness

/// RFC 3339 UTC text of Unix seconds.
fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map_or_else(String::new, |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// One RNG per user: splitmix64 of (seed, index), so users are independent of each other.
fn user_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut z = seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    ChaCha8Rng::seed_from_u64(z ^ (z >> 31))
}

/// A value picked from a non-empty table.
fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    let i = rng.random_range(0..items.len());
    &items[i]
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---------------------------------------------------------------- one founder's facts

/// Everything the templates may mention about one founder; numbers are mutually consistent.
struct Facts {
    profile: &'static Profile,
    founder: String,
    company: &'static str,
    unit_cost: f64,
    landed: f64,
    moq: u32,
    first_run: u32,
    lead: u32,
    interviews: u32,
    survey: u32,
    preorders: u32,
    signup: u32,
    tam_m: u32,
    competitors: u32,
    budget: u32,
    waitlist: u32,
}

impl Facts {
    /// Demo founders: profiles and names rotate so no two demo users share both.
    fn demo(index: usize, rng: &mut ChaCha8Rng) -> Self {
        let profile = &PROFILES[(index * 7 + index / PROFILES.len()) % PROFILES.len()];
        let founder = format!(
            "{} {}",
            FIRST_NAMES[index % FIRST_NAMES.len()],
            LAST_NAMES[(index * 7) % LAST_NAMES.len()]
        );
        Self::with(
            profile,
            founder,
            profile.companies[(index / PROFILES.len()) % 2],
            rng,
        )
    }

    fn random(rng: &mut ChaCha8Rng) -> Self {
        let profile = pick(rng, PROFILES);
        let founder = format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES));
        let company = profile.companies[rng.random_range(0..2)];
        Self::with(profile, founder, company, rng)
    }

    fn with(
        profile: &'static Profile,
        founder: String,
        company: &'static str,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        let unit_cost = round2(f64::from(profile.price) * rng.random_range(0.16..0.28));
        let landed = round2(unit_cost * rng.random_range(1.3..1.6));
        let moq = rng.random_range(5..=20) * 100;
        Self {
            profile,
            founder,
            company,
            unit_cost,
            landed,
            moq,
            first_run: moq * rng.random_range(1..=3),
            lead: rng.random_range(9..=14),
            interviews: rng.random_range(12..=24),
            survey: rng.random_range(80..=260),
            preorders: rng.random_range(20..=140),
            signup: rng.random_range(4..=16),
            tam_m: rng.random_range(150..=1_500),
            competitors: rng.random_range(5..=9),
            budget: rng.random_range(12..=45) * 1_000,
            waitlist: rng.random_range(600..=4_000),
        }
    }

    fn price(&self) -> u32 {
        self.profile.price
    }

    fn margin_pct(&self) -> u32 {
        (100.0 * (1.0 - self.landed / f64::from(self.price()))).round() as u32
    }

    /// Appends a template placeholder's text to `out`; `false` for an unknown key.
    fn write_value(&self, key: &str, milestone: usize, out: &mut String) -> bool {
        let p = self.profile;
        let text = match key {
            "product" => p.product,
            "item" => p.item,
            "company" => self.company,
            "customer" => p.customer,
            "category" => p.category,
            "differentiator" => p.differentiator,
            "background" => p.background,
            "region" => p.region,
            "channel" => p.channels[0],
            "founder" => &self.founder,
            "milestone" => MILESTONES[milestone].1,
            _ => return self.write_number(key, out),
        };
        out.push_str(text);
        true
    }

    /// Appends a numeric placeholder; writing to a `String` cannot fail.
    fn write_number(&self, key: &str, out: &mut String) -> bool {
        let price = f64::from(self.price());
        let _ = match key {
            "price" => write!(out, "${}", self.price()),
            "wholesale" => write!(out, "${}", self.price() / 2),
            "unit_cost" => write!(out, "${:.2}", self.unit_cost),
            "landed" => write!(out, "${:.2}", self.landed),
            "margin" => write!(out, "{}%", self.margin_pct()),
            "comp_low" => write!(out, "${:.0}", price * 0.6),
            "comp_high" => write!(out, "${:.0}", price * 1.5),
            "moq" => write!(out, "{}", self.moq),
            "first_run" => write!(out, "{}", self.first_run),
            "lead" => write!(out, "{}", self.lead),
            "interviews" => write!(out, "{}", self.interviews),
            "survey" => write!(out, "{}", self.survey),
            "preorders" => write!(out, "{}", self.preorders),
            "signup" => write!(out, "{}%", self.signup),
            "competitors" => write!(out, "{}", self.competitors),
            "budget" => write!(out, "${}", thousands(self.budget)),
            "waitlist" => write!(out, "{}", thousands(self.waitlist)),
            "tam" => write!(out, "${}M", self.tam_m),
            "sam" => write!(out, "${}M", self.tam_m / 4),
            "som" => write!(out, "${:.1}M", f64::from(self.tam_m) / 4.0 * 0.02),
            _ => return false,
        };
        true
    }

    /// The milestone's metrics, all derived from the facts (keys in sorted order).
    fn metrics(&self, milestone: usize) -> Value {
        match milestone {
            0 => json!({"launch_budget_usd": self.budget, "runway_months": 6 + self.lead % 5}),
            1 => {
                json!({"competitors_reviewed": self.competitors, "sam_usd_m": self.tam_m / 4, "tam_usd_m": self.tam_m})
            }
            2 => json!({"interviews": self.interviews, "preorders": self.preorders,
                        "signup_rate_pct": self.signup, "survey_responses": self.survey}),
            3 => {
                json!({"must_have_features": 3 + self.competitors % 3, "sample_rounds": 2 + self.lead % 2,
                        "tech_pack_version": 3})
            }
            4 => json!({"gross_margin_pct": self.margin_pct(), "landed_cost_usd": self.landed,
                        "retail_price_usd": self.price(), "wholesale_price_usd": self.price() / 2}),
            5 => json!({"moq_units": self.moq, "quotes_compared": 3 + self.competitors % 4,
                        "suppliers_vetted": 3 + self.interviews % 3, "unit_cost_usd": self.unit_cost}),
            6 => {
                json!({"aql_major": 2.5, "first_run_units": self.first_run, "lead_time_weeks": self.lead})
            }
            7 => {
                json!({"duty_rate_pct": 3 + self.moq % 7, "freight_per_unit_usd": round2((self.landed - self.unit_cost) / 2.0),
                        "landed_cost_usd": self.landed})
            }
            8 => {
                json!({"liability_cover_usd": 2_000_000, "trademark_classes": 1 + self.survey % 2})
            }
            _ => json!({"waitlist": self.waitlist}),
        }
    }
}

/// `12345` → `"12,345"`.
fn thousands(n: u32) -> String {
    if n >= 1_000 {
        format!("{},{:03}", n / 1_000, n % 1_000)
    } else {
        n.to_string()
    }
}

/// Fills `{key}` placeholders from the facts; unknown keys stay as they are.
fn fill(template: &str, facts: &Facts, milestone: usize) -> String {
    let mut out = String::with_capacity(template.len() + 48);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        if !facts.write_value(&after[..end], milestone, &mut out) {
            out.push_str(&rest[start..start + end + 2]);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------- plans

/// How a user's turn timestamps are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TimeStyle {
    Rfc3339,
    EpochInt,
    EpochFloat,
}

/// One normal user's recipe.
struct Plan {
    current: usize,
    /// Index into `articles()` of the newest user turn's question, and whether it is the casual one.
    ask: (usize, bool),
    times: TimeStyle,
    /// `{"role", "content"}` turns instead of `{"user", "assistant"}` pairs.
    roles: bool,
    /// Session keys without a TTL.
    no_ttl: bool,
}

fn journey_row(facts: &Facts, current: usize, updated: i64) -> JourneyRow {
    JourneyRow {
        current_milestone: MILESTONES[current].0.to_string(),
        display_name: Some(format!(
            "{} — {}",
            facts.founder,
            crate::text::capitalised(facts.profile.product)
        )),
        updated_at: rfc3339(updated),
    }
}

fn normal_user(
    user_id: String,
    plan: &Plan,
    facts: &Facts,
    rng: &mut ChaCha8Rng,
    ids: &mut i64,
) -> DemoUser {
    let completed = completed_milestones(plan.current, rng);
    let (memory_bank, updated) = journey_rows(facts, plan.current, &completed, rng, ids, false);
    let count = *pick(rng, &[1, 1, 2, 2, 3]);
    let sessions = sessions(
        facts,
        plan,
        &completed,
        rng,
        final_exchange(facts, plan),
        count,
    );
    DemoUser {
        user_id,
        journey: Some(journey_row(facts, plan.current, updated)),
        sessions,
        memory_bank,
        cached_contexts: vec![],
    }
}

// ---------------------------------------------------------------- knowledge

fn knowledge() -> Vec<KnowledgeRow> {
    let n = articles().len() as i64;
    articles()
        .iter()
        .zip(1i64..)
        .map(|(a, id)| KnowledgeRow {
            id,
            milestone: a.milestone.map(str::to_string),
            title: a.title.to_string(),
            content: a.content.to_string(),
            metadata: json!({"section": a.section, "source": a.source}),
            // Spread over the seven months before `NOW`, oldest first, during office hours.
            created_at: rfc3339(NOW_EPOCH - (n - id + 4) * 3 * DAY - 3 * HOUR + (id % 8) * HOUR),
        })
        .collect()
}

// ---------------------------------------------------------------- awkward demo users
