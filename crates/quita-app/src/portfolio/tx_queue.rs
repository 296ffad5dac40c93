//! An import's transaction, owned by a task of its own that runs the
//! writes queued to it in order, so that the importer builds the next
//! statements while the database runs the last ones instead of taking
//! turns with it.
//!
//! Writes are queued without waiting ([`TxQueue::write`]); anything that
//! needs an answer from the database ([`TxQueue::call`]) runs after every
//! write queued before it. The first failure stops the task: nothing queued
//! after it runs, the next call (or [`TxQueue::finish`]) returns it, and the
//! transaction is rolled back when dropped, so an import stays all or
//! nothing.

use std::{
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use quita_store::{Tx, portfolio::PreparedWrite};
use tokio::sync::{mpsc, oneshot};

use crate::{AppError, AppResult};

/// A future borrowing the transaction.
pub type TxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

type Call = Box<dyn for<'a> FnOnce(&'a mut Tx) -> TxFuture<'a, ()> + Send>;

enum Job {
    Write(PreparedWrite),
    Call(Call),
}

/// Statements waiting at most: about three reader batches of writes.
const DEPTH: usize = 32;

pub struct TxQueue {
    /// `None` once finished.
    jobs: Option<mpsc::Sender<Job>>,
    /// The task gives the transaction back, and whether a write failed.
    task: Option<tokio::task::JoinHandle<(Tx, bool)>>,
    /// The first error of the task, until someone reports it.
    failure: Arc<Mutex<Option<AppError>>>,
    /// Set when the queue is dropped unfinished: the task runs nothing more.
    abandoned: Arc<AtomicBool>,
}

impl TxQueue {
    /// Hands `tx` to a new task.
    pub fn start(mut tx: Tx) -> Self {
        let (jobs, mut queued) = mpsc::channel::<Job>(DEPTH);
        let failure = Arc::new(Mutex::new(None));
        let abandoned = Arc::new(AtomicBool::new(false));
        let (failed_slot, stop) = (failure.clone(), abandoned.clone());
        let task = tokio::spawn(async move {
            let mut failed = false;
            while let Some(job) = queued.recv().await {
                // After a failure or once abandoned, queued jobs are
                // dropped unrun; a dropped call answers its caller.
                if failed || stop.load(Ordering::Relaxed) {
                    continue;
                }
                match job {
                    Job::Write(w) => {
                        if let Err(e) = w.run(&mut tx).await {
                            failed = true;
                            *lock(&failed_slot) = Some(e.into());
                        }
                    }
                    Job::Call(f) => f(&mut tx).await,
                }
            }
            (tx, failed)
        });
        Self {
            jobs: Some(jobs),
            task: Some(task),
            failure,
            abandoned,
        }
    }

    async fn send(&self, job: Job) -> AppResult<()> {
        match &self.jobs {
            Some(jobs) if jobs.send(job).await.is_ok() => Ok(()),
            _ => Err(self.stopped()),
        }
    }

    /// Queues `writes` after everything queued before.
    pub async fn write(&self, writes: Vec<PreparedWrite>) -> AppResult<()> {
        for w in writes {
            self.send(Job::Write(w)).await?;
        }
        match lock(&self.failure).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Runs `f` on the transaction once everything queued before it has
    /// run, and returns its answer.
    pub async fn call<R, F>(&self, f: F) -> AppResult<R>
    where
        R: Send + 'static,
        F: for<'a> FnOnce(&'a mut Tx) -> TxFuture<'a, AppResult<R>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Call = Box::new(move |tx| {
            Box::pin(async move {
                let _ = answer.send(f(tx).await);
            })
        });
        self.send(Job::Call(job)).await?;
        match answered.await {
            Ok(r) => r,
            // The task dropped the call: a write before it failed.
            Err(_) => Err(self.stopped()),
        }
    }

    /// Waits for every queued write and gives the transaction back, or the
    /// first error (the transaction is then rolled back).
    pub async fn finish(mut self) -> AppResult<Tx> {
        drop(self.jobs.take());
        let task = self.task.take().ok_or_else(|| self.stopped())?;
        let (tx, failed) = task
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("import writer failed: {e}")))?;
        if failed {
            // Dropping the transaction rolls it back.
            drop(tx);
            return Err(self.stopped());
        }
        Ok(tx)
    }

    /// Drops whatever is still queued and rolls the transaction back,
    /// waiting until it is.
    pub async fn abandon(self) {
        self.abandoned.store(true, Ordering::Relaxed);
        let _ = self.finish().await;
    }

    /// Why the task no longer takes jobs: its first error, once.
    fn stopped(&self) -> AppError {
        lock(&self.failure).take().unwrap_or_else(|| {
            AppError::Internal(anyhow::anyhow!("import writer stopped after an error"))
        })
    }
}

impl Drop for TxQueue {
    /// Unfinished (an error or a refusal returned early): run nothing more.
    fn drop(&mut self) {
        self.abandoned.store(true, Ordering::Relaxed);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use quita_core::org::{OrgMode, OrgName, Slug};
    use quita_store::{
        Db, orgs,
        portfolio::{
            debtors,
            import::{self, ImportDebtor},
        },
    };

    use super::*;

    async fn org(db: &Db) -> i64 {
        let mut tx = db.begin_write().await.unwrap();
        let o = orgs::create(
            &mut tx,
            &orgs::NewOrganization {
                slug: &Slug::parse("alfa").unwrap(),
                name: &OrgName::parse("Alfa").unwrap(),
                document: None,
                mode: OrgMode::Agency,
                time_zone: "America/Sao_Paulo",
            },
            Timestamp::UNIX_EPOCH,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        o.id
    }

    fn debtor(document: &str) -> ImportDebtor {
        ImportDebtor {
            document: document.into(),
            kind: "pf",
            name: "Fulano".into(),
            name_key: "fulano".into(),
        }
    }

    fn writes(db: &Db, org_id: i64, document: &str, id: i64) -> Vec<PreparedWrite> {
        import::prepare_debtors(
            db.backend(),
            org_id,
            &[debtor(document)],
            &[id],
            Timestamp::UNIX_EPOCH,
        )
    }

    async fn count(queue: &TxQueue, org_id: i64) -> AppResult<bool> {
        queue
            .call(move |tx| Box::pin(async move { Ok(import::has_debtors(tx, org_id).await?) }))
            .await
    }

    /// Writes run in order before a later call; a finished queue gives the
    /// transaction back to commit.
    async fn writes_run_before_calls(db: Db) {
        let org_id = org(&db).await;
        let queue = TxQueue::start(db.begin_import(org_id).await.unwrap());
        queue
            .write(writes(&db, org_id, "52998224725", 1))
            .await
            .unwrap();
        assert!(count(&queue, org_id).await.unwrap());
        queue
            .write(writes(&db, org_id, "11144477735", 2))
            .await
            .unwrap();
        queue.finish().await.unwrap().commit().await.unwrap();
        assert_eq!(debtors::count(&db, org_id).await.unwrap(), 2);
    }

    /// A failing write stops the queue: what follows does not run, the next
    /// call reports the database's error, finishing fails, and nothing is
    /// committed.
    async fn a_failed_write_stops_everything(db: Db) {
        let org_id = org(&db).await;
        let queue = TxQueue::start(db.begin_import(org_id).await.unwrap());
        queue
            .write(writes(&db, org_id, "52998224725", 1))
            .await
            .unwrap();
        // The same id again: the primary key refuses it. The error comes
        // back once, from whichever of the next requests meets it first.
        let mut errors = Vec::new();
        for (document, id) in [("11144477735", 1), ("39053344705", 3)] {
            if let Err(e) = queue.write(writes(&db, org_id, document, id)).await {
                errors.push(e);
            }
        }
        errors.push(
            count(&queue, org_id)
                .await
                .expect_err("a call after a failed write fails"),
        );
        assert!(matches!(errors[0], AppError::Conflict(_)), "{errors:?}");
        assert!(queue.finish().await.is_err());
        assert_eq!(debtors::count(&db, org_id).await.unwrap(), 0);
        // The connection is free again: another import can start.
        let again = TxQueue::start(db.begin_import(org_id).await.unwrap());
        again.abandon().await;
    }

    /// Abandoning rolls back and waits until it has.
    async fn abandoning_rolls_back(db: Db) {
        let org_id = org(&db).await;
        let queue = TxQueue::start(db.begin_import(org_id).await.unwrap());
        queue
            .write(writes(&db, org_id, "52998224725", 1))
            .await
            .unwrap();
        queue.abandon().await;
        assert_eq!(debtors::count(&db, org_id).await.unwrap(), 0);
        let queue = TxQueue::start(db.begin_import(org_id).await.unwrap());
        queue
            .write(writes(&db, org_id, "52998224725", 1))
            .await
            .unwrap();
        queue.finish().await.unwrap().commit().await.unwrap();
        assert_eq!(debtors::count(&db, org_id).await.unwrap(), 1);
    }

    macro_rules! on_both {
        ($($case:ident),*) => {$(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() { quita_store::testing::on_sqlite(super::$case).await; }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() { quita_store::testing::on_postgres(super::$case).await; }
            }
        )*};
    }
    on_both!(
        writes_run_before_calls,
        a_failed_write_stops_everything,
        abandoning_rolls_back
    );
}
