//! Query embeddings: the built-in embedder, or an OpenAI-compatible `/v1/embeddings` endpoint.

use std::time::Duration;

use serde_json::{Value, json};

use crate::engine::embed::embed;

/// How the knowledge query is embedded.
#[derive(Debug, Clone, PartialEq, Default)]
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
    },
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
            } => {
                let (url, model, key, timeout, text) = (
                    url.clone(),
                    model.clone(),
                    api_key.clone(),
                    *timeout,
                    text.to_string(),
                );
                let shown = url.clone();
                let v = tokio::task::spawn_blocking(move || {
                    post(&url, &model, key.as_deref(), timeout, &text)
                })
                .await
                .map_err(|e| format!("embedder {shown}: {e}"))??;
                if v.len() != dim {
                    return Err(format!(
                        "embedder {shown}: answered {} dimensions, the knowledge column has {dim}",
                        v.len()
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
) -> Result<Vec<f32>, String> {
    let fail = |what: String| format!("embedder {}: {what}", crate::store::url::mask(url));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.post(url).header("Content-Type", "application/json");
    if let Some(k) = key {
        req = req.header("Authorization", &format!("Bearer {k}"));
    }
    let body = json!({ "model": model, "input": text }).to_string();
    let mut resp = req.send(body.as_str()).map_err(|e| fail(e.to_string()))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| fail(e.to_string()))?;
    if status != 200 {
        let snippet: String = text.chars().take(200).collect();
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
