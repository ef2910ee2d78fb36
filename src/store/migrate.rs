//! `ctxlens migrate`'s writes: the extension, SPEC §1's tables and their indexes under the
//! configured names, then the partial indexes of the milestone map — and, before anything is
//! written, what tables already there lack.

use super::pg_schema::{
    partial_indexes, qualified, schema_sql, unscorable_index, unscorable_index_sql,
};
use super::postgres::PgStore;
use crate::engine::milestones::MilestoneMap;

/// Why seeding or migrating failed, naming the store.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SeedError(pub String);

impl From<super::StoreError> for SeedError {
    fn from(e: super::StoreError) -> Self {
        SeedError(e.to_string())
    }
}

/// What [`migrate`] did to the partial indexes: the names it created and those already there.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Migrated {
    pub created: Vec<String>,
    pub present: Vec<String>,
    /// What the existing tables hold that reads take but `seed` could not write (a column only
    /// it writes missing, one it does not know that needs a value).
    pub warnings: Vec<String>,
}

/// Creates the extension, tables and index, then the partial indexes of seed 000's milestone map
/// (the demo's); see [`migrate_for`].
pub async fn migrate(pg: &PgStore) -> Result<Migrated, SeedError> {
    migrate_for(pg, &MilestoneMap::default()).await
}

/// The schema of SPEC §1 under the configured table names ([`schema_sql`]), then
/// [`create_partial_indexes`] for `map`. Safe to run again: every statement is `IF NOT EXISTS`,
/// and an index that exists is left as it is.
pub async fn migrate_for(pg: &PgStore, map: &MilestoneMap) -> Result<Migrated, SeedError> {
    // What the existing tables lack is said before anything is written: a migrate refused
    // for them leaves the database as it was (no table or index made beside them).
    let warnings = check_columns(pg).await?;
    // One simple query, run by Postgres as one transaction: all of it or none.
    let schema = sqlx::raw_sql(sqlx::AssertSqlSafe(schema_sql(pg.tables())))
        .execute(pg.pool())
        .await;
    if let Err(e) = schema {
        return Err(SeedError(format!(
            "{}: migrate: {}: migrate wrote nothing",
            pg.label,
            super::fault::pg_cause(&e)
        )));
    }
    let mut done = create_partial_indexes(pg, map).await.map_err(|e| {
        // The schema was made: said, with what only seed would trip on (said on success too).
        let warned = if warnings.is_empty() {
            String::new()
        } else {
            format!("; and: {}", warnings.join("; "))
        };
        SeedError(format!(
            "{e} (the extension, tables and table-wide index are made and stay){warned}"
        ))
    })?;
    done.warnings = warnings;
    Ok(done)
}

/// The columns ctxlens reads of each table (SPEC §1's, but `updated_at`, which no read
/// selects and only `seed` writes: [`SEED_ONLY`]), with the SQL types (`regtype` names) its
/// readers take them as: a table that already existed is left as it is by `CREATE TABLE IF NOT
/// EXISTS`, so what it lacks is said here instead of at every read.
const TEXT: &[&str] = &["text", "character varying", "character", "citext", "name"];
const ID: &[&str] = &["bigint"];
const JSON: &[&str] = &["jsonb", "json"];
const TIME: &[&str] = &["timestamp with time zone", "timestamp without time zone"];
const COLUMNS: [&[(&str, &[&str])]; 3] = [
    // user_journeys
    &[
        ("user_id", TEXT),
        ("current_milestone", TEXT),
        ("display_name", TEXT),
    ],
    // memory_bank
    &[
        ("id", ID),
        ("user_id", TEXT),
        ("context_type", TEXT),
        ("milestone", TEXT),
        ("data", JSON),
        ("created_at", TIME),
    ],
    // knowledge
    &[
        ("id", ID),
        ("milestone", TEXT),
        ("title", TEXT),
        ("content", TEXT),
        ("metadata", JSON),
        ("embedding", &["vector"]),
        ("created_at", TIME),
    ],
];

/// SPEC §1's columns no read selects, per table as in [`COLUMNS`]: `seed` writes them.
const SEED_ONLY: [&[&str]; 3] = [&["updated_at"], &[], &[]];

/// Every column of [`COLUMNS`] the existing tables lack or hold as another type, said in one
/// error naming each (`memory_bank.data is text, read as jsonb`); nothing is written then. What
/// only `seed` would trip on (a [`SEED_ONLY`] column missing, a column of the table's own that
/// needs a value and has no default) is returned as warnings.
async fn check_columns(pg: &PgStore) -> Result<Vec<String>, SeedError> {
    let t = pg.tables();
    let mut wrong = Vec::new();
    let mut warnings = Vec::new();
    for ((columns, seed_only), quoted) in
        COLUMNS
            .iter()
            .zip(SEED_ONLY)
            .zip([&t.user_journeys, &t.memory_bank, &t.knowledge])
    {
        let found: Vec<(String, String, bool)> = sqlx::query_as(
            "SELECT attname::text, atttypid::regtype::text,
                    attnotnull AND NOT atthasdef AND attidentity = ''
               FROM pg_attribute
              WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
        )
        .bind(quoted)
        .fetch_all(pg.pool())
        .await
        .map_err(|e| {
            SeedError(super::fault::pg_error(&pg.label, "migrate: columns", &e).to_string())
        })?;
        // A table that is not there has nothing to differ (the schema's own error says why
        // it was not made: no pgvector, no CREATE right).
        if found.is_empty() {
            continue;
        }
        for (column, types) in *columns {
            match found.iter().find(|(name, ..)| name == column) {
                // pgvector's `DROP EXTENSION vector CASCADE` drops the column with the type.
                None if *column == "embedding" => wrong.push(format!(
                    "{quoted}.embedding is missing (a pgvector column: dropping the extension \
                     drops it; migrate does not alter an existing table)"
                )),
                None => wrong.push(format!("{quoted}.{column} is missing")),
                Some((_, ty, _)) if !types.contains(&ty.as_str()) => {
                    wrong.push(format!("{quoted}.{column} is {ty}, read as {}", types[0]));
                }
                Some(_) => {}
            }
        }
        for column in seed_only {
            if !found.iter().any(|(name, ..)| name == column) {
                warnings.push(format!(
                    "{quoted}.{column} is missing: reads do not need it; seed, which writes it, fails"
                ));
            }
        }
        let known =
            |name: &str| columns.iter().any(|(c, _)| *c == name) || seed_only.contains(&name);
        for (name, _, needs_value) in &found {
            if *needs_value && !known(name) {
                warnings.push(format!(
                    "{quoted}.{} is NOT NULL with no default: reads do not need it; seed, which \
                     does not write it, fails",
                    super::tables::quote_part(name)
                ));
            }
        }
    }
    if wrong.is_empty() {
        return Ok(warnings);
    }
    Err(SeedError(format!(
        "{}: migrate: the existing tables differ from SPEC §1 (CREATE TABLE IF NOT EXISTS leaves \
         a table that exists as it is): {}; reads of them fail or are unreadable items; migrate \
         wrote nothing",
        pg.label,
        wrong.join("; ")
    )))
}

/// Creates the missing [`partial_indexes`] of `map`, then the unscorable rows' index
/// ([`unscorable_index`]). A search filtered to a milestone reads that milestone's index and the
/// general one, so the filter is inside the graph walk instead of after it; the table-wide index
/// stays for unfiltered searches. Indexes of milestones no longer in the map are left alone.
pub async fn create_partial_indexes(
    pg: &PgStore,
    map: &MilestoneMap,
) -> Result<Migrated, SeedError> {
    if let Some(id) = map.ids().find(|id| id.contains('\0')) {
        return Err(SeedError(format!(
            "{}: milestone id {id:?} contains a NUL byte, which Postgres text cannot hold",
            pg.label
        )));
    }
    // The search looks for the last two to decide how to search: they come last.
    let t = pg.tables();
    let indexes = partial_indexes(t, map)
        .into_iter()
        .map(|i| (i.create_sql(), i.name))
        .chain([(unscorable_index_sql(t), unscorable_index(t))]);
    let mut done = Migrated::default();
    for (sql, name) in indexes {
        // Those made before a failure stay: named, so the error does not read as nothing done.
        let made = &done.created;
        let fail = |e: sqlx::Error| {
            let error = super::fault::pg_error(&pg.label, &format!("index {name}"), &e);
            SeedError(match made.len() {
                0 => error.to_string(),
                n => format!(
                    "{error} (migrate made {} before it, which stay: {})",
                    crate::text::count(n as u64, "index", "indexes"),
                    made.join(", ")
                ),
            })
        };
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(qualified(t, &name))
            .fetch_one(pg.pool())
            .await
            .map_err(fail)?;
        if exists {
            done.present.push(name);
            continue;
        }
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(pg.pool())
            .await
            .map_err(fail)?;
        done.created.push(name);
    }
    Ok(done)
}
