//! An import's transaction, driven by a runner that executes the writes
//! queued to it in order, so that the importer builds the next statements
//! while the database runs the last ones instead of taking turns with it.
//!
//! The runner is a future the import polls alongside its writer
//! (`tokio::join!`): the database work happens on SQLite's worker thread or
//! in the PostgreSQL server, and everything the import allocates stays on
//! its own task. Writes are queued without waiting ([`TxQueue::write`]);
//! anything that needs an answer from the database ([`TxQueue::call`]) runs
//! after every write queued before it. The first failure stops the runner:
//! nothing queued after it runs, the next call returns it, and the runner
//! reports it, so the transaction is dropped (rolled back) and an import
//! stays all or nothing.

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

/// The runner's end: the transaction, unless a write failed (it was then
/// dropped, which rolls it back).
pub type Ran = AppResult<Tx>;

pub struct TxQueue {
    jobs: mpsc::Sender<Job>,
    /// The first error of the runner, until someone reports it.
    failure: Arc<Mutex<Option<AppError>>>,
    /// Set when the queue is dropped without [`close`](Self::close): the
    /// runner runs nothing more.
    abandoned: Arc<AtomicBool>,
    closed: bool,
}

impl TxQueue {
    /// The queue and the runner that owns `tx`; poll the runner together
    /// with whatever uses the queue.
    pub fn start(mut tx: Tx) -> (Self, impl Future<Output = Ran> + Send) {
        let (jobs, mut queued) = mpsc::channel::<Job>(DEPTH);
        let failure = Arc::new(Mutex::new(None));
        let abandoned = Arc::new(AtomicBool::new(false));
        let (failed_slot, stop) = (failure.clone(), abandoned.clone());
        let runner = async move {
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
            if failed {
                return Err(lock(&failed_slot).take().unwrap_or_else(stopped));
            }
            Ok(tx)
        };
        let queue = Self {
            jobs,
            failure,
            abandoned,
            closed: false,
        };
        (queue, runner)
    }

    async fn send(&self, job: Job) -> AppResult<()> {
        self.jobs.send(job).await.map_err(|_| self.stopped())
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
            // The runner dropped the call: a write before it failed.
            Err(_) => Err(self.stopped()),
        }
    }

    /// No more jobs: the runner ends once the queued ones have run and
    /// gives the transaction back.
    pub fn close(mut self) {
        self.closed = true;
    }

    /// Why the runner no longer takes jobs: its first error, once.
    fn stopped(&self) -> AppError {
        lock(&self.failure).take().unwrap_or_else(stopped)
    }
}

impl Drop for TxQueue {
    /// Dropped unclosed (an error or a refusal returned early): the runner
    /// runs nothing more, and its transaction is to be dropped.
    fn drop(&mut self) {
        if !self.closed {
            self.abandoned.store(true, Ordering::Relaxed);
        }
    }
}

fn stopped() -> AppError {
    AppError::Internal(anyhow::anyhow!("import writer stopped after an error"))
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

    /// Queues the insert of one debtor with the given id.
    async fn put(queue: &TxQueue, db: &Db, org_id: i64, document: &str, id: i64) -> AppResult<()> {
        let writes = import::prepare_debtors(
            db.backend(),
            org_id,
            &[debtor(document)],
            &[id],
            Timestamp::UNIX_EPOCH,
        );
        queue.write(writes).await
    }

    async fn count(queue: &TxQueue, org_id: i64) -> AppResult<bool> {
        queue
            .call(move |tx| Box::pin(async move { Ok(import::has_debtors(tx, org_id).await?) }))
            .await
    }

    /// Writes run in order before a later call; a closed queue's runner
    /// gives the transaction back to commit.
    async fn writes_run_before_calls(db: Db) {
        let org_id = org(&db).await;
        let (queue, runner) = TxQueue::start(db.begin_import(org_id).await.unwrap());
        let work = async {
            put(&queue, &db, org_id, "52998224725", 1).await.unwrap();
            assert!(count(&queue, org_id).await.unwrap());
            put(&queue, &db, org_id, "11144477735", 2).await.unwrap();
            queue.close();
        };
        let ((), ran) = tokio::join!(work, runner);
        ran.unwrap().commit().await.unwrap();
        assert_eq!(debtors::count(&db, org_id).await.unwrap(), 2);
    }

    /// A failing write stops the runner: what follows does not run, the
    /// next call reports the database's error, the runner fails, and
    /// nothing is committed.
    async fn a_failed_write_stops_everything(db: Db) {
        let org_id = org(&db).await;
        let (queue, runner) = TxQueue::start(db.begin_import(org_id).await.unwrap());
        let work = async {
            put(&queue, &db, org_id, "52998224725", 1).await.unwrap();
            // The same id again: the primary key refuses it. The error comes
            // back once, from whichever of the next requests meets it first.
            let mut errors = Vec::new();
            for (document, id) in [("11144477735", 1), ("39053344705", 3)] {
                if let Err(e) = put(&queue, &db, org_id, document, id).await {
                    errors.push(e);
                }
            }
            errors.push(
                count(&queue, org_id)
                    .await
                    .expect_err("a call after a failed write fails"),
            );
            queue.close();
            errors
        };
        let (errors, ran) = tokio::join!(work, runner);
        assert!(matches!(errors[0], AppError::Conflict(_)), "{errors:?}");
        assert!(ran.is_err());
        assert_eq!(debtors::count(&db, org_id).await.unwrap(), 0);
        // The connection is free again: another import can start.
        db.begin_import(org_id).await.unwrap();
    }

    /// A queue dropped unclosed runs nothing more; its transaction is
    /// dropped and rolled back.
    async fn abandoning_rolls_back(db: Db) {
        let org_id = org(&db).await;
        let (queue, runner) = TxQueue::start(db.begin_import(org_id).await.unwrap());
        let work = async {
            put(&queue, &db, org_id, "52998224725", 1).await.unwrap();
            drop(queue);
        };
        let ((), ran) = tokio::join!(work, runner);
        drop(ran.unwrap());
        assert_eq!(debtors::count(&db, org_id).await.unwrap(), 0);
        let (queue, runner) = TxQueue::start(db.begin_import(org_id).await.unwrap());
        let work = async {
            put(&queue, &db, org_id, "52998224725", 1).await.unwrap();
            queue.close();
        };
        let ((), ran) = tokio::join!(work, runner);
        ran.unwrap().commit().await.unwrap();
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
