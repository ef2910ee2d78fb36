//! Store errors as people read them: outages told apart from other failures, causes without
//! driver noise (the server's C source line, hundreds of pipeline failures), never a password.

use super::StoreError;

/// A Redis failure of `what` on `store`: [`StoreError::Unavailable`] when the server could not be
/// reached or went away, else [`StoreError::Backend`]; the cause summarised by [`redis_cause`].
pub fn redis_error(store: &str, what: &str, e: &redis::RedisError) -> StoreError {
    classify(redis_outage(e), store, what, redis_cause(e))
}

/// [`StoreError::Unavailable`] for an outage, else [`StoreError::Backend`].
pub fn classify(outage: bool, store: &str, what: &str, cause: String) -> StoreError {
    let (store, what) = (store.to_string(), what.to_string());
    if outage {
        StoreError::Unavailable { store, what, cause }
    } else {
        StoreError::Backend { store, what, cause }
    }
}

/// Whether a Redis error means the server is out of reach: refused, reset, closed, timed out.
pub fn redis_outage(e: &redis::RedisError) -> bool {
    use redis::ErrorKind;
    e.is_io_error()
        || e.is_connection_refusal()
        || e.is_connection_dropped()
        || e.is_timeout()
        || matches!(e.kind(), ErrorKind::ClusterConnectionNotFound)
}

/// A Redis error in one line: a server's error as the server words it (`NOPERM User …`), a
/// pipeline's failures as how many and the first.
pub fn redis_cause(e: &redis::RedisError) -> String {
    let server = |err: &redis::ServerError| match err.details() {
        Some(details) => format!("{} {details}", err.code()),
        None => err.code().to_string(),
    };
    match e.clone().into_server_errors() {
        Some(errors) if errors.len() > 1 => {
            let (index, first) = &errors[0];
            format!(
                "{} commands of the pipeline failed; the first (command {index}): {}",
                errors.len(),
                server(first)
            )
        }
        Some(errors) if errors.len() == 1 => server(&errors[0].1),
        // An I/O error reads as a phrase, as Postgres's do: "connection refused (os error 111)".
        _ if e.is_io_error() => lower_first(&e.to_string()),
        // What answered is not Redis (an HTTP server, say): one line, and says so.
        _ if e.kind() == redis::ErrorKind::Parse => format!(
            "the server's answer is not the Redis protocol (is it a Redis server?): {}",
            one_line(&e.to_string())
        ),
        _ => without_kind(&one_line(&e.to_string())),
    }
}

/// The redis crate's words without the name of its error kind, which it ends them with
/// (`Password authentication failed - AuthenticationFailed`, `… - Server(ResponseError): DB
/// index is out of range`): a name of the library's, not the reader's.
fn without_kind(text: &str) -> String {
    // Nested errors name a kind at each level (`… - Io: … - AuthenticationFailed`).
    let mut text = text.to_string();
    loop {
        let shorter = without_last_kind(&text);
        if shorter == text {
            return text;
        }
        text = shorter;
    }
}

fn without_last_kind(text: &str) -> String {
    let Some((head, tail)) = text.rsplit_once(" - ") else {
        return text.to_string();
    };
    let (kind, rest) = tail
        .split_once(": ")
        .map_or((tail, None), |(k, r)| (k, Some(r)));
    let named = kind.starts_with(|c: char| c.is_ascii_uppercase())
        && kind
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '(' || c == ')');
    match (named, rest) {
        (false, _) => text.to_string(),
        (true, Some(r)) => format!("{head}: {r}"),
        (true, None) => head.to_string(),
    }
}

/// An error's text on one line: its lines joined with ` / `, blank ones dropped.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_lowercase().chain(chars).collect::<String>()
    })
}

/// A Postgres failure of `what` on `store`: [`StoreError::Unavailable`] when the server could not
/// be reached or went away, else [`StoreError::Backend`]; the cause as [`pg_cause`] words it.
pub fn pg_error(store: &str, what: &str, e: &sqlx::Error) -> StoreError {
    classify(pg_outage(e), store, what, pg_cause(e))
}

/// Whether a Postgres error means the server is out of reach: an I/O error, no connection within
/// the timeout, or the server's own "connection exception" and "shutting down" codes.
pub fn pg_outage(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|c| {
            // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now.
            c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// Whether a Postgres error says the schema is not the one read: a table, column, function or
/// operator that does not exist (a column of another type), a type that does not match.
pub fn pg_schema_mismatch(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| matches!(c.as_ref(), "42P01" | "42703" | "42883" | "42804" | "42846")),
        // A column of another type; a NULL where a value belongs is the data's, not the schema's.
        sqlx::Error::ColumnDecode { source, .. } => {
            !source.is::<sqlx::error::UnexpectedNullError>()
        }
        _ => false,
    }
}

/// What a read that failed on the schema adds: `migrate` names every difference.
pub const SCHEMA_HINT: &str = "the schema differs from the one ctxlens reads (SPEC §1): \
     `ctxlens migrate` names each table and column that differs, or makes what is missing";

/// A Postgres error in one line. A server error is its message and SQLSTATE, without the
/// "at line N" sqlx appends (a line of the server's C source, which reads like a line of SQL).
pub fn pg_cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => match d.code() {
            Some(code) => format!("{} (SQLSTATE {code})", d.message()),
            None => d.message().to_string(),
        },
        sqlx::Error::PoolTimedOut => "no connection within the connect timeout".into(),
        sqlx::Error::Io(io) => io_cause(io),
        // The knowledge search binds a `vector`: without the extension, that is what fails
        // first, before the server could say the table is missing too.
        sqlx::Error::TypeNotFound { type_name } if type_name == "vector" => {
            "type vector not found: the pgvector extension is not installed in this database \
             (`ctxlens migrate` installs it and makes the knowledge table, or names what a \
             knowledge table already there lacks)"
                .into()
        }
        other => without_source_location(&other.to_string()).to_string(),
    }
}

/// `text` without a trailing source location a driver appends, such as
/// ` (sqlx_postgres::connection::tls:95)`: a line of the driver's code, nothing about the store.
fn without_source_location(text: &str) -> &str {
    let Some(open) = text.rfind(" (") else {
        return text;
    };
    let inner = &text[open + 2..];
    let Some(inner) = inner.strip_suffix(')') else {
        return text;
    };
    let located = inner.rsplit_once(':').is_some_and(|(path, line)| {
        !line.is_empty()
            && line.chars().all(|c| c.is_ascii_digit())
            && path.contains("::")
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    });
    if located { &text[..open] } else { text }
}

#[cfg(test)]
#[test]
fn a_drivers_source_location_is_left_out() {
    assert_eq!(
        without_source_location(
            "unexpected response from SSLRequest: 0x48 (sqlx_postgres::connection::tls:95)"
        ),
        "unexpected response from SSLRequest: 0x48"
    );
    for kept in [
        "connection refused (os error 111)",
        "no such table (knowledge)",
        "a (b::c)",
    ] {
        assert_eq!(without_source_location(kept), kept);
    }
}

/// An I/O error as a phrase: "connection refused" rather than "Connection refused (os error 111)".
pub fn io_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let phrase = match e.kind() {
        ErrorKind::ConnectionRefused => "connection refused",
        ErrorKind::ConnectionReset => "connection reset by the server",
        ErrorKind::ConnectionAborted => "connection aborted",
        ErrorKind::UnexpectedEof => "the server closed the connection",
        ErrorKind::TimedOut => "timed out",
        _ => return e.to_string(),
    };
    match e.raw_os_error() {
        Some(n) => format!("{phrase} (os error {n})"),
        None => phrase.to_string(),
    }
}

/// The forms the password of a store URL may take in a message: as written (also when the URL
/// does not parse: the text between `://` and the last `@`, after its first `:`), and as a URL
/// parser percent-encodes and decodes it.
/// A store's `address` (`host:port/db`) for its label: each part between `:` and `/` that is a
/// password of `raw` masked whole (a database, host or user named like the password:
/// `postgres://app:app@h/app`). A part that merely holds the password stays: masking it there
/// (`127.0.0.***` for a password `1`) would tell the password.
pub fn mask_address(address: &str, raw: &str) -> String {
    let passwords = passwords_of(raw);
    let shown = |part: &str| {
        if passwords.iter().any(|p| !p.is_empty() && p == part) {
            "***".to_string()
        } else {
            part.to_string()
        }
    };
    let mut out = String::with_capacity(address.len());
    let mut part = String::new();
    for c in address.chars() {
        if matches!(c, ':' | '/') {
            out.push_str(&shown(&part));
            out.push(c);
            part.clear();
        } else {
            part.push(c);
        }
    }
    out.push_str(&shown(&part));
    out
}

pub fn passwords_of(raw: &str) -> Vec<String> {
    let mut found = Vec::new();
    let rest = raw.split_once("://").map_or(raw, |(_, r)| r);
    if let Some((userinfo, _)) = rest.rsplit_once('@')
        && let Some((_, pw)) = userinfo.split_once(':')
    {
        found.push(pw.to_string());
    }
    // A web address's lone user name is its key (`https://TOKEN@host`).
    if let Ok(u) = url::Url::parse(raw)
        && lone_token(&u)
    {
        found.push(u.username().to_string());
    }
    if let Some(pw) = url::Url::parse(raw)
        .ok()
        .and_then(|u| u.password().map(str::to_string))
    {
        let decoded = url::form_urlencoded::parse(format!("p={pw}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned());
        found.extend(decoded);
        found.push(pw);
    }
    // A query parameter that names a secret (`api-key`, `token`, `sig`, `password`, …).
    if let Ok(u) = url::Url::parse(raw) {
        let secret = |k: &str| {
            let k = k.to_ascii_lowercase();
            [
                "key",
                "token",
                "secret",
                "sig",
                "pass",
                "auth",
                "credential",
            ]
            .iter()
            .any(|s| k.contains(s))
        };
        found.extend(
            u.query_pairs()
                .filter(|(k, _)| secret(k))
                .map(|(_, v)| v.into_owned()),
        );
    }
    found.retain(|p| !p.is_empty());
    found.sort_by_key(|p| std::cmp::Reverse(p.len()));
    found.dedup();
    found
}

/// Whether `u` is a web address whose user name stands alone (`https://TOKEN@host`): there it
/// is a key, not a login name, and is masked as a password is.
pub(super) fn lone_token(u: &url::Url) -> bool {
    matches!(u.scheme(), "http" | "https") && !u.username().is_empty() && u.password().is_none()
}

/// `text` with the password of `raw` (a URL, parseable or not) replaced by `***`.
pub fn mask_password(text: &str, raw: &str) -> String {
    passwords_of(raw)
        .iter()
        .fold(text.to_string(), |t, pw| mask_secret(&t, pw))
}

/// Why URL parameter `key` is refused: no driver reads it (`instead`: what to use, if any), and
/// the ones `reads`. A name that does not read as one may be part of a password not encoded
/// (`pass=ab&cd` makes a parameter `cd`): not shown; values never are.
pub fn unread_parameter(key: &str, instead: &str, reads: &[&str]) -> String {
    let named = key.len() <= 32
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    let key = match (key.is_empty(), named) {
        (true, _) => "(an empty name)",
        (false, true) => key,
        (false, false) => "(a name not shown)",
    };
    format!(
        "parameter {key} is not one ctxlens reads{instead}; it reads {}",
        reads.join(", ")
    )
}

/// A server's or driver's message `text` about connecting with `raw` (a URL): as it is, unless
/// it holds the password as a token — an echo of it, or a password that is one of the
/// message's own words (`failed`) — where masking it would tell it by which word is gone: then
/// withheld whole, saying why.
pub fn server_message(text: &str, raw: &str) -> String {
    if mask_password(text, raw) == text {
        text.to_string()
    } else {
        "the server's message is not shown: it holds the password".to_string()
    }
}

/// `text` with each occurrence of `secret` that stands as a token of its own replaced by
/// `***`: one inside a longer word (`probe` of `probe_x`, `e` of `connection`) is left, since
/// masking it would garble the message and, by where the stars fall, tell the secret.
pub fn mask_secret(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_string();
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    // A neighbour joins the occurrence to a longer word when both it and the secret's edge
    // are word characters.
    let (first, last) = (
        secret.chars().next().is_some_and(word),
        secret.chars().next_back().is_some_and(word),
    );
    let mut out = String::with_capacity(text.len());
    let (mut from, mut look) = (0, 0);
    // Each place it occurs, overlapping ones too: one inside a word may overlap one that
    // stands alone (`a-a` in `xa-a-a`).
    while let Some(found) = text[look..].find(secret) {
        let at = look + found;
        let before = text[..at].chars().next_back().is_some_and(word) && first;
        let after = text[at + secret.len()..].chars().next().is_some_and(word) && last;
        if before || after {
            look = at + text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        out.push_str(&text[from..at]);
        out.push_str("***");
        from = at + secret.len();
        look = from;
    }
    out.push_str(&text[from..]);
    out
}

/// A malformed store address or setting: a usage error naming the store and what is wrong,
/// without the password.
pub fn config_error(store: &str, what: &str, cause: &str, raw_url: &str) -> StoreError {
    // sqlx wraps a bad parameter's error in a second "error with configuration".
    let cause = cause.replace("error with configuration: ", "");
    let cause = if cause.contains("`ssl_mode`") {
        format!("{cause} (sslmode: disable, allow, prefer, require, verify-ca or verify-full)")
    } else if cause.contains("Redis URL did not parse") {
        // The redis crate's words name neither what it wants nor what is wrong.
        "expected redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS, or \
         redis+unix:///PATH)"
            .to_string()
    } else if store == "redis" {
        without_kind(&cause)
    } else {
        cause
    };
    StoreError::Config {
        store: store.to_string(),
        what: what.to_string(),
        cause: mask_password(&cause, raw_url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redis_crates_error_kind_is_not_named() {
        for (said, shown) in [
            (
                "Password authentication failed - AuthenticationFailed",
                "Password authentication failed",
            ),
            (
                "An error was signalled by the server - Server(ResponseError): DB index is out of range",
                "An error was signalled by the server: DB index is out of range",
            ),
            (
                "Failed to create initial connections - Io: Password authentication failed - AuthenticationFailed",
                "Failed to create initial connections: Password authentication failed",
            ),
            // Words that only look alike stay.
            ("a - b", "a - b"),
            ("range 1 - 2: low", "range 1 - 2: low"),
        ] {
            assert_eq!(without_kind(said), shown);
        }
    }

    #[test]
    fn a_redis_url_that_does_not_parse_says_what_one_looks_like() {
        let e = config_error(
            "redis",
            "URL",
            "Redis URL did not parse - InvalidClientConfig",
            "x",
        );
        assert_eq!(
            e.to_string(),
            "redis: URL: expected redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS, or redis+unix:///PATH)"
        );
    }

    #[test]
    fn passwords_are_found_in_urls_that_do_not_parse() {
        assert_eq!(passwords_of("redis://:pw1@[bad"), ["pw1"]);
        assert_eq!(passwords_of("redis://u:p@ss@h:1"), ["p%40ss", "p@ss"]);
        assert!(passwords_of("postgres://u@h/db").is_empty());
        assert!(passwords_of("redis://h:1").is_empty());
        assert_eq!(
            mask_password("bad url redis://:pw1@[bad", "redis://:pw1@[bad"),
            "bad url redis://:***@[bad"
        );
        assert_eq!(
            mask_password("p@ss and p%40ss", "redis://u:p@ss@h:1"),
            "*** and ***"
        );
    }

    /// A server's message holding the password as a token is withheld whole: masking the one
    /// word would tell which word the password is (`failed` in "authentication failed").
    #[test]
    fn a_server_message_holding_the_password_is_withheld() {
        let withheld = "the server's message is not shown: it holds the password";
        for (message, url) in [
            ("Password authentication failed", "redis://:failed@h:1"),
            ("you sent \"Secr3t\"", "postgres://u:Secr3t@h/db"),
        ] {
            assert_eq!(server_message(message, url), withheld, "{message}");
        }
        assert_eq!(
            server_message("connection refused (os error 111)", "redis://:e@h:1"),
            "connection refused (os error 111)"
        );
    }

    /// A password is masked where it stands as a token (an echo of it, a URL), never inside a
    /// longer word: there masking garbles the message and the stars' places tell it.
    #[test]
    fn a_password_is_masked_as_a_token_not_inside_words() {
        let cases = [
            (
                "e",
                "connection refused (os error 111)",
                "connection refused (os error 111)",
            ),
            (
                "probe",
                "database \"probe_x\" does not exist",
                "database \"probe_x\" does not exist",
            ),
            ("probe", "you sent \"probe\"", "you sent \"***\""),
            ("Secr3t", "password=Secr3t;x", "password=***;x"),
            ("Secr3t", "Secr3tSecr3t", "Secr3tSecr3t"),
            ("p@ss", "user:p@ss@host", "user:***@host"),
            ("@x", "a@x and b@xy", "a*** and b@xy"),
            ("a-a", "xa-a-a", "xa-***"),
        ];
        for (secret, text, masked) in cases {
            assert_eq!(mask_secret(text, secret), masked, "{secret} in {text}");
        }
    }

    #[test]
    fn io_errors_read_as_phrases() {
        let refused = std::io::Error::from_raw_os_error(111);
        assert_eq!(io_cause(&refused), "connection refused (os error 111)");
        assert!(pg_outage(&sqlx::Error::Io(refused)));
        assert!(pg_outage(&sqlx::Error::PoolTimedOut));
        assert!(!pg_outage(&sqlx::Error::RowNotFound));
    }

    #[test]
    fn a_missing_vector_type_names_the_extension() {
        let e = sqlx::Error::TypeNotFound {
            type_name: "vector".into(),
        };
        let said = pg_cause(&e);
        assert!(
            said.contains("pgvector extension is not installed") && said.contains("migrate"),
            "{said}"
        );
        assert!(!pg_outage(&e), "a schema error, not an outage");
    }
}
