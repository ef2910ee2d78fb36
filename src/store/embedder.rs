//! Query embeddings: the built-in embedder, or an OpenAI-compatible `/v1/embeddings` endpoint.

use std::time::Duration;

use serde_json::{Value, json};

use crate::engine::embed::embed;

/// How the knowledge query is embedded. `Debug` never shows the API key.
#[derive(Clone, PartialEq, Default)]
pub enum Embedder {
    /// The built-in hashed-word embedder (no network).
    #[default]
    Builtin,
    /// `POST {url}` with `{"model", "input"}`; the key, when set, as a bearer token.
    Http {
        url: String,
        model: String,
        api_key: Option<String>,
        timeout: Duration,
        /// Under `--redact`: what the endpoint answers on a failure is shown masked, since an
        /// endpoint may quote the request back, and the request is the user's query.
        redact: bool,
    },
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Embedder::Builtin => f.write_str("Builtin"),
            Embedder::Http {
                url,
                model,
                api_key,
                timeout,
                ..
            } => f
                .debug_struct("Http")
                .field("url", &crate::store::url::mask(url))
                .field("model", model)
                .field("api_key", &api_key.as_ref().map(|_| "***"))
                .field("timeout", timeout)
                .finish(),
        }
    }
}

/// One HTTP agent per timeout, kept for the process: connections to the endpoint are reused.
fn agent(timeout: Duration) -> ureq::Agent {
    static AGENTS: std::sync::Mutex<Vec<(Duration, ureq::Agent)>> =
        std::sync::Mutex::new(Vec::new());
    let mut agents = AGENTS.lock().unwrap_or_else(|poison| poison.into_inner());
    if let Some((_, a)) = agents.iter().find(|(t, _)| *t == timeout) {
        return a.clone();
    }
    let a: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    agents.push((timeout, a.clone()));
    a
}

impl Embedder {
    /// Embeds `text` into `dim` dimensions; an endpoint answering another dimension is an error.
    pub async fn embed(&self, text: &str, dim: usize) -> Result<Vec<f32>, String> {
        match self {
            Embedder::Builtin => Ok(embed(text, dim)),
            Embedder::Http {
                url,
                model,
                api_key,
                timeout,
                redact,
            } => {
                let redact = *redact;
                let (url, model, key, timeout, text) = (
                    url.clone(),
                    model.clone(),
                    api_key.clone(),
                    *timeout,
                    text.to_string(),
                );
                let shown = crate::store::url::mask(&url);
                let v = tokio::task::spawn_blocking(move || {
                    post(&url, &model, key.as_deref(), timeout, &text, redact)
                })
                .await
                .map_err(|e| format!("embedder {shown}: {e}"))??;
                if v.len() != dim {
                    return Err(format!(
                        "embedder {shown}: answered {}, the knowledge column has {dim}",
                        crate::text::count(v.len() as u64, "dimension", "dimensions")
                    ));
                }
                // Nothing can be ranked against a query pgvector cannot score: the embedder's
                // fault, not the rows'.
                if let Some(why) =
                    crate::store::vectors::unscorable(crate::store::vectors::norm(&v))
                {
                    return Err(format!(
                        "embedder {shown}: answered a query vector pgvector cannot score ({why})"
                    ));
                }
                Ok(v)
            }
        }
    }
}

fn post(
    url: &str,
    model: &str,
    key: Option<&str>,
    timeout: Duration,
    text: &str,
    redact: bool,
) -> Result<Vec<f32>, String> {
    let fail = |what: String| format!("embedder {}: {what}", crate::store::url::mask(url));
    let mut req = agent(timeout)
        .post(url)
        .header("Content-Type", "application/json");
    if let Some(k) = key {
        req = req.header("Authorization", &format!("Bearer {k}"));
    }
    let body = json!({ "model": model, "input": text }).to_string();
    // A timeout says how long was waited, as the stores' do (ureq says only "timeout: global").
    let said = |e: ureq::Error| match e {
        ureq::Error::Timeout(_) => fail(format!(
            "no answer within {} s (--embed-timeout)",
            timeout.as_secs_f32()
        )),
        e => fail(e.to_string()),
    };
    let mut resp = req.send(body.as_str()).map_err(said)?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().map_err(said)?;
    if status != 200 {
        // An endpoint may quote the request back (its Authorization header, its URL): the key
        // and the URL's password are masked before any of it is shown.
        let snippet: String = scrub(&text, key, url).chars().take(200).collect();
        let snippet = if redact {
            crate::engine::redact::mask(&snippet)
        } else {
            snippet
        };
        return Err(fail(format!("HTTP {status}: {snippet}")));
    }
    let v: Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("answer is not JSON: {e}")))?;
    let emb = v
        .pointer("/data/0/embedding")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("answer has no data[0].embedding".into()))?;
    emb.iter()
        .map(|x| {
            x.as_f64()
                .map(|f| f as f32)
                .ok_or_else(|| fail("embedding holds a non-number".into()))
        })
        .collect()
}

/// `text` with `key` and the password of `url` replaced by `***`.
fn scrub(text: &str, key: Option<&str>, url: &str) -> String {
    let text = match key {
        Some(k) => crate::store::fault::mask_secret(text, k),
        _ => text.to_string(),
    };
    crate::store::url::mask_in(&text, url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A loopback endpoint answering every request with `reply`, keeping its connections open
    /// (`Content-Length`, no `Connection: close`): its URL and how many connections it accepted.
    fn keep_alive_endpoint(reply: String) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/v1/embeddings",
            listener.local_addr().expect("addr")
        );
        let accepted = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&accepted);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                counted.fetch_add(1, Ordering::SeqCst);
                let reply = reply.clone();
                std::thread::spawn(move || answer_each(stream, &reply));
            }
        });
        (url, accepted)
    }

    /// Answers every request that comes over `stream` with `reply`, until the client closes it.
    fn answer_each(stream: TcpStream, reply: &str) {
        let mut reader = BufReader::new(stream);
        while read_request(&mut reader).is_some() {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                reply.len()
            );
            let stream = reader.get_mut();
            let sent = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(reply.as_bytes()));
            if sent.is_err() {
                return;
            }
        }
    }

    /// Reads one request, head and body: `None` once the connection has ended.
    fn read_request(reader: &mut BufReader<TcpStream>) -> Option<()> {
        let mut len = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().ok()?;
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).ok()
    }

    /// Queries embedded one after another go over one connection: the agent is kept for the
    /// process, not built for each query.
    #[tokio::test]
    async fn queries_embedded_one_after_another_share_one_connection() {
        let reply = json!({ "data": [{ "embedding": [0.5, 0.25, 1.0], "index": 0 }] });
        let (url, accepted) = keep_alive_endpoint(reply.to_string());
        let e = Embedder::Http {
            url,
            model: "m".into(),
            api_key: None,
            timeout: Duration::from_secs(10),
            redact: false,
        };
        for query in ["first", "second", "third"] {
            assert_eq!(e.embed(query, 3).await, Ok(vec![0.5, 0.25, 1.0]), "{query}");
        }
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            1,
            "one connection served the three queries"
        );
    }

    #[test]
    fn an_answer_quoting_the_key_or_the_url_password_is_shown_masked() {
        let url = "https://user:hunter2@embed.example/v1/embeddings";
        let body = "Incorrect API key provided: Bearer sk-secret-123 for user:hunter2@embed";
        let shown = scrub(body, Some("sk-secret-123"), url);
        assert!(
            !shown.contains("sk-secret-123") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert!(
            shown.starts_with("Incorrect API key provided: Bearer ***"),
            "{shown}"
        );
    }

    #[test]
    fn debug_never_shows_the_api_key_or_a_url_password() {
        let e = Embedder::Http {
            url: "https://user:hunter2@embed.example/v1/embeddings".into(),
            model: "m".into(),
            api_key: Some("sk-secret-123".into()),
            timeout: Duration::from_secs(1),
            redact: false,
        };
        let shown = format!("{e:?}");
        assert!(
            !shown.contains("sk-secret-123") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert!(shown.contains("***"), "{shown}");
    }
}
