//! The key and channel names of SPEC §1, built in one place: `{prefix}session:{user}:{session}`,
//! `{prefix}context:{user}:{milestone}`, `{prefix}progress:{user}`, and the SCAN and PSUBSCRIBE
//! patterns that find every one of a family. Parsing them, and deciding whose a key is, is the
//! stores' (`ctxlens::store::keys`), with the same family words.

/// What follows the prefix in every session key's name, before its user id.
pub const SESSION_WORD: &str = "session:";

/// What follows the prefix in every context key's name, before its user id.
pub const CONTEXT_WORD: &str = "context:";

/// What follows the prefix in every progress channel's name, before its user id.
pub const PROGRESS_WORD: &str = "progress:";

/// `{prefix}session:{user}:{session}`.
pub fn session_key(prefix: &str, user: &str, session: &str) -> String {
    format!("{prefix}{SESSION_WORD}{user}:{session}")
}

/// `{prefix}context:{user}:{milestone}`.
pub fn context_key(prefix: &str, user: &str, milestone: &str) -> String {
    format!("{prefix}{CONTEXT_WORD}{user}:{milestone}")
}

/// `{prefix}progress:{user}`: a channel name, as subscribed to and shown (with `user` = `*`, the
/// name shown for every user's channel; the pattern subscribed to is [`progress_pattern`]).
pub fn progress_channel(prefix: &str, user: &str) -> String {
    format!("{prefix}{PROGRESS_WORD}{user}")
}

/// `{prefix}*`, the prefix escaped: the SCAN pattern of every key under the prefix.
pub fn prefix_pattern(prefix: &str) -> String {
    format!("{}*", glob_escape(prefix))
}

/// `{prefix}session:*`, the prefix escaped: the SCAN pattern of every session key.
pub fn session_pattern(prefix: &str) -> String {
    format!("{}{SESSION_WORD}*", glob_escape(prefix))
}

/// `{prefix}context:*`, the prefix escaped: the SCAN pattern of every cached context.
pub fn context_pattern(prefix: &str) -> String {
    format!("{}{CONTEXT_WORD}*", glob_escape(prefix))
}

/// `{prefix}progress:*`, the prefix escaped: the PSUBSCRIBE pattern of every user's channel.
pub fn progress_pattern(prefix: &str) -> String {
    format!("{}{PROGRESS_WORD}*", glob_escape(prefix))
}

/// `*`, `?`, `[`, `]` and `\\` in a SCAN or PSUBSCRIBE pattern match literally only when escaped.
pub fn glob_escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut out, c| {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_channels_are_built_with_and_without_a_prefix() {
        assert_eq!(session_key("", "u1", "s1"), "session:u1:s1");
        assert_eq!(session_key("app:", "u1", "s1"), "app:session:u1:s1");
        assert_eq!(context_key("", "u1", "M1"), "context:u1:M1");
        assert_eq!(context_key("app:", "u1", "M1"), "app:context:u1:M1");
        assert_eq!(progress_channel("", "u1"), "progress:u1");
        assert_eq!(progress_channel("app:", "u1"), "app:progress:u1");
    }

    #[test]
    fn ids_holding_colons_are_written_whole() {
        assert_eq!(session_key("a:b:", "u:1", "s:2"), "a:b:session:u:1:s:2");
        assert_eq!(context_key("a:b:", "u:1", "M:1"), "a:b:context:u:1:M:1");
        assert_eq!(progress_channel("a:b:", "u:1"), "a:b:progress:u:1");
    }

    #[test]
    fn patterns_find_a_whole_family_under_the_prefix() {
        assert_eq!(session_pattern(""), "session:*");
        assert_eq!(session_pattern("app:"), "app:session:*");
        assert_eq!(session_pattern("a:b:"), "a:b:session:*");
        assert_eq!(progress_pattern(""), "progress:*");
        assert_eq!(progress_pattern("app:"), "app:progress:*");
        assert_eq!(progress_pattern("a:b:"), "a:b:progress:*");
        assert_eq!(context_pattern(""), "context:*");
        assert_eq!(context_pattern("app:"), "app:context:*");
        assert_eq!(prefix_pattern(""), "*");
        assert_eq!(prefix_pattern("app:"), "app:*");
    }

    #[test]
    fn patterns_escape_the_globs_of_the_prefix() {
        assert_eq!(session_pattern("a*[?]\\:"), "a\\*\\[\\?\\]\\\\:session:*");
        assert_eq!(progress_pattern("p*:"), "p\\*:progress:*");
        assert_eq!(context_pattern("p?:"), "p\\?:context:*");
        assert_eq!(prefix_pattern("p]:"), "p\\]:*");
        assert_eq!(glob_escape("plain-user_1"), "plain-user_1");
    }

    #[test]
    fn every_name_of_a_family_begins_with_its_word_after_the_prefix() {
        let families = [
            (session_key("p:", "u", "s"), SESSION_WORD),
            (context_key("p:", "u", "M1"), CONTEXT_WORD),
            (progress_channel("p:", "u"), PROGRESS_WORD),
            (session_pattern("p:"), SESSION_WORD),
            (progress_pattern("p:"), PROGRESS_WORD),
            (context_pattern("p:"), CONTEXT_WORD),
        ];
        for (name, word) in families {
            let rest = name.strip_prefix("p:").expect("the prefix first");
            assert!(rest.starts_with(word), "{name} begins with {word}");
        }
    }
}
