use super::*;

#[test]
fn a_socket_in_the_url_is_the_place_named() {
    use std::str::FromStr;
    let label_of = |url: &str| label(&PgConnectOptions::from_str(url).expect("a URL"), url);
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
    // A database named like the password is masked; the kind word never is (a password
    // `postgres` would hide which store the label names).
    assert_eq!(
        label_of("postgres://app:app@127.0.0.1:5432/app"),
        "postgres 127.0.0.1:5432/***"
    );
    assert_eq!(
        label_of("postgres://postgres:postgres@localhost/app"),
        "postgres localhost:5432/app"
    );
    assert_eq!(
        crate::store::url::redis_address("redis://:redis@redis:6379/0"),
        "***:6379"
    );
    // Only a whole part is the password: one that holds it is not masked, which would tell it.
    assert_eq!(
        label_of("postgres://u:1@127.0.0.1:5432/db1"),
        "postgres 127.0.0.1:5432/db1"
    );
    assert_eq!(
        label_of("postgres://u:.@127.0.0.1:5432/db"),
        "postgres 127.0.0.1:5432/db"
    );
}
