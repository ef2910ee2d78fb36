//! The options every command takes (the policy, the stores, the embedder: [`GlobalArgs`]) and
//! what a command reads of one user ([`Selection`]), below the commands that name them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::CliError;
use super::values::{non_blank, parse_now, parse_seconds};

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Policy: a preset name (prolaunch, layered-adr) or a TOML file.
    #[arg(
        long,
        global = true,
        default_value = "prolaunch",
        value_name = "PRESET|FILE"
    )]
    pub policy: String,
    /// Override a policy key by dotted path, layers by name (repeatable):
    /// --set layers.journey.weight=0.6 --set budget.total=3000 --set strategy=skip.
    /// VALUE is read as TOML, else as text with its ends trimmed: quote it to keep spaces
    /// (--set 'truncate_marker=" [cut]"')
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Config file [default: $XDG_CONFIG_HOME/ctxlens/config.toml, when present].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Mask chat and journey text, the query, display names, milestone ids the milestone map
    /// does not know and values quoted in error messages on every output (token counts stay),
    /// for support use. `snapshot` refuses it (a snapshot is the exact stored input).
    #[arg(long, global = true)]
    pub redact: bool,
    /// Redis to read (rediss:// for TLS; a private CA is trusted through SSL_CERT_FILE).
    /// Without any store URL, the embedded demo.
    #[arg(
        long,
        global = true,
        env = "REDIS_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub redis_url: Option<String>,
    /// Postgres to read (`sslmode` and `sslrootcert` in the URL pass through).
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Prefix of every Redis key and channel.
    #[arg(long, global = true, value_name = "PREFIX")]
    pub key_prefix: Option<String>,
    /// Seconds to wait for a store to answer when connecting (0.1 to 86400).
    #[arg(long, allow_hyphen_values = true, global = true, default_value = "3", value_name = "SECONDS", value_parser = parse_seconds)]
    pub connect_timeout: std::time::Duration,
    /// Seconds a Postgres statement may wait for its answer (0.1 to 86400): past it the store
    /// counts as gone (a report is then PARTIAL). Redis answers within --connect-timeout.
    #[arg(long, allow_hyphen_values = true, global = true, default_value = "30", value_name = "SECONDS", value_parser = parse_seconds)]
    pub query_timeout: std::time::Duration,
    /// How the knowledge query is embedded.
    #[arg(long, global = true, value_enum, default_value_t = EmbedderKind::Builtin)]
    pub embedder: EmbedderKind,
    /// An OpenAI-compatible embeddings endpoint (with --embedder http); the API key is read from
    /// CTXLENS_EMBED_API_KEY when set.
    #[arg(long, global = true, value_name = "URL")]
    pub embed_url: Option<String>,
    /// The embedding model to ask the endpoint for.
    #[arg(
        long,
        global = true,
        default_value = "text-embedding-3-small",
        value_name = "NAME"
    )]
    pub embed_model: String,
    /// Seconds to wait for the embeddings endpoint (0.1 to 86400).
    #[arg(long, allow_hyphen_values = true, global = true, default_value = "10", value_name = "SECONDS", value_parser = parse_seconds)]
    pub embed_timeout: std::time::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmbedderKind {
    Builtin,
    Http,
}

impl GlobalArgs {
    /// The query embedder these flags ask for.
    pub(super) fn embedder(&self) -> Result<crate::store::embedder::Embedder, CliError> {
        use crate::store::embedder::Embedder;
        match (self.embedder, &self.embed_url) {
            (EmbedderKind::Builtin, None) => Ok(Embedder::Builtin),
            (EmbedderKind::Builtin, Some(_)) => Err(CliError::Usage(
                "--embed-url is only used with --embedder http (the builtin embedder asks no \
                 endpoint)"
                    .into(),
            )),
            (EmbedderKind::Http, None) => Err(CliError::Usage(
                "--embedder http needs --embed-url URL".into(),
            )),
            (EmbedderKind::Http, Some(url)) => Ok(Embedder::Http {
                url: endpoint(url)?,
                model: self.embed_model.clone(),
                api_key: std::env::var("CTXLENS_EMBED_API_KEY")
                    .ok()
                    .filter(|k| !k.is_empty()),
                timeout: self.embed_timeout,
                redact: self.redact,
            }),
        }
    }
}

/// `--embed-url` checked before anything is asked of it: an `http`/`https` URL with a host
/// (a port, if any, within range); a usage error naming what is wrong, the URL masked.
fn endpoint(raw: &str) -> Result<String, CliError> {
    let expected = "expected http[s]://HOST[:PORT]/PATH";
    // As typed, unless a secret had to be masked (masking reads the URL, which normalises it:
    // `http:///nohost` would be quoted as the valid-looking `http://nohost/`).
    let masked = crate::store::url::mask(raw);
    let shown = if masked.contains("***") {
        masked
    } else {
        crate::text::inert_line(raw).into_owned()
    };
    let bad = |why: String| CliError::Usage(format!("--embed-url {shown}: {why} ({expected})"));
    let u = url::Url::parse(raw).map_err(|e| bad(e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad(format!("the scheme is {:?}", u.scheme())));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host".into()));
    }
    // What the HTTP client will be given: a URL it cannot read (a space in the password) is
    // refused here, not found out when the first query is embedded.
    raw.parse::<ureq::http::Uri>()
        .map_err(|e| bad(e.to_string()))?;
    Ok(raw.to_string())
}

#[derive(Debug, Args, Default)]
pub struct Selection {
    /// Read this session instead of the one with the newest turn.
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Search knowledge with this text instead of the newest user turn.
    #[arg(long, value_name = "TEXT", value_parser = non_blank)]
    pub query: Option<String>,
    /// Replay the data as stored now with the clock at this instant (RFC 3339 or epoch seconds): only the
    /// recency window moves. To see the user as they were then, use --at.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Reconstruct the user as of this instant (RFC 3339 or epoch seconds), e.g. when a ticket was filed: the
    /// turns, journey rows and knowledge there were then, the milestone of then, the clock at
    /// it; notes say what cannot be told (expired sessions and cache). Not with --now.
    #[arg(
        long,
        value_name = "TIME",
        allow_negative_numbers = true,
        value_parser = parse_now,
        conflicts_with = "now"
    )]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}
