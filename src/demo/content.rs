//! Demo text tables (placeholder until generated).
