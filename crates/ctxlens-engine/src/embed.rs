//! The built-in deterministic embedder: hashed word and word-pair features, L2-normalised.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Dimension of the built-in embedding (matches the default `knowledge.embedding` column).
pub const BUILTIN_DIM: usize = 384;

/// Words too common to say anything about a text's topic.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
    "has", "have", "how", "i", "if", "in", "is", "it", "its", "i'm", "me", "my", "of", "on", "or",
    "our", "should", "so", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "to", "was", "we", "what", "when", "which", "will", "with", "you", "your",
];

/// Lower-cased alphanumeric words of `text` without stop words.
fn content_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Adds one hashed feature: the hash picks the dimension and the sign.
fn add_feature(v: &mut [f32], feature: &str, weight: f32) {
    let h = xxh3_64_with_seed(feature.as_bytes(), 0x00c7_71e5);
    let dim = (h % v.len() as u64) as usize;
    let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
    v[dim] += sign * weight;
}

/// Embeds `text` into `dim` dimensions. Texts sharing topic words land close together,
/// so cosine similarity in the demo behaves like a (crude) semantic embedding.
/// An empty or stop-word-only text gives the zero vector.
pub fn embed(text: &str, dim: usize) -> Vec<f32> {
    let mut v = vec![0.0f32; dim.max(1)];
    let words = content_words(text);
    for w in &words {
        add_feature(&mut v, w, 1.0);
    }
    for pair in words.windows(2) {
        add_feature(&mut v, &format!("{} {}", pair[0], pair[1]), 0.5);
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Cosine similarity of two vectors, computed the way pgvector's `1 - (a <=> b)` is:
/// single-precision sums, the result in double precision. 0 when either vector is zero.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    let denom = (f64::from(na) * f64::from(nb)).sqrt();
    if denom == 0.0 {
        return 0.0;
    }
    let sim = (f64::from(dot) / denom).clamp(-1.0, 1.0);
    // pgvector returns the distance 1 − sim and SQL computes 1 − distance: keep the same rounding.
    let distance = 1.0 - sim;
    1.0 - distance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedding_is_normalised_and_deterministic() {
        let a = embed("Pricing strategy for early adopters", BUILTIN_DIM);
        let b = embed("Pricing strategy for early adopters", BUILTIN_DIM);
        assert_eq!(a, b);
        let norm: f32 = a.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5, "norm² = {norm}");
    }

    #[test]
    fn related_texts_are_closer_than_unrelated() {
        let q = embed(
            "how should I price my subscription for early adopters",
            BUILTIN_DIM,
        );
        let near = embed(
            "Subscription pricing: price early adopters with a founding discount",
            BUILTIN_DIM,
        );
        let far = embed(
            "Freight forwarding and customs paperwork for container shipping",
            BUILTIN_DIM,
        );
        assert!(cosine(&q, &near) > cosine(&q, &far) + 0.2);
    }

    #[test]
    fn empty_text_is_zero_vector_and_zero_similarity() {
        let z = embed("the and of", BUILTIN_DIM);
        assert!(z.iter().all(|x| *x == 0.0));
        assert_eq!(cosine(&z, &embed("pricing", BUILTIN_DIM)), 0.0);
    }
}
