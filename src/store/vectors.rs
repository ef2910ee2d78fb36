//! Embeddings pgvector cannot score: the norms within which its single-precision sums hold, and
//! how a row outside them is reported.
//!
//! pgvector's cosine distance sums `x²` in `float`: components below ~1e-22 square to 0, so an
//! embedding of tiny values has a zero norm there (while `vector_norm`, in `double`, is > 0) and
//! its distance is NaN or a clamped, meaningless 0 or 2; squares past ~1.8e19 overflow. HNSW
//! indexes leave all-zero vectors out. Such rows are never ranked: every search reports them.

/// Below this norm, pgvector's single-precision sums lose the vector (squares underflow).
pub const MIN_NORM: f64 = 1e-18;
/// Above this norm, they overflow.
pub const MAX_NORM: f64 = 1e18;

/// The SQL condition of an embedding outside [`MIN_NORM`, `MAX_NORM`], written exactly as the
/// predicate of `ctxlens migrate`'s index of such rows, so that a search can use that index.
pub const UNSCORABLE_SQL: &str =
    "(vector_norm(embedding) < 1e-18::float8 OR vector_norm(embedding) > 1e18::float8)";

/// The Euclidean norm in double precision, as pgvector's `vector_norm` computes it.
pub fn norm(v: &[f32]) -> f64 {
    v.iter()
        .map(|x| f64::from(*x) * f64::from(*x))
        .sum::<f64>()
        .sqrt()
}

/// Why an embedding of this norm cannot be scored, or `None` when it can.
pub fn unscorable(norm: f64) -> Option<String> {
    if norm == 0.0 {
        Some("similarity is NaN: the embedding is all zeros".into())
    } else if norm < MIN_NORM {
        Some(format!(
            "similarity is NaN: the embedding's norm {norm:.3e} is too small for pgvector's \
             single-precision arithmetic (its squares underflow to 0)"
        ))
    } else if norm > MAX_NORM || !norm.is_finite() {
        Some(format!(
            "similarity is NaN: the embedding's norm {norm:.3e} is too large for pgvector's \
             single-precision arithmetic (its squares overflow)"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_norms_pgvector_can_sum_are_scorable() {
        assert_eq!(
            unscorable(norm(&[0.0; 4])).as_deref(),
            Some("similarity is NaN: the embedding is all zeros")
        );
        let tiny = norm(&[1e-30; 384]);
        assert!(tiny > 0.0 && unscorable(tiny).is_some_and(|r| r.contains("underflow")));
        let denormal = norm(&[1e-45; 384]);
        assert!(denormal > 0.0 && unscorable(denormal).is_some());
        assert!(unscorable(norm(&[1e20; 384])).is_some_and(|r| r.contains("overflow")));
        assert_eq!(unscorable(norm(&[0.05; 384])), None);
        assert_eq!(unscorable(norm(&[1e-17; 384])), None);
    }
}
