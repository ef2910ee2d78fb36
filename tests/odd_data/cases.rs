//! The odd-data corpus's vocabulary: a case writes one user's odd keys and rows and says what
//! `inspect --json` must report (the cases are in redis_cases.rs and pg_cases.rs). Templates: `{u}` the user id, `{c}` the case's tag, `{m}` its
//! milestone, `{id}`/`{id2}` its row ids, `{good}` its good knowledge embedding, `{zeros}`,
//! `{tiny}`, `{denormal}`, `{huge}` 384-dimension vectors.

/// A value written to Redis.
#[derive(Debug, Clone, Copy)]
pub enum V {
    /// Text, templated.
    T(&'static str),
    /// Raw bytes, as they are.
    B(&'static [u8]),
    /// A JSON array of 10 MB (over the 4 MiB read limit).
    Huge,
    /// A turn of 3 MB (two are over the read limit).
    Large,
    /// `[[[…]]]`, 10,000 deep.
    Deep,
}

/// A Redis write.
#[derive(Debug, Clone, Copy)]
pub enum W {
    Set(&'static str, V),
    Push(&'static str, &'static [V]),
    /// A hash, a set, a sorted set or a stream at the key.
    Hash(&'static str),
    Members(&'static str),
    Sorted(&'static str),
    Stream(&'static str),
}

/// What `inspect USER --json` must show.
#[derive(Debug, Clone, Copy)]
pub enum E {
    /// A malformed item of this source whose reason contains this.
    Malformed(&'static str, &'static str),
    /// A finding of this kind and source whose message contains this.
    Finding(&'static str, &'static str, &'static str),
    /// An assembly item whose text contains this.
    Text(&'static str),
    /// A session key with this many readable turns.
    Session(&'static str, u64),
    /// A session key with this many entries that cannot be read (listed, read or not).
    SessionMalformed(&'static str, u64),
    /// No session of this key.
    NoSession(&'static str),
    /// An assembly item of this id.
    Item(&'static str),
    /// The string at this JSON pointer contains this.
    Json(&'static str, &'static str),
}

/// Which knowledge table the case reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `knowledge`, `vector(384)`, with `ctxlens migrate`'s indexes.
    Typed,
    /// `articles`: the same rows in an untyped `vector` column (`[stores.tables]`).
    Untyped,
}

#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub name: &'static str,
    /// The user id, templated (`{c}` is the tag).
    pub user: &'static str,
    pub redis: &'static [W],
    /// SQL after the user's good rows, templated.
    pub sql: &'static str,
    pub expect: &'static [E],
    pub table: Table,
    /// Whether the user's good knowledge row must be among the hits (not when the case takes the
    /// user's current milestone away, which the search filters on).
    pub knowledge: bool,
}

pub const fn case(
    name: &'static str,
    redis: &'static [W],
    sql: &'static str,
    expect: &'static [E],
) -> Case {
    Case {
        name,
        user: "{c}",
        redis,
        sql,
        expect,
        table: Table::Typed,
        knowledge: true,
    }
}
