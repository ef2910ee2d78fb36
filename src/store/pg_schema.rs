//! The SQL text of ctxlens's Postgres side, written once: the knowledge search statements and
//! the indexes `ctxlens migrate` makes, which the search reads by name.

use crate::engine::MilestoneMap;

use super::tables::{Quoted, Tables, quote_part};
use super::vectors::UNSCORABLE_SQL;

/// Rows created by the `--at` instant `$6` (every row when it is NULL): part of every search's
/// filter, so a search as of then ranks and limits only the rows there were then. A row created
/// at `-infinity` has no readable time and cannot be placed in time: left out, as journey rows
/// without one are.
const CREATED_BY: &str = "($6::timestamptz IS NULL OR (created_at <= $6 AND isfinite(created_at)))";

/// What a scored row carries; `norm` tells unscorable embeddings from the rest.
const COLUMNS: &str = "id, milestone, title, content, metadata -> 'section' AS section, created_at, \
     embedding, vector_norm(embedding) AS norm";

/// The rows pgvector cannot score, by id: one statement ends with them when an index finds them.
fn unscorable_branch(filter: &str) -> String {
    format!(
        "(SELECT {COLUMNS}, $5::int AS dims, NULL::float8 AS distance, NULL::float8 AS similarity
           FROM {{knowledge}}
          WHERE {filter} AND {CREATED_BY} AND {UNSCORABLE_SQL}
          ORDER BY id
          LIMIT $4)"
    )
}

/// A branch ranked by distance: `filter` picks the rows (and with them the HNSW index, whole or
/// partial); unscorable embeddings are left to [`unscorable_branch`] (HNSW indexes hold no
/// all-zero vector, and pgvector's distance for a tiny one is NaN or a clamped 0 or 2).
fn ranked_branch(filter: &str) -> String {
    format!(
        "(SELECT {COLUMNS}, $5::int AS dims, embedding <=> $1 AS distance,
                1 - (embedding <=> $1) AS similarity
           FROM {{knowledge}}
          WHERE {filter} AND {CREATED_BY}
            AND 1 - (embedding <=> $1) >= $3
            AND NOT {UNSCORABLE_SQL}
          ORDER BY embedding <=> $1
          LIMIT $4)"
    )
}

/// `vector(n)` without a milestone filter, or with one where the partial indexes are missing:
/// ORDER BY the distance uses the table-wide HNSW index. With `indexed`, the rows pgvector cannot
/// score come from `ctxlens migrate`'s index of them; without, [`PgStore`] finds them apart.
pub fn typed_search(indexed: bool, many: bool) -> String {
    let filter = "($2::text IS NULL OR milestone = $2 OR milestone IS NULL)";
    let unscorable = indexed.then(|| unscorable_branch(filter));
    compose(&ranked_branch(filter), unscorable.as_deref(), many)
}

/// `vector(n)` with a milestone filter, where `ctxlens migrate` made the partial indexes: the
/// milestone's rows and the general rows are searched apart, each by distance alone and limited,
/// so that each branch walks its own partial HNSW index (`seed::partial_indexes`) with the filter
/// inside the graph instead of after it; they are merged by distance, then id, as the embedded
/// store breaks ties. Unscorable rows as in [`typed_search`].
pub fn typed_milestone_search(indexed: bool, many: bool) -> String {
    let ranked = format!(
        "(SELECT * FROM ({}\nUNION ALL\n{}) AS scored ORDER BY distance, id LIMIT $4)",
        ranked_branch("milestone = $2::text"),
        ranked_branch("milestone IS NULL")
    );
    let unscorable =
        indexed.then(|| unscorable_branch("(milestone = $2::text OR milestone IS NULL)"));
    compose(&ranked, unscorable.as_deref(), many)
}

/// A search statement from its parts: `ranked`, the rows ranked by distance to `$1`, and the
/// unscorable rows, if the statement finds them itself. With `many`, `$1` is an array of query
/// vectors, each searched as one would be (a lateral join: each still walks its HNSW index),
/// the unscorable rows, which do not depend on the vector, found once for all; every row is
/// tagged with its vector's position `ord` (from 1) and ordered by it first.
fn compose(ranked: &str, unscorable: Option<&str>, many: bool) -> String {
    const ORDER: &str = "ORDER BY distance NULLS LAST, id";
    if !many {
        let odd = unscorable.map_or(String::new(), |u| format!("\nUNION ALL\n{u}"));
        return format!("SELECT * FROM ({ranked}{odd}) AS found\n{ORDER}");
    }
    const VECTORS: &str = "unnest($1::vector[]) WITH ORDINALITY AS q(v, ord)";
    let odd = unscorable.map_or(String::new(), |u| {
        format!("\nUNION ALL\nSELECT q.ord, odd.* FROM {VECTORS} CROSS JOIN {u} AS odd")
    });
    format!(
        "SELECT * FROM (SELECT q.ord, found.* FROM {VECTORS}\nCROSS JOIN LATERAL {} AS found{odd}) AS found\nORDER BY ord, distance NULLS LAST, id",
        ranked.replace("$1", "q.v")
    )
}

/// Untyped `vector`: no index, one scan. The distance only where the dimensions match and the
/// norm is one pgvector can sum (CASE fixes the order of evaluation); rows of another dimension
/// come back with a NULL similarity (at most five), unscorable ones and NULL embeddings by id.
pub fn untyped_search() -> String {
    let scorable = format!("vector_dims(embedding) = $5 AND NOT {UNSCORABLE_SQL}");
    format!(
        "WITH scored AS (
  SELECT {COLUMNS}, vector_dims(embedding) AS dims,
         CASE WHEN {scorable} THEN embedding <=> $1 END AS distance,
         CASE WHEN {scorable} THEN 1 - (embedding <=> $1) END AS similarity
    FROM {{knowledge}}
   WHERE ($2::text IS NULL OR milestone = $2 OR milestone IS NULL) AND {CREATED_BY})
SELECT * FROM (
(SELECT * FROM scored WHERE similarity >= $3 ORDER BY similarity DESC, id LIMIT $4)
UNION ALL
(SELECT * FROM scored
  WHERE similarity IS NULL AND norm BETWEEN 1e-18 AND 1e18 ORDER BY id LIMIT 5)
UNION ALL
(SELECT * FROM scored
  WHERE embedding IS NULL OR NOT (norm BETWEEN 1e-18 AND 1e18) ORDER BY id LIMIT $4)) AS found
ORDER BY similarity DESC NULLS LAST, id"
    )
}

/// One row of `knowledge` (quoted name) scored alone: `$1` the query vector, `$2` its
/// dimension, `$3` the row's id. No index serves it: an exact cosine, guarded as the untyped
/// search is.
pub fn row_score(knowledge: &str) -> String {
    let scorable = format!("vector_dims(embedding) = $2 AND NOT {UNSCORABLE_SQL}");
    format!(
        "SELECT {COLUMNS}, vector_dims(embedding) AS dims,
         CASE WHEN {scorable} THEN embedding <=> $1 END AS distance,
         CASE WHEN {scorable} THEN 1 - (embedding <=> $1) END AS similarity
    FROM {knowledge}
   WHERE id = $3"
    )
}

/// The schema `ctxlens migrate` creates (SPEC §1), under the configured table names: idempotent
/// (`IF NOT EXISTS` throughout). Index names follow the tables' own names, so SPEC §1's tables get
/// the names earlier versions gave them (`knowledge_embedding_idx`, …).
pub fn schema_sql(t: &Quoted) -> String {
    let mut sql = String::from("CREATE EXTENSION IF NOT EXISTS vector;\n");
    for schema in &t.schemas {
        sql.push_str(&format!("CREATE SCHEMA IF NOT EXISTS {schema};\n"));
    }
    let (uj, mb, kn) = (&t.user_journeys, &t.memory_bank, &t.knowledge);
    let mb_index = quote_part(&index_name(&t.memory_bank_rel, "_user_id_created_at_idx"));
    let kn_index = quote_part(&index_name(&t.knowledge_rel, "_embedding_idx"));
    sql.push_str(&format!(
        "CREATE TABLE IF NOT EXISTS {uj} (
  user_id           text PRIMARY KEY,
  current_milestone text NOT NULL DEFAULT 'M0',
  display_name      text,
  updated_at        timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {mb} (
  id           bigserial PRIMARY KEY,
  user_id      text NOT NULL,
  context_type text NOT NULL CHECK (context_type IN ('business_dna','milestone_data','transition')),
  milestone    text,
  data         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS {mb_index} ON {mb} (user_id, created_at);
CREATE TABLE IF NOT EXISTS {kn} (
  id         bigserial PRIMARY KEY,
  milestone  text,
  title      text NOT NULL,
  content    text NOT NULL,
  metadata   jsonb NOT NULL DEFAULT '{{}}',
  embedding  vector(384) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS {kn_index} ON {kn} USING hnsw (embedding vector_cosine_ops);
"
    ));
    sql
}

/// `{rel}{suffix}` when it is a plain identifier within Postgres's 63 bytes; else `rel` cleaned,
/// shortened and followed by a hash of it, so that names stay distinct and within the limit.
fn index_name(rel: &str, suffix: &str) -> String {
    index_name_within(rel, suffix, 63)
}

/// [`index_name`] within `max` bytes.
fn index_name_within(rel: &str, suffix: &str, max: usize) -> String {
    let plain = rel.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain && rel.len() + suffix.len() <= max {
        return format!("{rel}{suffix}");
    }
    let clean: String = rel
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(max.saturating_sub(suffix.len() + 18))
        .collect();
    let hash = xxhash_rust::xxh3::xxh3_64(rel.as_bytes());
    format!("{clean}_{hash:016x}{suffix}")
}

/// `name` in the knowledge table's schema, as `to_regclass` reads it.
pub fn qualified(t: &Quoted, name: &str) -> String {
    match &t.knowledge_schema {
        Some(schema) => format!("{schema}.{}", quote_part(name)),
        None => quote_part(name),
    }
}

/// The general rows' partial index (`milestone IS NULL`): `knowledge_embedding_general` for
/// SPEC §1's table.
pub fn general_index(t: &Quoted) -> String {
    index_name(&t.knowledge_rel, "_embedding_general")
}

/// The rows whose embedding pgvector cannot score ([`super::vectors`]: all zeros, which HNSW
/// indexes leave out, and norms its single-precision sums under- or overflow): a search finds them
/// through this index to report them as malformed (`knowledge_embedding_unscorable` for SPEC §1's
/// table). Earlier versions made `knowledge_embedding_zero` (all-zero rows only) instead; it is
/// left alone, and a database that has only that one is searched correctly (the unscorable rows
/// are then found by a scan).
pub fn unscorable_index(t: &Quoted) -> String {
    index_name(&t.knowledge_rel, "_embedding_unscorable")
}

pub fn unscorable_index_sql(t: &Quoted) -> String {
    format!(
        "CREATE INDEX IF NOT EXISTS {} ON {} (id) WHERE {UNSCORABLE_SQL}",
        quote_part(&unscorable_index(t)),
        t.knowledge
    )
}

/// A partial HNSW index of the knowledge table: the rows of one milestone, or the general rows
/// (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialIndex {
    /// `[A-Za-z0-9_]`, at most 63 bytes; case is kept, so SQL names it in double quotes.
    pub name: String,
    pub milestone: Option<String>,
    /// The knowledge table, quoted.
    table: String,
}

impl PartialIndex {
    /// The index of `milestone`'s rows of table `t.knowledge`. Ids of `[A-Za-z0-9_]` short
    /// enough are kept as they are (`{table}_embedding_m_{id}`, one name per id); any other id is
    /// cleaned, shortened and followed by a hash of the whole id (`{table}_embedding_h_…`), so
    /// the two kinds never meet and two ids share a name only if their 64-bit hashes do.
    pub fn of(t: &Quoted, milestone: Option<&str>) -> PartialIndex {
        let prefix = index_name(&t.knowledge_rel, "_embedding_");
        let plain_room = 63usize.saturating_sub(prefix.len() + 2);
        // `{prefix}h_{id cleaned and shortened}_{hash of the id}`.
        let hashed = |prefix: &str, id: &str| {
            let room = 63usize.saturating_sub(prefix.len() + 2);
            let clean: String = id
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .take(room.saturating_sub(17).min(24))
                .collect();
            let hash = xxhash_rust::xxh3::xxh3_64(id.as_bytes());
            format!("{prefix}h_{clean}_{hash:016x}")
        };
        let name = match milestone {
            None => general_index(t),
            Some(id)
                if !id.is_empty()
                    && id.len() <= plain_room
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                format!("{prefix}m_{id}")
            }
            // A long table name leaves no room for the id's hash: the table's part is then
            // shortened (names that fit are kept as they were, so indexes made before are
            // still found).
            Some(id) => match hashed(&prefix, id) {
                name if name.len() > 63 => hashed(
                    &index_name_within(&t.knowledge_rel, "_embedding_", 63 - 19 - 8),
                    id,
                ),
                name => name,
            },
        };
        PartialIndex {
            name,
            milestone: milestone.map(str::to_string),
            table: t.knowledge.clone(),
        }
    }

    /// The index of `milestone`'s rows of SPEC §1's `knowledge` table.
    pub fn new(milestone: Option<&str>) -> PartialIndex {
        PartialIndex::of(&default_tables(), milestone)
    }

    /// `CREATE INDEX IF NOT EXISTS`, the predicate being the search's milestone filter.
    pub fn create_sql(&self) -> String {
        let predicate = match &self.milestone {
            Some(id) => format!("milestone = {}", sql_literal(id)),
            None => "milestone IS NULL".to_string(),
        };
        format!(
            "CREATE INDEX IF NOT EXISTS {} ON {} USING hnsw (embedding vector_cosine_ops) WHERE {predicate}",
            quote_part(&self.name),
            self.table
        )
    }
}

/// SPEC §1's tables, quoted.
fn default_tables() -> Quoted {
    // SPEC §1's names are plain identifiers: quoting them cannot fail.
    #[allow(clippy::expect_used)]
    Tables::default().quoted().expect("SPEC §1's table names")
}

/// Longest milestone id used as is in an index name of SPEC §1's table (Postgres truncates names
/// to 63 bytes).
#[cfg(test)]
pub(crate) const MAX_PLAIN_ID: usize = 63 - "knowledge_embedding_m_".len();

/// A string constant, quoted as Postgres's `quote_literal` does: quotes doubled, and backslashes
/// doubled in an `E''` string, so it reads the same whatever `standard_conforming_strings` is.
fn sql_literal(s: &str) -> String {
    let body = s.replace('\'', "''");
    if s.contains('\\') {
        format!("E'{}'", body.replace('\\', "\\\\"))
    } else {
        format!("'{body}'")
    }
}

/// One partial index per milestone of `map`, then the general rows' one, of table `t.knowledge`.
pub fn partial_indexes(t: &Quoted, map: &MilestoneMap) -> Vec<PartialIndex> {
    map.ids()
        .map(Some)
        .chain([None])
        .map(|m| PartialIndex::of(t, m))
        .collect()
}
