//! The TLS files a Postgres URL names, checked before connecting.

/// The files a URL names, readable: the client certificate and its key (given together), and
/// the `sslrootcert=` file, whatever the `sslmode` (a mode that does not verify would leave a
/// typo in its path unseen until the URL is used with one that does). One missing is named
/// (with its parameter) before connecting — a usage error, not a failed connection.
pub(super) fn tls_files_readable(raw: &str) -> Result<(), (String, String)> {
    let Ok(parsed) = url::Url::parse(raw) else {
        return Ok(());
    };
    let (mut cert, mut key) = (false, false);
    for (k, path) in parsed.query_pairs() {
        let client = matches!(k.as_ref(), "sslcert" | "ssl-cert" | "sslkey" | "ssl-key");
        cert |= matches!(k.as_ref(), "sslcert" | "ssl-cert");
        key |= matches!(k.as_ref(), "sslkey" | "ssl-key");
        let root = matches!(k.as_ref(), "sslrootcert" | "ssl-root-cert" | "ssl-ca");
        if !(client || root) {
            continue;
        }
        match std::fs::metadata(path.as_ref()) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err((k.into_owned(), format!("{path} is not a file"))),
            Err(e) => return Err((k.into_owned(), format!("{path}: {e}"))),
        }
    }
    // The driver also takes them from PGSSLCERT and PGSSLKEY.
    let env = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    cert |= env("PGSSLCERT");
    key |= env("PGSSLKEY");
    if cert != key {
        return Err((
            if cert { "sslcert" } else { "sslkey" }.into(),
            "a client certificate (sslcert) and its key (sslkey) are given together".into(),
        ));
    }
    Ok(())
}
