//! The key and channel names of SPEC §1, built in one place: `{prefix}session:{user}:{session}`,
//! `{prefix}context:{user}:{milestone}`, `{prefix}progress:{user}`. Parsing them, and deciding
//! whose a key is, is the stores' (`ctxlens::store::keys`).

/// `{prefix}session:{user}:{session}`.
pub fn session_key(prefix: &str, user: &str, session: &str) -> String {
    format!("{prefix}session:{user}:{session}")
}

/// `{prefix}context:{user}:{milestone}`.
pub fn context_key(prefix: &str, user: &str, milestone: &str) -> String {
    format!("{prefix}context:{user}:{milestone}")
}

/// `{prefix}progress:{user}`: a channel name (a pattern with `user` = `*`).
pub fn progress_channel(prefix: &str, user: &str) -> String {
    format!("{prefix}progress:{user}")
}
