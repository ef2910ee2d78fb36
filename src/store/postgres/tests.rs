use super::*;

#[test]
fn a_socket_in_the_url_is_the_place_named() {
    use std::str::FromStr;
    let label_of = |url: &str| label(&PgConnectOptions::from_str(url).expect("a URL"));
    assert_eq!(
        label_of("postgres://postgres:secret@127.0.0.1:5432/walk?host=/nonexistent"),
        "postgres /nonexistent:5432/walk"
    );
    assert_eq!(
        label_of("postgres://postgres:secret@db.internal:5433/walk"),
        "postgres db.internal:5433/walk"
    );
    // No database in the URL: the server's default, the user's name, is the one named.
    assert_eq!(
        label_of("postgres://alice:secret@127.0.0.1:5432"),
        "postgres 127.0.0.1:5432/alice"
    );
}
