//! Store addresses for people: host and port, never a password.

/// `url` with its password replaced by `***` (unparseable input is returned without anything
/// after a `@`, which is where credentials would be).
pub fn mask(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => match raw.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => raw.to_string(),
        },
    }
}

/// `text` (an error message) with any password of `raw` replaced by `***` (see
/// [`super::fault::mask_password`]: also when `raw` does not parse).
pub fn mask_in(text: &str, raw: &str) -> String {
    super::fault::mask_password(text, raw)
}

/// `host:port` of a URL, for labels.
pub fn host_port(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(u) => format!(
            "{}:{}",
            u.host_str().unwrap_or("?"),
            u.port().map_or("default".into(), |p| p.to_string())
        ),
        Err(_) => "?".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            mask("redis://inspector:s3cret@127.0.0.1:6380/0"),
            "redis://inspector:***@127.0.0.1:6380/0"
        );
        assert_eq!(mask("postgres://app@db:5432/x"), "postgres://app@db:5432/x");
        assert_eq!(mask("not a url:pw@host"), "***@host");
        assert_eq!(
            mask_in("auth failed for s3cret", "redis://u:s3cret@h:1"),
            "auth failed for ***"
        );
        assert_eq!(host_port("redis://u:pw@10.1.2.3:6380"), "10.1.2.3:6380");
    }
}
