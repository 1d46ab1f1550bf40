//! Rate-limit counters shared by the instances on one database: each instance adds what it
//! counted of a minute window and learns the total of all of them (the rules are the domain's
//! `integrations::rate_limit`; the counting between flushes is the server's).

use crate::{Store, StoreError};

impl Store {
    /// Adds `delta` requests to `bucket` in `minute` and returns the total of every instance.
    pub async fn add_rate_count(
        &self,
        bucket: &str,
        minute: i64,
        delta: i64,
    ) -> Result<i64, StoreError> {
        let (total,): (i64,) = sqlx::query_as(
            "INSERT INTO rate_limit_counts (bucket, minute, count) VALUES ($1, $2, $3) \
             ON CONFLICT (bucket, minute) DO UPDATE SET count = rate_limit_counts.count + excluded.count \
             RETURNING count",
        )
        .bind(bucket)
        .bind(minute)
        .bind(delta)
        .fetch_one(self.pool())
        .await?;
        Ok(total)
    }

    /// Forgets windows before `minute` (run now and then by the flushing instance).
    pub async fn prune_rate_counts(&self, minute: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM rate_limit_counts WHERE minute < $1")
            .bind(minute)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
