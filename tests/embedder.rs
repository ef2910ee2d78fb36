//! `--embedder http`: an OpenAI-compatible endpoint on loopback, its answers and its failures.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use common::ctxlens_with;
use ctxlens::engine::embed::{BUILTIN_DIM, embed};

/// Serves one request: sends (headers, body) back over the channel and answers with `answer(input)`.
fn serve_once(
    answer: impl Fn(&str) -> (u16, String) + Send + 'static,
) -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/v1/embeddings",
        listener.local_addr().expect("addr")
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream);
        let mut headers = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("read");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            headers.push_str(&line);
        }
        let len = headers
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
            })
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).expect("body");
        let body = String::from_utf8_lossy(&body).into_owned();
        let input = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["input"].as_str().map(str::to_string));
        let (status, reply) = answer(input.as_deref().unwrap_or(""));
        let mut stream = reader.into_inner();
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            reply.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(reply.as_bytes()))
            .expect("write");
        let _ = tx.send((headers, body));
    });
    (url, rx)
}

fn embedding_reply(v: &[f32]) -> String {
    serde_json::json!({ "data": [{ "embedding": v, "index": 0 }], "model": "m" }).to_string()
}

#[test]
fn an_http_embedder_is_asked_with_the_model_and_key() {
    let (url, seen) = serve_once(|input| (200, embedding_reply(&embed(input, BUILTIN_DIM))));
    let env = [("CTXLENS_EMBED_API_KEY", "k-123".to_string())];
    let http = ctxlens_with(
        &[
            "replay",
            "u005",
            "--json",
            "--embedder",
            "http",
            "--embed-url",
            &url,
            "--embed-model",
            "emb-1",
        ],
        &env,
    );
    assert_eq!(http.code, 0, "{}", http.stderr);
    let (headers, body) = seen.recv().expect("the endpoint was called");
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("authorization: bearer k-123"),
        "{headers}"
    );
    let body: serde_json::Value = serde_json::from_str(&body).expect("JSON body");
    assert_eq!(body["model"], "emb-1");
    assert!(
        body["input"].as_str().is_some_and(|q| !q.is_empty()),
        "the query is sent: {body}"
    );
    // The endpoint answered the built-in embedding, so the replay is the built-in one.
    let builtin = ctxlens_with(&["replay", "u005", "--json"], &[]);
    assert!(http.stdout == builtin.stdout, "same vectors, same replay");
}

/// An endpoint whose failure quotes the request back in plain text (a proxy, a validation
/// layer) repeats the user's query: under `--redact` that answer is shown masked, on stderr and
/// in a report's list of users not read.
#[test]
fn under_redact_an_endpoint_failure_that_echoes_the_query_is_masked() {
    let echo = |input: &str| (400, format!("Bad request: input too long: {input}"));
    let (url, _seen) = serve_once(echo);
    let args = [
        "--redact",
        "--embedder",
        "http",
        "--embed-url",
        &url,
        "replay",
        "u005",
        "--query",
        "ZEBRAMARK my secret question",
    ];
    let out = ctxlens_with(&args, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains(": HTTP 400: "), "{}", out.stderr);
    assert!(!out.stderr.contains("ZEBRAMARK"), "{}", out.stderr);
    assert!(!out.stderr.contains("secret question"), "{}", out.stderr);
    // Without --redact the answer is shown as the endpoint gave it.
    let (url, _seen) = serve_once(echo);
    let mut plain: Vec<&str> = args[1..].to_vec();
    plain[3] = &url;
    let out = ctxlens_with(&plain, &[]);
    assert!(
        out.stderr
            .contains("HTTP 400: Bad request: input too long: ZEBRAMARK my secret question"),
        "{}",
        out.stderr
    );
}

/// `replay u005` with the http embedder at `url`, with `env`.
fn replay_with(url: &str, env: &[(&str, String)]) -> common::Output {
    ctxlens_with(
        &["replay", "u005", "--embedder", "http", "--embed-url", url],
        env,
    )
}

/// A URL of the endpoint of `serve_once(answer)` with a password in it: `u:pwSECRET@`.
fn with_password(answer: impl Fn(&str) -> (u16, String) + Send + 'static) -> String {
    let (url, _seen) = serve_once(answer);
    url.replacen("http://", "http://u:pwSECRET@", 1)
}

#[test]
fn http_embedder_failures_are_clear() {
    let (url, _seen) = serve_once(|_| (401, r#"{"error":"bad key"}"#.into()));
    let out = replay_with(&url, &[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "ctxlens: DEMO: query embedding: embedder {url}: HTTP 401: {{\"error\":\"bad key\"}}"
        )
    );

    let (url, _seen) = serve_once(|_| (200, embedding_reply(&[0.1, 0.2, 0.3])));
    let out = replay_with(&url, &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .ends_with("answered 3 dimensions, the knowledge column has 384\n"),
        "{}",
        out.stderr
    );
}

/// Neither the key an endpoint quotes back, nor a password in the endpoint's URL, nor a key in
/// its query is ever printed when it fails.
#[test]
fn a_failing_endpoint_never_shows_the_key_or_the_urls_password() {
    // Neither the key an endpoint quotes back nor the URL's password is ever printed, on
    // either failure.
    let key = [("CTXLENS_EMBED_API_KEY", "sk-SUPERSECRET".to_string())];
    let url = with_password(|_| {
        let quoted = r#"{"error":"Incorrect API key provided: Bearer sk-SUPERSECRET"}"#;
        (401, quoted.into())
    });
    let out = replay_with(&url, &key);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("HTTP 401") && out.stderr.contains("Bearer ***"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("SUPERSECRET") && !out.stderr.contains("pwSECRET"),
        "{}",
        out.stderr
    );
    let url = with_password(|_| (200, embedding_reply(&[0.1, 0.2, 0.3])));
    let out = replay_with(&url, &key);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("answered 3 dimensions"), "{all}");
    assert!(all.contains("u:***@") && !all.contains("pwSECRET"), "{all}");
    // A key in the endpoint's query is never shown.
    let out = replay_with("http://127.0.0.1:1/v1/embeddings?api-key=QSECRETKEY", &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("embeddings?api-key=***") && !out.stderr.contains("QSECRETKEY"),
        "{}",
        out.stderr
    );
}

/// An all-zero answer ranks nothing: the embedder's error, not the knowledge rows'.
#[test]
fn an_all_zero_answer_is_the_embedders_error() {
    // An all-zero answer ranks nothing: the embedder's error, not the knowledge rows'.
    let (url, _seen) = serve_once(|_| (200, embedding_reply(&[0.0; BUILTIN_DIM])));
    let out = replay_with(&url, &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.ends_with(
            "answered a query vector pgvector cannot score (similarity is NaN: the embedding is all zeros)\n"
        ),
        "{}",
        out.stderr
    );
}

/// `--embedder http` without `--embed-url`, or with one that is no http(s) URL, is a usage
/// error before anything is asked, its secrets masked.
#[test]
fn a_missing_or_malformed_embed_url_is_a_usage_error() {
    let out = ctxlens_with(&["replay", "u005", "--embedder", "http"], &[]);
    assert_eq!(
        (out.code, out.stderr.trim_end()),
        (2, "ctxlens: --embedder http needs --embed-url URL")
    );
    // An endpoint that is no http(s) URL is a usage error before anything is asked, masked.
    for (url, why) in [
        ("notaurl", "relative URL without a base"),
        ("ftp://x/v1", "the scheme is \"ftp\""),
        ("http://u:PW@:99999/x?api-key=S", "empty host"),
        ("http://h:99999/x", "invalid port number"),
        // The URL parser takes it; the HTTP client would not.
        (
            "https://u:PW with space@127.0.0.1/v1",
            "invalid uri character",
        ),
    ] {
        let out = ctxlens_with(&["users", "--embedder", "http", "--embed-url", url], &[]);
        assert_eq!(out.code, 2, "{url}: {}", out.stderr);
        assert!(
            out.stderr.contains(why)
                && out.stderr.contains("expected http[s]://HOST[:PORT]/PATH")
                && !out.stderr.contains("PW")
                && !out.stderr.contains("=S"),
            "{url}: {}",
            out.stderr
        );
    }
    // Quoted as typed when nothing in it is secret (read, it would be normalised to the
    // valid-looking `http://nohost/`).
    let out = ctxlens_with(
        &[
            "users",
            "--embedder",
            "http",
            "--embed-url",
            "http:///nohost",
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("ctxlens: --embed-url http:///nohost: "),
        "{}",
        out.stderr
    );
}

/// An endpoint that never answers: `--embed-timeout` ends the wait, said.
#[test]
fn an_endpoint_that_never_answers_is_given_up_at_the_timeout() {
    // An endpoint that never answers: the timeout ends the wait.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/v1/embeddings",
        silent.local_addr().expect("addr")
    );
    let start = std::time::Instant::now();
    let out = ctxlens_with(
        &[
            "replay",
            "u005",
            "--embedder",
            "http",
            "--embed-url",
            &url,
            "--embed-timeout",
            "0.5",
        ],
        &[],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "embedder {url}: no answer within 0.5 s (--embed-timeout)"
        )),
        "{}",
        out.stderr
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    drop(silent);
}
