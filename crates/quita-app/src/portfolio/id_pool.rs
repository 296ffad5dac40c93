//! Ids for the debtors and contracts an import creates, taken ahead of the
//! writes that use them, so that building a batch never waits for the
//! database to finish the one before.

use quita_store::{
    Backend,
    portfolio::import::{IdTable, reserve_ids},
};

use super::tx_queue::TxQueue;
use crate::{AppError, AppResult};

/// The most ids one PostgreSQL reservation takes.
const MAX_BLOCK: usize = 65_536;

pub(super) struct IdPool {
    table: IdTable,
    /// `None` until the first ids are taken.
    state: Option<State>,
}

enum State {
    /// SQLite: counting on from the largest id. The import's transaction
    /// holds the database's only write lock (`BEGIN IMMEDIATE`), so no one
    /// else can take these ids.
    Counting { next: i64 },
    /// PostgreSQL: values already drawn from the table's sequence, and how
    /// many the last reservation took (each takes twice as many, so a large
    /// import asks a few times and a small one draws only what it uses).
    Drawn { free: Vec<i64>, last: usize },
}

impl IdPool {
    pub fn new(table: IdTable) -> Self {
        Self { table, state: None }
    }

    /// `n` new ids, in increasing order.
    pub async fn take(
        &mut self,
        queue: &TxQueue,
        backend: Backend,
        n: usize,
    ) -> AppResult<Vec<i64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let mut state = match self.state.take() {
            Some(known) => known,
            None => match backend {
                Backend::Sqlite => State::Counting {
                    next: reserve(queue, self.table, 1)
                        .await?
                        .first()
                        .copied()
                        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no id reserved")))?,
                },
                Backend::Postgres => State::Drawn {
                    free: Vec::new(),
                    last: 0,
                },
            },
        };
        let ids = match &mut state {
            State::Counting { next } => {
                let count = i64::try_from(n).unwrap_or(i64::MAX);
                let ids = (*next..next.saturating_add(count)).collect();
                *next = next.saturating_add(count);
                ids
            }
            State::Drawn { free, last } => {
                if free.len() < n {
                    let block = (n - free.len()).max((*last * 2).min(MAX_BLOCK));
                    *last = block;
                    free.extend(reserve(queue, self.table, block).await?);
                }
                free.drain(..n).collect()
            }
        };
        self.state = Some(state);
        Ok(ids)
    }
}

async fn reserve(queue: &TxQueue, table: IdTable, n: usize) -> AppResult<Vec<i64>> {
    queue
        .call(move |tx| Box::pin(async move { Ok(reserve_ids(tx, table, n).await?) }))
        .await
}
