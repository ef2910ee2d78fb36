//! What a Postgres URL says before anything connects: its scheme and parameters checked (one
//! the driver would ignore is refused, named), the TLS files it names readable, and the label
//! messages name the store by.

use sqlx::postgres::PgConnectOptions;

use super::tls::tls_files_readable;
use crate::store::{StoreError, fault};

/// The URL parameters the Postgres driver reads; any other (libpq's `connect_timeout`,
/// `target_session_attrs`, a misspelt `sslmode`) would be ignored without a word.
const URL_PARAMETERS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// Why a parameter of `url` would not be read, if one would not: named, with the ones that
/// are (`connect_timeout` pointing at `--connect-timeout`). Values are never quoted: one may be
/// a password.
fn unread_parameter(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let key = parsed
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .find(|k| {
            let per_option = k.starts_with("options[") && k.ends_with(']');
            !(URL_PARAMETERS.contains(&k.as_str()) || per_option)
        })?;
    let instead = match key.as_str() {
        "connect_timeout" => " (the connect timeout is --connect-timeout)",
        _ => "",
    };
    Some(fault::unread_parameter(&key, instead, URL_PARAMETERS))
}

/// `postgres host:port/db` for messages: no user, no password; a database or host named like
/// the password of `raw` (`postgres://app:app@h/app`) masked, the kind word never (a password
/// `postgres` would hide which store it is).
pub fn label(opts: &PgConnectOptions, raw: &str) -> String {
    // A Unix socket (`host=/path` in the URL) is where it connects: named, not the TCP host.
    let place = match opts.get_socket() {
        Some(dir) => format!("{}:{}", dir.display(), opts.get_port()),
        None => format!("{}:{}", opts.get_host(), opts.get_port()),
    };
    // A URL naming no database connects to the one named as the user: that one is named.
    let address = format!(
        "{}/{}",
        crate::text::inert_line(&place),
        crate::text::inert_line(opts.get_database().unwrap_or(opts.get_username()))
    );
    format!("postgres {}", fault::mask_address(&address, raw))
}

/// The connect options of `url`, once every check that needs no server has passed: a postgres
/// scheme, parameters the driver reads, a `PGSSLMODE` it knows, and the TLS files it names
/// readable. Each failure is a usage error naming where the URL comes from, never its password.
pub(super) fn options(url: &str) -> Result<PgConnectOptions, StoreError> {
    let what = "URL (--database-url, DATABASE_URL or [stores] database_url)";
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("postgres" | "postgresql")) {
        let cause = "expected a postgres:// or postgresql:// URL";
        return Err(fault::config_error("postgres", what, cause, url));
    }
    if let Some(cause) = unread_parameter(url) {
        return Err(fault::config_error("postgres", what, &cause, url));
    }
    // The driver reads PGSSLMODE and drops a value it does not know for its default
    // (`prefer`): refused as the URL's `sslmode=` is, not connected without a word.
    if let Ok(mode) = std::env::var("PGSSLMODE")
        && mode.parse::<sqlx::postgres::PgSslMode>().is_err()
    {
        return Err(fault::config_error(
            "postgres",
            "PGSSLMODE",
            &format!(
                "unknown value {:?} for `ssl_mode`",
                crate::text::inert_line(&mode)
            ),
            url,
        ));
    }
    let opts: PgConnectOptions = url
        .parse()
        .map_err(|e: sqlx::Error| fault::config_error("postgres", what, &e.to_string(), url))?;
    tls_files_readable(url)
        .map_err(|(param, cause)| fault::config_error("postgres", &param, &cause, url))?;
    Ok(opts)
}
