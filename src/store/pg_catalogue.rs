//! The knowledge catalogue on Postgres: every row's id, milestone and the start of its title,
//! paged by id (keyset), for the fleet report's "never retrieved". No content, no embeddings.

use super::pg_rows::column;
use super::postgres::{PgStore, Within};
use super::vectors::UNSCORABLE_SQL;
use super::{CATALOGUE_TITLE_CHARS, CatalogueRow, StoreError};

impl PgStore {
    /// Up to `limit` knowledge rows with an id above `after`, by id. A title longer than
    /// [`CATALOGUE_TITLE_CHARS`] is cut in the statement (an ellipsis marks the cut), so a
    /// huge title never crosses the wire.
    pub async fn knowledge_catalogue(
        &self,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<CatalogueRow>, StoreError> {
        let sql = format!(
            "SELECT id, milestone, left(title, $3) AS title, length(title) > $3 AS cut, \
             ({UNSCORABLE_SQL} OR embedding IS NULL) AS unscorable FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
            self.sql.knowledge
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.unwrap_or(i64::MIN))
            .bind(i64::try_from(limit.max(1)).unwrap_or(i64::MAX))
            .bind(i32::try_from(CATALOGUE_TITLE_CHARS).unwrap_or(i32::MAX))
            .fetch_all(self.pool())
            .within(self, "knowledge catalogue")
            .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = column(r, "id").map_err(|cause| self.bad_column(cause))?;
                let milestone: Option<String> =
                    column(r, "milestone").map_err(|cause| self.bad_column(cause))?;
                let title: Option<String> =
                    column(r, "title").map_err(|cause| self.bad_column(cause))?;
                let cut: Option<bool> = column(r, "cut").map_err(|cause| self.bad_column(cause))?;
                let unscorable: Option<bool> =
                    column(r, "unscorable").map_err(|cause| self.bad_column(cause))?;
                let mut title = title.unwrap_or_default();
                if cut == Some(true) {
                    title.push('…');
                }
                Ok(CatalogueRow {
                    id,
                    milestone,
                    title,
                    unscorable: unscorable == Some(true),
                })
            })
            .collect()
    }

    fn bad_column(&self, cause: String) -> StoreError {
        StoreError::Backend {
            store: self.label.clone(),
            what: "knowledge catalogue".into(),
            cause,
        }
    }
}
