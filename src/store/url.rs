//! Store addresses for people: host and port, never a password.

/// `url` with its password and every query value replaced by `***` (an endpoint's key is often
/// a query parameter: `?api-key=…`, `?sig=…`), and no fragment. Unparseable input keeps its
/// scheme, and nothing of what is between it and a `@` (where credentials would be) or after a
/// `?`.
pub fn mask(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            } else if super::fault::lone_token(&u) {
                let _ = u.set_username("***");
            }
            if u.query().is_some() {
                let keys: Vec<String> = u.query_pairs().map(|(k, _)| k.into_owned()).collect();
                u.query_pairs_mut()
                    .clear()
                    .extend_pairs(keys.iter().map(|k| (k.as_str(), "***")));
            }
            u.set_fragment(None);
            // The pairs were written form-encoded: `***` reads as typed.
            u.to_string().replace("%2A%2A%2A", "***")
        }
        Err(_) => {
            let (head, query) = raw
                .split_once('?')
                .map_or((raw, None), |(h, _)| (h, Some("?***")));
            let (scheme, rest) = head.split_once("://").map_or(("", head), |(s, r)| (s, r));
            let rest = match rest.rsplit_once('@') {
                Some((_, host)) => format!("***@{host}"),
                None => rest.to_string(),
            };
            let scheme = if scheme.is_empty() {
                String::new()
            } else {
                format!("{scheme}://")
            };
            format!("{scheme}{rest}{}", query.unwrap_or(""))
        }
    }
}

/// `text` (an error message) with any password of `raw` replaced by `***` (see
/// [`super::fault::mask_password`]: also when `raw` does not parse).
pub fn mask_in(text: &str, raw: &str) -> String {
    super::fault::mask_password(text, raw)
}

/// Whether a Redis URL names a Unix socket (`unix://`, `redis+unix://`, `valkey+unix://`).
pub fn is_unix(u: &url::Url) -> bool {
    matches!(u.scheme(), "unix" | "redis+unix" | "valkey+unix")
}

/// [`host_port`] of Redis URL `raw` as a label shows it: a host named like the password (a
/// test setup's `redis://:app@app`) masked. The label's kind word (`redis `) is put before it,
/// never masked: a password `redis` would hide which store it is.
pub fn redis_address(raw: &str) -> String {
    super::fault::mask_address(&host_port(raw), raw)
}

/// `host:port` of a Redis URL (6379 when it names no port), for labels; a Unix socket's path
/// (`redis+unix:///run/redis.sock`, `unix:///…`).
pub fn host_port(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(u) if is_unix(&u) && u.host_str().is_none_or(str::is_empty) => {
            crate::text::inert_line(u.path()).into_owned()
        }
        Ok(u) => format!(
            "{}:{}",
            u.host_str().unwrap_or("?"),
            // Redis's port when the URL names none (every scheme the client reads).
            u.port().unwrap_or(6379)
        ),
        Err(_) => "?".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unix_socket_is_named_by_its_path() {
        assert_eq!(host_port("redis+unix:///run/redis.sock"), "/run/redis.sock");
        assert_eq!(host_port("unix:///tmp/r.sock?db=2"), "/tmp/r.sock");
        assert_eq!(host_port("redis://127.0.0.1:6380/0"), "127.0.0.1:6380");
        assert_eq!(host_port("redis://h/0"), "h:6379");
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            mask("redis://inspector:s3cret@127.0.0.1:6380/0"),
            "redis://inspector:***@127.0.0.1:6380/0"
        );
        assert_eq!(mask("postgres://app@db:5432/x"), "postgres://app@db:5432/x");
        // A web address's lone user name is a key (`https://TOKEN@host`); with a password it
        // is a login name.
        assert_eq!(
            mask("http://sk-secret123@127.0.0.1:1/v1/embeddings"),
            "http://***@127.0.0.1:1/v1/embeddings"
        );
        assert_eq!(
            mask_in(
                "GET http://sk-secret123@127.0.0.1:1/v1 failed",
                "http://sk-secret123@127.0.0.1:1/v1"
            ),
            "GET http://***@127.0.0.1:1/v1 failed"
        );
        assert_eq!(mask("https://me:pw@h/x"), "https://me:***@h/x");
        assert_eq!(mask("not a url:pw@host"), "***@host");
        // Query values are keys as often as not; a fragment too.
        assert_eq!(
            mask("http://127.0.0.1:1/v1/embeddings?api-key=QSECRET&key=K2#frag"),
            "http://127.0.0.1:1/v1/embeddings?api-key=***&key=***"
        );
        assert_eq!(mask("http://u:PW@:99999/x?k=S"), "http://***@:99999/x?***");
        assert_eq!(
            mask_in(
                "GET /v1?api-key=QSECRET failed",
                "http://h/v1?api-key=QSECRET&n=1"
            ),
            "GET /v1?api-key=*** failed"
        );
        assert_eq!(
            mask_in("auth failed for s3cret", "redis://u:s3cret@h:1"),
            "auth failed for ***"
        );
        assert_eq!(host_port("redis://u:pw@10.1.2.3:6380"), "10.1.2.3:6380");
    }
}
