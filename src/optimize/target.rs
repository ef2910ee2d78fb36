//! What a candidate policy is measured by: the fleet metrics, the constraints on them (seed
//! 003's targets by default, `--target` and `--guard` for others) and the objective.

use serde::Serialize;

use crate::engine::{Policy, Source};
use crate::report::{
    AVG_TOKENS_TARGET, PolicySummary, RAG_HIT_TARGET, STATIC_SHARE_TARGET, TRUNCATION_TARGET,
};

/// A policy's figures over a set of users, exact (targets are decided on them); written out
/// rounded as the report rounds them, so `report --json` of a found policy reads the same.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    pub users: u64,
    #[serde(serialize_with = "two_places")]
    pub avg_tokens: f64,
    #[serde(serialize_with = "four_places_opt")]
    pub static_share: Option<f64>,
    #[serde(serialize_with = "four_places_opt")]
    pub rag_hits: Option<f64>,
    #[serde(serialize_with = "four_places")]
    pub truncation_rate: f64,
    /// Kept tokens weighted by score, per user.
    #[serde(serialize_with = "two_places")]
    pub avg_kept_score: f64,
    /// With `--guard`: the most kept tokens of score ≥ S any one user loses against the baseline.
    pub guard_loss: Option<usize>,
}

fn two_places<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(crate::report::round2(*v))
}

fn four_places<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(crate::report::round4(*v))
}

fn four_places_opt<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_some(&crate::report::round4(*v)),
        None => s.serialize_none(),
    }
}

impl Metrics {
    pub fn of(s: &PolicySummary, guard_loss: Option<usize>) -> Self {
        Metrics {
            // Decided on the unrounded figures: a target between a figure and its rounding
            // must not flip.
            users: s.users,
            avg_tokens: s.exact.avg_context_tokens,
            static_share: s.exact.static_share,
            rag_hits: s.exact.rag_hit_rate,
            truncation_rate: s.exact.truncation_rate,
            avg_kept_score: s.exact.avg_kept_score,
            guard_loss,
        }
    }

    fn get(&self, m: MetricKey) -> Option<f64> {
        match m {
            MetricKey::AvgTokens => Some(self.avg_tokens),
            MetricKey::StaticShare => self.static_share,
            MetricKey::RagHits => self.rag_hits,
            MetricKey::Truncation => Some(self.truncation_rate),
            MetricKey::GuardLoss => self.guard_loss.map(|l| l as f64),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKey {
    AvgTokens,
    StaticShare,
    RagHits,
    Truncation,
    GuardLoss,
}

impl MetricKey {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKey::AvgTokens => "avg_tokens",
            MetricKey::StaticShare => "static_share",
            MetricKey::RagHits => "rag_hits",
            MetricKey::Truncation => "truncation_rate",
            MetricKey::GuardLoss => "guard_loss",
        }
    }

    /// The metric's key in the fleet report's Monitoring table (`report --fail-on`), when the
    /// report has it.
    pub fn report_key(self) -> Option<&'static str> {
        match self {
            MetricKey::AvgTokens => Some("avg_context_tokens"),
            MetricKey::StaticShare => Some("static_share"),
            MetricKey::RagHits => Some("rag_hit_rate"),
            MetricKey::Truncation => Some("truncation_rate"),
            MetricKey::GuardLoss => None,
        }
    }

    /// The layer `policy` would need for this metric to be measured (`static_share` without
    /// a static layer counts as met whatever happens), if it lacks it.
    pub fn missing_layer(self, policy: &Policy) -> Option<&'static str> {
        match self {
            MetricKey::StaticShare if !policy.layers.iter().any(|l| l.source == Source::Static) => {
                Some("static")
            }
            MetricKey::RagHits if policy.layer_for(Source::Knowledge).is_none() => {
                Some("knowledge")
            }
            _ => None,
        }
    }

    /// A metric by any of its names (optimize's or the report's).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "avg_tokens" | "avg_context_tokens" => MetricKey::AvgTokens,
            "static_share" => MetricKey::StaticShare,
            "rag_hits" | "rag_hit_rate" => MetricKey::RagHits,
            "truncation_rate" | "truncation" => MetricKey::Truncation,
            _ => return None,
        })
    }
}

/// Where a metric must be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// `< v` (or `≤ v` when not strict).
    Below { v: f64, strict: bool },
    /// `> v` (or `≥ v`).
    Above { v: f64, strict: bool },
    /// `lo..hi`, both included.
    Within { lo: f64, hi: f64 },
}

/// A constraint on one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub metric: MetricKey,
    pub bound: Bound,
    /// As written (`truncation_rate<0.05`).
    pub text: String,
}

/// A tiny amount past a strict bound still fails it.
const STRICT: f64 = 1e-9;

/// A bound's number, or why it is none.
fn bound_number(v: &str) -> Result<f64, &'static str> {
    match v.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        // `1e400`: a number, past what a bound can hold; `inf` is none to meet.
        Ok(_) if v.trim().bytes().any(|b| b.is_ascii_digit()) => Err("a number too large to hold"),
        _ => Err("not a number"),
    }
}

impl Bound {
    /// The bound after a target's metric (`<0.03`, `>=0.85`, `=0.2..0.4`), or why it is none.
    fn parse(rest: &str) -> Result<Bound, &'static str> {
        Ok(if let Some(v) = rest.strip_prefix("<=") {
            Bound::Below {
                v: bound_number(v)?,
                strict: false,
            }
        } else if let Some(v) = rest.strip_prefix(">=") {
            Bound::Above {
                v: bound_number(v)?,
                strict: false,
            }
        } else if let Some(v) = rest.strip_prefix('<') {
            Bound::Below {
                v: bound_number(v)?,
                strict: true,
            }
        } else if let Some(v) = rest.strip_prefix('>') {
            Bound::Above {
                v: bound_number(v)?,
                strict: true,
            }
        } else {
            let r = rest.trim_start_matches('=');
            let (lo, hi) = r.split_once("..").ok_or("a range is LO..HI")?;
            // `0.1...0.3` is a typo, not 0.1 to .3.
            if lo.trim_end().ends_with('.') || hi.trim_start().starts_with('.') {
                return Err("a range is LO..HI, two dots between");
            }
            let (lo, hi) = (bound_number(lo)?, bound_number(hi)?);
            if lo > hi {
                return Err("LO is above HI");
            }
            Bound::Within { lo, hi }
        })
    }

    /// Why no value of `metric` can meet this bound, when none can.
    fn unmet(self, metric: MetricKey) -> Option<&'static str> {
        // What the metric can be: a share between 0 and 1, a token count from 0. A bound no
        // value can meet would run a whole search for nothing.
        let (least, most) = match metric {
            // No context holds more than the largest budget a policy can set.
            MetricKey::AvgTokens | MetricKey::GuardLoss => (0.0, f64::from(u32::MAX)),
            MetricKey::StaticShare | MetricKey::RagHits | MetricKey::Truncation => (0.0, 1.0),
        };
        let values = match self {
            Bound::Below { v, .. } | Bound::Above { v, .. } => vec![v],
            Bound::Within { lo, hi } => vec![lo, hi],
        };
        if values.iter().any(|v| !(least..=most).contains(v)) {
            return Some(if most == 1.0 {
                "a share is between 0 and 1 (0.05 is 5 %)"
            } else {
                "a token count is between 0 and 4,294,967,295 (the largest budget a policy can set)"
            });
        }
        let never = match self {
            Bound::Below { v, strict: true } => v <= least,
            Bound::Above { v, strict: true } => v >= most,
            _ => false,
        };
        never.then_some("no value can meet it")
    }
}

impl Target {
    /// `truncation_rate<0.03`, `rag_hits>0.85`, `static_share=0.2..0.4`, `avg_tokens<=2000`.
    pub fn parse(s: &str) -> Result<Target, String> {
        let bad = |why: &str| {
            format!(
                "--target {s}: {why} (e.g. truncation_rate<0.03, avg_tokens<2000, rag_hits>0.85, static_share=0.2..0.4)"
            )
        };
        let at = s.find(['<', '>', '=']).ok_or_else(|| bad("no <, > or ="))?;
        let (name, rest) = s.split_at(at);
        // `!=`: an operator no target has, not a metric named `avg_tokens!`.
        if let Some(known) = name.trim().strip_suffix('!').map(str::trim_end)
            && MetricKey::parse(known).is_some()
        {
            return Err(bad(
                "!= is no bound a target takes: <, <=, >, >= or =LO..HI",
            ));
        }
        let metric = MetricKey::parse(name.trim()).ok_or_else(|| bad("unknown metric"))?;
        let bound = Bound::parse(rest).map_err(bad)?;
        if let Some(why) = bound.unmet(metric) {
            return Err(bad(why));
        }
        Ok(Target {
            metric,
            bound,
            text: s.trim().to_string(),
        })
    }

    /// `--guard K@S`: no user loses more than K kept tokens of items scoring at least S.
    pub fn guard(k: usize, s: f64) -> Target {
        Target {
            metric: MetricKey::GuardLoss,
            bound: Bound::Below {
                v: k as f64,
                strict: false,
            },
            text: format!("no user loses > {k} kept tokens of score ≥ {s}"),
        }
    }

    /// How far inside the bound the metric is (negative: outside); `None`: not measured.
    pub fn slack(&self, m: &Metrics) -> Option<f64> {
        let x = m.get(self.metric)?;
        Some(match self.bound {
            Bound::Below { v, .. } => v - x,
            Bound::Above { v, .. } => x - v,
            Bound::Within { lo, hi } => (x - lo).min(hi - x),
        })
    }

    /// The slack to `places` decimals, signed, never reading as met when it is not: a value on
    /// a strict bound is `on the bound, excluded`, and a miss too small for `places` decimals
    /// is written in full (`-1.2e-9`).
    pub fn shown_slack(&self, m: &Metrics) -> Option<String> {
        let s = self.slack(m)?;
        let met = self.violation(m) == 0.0;
        // In the metric's own units, as the tables show the metric: a share's slack in
        // percentage points, a token count's in tokens.
        let (v, unit) = match self.metric {
            MetricKey::AvgTokens | MetricKey::GuardLoss => (s, ""),
            MetricKey::StaticShare | MetricKey::RagHits | MetricKey::Truncation => {
                (s * 100.0, " pt")
            }
        };
        let sign = if v < 0.0 { "-" } else { "+" };
        let rounded = format!("{sign}{}{unit}", crate::text::thousands(v.abs(), 1));
        let zero = v.abs() < 0.05;
        Some(match (met, s >= 0.0, zero) {
            (false, true, _) => "on the bound, excluded".to_string(),
            (false, false, true) => format!("{v:+.1e}{unit}"),
            _ => rounded,
        })
    }

    /// 0 when met (or not measured), else how far outside, relative to the bound's size — at
    /// least 100 tokens for a token count, 5 points for a share, so a tiny bound
    /// (`avg_tokens<1`) does not make its every miss outweigh all the other targets.
    pub fn violation(&self, m: &Metrics) -> f64 {
        let Some(x) = m.get(self.metric) else {
            return 0.0;
        };
        let floor = match self.metric {
            MetricKey::AvgTokens | MetricKey::GuardLoss => 100.0,
            MetricKey::StaticShare | MetricKey::RagHits | MetricKey::Truncation => 0.05,
        };
        let rel = |d: f64, scale: f64| d / scale.abs().max(floor);
        match self.bound {
            Bound::Below { v, strict } if x > v || (strict && x == v) => rel(x - v + STRICT, v),
            Bound::Above { v, strict } if x < v || (strict && x == v) => rel(v - x + STRICT, v),
            Bound::Within { lo, hi } if x < lo => rel(lo - x, hi - lo),
            Bound::Within { lo, hi } if x > hi => rel(x - hi, hi - lo),
            _ => 0.0,
        }
    }
}

/// Seed 003's targets (those the policy can be measured by), with `asked` replacing any of
/// the same metric.
pub fn targets(policy: &Policy, asked: &[String]) -> Result<Vec<Target>, String> {
    let mut out = vec![Target::parse(&format!("avg_tokens<{AVG_TOKENS_TARGET}"))?];
    if policy.layers.iter().any(|l| l.source == Source::Static) {
        let (lo, hi) = STATIC_SHARE_TARGET;
        out.push(Target::parse(&format!("static_share={lo}..{hi}"))?);
    }
    if policy.layer_for(Source::Knowledge).is_some() {
        out.push(Target::parse(&format!("rag_hits>{RAG_HIT_TARGET}"))?);
    }
    out.push(Target::parse(&format!(
        "truncation_rate<{TRUNCATION_TARGET}"
    ))?);
    let mut given: Vec<&Target> = Vec::new();
    let parsed = asked
        .iter()
        .map(|a| Target::parse(a))
        .collect::<Result<Vec<_>, _>>()?;
    for (a, t) in asked.iter().zip(&parsed) {
        // Two targets for one metric: which one was meant is not for the search to guess.
        if let Some(first) = given.iter().find(|g| g.metric == t.metric) {
            return Err(format!(
                "--target {a}: a second target for {} (the first: {}); give one",
                t.metric.as_str(),
                first.text
            ));
        }
        given.push(t);
    }
    for (a, t) in asked.iter().zip(parsed.clone()) {
        // A target the policy cannot be measured by would count as met whatever the search
        // found: refused, as `report --fail-on` warns that such a gate cannot fail.
        if let Some(layer) = t.metric.missing_layer(policy) {
            return Err(format!(
                "--target {a}: policy {} has no {layer} layer, so {} cannot be measured",
                policy.name,
                t.metric.as_str()
            ));
        }
        out.retain(|o| o.metric != t.metric);
        out.push(t);
    }
    Ok(out)
}

/// What the search minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Fewest average context tokens.
    Cost,
    /// Most kept tokens weighted by score.
    Quality,
}

impl Objective {
    /// The value to minimise.
    pub fn value(self, m: &Metrics) -> f64 {
        match self {
            Objective::Cost => m.avg_tokens,
            Objective::Quality => -m.avg_kept_score,
        }
    }

    /// As `--objective` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Objective::Cost => "cost",
            Objective::Quality => "quality",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Objective::Cost => "cost: fewest average context tokens",
            Objective::Quality => "quality: most kept tokens weighted by score",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(avg: f64, trunc: f64) -> Metrics {
        Metrics {
            users: 1,
            avg_tokens: avg,
            static_share: None,
            rag_hits: Some(0.9),
            truncation_rate: trunc,
            avg_kept_score: 0.0,
            guard_loss: None,
        }
    }

    /// A miss never reads as met: on a strict bound it says so, and a miss smaller than the
    /// decimals shown is written in full.
    #[test]
    fn a_missed_target_never_shows_a_slack_that_reads_as_met() {
        let t = Target::parse("truncation_rate<0.03").expect("target");
        let shown = |trunc| t.shown_slack(&m(0.0, trunc)).expect("measured");
        assert_eq!(shown(0.01), "+2.0 pt");
        assert_eq!(shown(0.05), "-2.0 pt");
        assert_eq!(shown(0.03), "on the bound, excluded");
        assert_eq!(shown(0.030_000_2), "-2.0e-5 pt");
        let at_most = Target::parse("truncation_rate<=0.03").expect("target");
        assert_eq!(
            at_most.shown_slack(&m(0.0, 0.03)).as_deref(),
            Some("+0.0 pt")
        );
        // A token count's slack in tokens, as the table shows the count.
        let avg = Target::parse("avg_tokens<2500").expect("target");
        assert_eq!(avg.shown_slack(&m(3480.0, 0.0)).as_deref(), Some("-980.0"));
        assert_eq!(
            avg.shown_slack(&m(805.63, 0.0)).as_deref(),
            Some("+1,694.4")
        );
    }

    /// A miss is weighed against the bound's size, but never against less than 100 tokens or
    /// 5 points: under `avg_tokens<1`, 836 tokens over is a smaller miss than every user
    /// truncated against `truncation_rate<0.05`, not a 16-times larger one.
    #[test]
    fn a_tiny_bound_does_not_outweigh_every_other_target() {
        let tokens = Target::parse("avg_tokens<1").expect("target");
        let truncation = Target::parse("truncation_rate<0.05").expect("target");
        let over = tokens.violation(&m(837.0, 0.0)) + truncation.violation(&m(837.0, 0.0));
        let cut_all = tokens.violation(&m(0.0, 1.0)) + truncation.violation(&m(0.0, 1.0));
        assert!(over < cut_all, "{over} against {cut_all}");
        // A bound larger than the floor is still the scale: 10 % over 2,500 is 0.1.
        let avg = Target::parse("avg_tokens<2500").expect("target");
        assert!((avg.violation(&m(2750.0, 0.0)) - 0.1).abs() < 1e-3);
    }

    #[test]
    fn targets_parse_and_measure() {
        let t = Target::parse("truncation_rate<0.03").expect("target");
        assert_eq!(t.violation(&m(0.0, 0.02)), 0.0);
        assert!(t.violation(&m(0.0, 0.03)) > 0.0, "strict: equal fails");
        assert!((t.slack(&m(0.0, 0.01)).expect("slack") - 0.02).abs() < 1e-12);
        let r = Target::parse("static_share=0.2..0.4").expect("range");
        assert_eq!(
            r.violation(&m(0.0, 0.0)),
            0.0,
            "not measured: no static layer"
        );
        assert!(Target::parse("nope<1").is_err());
        assert!(Target::parse("avg_tokens<x").is_err());
        assert!(Target::parse("static_share=0.4..0.2").is_err());
        let not = Target::parse("avg_tokens!=2500").expect_err("no != bound");
        assert!(not.contains("!= is no bound a target takes"), "{not}");
        let typo = Target::parse("static_share=0.2...0.4").expect_err("three dots");
        assert!(typo.contains("two dots between"), "{typo}");
        // What no value can meet is refused before a search runs.
        let why = |t: &str| Target::parse(t).expect_err(t);
        assert!(why("rag_hits>1.5").contains("a share is between 0 and 1"));
        assert!(why("truncation_rate<-1").contains("a share is between 0 and 1"));
        assert!(why("static_share=0.2..40").contains("a share is between 0 and 1"));
        assert!(why("avg_tokens<-5").contains("a token count is between 0 and"));
        assert!(why("avg_tokens>1e308").contains("a token count is between 0 and 4,294,967,295"));
        assert!(why("avg_tokens>4294967295").contains("no value can meet it"));
        assert!(why("rag_hits>1").contains("no value can meet it"));
        assert!(why("truncation_rate<0").contains("no value can meet it"));
        assert!(
            Target::parse("truncation_rate<=0").is_ok(),
            "none truncated"
        );
        assert!(Target::parse("rag_hits>=1").is_ok(), "every one a hit");
    }

    #[test]
    fn two_targets_for_one_metric_are_refused() {
        let p = Policy::preset("prolaunch").expect("preset");
        let err = targets(&p, &["avg_tokens<2000".into(), "avg_tokens<1000".into()])
            .expect_err("two for one metric");
        assert_eq!(
            err,
            "--target avg_tokens<1000: a second target for avg_tokens (the first: \
             avg_tokens<2000); give one"
        );
        let err = targets(
            &p,
            &["avg_context_tokens<2000".into(), "avg_tokens<1000".into()],
        )
        .expect_err("aliases name one metric");
        assert!(err.contains("a second target for avg_tokens"), "{err}");
    }

    #[test]
    fn asked_targets_replace_seed_defaults() {
        let p = Policy::preset("prolaunch").expect("preset");
        let ts = targets(&p, &["truncation_rate<0.03".into()]).expect("targets");
        let texts: Vec<&str> = ts.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            ["avg_tokens<2500", "rag_hits>0.8", "truncation_rate<0.03"]
        );
    }
}
