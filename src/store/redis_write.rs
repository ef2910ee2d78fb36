//! Writing Redis (`seed`): commands run in one pipeline, or routed by key on a cluster, and a
//! seed's transaction on a connection of its own.

use std::time::Duration;

use redis::Value;

use super::StoreError;
use super::fault;
use super::redis::RedisStore;

impl RedisStore {
    /// Runs write commands (`seed`): one pipeline on a single server; on a cluster each command
    /// is routed to the owner of its key.
    pub async fn write(&self, cmds: Vec<redis::Cmd>) -> Result<(), StoreError> {
        if cmds.is_empty() {
            return Ok(());
        }
        match &self.cluster {
            None => {
                let mut conn = self.nodes[0].clone();
                ignored(cmds)
                    .query_async::<()>(&mut conn)
                    .await
                    .map_err(|e| self.fail("write", e))
            }
            Some(cluster) => {
                let mut conn = cluster.clone();
                for c in cmds {
                    c.query_async::<()>(&mut conn)
                        .await
                        .map_err(|e| self.fail("write", e))?;
                }
                Ok(())
            }
        }
    }

    /// A cluster (several masters, writes routed by key), not one server.
    pub fn is_cluster(&self) -> bool {
        self.cluster.is_some()
    }

    /// A connection of its own in `MULTI` (a seed's transaction, see `seed::RedisSeed`): not
    /// the shared one, which reconnects by itself and would run what follows a lost `MULTI`
    /// at once. A long `EXEC` is given at least a minute.
    pub async fn transaction(&self) -> Result<redis::aio::MultiplexedConnection, StoreError> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.deadline))
            .set_response_timeout(Some(self.deadline.max(Duration::from_secs(60))));
        let mut conn = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| self.fail("connect", e))?;
        redis::cmd("MULTI")
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| self.fail("MULTI", e))?;
        Ok(conn)
    }

    /// Queues `cmds` in the transaction of `conn`.
    pub async fn queue(
        &self,
        conn: &mut redis::aio::MultiplexedConnection,
        cmds: Vec<redis::Cmd>,
    ) -> Result<(), StoreError> {
        if cmds.is_empty() {
            return Ok(());
        }
        ignored(cmds)
            .query_async::<()>(conn)
            .await
            .map_err(|e| self.fail("write", e))
    }

    /// Runs the transaction of `conn`: every queued write at once, or (an error) none if the
    /// server refused one while queuing.
    pub async fn commit(
        &self,
        conn: &mut redis::aio::MultiplexedConnection,
    ) -> Result<(), StoreError> {
        let answer = redis::cmd("EXEC")
            .query_async::<Value>(conn)
            .await
            .map_err(|e| self.fail("EXEC", e))?;
        let refused = match &answer {
            Value::Array(replies) => replies.iter().find_map(|v| match v {
                Value::ServerError(e) => Some(format!("{e:?}")),
                _ => None,
            }),
            Value::Nil => Some("the transaction was aborted".to_string()),
            _ => None,
        };
        match refused {
            None => Ok(()),
            Some(why) => Err(fault::redis_error(
                &self.label,
                "EXEC",
                &redis::RedisError::from((redis::ErrorKind::Client, "a write failed", why)),
            )),
        }
    }
}

/// `cmds` as one pipeline whose answers are not kept (writes: an error still fails it).
fn ignored(cmds: Vec<redis::Cmd>) -> redis::Pipeline {
    let mut pipe = redis::pipe();
    for c in cmds {
        pipe.add_command(c).ignore();
    }
    pipe
}
