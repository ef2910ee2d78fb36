//! Demo generator (placeholder).
