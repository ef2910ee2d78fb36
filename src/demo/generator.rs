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
    ARTICLES, DEPENDENCIES, FIRST_NAMES, LAST_NAMES, MILESTONE_TEXT, MILESTONES, NOTES,
    OFF_TOPIC_QUERY, PROFILES, Profile, UNICODE_CHATS, UNICODE_FOUNDER, UNICODE_PROFILE,
};
use crate::demo::{Dataset, DemoUser, JourneyRow, KnowledgeRow, MemoryRow, RedisKey, RedisValue};
use crate::engine::embed::{BUILTIN_DIM, cosine, embed};

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

/// The demo dataset: 60 normal users, then the awkward ones (`u061`–`u068`).
pub fn generate_demo() -> Dataset {
    let knowledge = knowledge();
    let article_vecs: Vec<Vec<f32>> = ARTICLES
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
    Dataset {
        now: NOW.to_string(),
        knowledge,
        users,
    }
}

/// `users` normal users with ids `s{seed}-{index:06}`, deterministic from `seed`; same knowledge table as the demo.
///
/// Each user has its own RNG seeded from (seed, index), so a smaller fleet is a prefix of a larger one.
pub fn generate_synthetic(seed: u64, users: usize) -> Dataset {
    let mut ids = 0i64;
    let users = (0..users)
        .map(|index| {
            let mut rng = user_rng(seed, index as u64);
            let facts = Facts::random(&mut rng);
            let plan = random_plan(&mut rng);
            normal_user(
                format!("s{seed}-{index:06}"),
                &plan,
                &facts,
                &mut rng,
                &mut ids,
            )
        })
        .collect();
    Dataset {
        now: NOW.to_string(),
        knowledge: knowledge(),
        users,
    }
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
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    let mut out = String::with_capacity(20);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / HOUR,
        s % HOUR / MINUTE,
        s % MINUTE
    );
    out
}

/// (year, month, day) of days since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
    /// Index into `ARTICLES` of the newest user turn's question, and whether it is the casual one.
    ask: (usize, bool),
    times: TimeStyle,
    /// `{"role", "content"}` turns instead of `{"user", "assistant"}` pairs.
    roles: bool,
    /// Session keys without a TTL.
    no_ttl: bool,
}

/// Articles a user at `milestone` may be asked about: its own, then the general ones.
fn candidate_articles(milestone: usize) -> Vec<usize> {
    let id = MILESTONES[milestone].0;
    let own = ARTICLES
        .iter()
        .enumerate()
        .filter(|(_, a)| a.milestone == Some(id));
    let general = ARTICLES
        .iter()
        .enumerate()
        .filter(|(_, a)| a.milestone.is_none());
    own.chain(general).map(|(i, _)| i).collect()
}

fn random_plan(rng: &mut ChaCha8Rng) -> Plan {
    let current = rng.random_range(0..MILESTONES.len());
    let candidates = candidate_articles(current);
    let own = candidates
        .iter()
        .filter(|&&i| ARTICLES[i].milestone.is_some())
        .count();
    let article = if rng.random_bool(0.85) {
        candidates[rng.random_range(0..own)]
    } else {
        *pick(rng, &candidates)
    };
    let times = match rng.random_range(0..100) {
        0..5 => TimeStyle::EpochInt,
        5 => TimeStyle::EpochFloat,
        _ => TimeStyle::Rfc3339,
    };
    Plan {
        current,
        ask: (article, rng.random_bool(0.25)),
        times,
        roles: rng.random_bool(0.05),
        no_ttl: rng.random_bool(0.03),
    }
}

/// What a demo user's newest question should do against the knowledge table.
#[derive(Clone, Copy)]
enum Want {
    /// An article ≥ 0.70 and another in [0.55, 0.70).
    HitAndNear,
    /// An article ≥ 0.70.
    Hit,
    /// Nothing ≥ 0.70, something in [0.55, 0.70).
    NearOnly,
}

/// Demo users are spread evenly over M0–M9; each milestone's six users want different outcomes.
fn demo_plan(index: usize, facts: &Facts, article_vecs: &[Vec<f32>]) -> Plan {
    let current = index % MILESTONES.len();
    let want = match index / MILESTONES.len() {
        0 | 1 | 5 => Want::HitAndNear,
        4 => Want::NearOnly,
        _ => Want::Hit,
    };
    let times = match index + 1 {
        7 | 23 | 44 => TimeStyle::EpochInt,
        52 => TimeStyle::EpochFloat,
        _ => TimeStyle::Rfc3339,
    };
    Plan {
        current,
        ask: choose_ask(index, current, want, facts, article_vecs),
        times,
        roles: matches!(index + 1, 13 | 37 | 58),
        no_ttl: matches!(index + 1, 19 | 31),
    }
}

/// The first question (rotating by user) whose similarities give the wanted outcome, else the best one.
fn choose_ask(
    index: usize,
    current: usize,
    want: Want,
    facts: &Facts,
    vecs: &[Vec<f32>],
) -> (usize, bool) {
    let candidates = candidate_articles(current);
    let mut best = ((candidates[0], false), f64::MIN);
    for k in 0..candidates.len() * 2 {
        let slot = (index / MILESTONES.len() + k) % (candidates.len() * 2);
        let (article, casual) = (
            candidates[slot / 2],
            (slot % 2 == 1) == matches!(want, Want::NearOnly),
        );
        let q = embed(
            &fill(question(article, casual), facts, current),
            BUILTIN_DIM,
        );
        let sims: Vec<f64> = candidates.iter().map(|&i| cosine(&q, &vecs[i])).collect();
        let hits = sims.iter().filter(|&&s| s >= 0.70).count();
        let near = sims.iter().filter(|&&s| (0.55..0.70).contains(&s)).count();
        let (ok, score) = match want {
            // Fallback order when nothing fits: a hit matters more than a near miss.
            Want::HitAndNear => (
                hits >= 1 && near >= 1,
                2.0 * hits.min(1) as f64 + near.min(1) as f64,
            ),
            Want::Hit => (hits >= 1, hits.min(1) as f64),
            Want::NearOnly => (hits == 0 && near >= 1, near.min(1) as f64 - hits as f64),
        };
        if ok {
            return (article, casual);
        }
        if score > best.1 {
            best = ((article, casual), score);
        }
    }
    best.0
}

fn question(article: usize, casual: bool) -> &'static str {
    if casual {
        ARTICLES[article].casual
    } else {
        ARTICLES[article].query
    }
}

// ---------------------------------------------------------------- journey (memory_bank)

/// Completed milestones in completion order: every dependency of `current` (transitively), sometimes more.
fn completed_milestones(current: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut done = [false; 10];
    let mut stack = DEPENDENCIES[current].to_vec();
    if current == 8 {
        // Brand & Legal needs nothing, but founders usually reach it after some groundwork.
        stack.push(*pick(rng, &[0, 1, 2, 3, 5]));
    }
    while let Some(m) = stack.pop() {
        if !done[m] {
            done[m] = true;
            stack.extend_from_slice(DEPENDENCIES[m]);
        }
    }
    if current != 0 && rng.random_bool(0.3) {
        let available: Vec<usize> = (0..9)
            .filter(|&m| m != current && !done[m] && DEPENDENCIES[m].iter().all(|&d| done[d]))
            .collect();
        if let Some(&extra) = available.choose(rng) {
            done[extra] = true;
        }
    }
    let mut order: Vec<usize> = (0..10).filter(|&m| done[m] && m != 8).collect();
    if done[8] {
        // Brand & Legal has no dependencies, so it may have been finished at any point.
        let at = rng.random_range(0..=order.len());
        order.insert(at, 8);
    }
    order
}

fn memory_row(
    ids: &mut i64,
    context_type: &str,
    milestone: Option<usize>,
    data: Value,
    at: i64,
) -> MemoryRow {
    *ids += 1;
    MemoryRow {
        id: *ids,
        context_type: context_type.to_string(),
        milestone: milestone.map(|m| MILESTONES[m].0.to_string()),
        data,
        created_at: rfc3339(at),
    }
}

fn business_dna(facts: &Facts, current: usize) -> Value {
    let p = facts.profile;
    json!({
        "channels": p.channels,
        "company": facts.company,
        "differentiator": p.differentiator,
        "founder": facts.founder,
        "founder_background": p.background,
        "launch_budget_usd": facts.budget,
        "price_point": format!("${}", p.price),
        "product": p.product,
        "product_category": p.category,
        "stage": format!("{} ({})", MILESTONES[current].0, MILESTONES[current].1),
        "target_customer": p.customer,
    })
}

/// `milestone_data` of one completed milestone; `long` adds the working notes (the over-budget user).
fn milestone_data(facts: &Facts, m: usize, rng: &mut ChaCha8Rng, long: bool) -> Value {
    let text = &MILESTONE_TEXT[m];
    let mut decisions: Vec<&str> = text.decisions.to_vec();
    decisions.shuffle(rng);
    let take = if long { decisions.len() } else { 3 };
    let decisions: Vec<String> = decisions
        .iter()
        .take(take)
        .map(|d| fill(d, facts, m))
        .collect();
    let summary = if long {
        text.summaries
            .iter()
            .map(|s| fill(s, facts, m))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        fill(pick::<&str>(rng, text.summaries), facts, m)
    };
    if !long {
        return json!({"key_decisions": decisions, "metrics": facts.metrics(m), "summary": summary});
    }
    // Working notes up to about 590 words per row, so each row stays within 300–600 words.
    let mut total = summary.split_whitespace().count()
        + decisions
            .iter()
            .map(|d| d.split_whitespace().count())
            .sum::<usize>();
    let mut notes = Vec::new();
    for note in NOTES.iter().map(|n| fill(n, facts, m)) {
        let n = note.split_whitespace().count();
        if total + n > 590 {
            break;
        }
        total += n;
        notes.push(note);
    }
    json!({"key_decisions": decisions, "metrics": facts.metrics(m), "notes": notes, "summary": summary})
}

/// The transition into `current`: key data of each direct dependency.
fn transition(facts: &Facts, from: usize, current: usize, rows: &[MemoryRow]) -> Value {
    let mut context = serde_json::Map::new();
    let mut deps = DEPENDENCIES[current].to_vec();
    deps.sort_by_key(|&d| MILESTONES[d].0);
    for d in deps {
        let decision = rows
            .iter()
            .find(|r| r.milestone.as_deref() == Some(MILESTONES[d].0))
            .and_then(|r| r.data["key_decisions"].get(0).cloned())
            .unwrap_or(Value::Null);
        context.insert(
            MILESTONES[d].0.to_string(),
            json!({"decision": decision, "metrics": facts.metrics(d)}),
        );
    }
    json!({"context": context, "from": MILESTONES[from].0, "to": MILESTONES[current].0})
}

/// Rows of one user's journey, oldest first, and the journey's `updated_at`.
fn journey_rows(
    facts: &Facts,
    current: usize,
    completed: &[usize],
    rng: &mut ChaCha8Rng,
    ids: &mut i64,
    long: bool,
) -> (Vec<MemoryRow>, i64) {
    let last_age = if rng.random_bool(0.12) {
        rng.random_range(HOUR..20 * HOUR)
    } else {
        rng.random_range(2 * DAY..20 * DAY)
    };
    let mut times = vec![NOW_EPOCH - last_age];
    for _ in 1..completed.len() {
        let next = times[0] - rng.random_range(3 * DAY..12 * DAY);
        times.insert(0, next);
    }
    let start = times[0] - rng.random_range(2 * DAY..8 * DAY);
    let mut rows = vec![memory_row(
        ids,
        "business_dna",
        None,
        business_dna(facts, current),
        start,
    )];
    for (&m, &at) in completed.iter().zip(&times) {
        let data = milestone_data(facts, m, rng, long);
        rows.push(memory_row(ids, "milestone_data", Some(m), data, at));
    }
    let mut updated = if completed.is_empty() {
        start
    } else {
        times[times.len() - 1]
    };
    if let Some(&from) = completed.last().filter(|_| long || rng.random_bool(0.9)) {
        let at = (updated + rng.random_range(15 * MINUTE..3 * HOUR)).min(NOW_EPOCH - 5 * MINUTE);
        let data = transition(facts, from, current, &rows);
        rows.push(memory_row(ids, "transition", Some(current), data, at));
        updated = at;
    }
    (rows, updated)
}

// ---------------------------------------------------------------- sessions (Redis)

/// One exchange and when the user sent it.
struct Turn {
    user: String,
    assistant: String,
    at: i64,
}

/// The seed's chat-handler turn; fields serialise in this order.
#[derive(Serialize)]
struct PairTurn<'a> {
    user: &'a str,
    assistant: &'a str,
    timestamp: Value,
}

/// The accepted `{"role", "content"}` turn shape.
#[derive(Serialize)]
struct RoleTurn<'a> {
    role: &'a str,
    content: &'a str,
    timestamp: Value,
}

fn stamp(at: i64, style: TimeStyle, rng: &mut ChaCha8Rng) -> Value {
    match style {
        TimeStyle::Rfc3339 => Value::String(rfc3339(at)),
        TimeStyle::EpochInt => json!(at),
        TimeStyle::EpochFloat => {
            json!(at as f64 + f64::from(rng.random_range(1..1_000u32)) / 1_000.0)
        }
    }
}

/// A session's turns as the compact JSON array the chat handler stores.
fn encode_turns(turns: &[Turn], plan: &Plan, rng: &mut ChaCha8Rng) -> String {
    let encoded = if plan.roles {
        let mut out = Vec::with_capacity(turns.len() * 2);
        for t in turns {
            let reply_at = t.at + rng.random_range(20..90);
            out.push(RoleTurn {
                role: "user",
                content: &t.user,
                timestamp: stamp(t.at, plan.times, rng),
            });
            out.push(RoleTurn {
                role: "assistant",
                content: &t.assistant,
                timestamp: stamp(reply_at, plan.times, rng),
            });
        }
        serde_json::to_string(&out)
    } else {
        let out: Vec<PairTurn> = turns
            .iter()
            .map(|t| PairTurn {
                user: &t.user,
                assistant: &t.assistant,
                timestamp: stamp(t.at, plan.times, rng),
            })
            .collect();
        serde_json::to_string(&out)
    };
    // Serialising strings and numbers cannot fail.
    encoded.unwrap_or_else(|_| "[]".to_string())
}

/// Where an earlier exchange comes from: a milestone's chat (milestone, index) or an article question.
#[derive(Clone, Copy)]
enum Source {
    Chat(usize, usize),
    Article(usize, bool),
}

/// Earlier exchanges a founder at `current` might have had, shuffled; filled only when used.
fn conversation_sources(plan: &Plan, completed: &[usize], rng: &mut ChaCha8Rng) -> Vec<Source> {
    let m = plan.current;
    let mut sources: Vec<Source> = (0..MILESTONE_TEXT[m].chats.len())
        .map(|j| Source::Chat(m, j))
        .collect();
    for i in candidate_articles(m)
        .into_iter()
        .filter(|&i| i != plan.ask.0)
    {
        sources.push(Source::Article(i, rng.random_bool(0.5)));
    }
    if let Some(&prev) = completed.last() {
        sources.extend((0..MILESTONE_TEXT[prev].chats.len()).map(|j| Source::Chat(prev, j)));
    }
    sources.shuffle(rng);
    sources
}

fn exchange(source: Source, facts: &Facts, current: usize) -> (String, String) {
    match source {
        Source::Chat(m, j) => {
            let (u, a) = MILESTONE_TEXT[m].chats[j];
            (fill(u, facts, current), fill(a, facts, current))
        }
        Source::Article(i, casual) => (
            fill(question(i, casual), facts, current),
            fill(ARTICLES[i].answer, facts, current),
        ),
    }
}

/// Turn times of `sizes.len()` sessions, oldest session first; the newest is usually within the last day.
fn session_times(sizes: &[usize], rng: &mut ChaCha8Rng) -> Vec<Vec<i64>> {
    let mut end = if rng.random_bool(0.85) {
        NOW_EPOCH - rng.random_range(5 * MINUTE..20 * HOUR)
    } else {
        NOW_EPOCH - rng.random_range(26 * HOUR..6 * DAY)
    };
    let mut out = Vec::with_capacity(sizes.len());
    for &n in sizes.iter().rev() {
        let mut times = vec![end];
        for _ in 1..n {
            let prev = times[0] - rng.random_range(MINUTE..12 * MINUTE);
            times.insert(0, prev);
        }
        end = times[0] - rng.random_range(DAY..10 * DAY);
        out.push(times);
    }
    out.reverse();
    out
}

/// `count` session keys (`s1` oldest); the last turn of the newest session is `last`.
fn sessions(
    facts: &Facts,
    plan: &Plan,
    completed: &[usize],
    rng: &mut ChaCha8Rng,
    last: (String, String),
    count: usize,
) -> Vec<RedisKey> {
    let sources = conversation_sources(plan, completed, rng);
    let mut sizes: Vec<usize> = (0..count).map(|_| rng.random_range(2..=9)).collect();
    // Every turn but the last comes from the pool: shrink the largest sessions until it suffices.
    while sizes.iter().sum::<usize>() > sources.len() + 1 {
        if let Some(largest) = sizes.iter_mut().filter(|n| **n > 2).max() {
            *largest -= 1;
        } else {
            break;
        }
    }
    let mut pool = sources
        .into_iter()
        .map(|src| exchange(src, facts, plan.current));
    let mut last = Some(last);
    let mut keys = Vec::with_capacity(count);
    for (k, times) in session_times(&sizes, rng).into_iter().enumerate() {
        let newest = k + 1 == count;
        let mut turns = Vec::with_capacity(times.len());
        for (j, &at) in times.iter().enumerate() {
            let exchange = if newest && j + 1 == times.len() {
                last.take()
            } else {
                pool.next()
            };
            if let Some((user, assistant)) = exchange {
                turns.push(Turn {
                    user,
                    assistant,
                    at,
                });
            }
        }
        let value = RedisValue::String(encode_turns(&turns, plan, rng));
        keys.push(RedisKey {
            session_id: format!("s{}", k + 1),
            value,
            ttl: session_ttl(plan),
        });
    }
    keys
}

fn session_ttl(plan: &Plan) -> Option<u64> {
    if plan.no_ttl { None } else { Some(SESSION_TTL) }
}

/// The newest question of a plan and the assistant's answer.
fn final_exchange(facts: &Facts, plan: &Plan) -> (String, String) {
    let (article, casual) = plan.ask;
    (
        fill(question(article, casual), facts, plan.current),
        fill(ARTICLES[article].answer, facts, plan.current),
    )
}

fn journey_row(facts: &Facts, current: usize, updated: i64) -> JourneyRow {
    JourneyRow {
        current_milestone: MILESTONES[current].0.to_string(),
        display_name: Some(format!(
            "{} — {}",
            facts.founder,
            capitalised(facts.profile.product)
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
    let n = ARTICLES.len() as i64;
    ARTICLES
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

/// `u061`–`u068`, each with one property that tends to break inspectors.
fn awkward_users(ids: &mut i64) -> Vec<DemoUser> {
    vec![
        empty_session_user(ids),
        over_budget_user(ids),
        off_topic_user(ids),
        many_turns_user(ids),
        unicode_user(ids),
        malformed_user(ids),
        no_journey_user(ids),
        middle_session_user(ids),
    ]
}

/// Facts, plan and RNG of awkward user `u{number}` at milestone `current`, asking the first question it has.
fn awkward_base(number: usize, current: usize) -> (Facts, Plan, ChaCha8Rng) {
    let mut rng = user_rng(DEMO_SEED, number as u64);
    let facts = Facts::demo(number - 1, &mut rng);
    let ask = (candidate_articles(current)[number % 5], false);
    let plan = Plan {
        current,
        ask,
        times: TimeStyle::Rfc3339,
        roles: false,
        no_ttl: false,
    };
    (facts, plan, rng)
}

/// `u061`: the only session holds an empty array.
fn empty_session_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(61, 2);
    let mut user = normal_user("u061".to_string(), &plan, &facts, &mut rng, ids);
    user.sessions = vec![RedisKey {
        session_id: "s1".to_string(),
        value: RedisValue::String("[]".to_string()),
        ttl: Some(SESSION_TTL),
    }];
    user
}

/// `u062`: at M9 with M0–M8 done (M3 and M5 twice, after a supplier change) and long notes in every row.
fn over_budget_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(62, 9);
    let completed = [0, 1, 2, 3, 3, 4, 5, 5, 6, 7, 8];
    let (memory_bank, updated) = journey_rows(&facts, 9, &completed, &mut rng, ids, true);
    let sessions = sessions(
        &facts,
        &plan,
        &completed,
        &mut rng,
        final_exchange(&facts, &plan),
        2,
    );
    DemoUser {
        user_id: "u062".to_string(),
        journey: Some(journey_row(&facts, 9, updated)),
        sessions,
        memory_bank,
        cached_contexts: vec![],
    }
}

/// `u063`: the newest question is about something no article covers.
fn off_topic_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(63, 4);
    let completed = completed_milestones(plan.current, &mut rng);
    let (memory_bank, updated) =
        journey_rows(&facts, plan.current, &completed, &mut rng, ids, false);
    let last = (
        OFF_TOPIC_QUERY.to_string(),
        "That is outside what I can help with here: I focus on launching your product. For a pet portrait, look \
         for an illustrator who takes commissions; most quote two to four weeks for a watercolour."
            .to_string(),
    );
    let sessions = sessions(&facts, &plan, &completed, &mut rng, last, 2);
    DemoUser {
        user_id: "u063".to_string(),
        journey: Some(journey_row(&facts, plan.current, updated)),
        sessions,
        memory_bank,
        cached_contexts: vec![],
    }
}

/// `u064`: one session of exactly 25 turns spread over the last three days.
fn many_turns_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(64, 5);
    let mut user = normal_user("u064".to_string(), &plan, &facts, &mut rng, ids);
    let m = plan.current;
    let mut pool: Vec<(String, String)> = MILESTONE_TEXT
        .iter()
        .flat_map(|t| t.chats.iter())
        .map(|(u, a)| (fill(u, &facts, m), fill(a, &facts, m)))
        .collect();
    pool.shuffle(&mut rng);
    pool.truncate(24);
    pool.push(final_exchange(&facts, &plan));
    let span = 3 * DAY - 2 * HOUR;
    let turns: Vec<Turn> = pool
        .into_iter()
        .zip(0i64..)
        .map(|((user, assistant), k)| {
            let at = NOW_EPOCH - 3 * DAY + HOUR + k * span / 25 + rng.random_range(0..20 * MINUTE);
            Turn {
                user,
                assistant,
                at,
            }
        })
        .collect();
    let value = RedisValue::String(encode_turns(&turns, &plan, &mut rng));
    user.sessions = vec![RedisKey {
        session_id: "s1".to_string(),
        value,
        ttl: Some(SESSION_TTL),
    }];
    user
}

/// `u065`: umlauts, macrons, Japanese, French and emoji in the business DNA and the turns.
fn unicode_user(ids: &mut i64) -> DemoUser {
    let (_, plan, mut rng) = awkward_base(65, 4);
    let facts = Facts::with(
        &UNICODE_PROFILE,
        UNICODE_FOUNDER.to_string(),
        UNICODE_PROFILE.companies[0],
        &mut rng,
    );
    let completed = completed_milestones(plan.current, &mut rng);
    let (memory_bank, updated) =
        journey_rows(&facts, plan.current, &completed, &mut rng, ids, false);
    let start = NOW_EPOCH - 9 * HOUR;
    let turns: Vec<Turn> = UNICODE_CHATS
        .iter()
        .zip(0i64..)
        .map(|((u, a), k)| Turn {
            user: u.to_string(),
            assistant: a.to_string(),
            at: start + k * 47 * MINUTE,
        })
        .collect();
    let value = RedisValue::String(encode_turns(&turns, &plan, &mut rng));
    let mut journey = journey_row(&facts, plan.current, updated);
    journey.display_name = Some(format!(
        "{} — {} {}",
        facts.founder, facts.company, facts.profile.product
    ));
    DemoUser {
        user_id: "u065".to_string(),
        journey: Some(journey),
        sessions: vec![RedisKey {
            session_id: "s1".to_string(),
            value,
            ttl: Some(SESSION_TTL),
        }],
        memory_bank,
        cached_contexts: vec![],
    }
}

/// A turn whose assistant reply never arrived.
#[derive(Serialize)]
struct UserOnlyTurn<'a> {
    user: &'a str,
    timestamp: String,
}

/// `u066`: a turn without `assistant`, an unparseable timestamp, a non-JSON list element and a non-JSON key.
fn malformed_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(66, 6);
    let mut user = normal_user("u066".to_string(), &plan, &facts, &mut rng, ids);
    let m = plan.current;
    let chats: Vec<(String, String)> = MILESTONE_TEXT[m]
        .chats
        .iter()
        .map(|(u, a)| (fill(u, &facts, m), fill(a, &facts, m)))
        .collect();
    let at = |hours: i64| rfc3339(NOW_EPOCH - hours * HOUR);
    let pair = |(u, a): &(String, String), ts: Value| {
        serde_json::to_string(&PairTurn {
            user: u,
            assistant: a,
            timestamp: ts,
        })
        .unwrap_or_default()
    };
    let lost = serde_json::to_string(&UserOnlyTurn {
        user: &chats[1].0,
        timestamp: at(50),
    })
    .unwrap_or_default();
    let s1 = format!(
        "[{},{},{}]",
        pair(&chats[0], Value::String(at(52))),
        lost,
        pair(&chats[2], Value::String("yesterday-ish".to_string()))
    );
    let (question, answer) = final_exchange(&facts, &plan);
    let s2 = vec![
        pair(&chats[2], Value::String(at(3))),
        "{oops".to_string(),
        pair(
            &(question, answer),
            Value::String(rfc3339(NOW_EPOCH - 2 * HOUR - 10 * MINUTE)),
        ),
    ];
    let key = |id: &str, value| RedisKey {
        session_id: id.to_string(),
        value,
        ttl: Some(SESSION_TTL),
    };
    user.sessions = vec![
        key("s1", RedisValue::String(s1)),
        key("s2", RedisValue::List(s2)),
        key("s3", RedisValue::String("not json at all".to_string())),
    ];
    user
}

/// `u067`: chats in Redis but no `user_journeys` row and no memory bank.
fn no_journey_user(_ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(67, 0);
    let sessions = sessions(
        &facts,
        &plan,
        &[],
        &mut rng,
        final_exchange(&facts, &plan),
        1,
    );
    DemoUser {
        user_id: "u067".to_string(),
        journey: None,
        sessions,
        memory_bank: vec![],
        cached_contexts: vec![],
    }
}

/// `u068`: three sessions whose newest turn is in `s2` (neither the first nor the last key).
fn middle_session_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(68, 3);
    let completed = completed_milestones(plan.current, &mut rng);
    let (memory_bank, updated) =
        journey_rows(&facts, plan.current, &completed, &mut rng, ids, false);
    let mut keys = sessions(
        &facts,
        &plan,
        &completed,
        &mut rng,
        final_exchange(&facts, &plan),
        3,
    );
    // Chronological s1 < s2 < s3; renaming the newest to s2 and the middle one to s3 hides the newest turn.
    keys[1].session_id = "s3".to_string();
    keys[2].session_id = "s2".to_string();
    keys.sort_by(|a, b| a.session_id.cmp(&b.session_id));
    DemoUser {
        user_id: "u068".to_string(),
        journey: Some(journey_row(&facts, plan.current, updated)),
        sessions: keys,
        memory_bank,
        cached_contexts: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DEMO_JSON;

    /// Unix seconds of this generator's RFC 3339 text.
    fn parse_rfc3339(s: &str) -> Option<i64> {
        let b = s.as_bytes();
        if b.len() != 20 || b[10] != b'T' || b[19] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (y, mp) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * mp + 2) / 5 + d - 1;
        let days = era * 146_097 + doe - 719_468;
        Some(days * DAY + num(11..13)? * HOUR + num(14..16)? * MINUTE + num(17..19)?)
    }

    fn seconds(v: &Value) -> Option<f64> {
        match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => parse_rfc3339(s).map(|t| t as f64),
            _ => None,
        }
    }

    /// The JSON turns of a session key; elements that are not JSON are skipped.
    fn turns(key: &RedisKey) -> Vec<Value> {
        match &key.value {
            RedisValue::String(s) => match serde_json::from_str(s) {
                Ok(Value::Array(items)) => items,
                _ => vec![],
            },
            RedisValue::List(items) => items
                .iter()
                .filter_map(|s| serde_json::from_str(s).ok())
                .collect(),
        }
    }

    /// (time, session id, text) of every user message with a readable timestamp.
    fn user_messages(u: &DemoUser) -> Vec<(f64, String, String)> {
        let mut out = vec![];
        for key in &u.sessions {
            for t in turns(key) {
                let text = match (t.get("user"), t.get("role").and_then(Value::as_str)) {
                    (Some(Value::String(text)), _) => text.clone(),
                    (None, Some("user")) => t["content"].as_str().unwrap_or_default().to_string(),
                    _ => continue,
                };
                if let Some(at) = t.get("timestamp").and_then(seconds) {
                    out.push((at, key.session_id.clone(), text));
                }
            }
        }
        out
    }

    fn newest_message(u: &DemoUser) -> (f64, String, String) {
        user_messages(u)
            .into_iter()
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .expect("user has a user turn")
    }

    fn user<'a>(d: &'a Dataset, id: &str) -> &'a DemoUser {
        d.users
            .iter()
            .find(|u| u.user_id == id)
            .expect("user exists")
    }

    fn words(v: &Value) -> usize {
        match v {
            Value::String(s) => s.split_whitespace().count(),
            Value::Array(items) => items.iter().map(words).sum(),
            Value::Object(map) => map.values().map(words).sum(),
            _ => 0,
        }
    }

    fn milestone_index(id: &str) -> usize {
        MILESTONES
            .iter()
            .position(|(m, _)| *m == id)
            .expect("known milestone")
    }

    /// Similarities of a user's newest message to the articles of its milestone and the general ones.
    fn similarities(d: &Dataset, u: &DemoUser) -> Vec<f64> {
        let current = u.journey.as_ref().map(|j| j.current_milestone.clone());
        let q = embed(&newest_message(u).2, BUILTIN_DIM);
        d.knowledge
            .iter()
            .filter(|k| k.milestone.is_none() || k.milestone == current)
            .map(|k| cosine(&q, &embed(&k.content, BUILTIN_DIM)))
            .collect()
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(NOW_EPOCH), NOW);
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(parse_rfc3339("2024-12-31T23:59:59Z"), Some(1_735_689_599));
    }

    #[test]
    fn generation_is_deterministic() {
        let a = generate_demo();
        assert_eq!(a, generate_demo());
        assert_eq!(to_pretty_json(&a), to_pretty_json(&generate_demo()));
        let fleet = generate_synthetic(42, 40);
        assert_eq!(fleet, generate_synthetic(42, 40));
        assert_ne!(fleet.users, generate_synthetic(43, 40).users);
        // A smaller fleet is a prefix of a larger one.
        assert_eq!(generate_synthetic(42, 15).users[..], fleet.users[..15]);
    }

    #[test]
    fn checked_in_fixture_is_current() {
        let fresh = to_pretty_json(&generate_demo());
        assert!(
            DEMO_JSON == fresh,
            "fixtures/demo.json is stale: run `cargo run --example gen_demo`"
        );
        assert!(
            fresh.len() < 1_500_000,
            "demo.json is {} bytes",
            fresh.len()
        );
        assert!(fresh.ends_with("}\n"));
    }

    #[test]
    fn demo_has_sixty_normal_users_over_every_milestone() {
        let d = generate_demo();
        assert!(d.users.len() >= 68);
        for (i, u) in d.users.iter().take(60).enumerate() {
            assert_eq!(u.user_id, format!("u{:03}", i + 1));
        }
        for (m, _) in MILESTONES {
            let n = d.users[..60]
                .iter()
                .filter(|u| {
                    u.journey
                        .as_ref()
                        .is_some_and(|j| j.current_milestone == *m)
                })
                .count();
            assert!(n >= 4, "{m} has {n} users");
        }
        let awkward: Vec<&str> = d.users[60..].iter().map(|u| u.user_id.as_str()).collect();
        assert_eq!(
            awkward,
            [
                "u061", "u062", "u063", "u064", "u065", "u066", "u067", "u068"
            ]
        );
        assert!(d.users.iter().all(|u| u.cached_contexts.is_empty()));
    }

    #[test]
    fn knowledge_table_covers_every_milestone() {
        let d = generate_demo();
        for (i, k) in d.knowledge.iter().enumerate() {
            assert_eq!(k.id, i as i64 + 1);
            let n = k.content.split_whitespace().count();
            assert!((80..=250).contains(&n), "article {} has {n} words", k.id);
            assert!(k.metadata["section"].is_string() && k.metadata["source"].is_string());
            assert!(parse_rfc3339(&k.created_at).is_some_and(|t| t < NOW_EPOCH));
        }
        for (m, _) in MILESTONES {
            let n = d
                .knowledge
                .iter()
                .filter(|k| k.milestone.as_deref() == Some(m))
                .count();
            assert!(n >= 5, "{m} has {n} articles");
        }
        assert!(d.knowledge.iter().filter(|k| k.milestone.is_none()).count() >= 6);
    }

    #[test]
    fn memory_bank_ids_are_unique_and_increasing() {
        for d in [generate_demo(), generate_synthetic(7, 300)] {
            let ids: Vec<i64> = d
                .users
                .iter()
                .flat_map(|u| u.memory_bank.iter().map(|r| r.id))
                .collect();
            assert!(!ids.is_empty());
            assert!(
                ids.windows(2).all(|w| w[0] < w[1]),
                "ids not strictly increasing"
            );
        }
    }

    /// Every journey makes its current milestone available and is internally consistent.
    fn check_journey(u: &DemoUser) {
        let Some(journey) = &u.journey else { return };
        let current = milestone_index(&journey.current_milestone);
        let done: Vec<usize> = u
            .memory_bank
            .iter()
            .filter(|r| r.context_type == "milestone_data")
            .map(|r| {
                milestone_index(
                    r.milestone
                        .as_deref()
                        .expect("milestone_data has a milestone"),
                )
            })
            .collect();
        assert!(
            !done.contains(&current),
            "{}: current milestone already completed",
            u.user_id
        );
        for &m in done.iter().chain([current].iter()) {
            for d in DEPENDENCIES[m] {
                assert!(
                    done.contains(d),
                    "{}: {} lacks dependency M{d}",
                    u.user_id,
                    MILESTONES[m].0
                );
            }
        }
        let dna = u
            .memory_bank
            .iter()
            .filter(|r| r.context_type == "business_dna")
            .count();
        assert_eq!(dna, 1, "{}", u.user_id);
        let times: Vec<i64> = u
            .memory_bank
            .iter()
            .map(|r| parse_rfc3339(&r.created_at).expect("rfc3339"))
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{}: rows out of order",
            u.user_id
        );
        assert!(times.iter().all(|&t| t < NOW_EPOCH));
        for r in u
            .memory_bank
            .iter()
            .filter(|r| r.context_type == "transition")
        {
            assert_eq!(
                r.milestone.as_deref(),
                Some(journey.current_milestone.as_str())
            );
            assert_eq!(r.data["to"], journey.current_milestone);
            assert!(r.data["context"].is_object() && r.data["from"].is_string());
        }
        assert!(parse_rfc3339(&journey.updated_at).is_some_and(|t| t <= NOW_EPOCH));
    }

    #[test]
    fn journeys_make_the_current_milestone_available() {
        for d in [generate_demo(), generate_synthetic(11, 500)] {
            d.users.iter().for_each(check_journey);
        }
    }

    #[test]
    fn normal_users_have_realistic_text() {
        let d = generate_demo();
        let fleet = generate_synthetic(5, 200);
        for u in d.users[..60].iter().chain(&fleet.users) {
            assert!((1..=3).contains(&u.sessions.len()), "{}", u.user_id);
            for key in &u.sessions {
                let n = turns(key).len();
                assert!(
                    (2..=18).contains(&n),
                    "{} {}: {n} turns",
                    u.user_id,
                    key.session_id
                );
            }
            for (_, _, text) in user_messages(u) {
                let n = text.split_whitespace().count();
                assert!(
                    (10..=50).contains(&n),
                    "{}: {n}-word message {text:?}",
                    u.user_id
                );
                assert!(
                    !text.contains('{'),
                    "{}: unfilled placeholder in {text:?}",
                    u.user_id
                );
            }
            for r in &u.memory_bank {
                let n = words(&r.data);
                let text = r.data.to_string();
                assert!(
                    !text.contains("{product") && !text.contains("{price"),
                    "{}: unfilled placeholder",
                    u.user_id
                );
                if r.context_type == "milestone_data" {
                    assert!(
                        (40..=200).contains(&n),
                        "{} row {}: {n} words",
                        u.user_id,
                        r.id
                    );
                }
            }
        }
    }

    #[test]
    fn normal_users_mix_turn_formats_and_mostly_chat_recently() {
        let d = generate_demo();
        let normal = &d.users[..60];
        let stamps: Vec<Value> = normal
            .iter()
            .flat_map(|u| u.sessions.iter().flat_map(turns))
            .filter_map(|t| t.get("timestamp").cloned())
            .collect();
        assert!(stamps.iter().any(Value::is_i64) && stamps.iter().any(Value::is_f64));
        assert!(stamps.iter().filter(|s| s.is_string()).count() > stamps.len() / 2);
        let roles = normal
            .iter()
            .filter(|u| {
                u.sessions
                    .iter()
                    .flat_map(turns)
                    .any(|t| t.get("role").is_some())
            })
            .count();
        assert!(roles >= 2);
        assert!(
            normal
                .iter()
                .flat_map(|u| &u.sessions)
                .any(|k| k.ttl.is_none())
        );
        let recent = normal
            .iter()
            .filter(|u| newest_message(u).0 >= (NOW_EPOCH - DAY) as f64)
            .count();
        assert!(recent >= 40, "only {recent} users chatted in the last 24 h");
        let all: Vec<f64> = normal.iter().flat_map(user_messages).map(|m| m.0).collect();
        assert!(all.iter().all(|&t| t <= NOW_EPOCH as f64));
        assert!(
            all.iter().any(|&t| t < (NOW_EPOCH - 7 * DAY) as f64),
            "no turn older than a week"
        );
    }

    #[test]
    fn knowledge_queries_hit_and_nearly_miss() {
        let d = generate_demo();
        let (mut hit, mut near) = (0, 0);
        for u in &d.users[..60] {
            let sims = similarities(&d, u);
            hit += usize::from(sims.iter().any(|&s| s >= 0.70));
            near += usize::from(sims.iter().any(|&s| (0.55..0.70).contains(&s)));
        }
        assert!(hit >= 45, "{hit} of 60 users have an article >= 0.70");
        assert!(
            near >= 30,
            "{near} of 60 users have an article in [0.55, 0.70)"
        );
    }

    #[test]
    fn awkward_users_have_their_awkward_property() {
        let d = generate_demo();
        let u061 = user(&d, "u061");
        assert_eq!(u061.sessions.len(), 1);
        assert_eq!(u061.sessions[0].value, RedisValue::String("[]".to_string()));

        let u063 = user(&d, "u063");
        assert_eq!(newest_message(u063).2, OFF_TOPIC_QUERY);
        let q = embed(OFF_TOPIC_QUERY, BUILTIN_DIM);
        for k in &d.knowledge {
            let s = cosine(&q, &embed(&k.content, BUILTIN_DIM));
            assert!(s < 0.5, "article {} scores {s}", k.id);
        }

        let u064 = user(&d, "u064");
        assert_eq!(u064.sessions.len(), 1);
        let times: Vec<f64> = user_messages(u064).iter().map(|m| m.0).collect();
        assert_eq!(times.len(), 25);
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert!(times[0] >= (NOW_EPOCH - 3 * DAY) as f64 && times[24] <= NOW_EPOCH as f64);

        let u065 = user(&d, "u065");
        let dna = u065
            .memory_bank
            .iter()
            .find(|r| r.context_type == "business_dna")
            .expect("dna");
        let dna = dna.data.to_string();
        assert!(dna.contains("Café Kōhī ☕") && dna.contains("für Zuhause 🍵"));
        let chat: String = user_messages(u065).into_iter().map(|m| m.2).collect();
        assert!(chat.contains("抹茶") && chat.contains("möchte") && chat.contains('👍'));
    }

    #[test]
    fn over_budget_journey_is_long() {
        let d = generate_demo();
        let u062 = user(&d, "u062");
        assert_eq!(
            u062.journey.as_ref().map(|j| j.current_milestone.as_str()),
            Some("M9")
        );
        check_journey(u062);
        let rows: Vec<&MemoryRow> = u062
            .memory_bank
            .iter()
            .filter(|r| r.context_type == "milestone_data")
            .collect();
        for (m, _) in &MILESTONES[..9] {
            assert!(
                rows.iter().any(|r| r.milestone.as_deref() == Some(m)),
                "{m} missing"
            );
        }
        for r in &rows {
            let n = words(&r.data);
            assert!((300..=600).contains(&n), "row {} has {n} words", r.id);
        }
        let total: usize = u062.memory_bank.iter().map(|r| words(&r.data)).sum();
        assert!(total >= 6_000, "journey has {total} words");
    }

    #[test]
    fn malformed_and_missing_data_users() {
        let d = generate_demo();
        let u066 = user(&d, "u066");
        let ids: Vec<&str> = u066
            .sessions
            .iter()
            .map(|k| k.session_id.as_str())
            .collect();
        assert_eq!(ids, ["s1", "s2", "s3"]);
        let s1 = turns(&u066.sessions[0]);
        assert!(
            s1.iter()
                .any(|t| t.get("user").is_some() && t.get("assistant").is_none())
        );
        assert!(s1.iter().any(|t| t["timestamp"] == "yesterday-ish"));
        let RedisValue::List(items) = &u066.sessions[1].value else {
            panic!("s2 is a list")
        };
        assert!(items.iter().any(|s| s == "{oops"));
        assert!(
            items
                .iter()
                .filter(|s| serde_json::from_str::<Value>(s).is_ok())
                .count()
                >= 2
        );
        assert_eq!(
            u066.sessions[2].value,
            RedisValue::String("not json at all".to_string())
        );

        let u067 = user(&d, "u067");
        assert!(u067.journey.is_none() && u067.memory_bank.is_empty());
        assert!(user_messages(u067).len() >= 2);

        let u068 = user(&d, "u068");
        let ids: Vec<&str> = u068
            .sessions
            .iter()
            .map(|k| k.session_id.as_str())
            .collect();
        assert_eq!(ids, ["s1", "s2", "s3"]);
        assert_eq!(newest_message(u068).1, "s2");
        let newest_of = |id: &str| {
            user_messages(u068)
                .iter()
                .filter(|m| m.1 == id)
                .map(|m| m.0)
                .fold(f64::MIN, f64::max)
        };
        assert!(
            newest_of("s3") > newest_of("s1"),
            "s3 should be the middle session"
        );
    }

    #[test]
    fn synthetic_fleet_ids_and_size() {
        let fleet = generate_synthetic(9, 120);
        assert_eq!(fleet.users.len(), 120);
        assert_eq!(fleet.users[0].user_id, "s9-000000");
        assert_eq!(fleet.users[119].user_id, "s9-000119");
        assert_eq!(fleet.knowledge, generate_demo().knowledge);
        assert!(generate_synthetic(9, 0).users.is_empty());
    }
}
