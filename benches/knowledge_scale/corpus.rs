//! What the benchmark searches and asks: the articles of the distinct corpus (demo phrases by
//! topic) or variants of the demo's, and the founder questions or variant openings that query
//! them, with the demo policy's threshold and limit.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use ctxlens::demo::content::{MILESTONES, PROFILES, articles};
use ctxlens::engine::embed::embed;
use ctxlens::store::{KnowledgeQuery, NEAR_MISS_MARGIN, NEAR_MISSES};

/// The demo policy's threshold and limit (`prolaunch`).
pub const THRESHOLD: f64 = 0.7;
pub const LIMIT: usize = 10;

/// Words of a text, as written.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// The demo articles' sentences (as word lists) by topic: a milestone, or `None` for general.
struct Topics {
    topics: Vec<(Option<String>, Vec<Vec<String>>, usize)>,
    vocabulary: Vec<String>,
}

impl Topics {
    fn demo() -> Topics {
        let mut topics: Vec<(Option<String>, Vec<Vec<String>>, usize)> = Vec::new();
        let mut vocabulary = Vec::new();
        for a in articles() {
            let m = a.milestone.map(str::to_string);
            let i = match topics.iter().position(|t| t.0 == m) {
                Some(i) => i,
                None => {
                    topics.push((m, vec![], 0));
                    topics.len() - 1
                }
            };
            topics[i].2 += 1;
            let sentences = std::iter::once(a.title).chain(a.content.split(". "));
            for s in sentences {
                let w = words(s);
                vocabulary.extend(w.iter().cloned());
                if w.len() >= 3 {
                    topics[i].1.push(w);
                }
            }
        }
        Topics { topics, vocabulary }
    }

    /// A new article: (milestone, text).
    fn article(&self, rng: &mut ChaCha8Rng) -> (Option<String>, String) {
        let total: usize = self.topics.iter().map(|t| t.2).sum();
        let mut pick = rng.random_range(0..total);
        let topic = self
            .topics
            .iter()
            .find(|t| {
                if pick < t.2 {
                    return true;
                }
                pick -= t.2;
                false
            })
            .expect("a topic");
        let len = rng.random_range(50..=120);
        let mut out: Vec<&str> = Vec::with_capacity(len + 8);
        while out.len() < len {
            if rng.random_bool(0.85) {
                let s = topic.1.choose(rng).expect("sentences");
                let run = rng.random_range(3..=8).min(s.len());
                let start = rng.random_range(0..=s.len() - run);
                out.extend(s[start..start + run].iter().map(String::as_str));
            } else {
                out.push(self.vocabulary.choose(rng).expect("words"));
            }
        }
        (topic.0.clone(), out.join(" "))
    }
}

/// A demo founder question: a random article's `query` or `casual`, placeholders filled from a
/// random profile; with the milestone a user asking it would be at.
fn question(rng: &mut ChaCha8Rng) -> (String, String) {
    let a = articles().choose(rng).expect("articles");
    let p = PROFILES.choose(rng).expect("profiles");
    let template = if rng.random_bool(0.5) {
        a.query
    } else {
        a.casual
    };
    let mut text = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let value = match &rest[open + 1..open + close] {
            "item" => p.item.to_string(),
            "product" => p.product.to_string(),
            "customer" => p.customer.to_string(),
            "category" => p.category.to_string(),
            "price" => p.price.to_string(),
            "region" => p.region.to_string(),
            "differentiator" => p.differentiator.to_string(),
            _ => p.item.to_string(),
        };
        text.push_str(&value);
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    let milestone = a
        .milestone
        .map(str::to_string)
        .unwrap_or_else(|| MILESTONES.choose(rng).expect("milestones").0.to_string());
    (milestone, text)
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

/// Where articles and questions come from: the distinct corpus, or variants of the demo's.
pub struct Corpus {
    near_duplicates: bool,
    topics: Topics,
    demo: Vec<(Option<String>, String)>,
    texts: Vec<String>,
}

impl Corpus {
    pub fn new(near_duplicates: bool) -> Self {
        let demo: Vec<(Option<String>, String)> = articles()
            .iter()
            .map(|a| (a.milestone.map(str::to_string), a.content.to_string()))
            .collect();
        let texts = demo.iter().map(|d| d.1.clone()).collect();
        Corpus {
            near_duplicates,
            topics: Topics::demo(),
            demo,
            texts,
        }
    }

    /// The next article: its milestone and text.
    pub fn article(&self, rng: &mut ChaCha8Rng) -> (Option<String>, String) {
        if self.near_duplicates {
            let (i, text) = variant(rng, &self.texts);
            (self.demo[i].0.clone(), text)
        } else {
            self.topics.article(rng)
        }
    }

    /// The next search: a question's embedding and its milestone filter.
    pub fn query(&self, rng: &mut ChaCha8Rng, dim: usize) -> KnowledgeQuery {
        let (milestone, text) = if self.near_duplicates {
            let (i, text) = variant(rng, &self.texts);
            let words: Vec<&str> = text.split_whitespace().take(25).collect();
            (self.demo[i].0.clone(), words.join(" "))
        } else {
            let (m, text) = question(rng);
            (Some(m), text)
        };
        KnowledgeQuery {
            embedding: embed(&text, dim),
            milestone_filter: milestone,
            min_similarity: THRESHOLD - NEAR_MISS_MARGIN,
            limit: LIMIT + NEAR_MISSES,
            created_by: None,
        }
    }
}
