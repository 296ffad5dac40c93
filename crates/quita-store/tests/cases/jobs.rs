use std::collections::HashSet;

use quita_store::{
    Db,
    jobs::{self, FailOutcome, JobStatus, NewJob},
};
use serde_json::json;

use super::{at, t0};

async fn enqueue(
    db: &Db,
    kind: &str,
    dedup: Option<&str>,
    run_at_secs: i64,
    max_attempts: i64,
) -> Option<i64> {
    let payload = json!({"n": 1});
    let mut tx = db.begin_write().await.unwrap();
    let id = jobs::enqueue(
        &mut tx,
        &NewJob {
            org_id: None,
            kind,
            payload: &payload,
            run_at: at(run_at_secs),
            max_attempts,
            dedup_key: dedup,
        },
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn jobs_enqueue_dedup_claim_complete(db: Db) {
    let first = enqueue(&db, "sweep", Some("sweep:2026-11-23"), 0, 3)
        .await
        .unwrap();
    assert_eq!(
        enqueue(&db, "sweep", Some("sweep:2026-11-23"), 0, 3).await,
        None
    );
    let later = enqueue(&db, "other", None, 100, 3).await.unwrap();
    enqueue(&db, "other", None, 200, 3).await.unwrap();

    // Only due jobs are claimed.
    let claimed = jobs::claim(&db, "w1", at(1), at(61), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        (claimed[0].id, claimed[0].kind.as_str(), claimed[0].attempts),
        (first, "sweep", 1)
    );
    assert_eq!(claimed[0].payload, json!({"n": 1}));
    assert!(
        jobs::claim(&db, "w2", at(2), at(62), 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Only the lease holder may complete.
    assert!(!jobs::complete(&db, first, "w2", at(3)).await.unwrap());
    assert!(jobs::complete(&db, first, "w1", at(3)).await.unwrap());
    assert_eq!(
        jobs::get(&db, first).await.unwrap().status,
        JobStatus::Succeeded
    );

    let claimed = jobs::claim(&db, "w1", at(300), at(360), 1).await.unwrap();
    assert_eq!(
        claimed.iter().map(|j| j.id).collect::<Vec<_>>(),
        [later],
        "oldest run_at first, limit respected"
    );
    assert!(jobs::extend_lease(&db, later, "w1", at(900)).await.unwrap());
    assert!(!jobs::extend_lease(&db, later, "w2", at(900)).await.unwrap());
    let counts = jobs::count_by_status(&db, None).await.unwrap();
    assert!(counts.contains(&(JobStatus::Succeeded, 1)));
    assert!(counts.contains(&(JobStatus::Running, 1)));
    assert!(counts.contains(&(JobStatus::Queued, 1)));
}

pub async fn jobs_retry_then_dead(db: Db) {
    let id = enqueue(&db, "flaky", None, 0, 2).await.unwrap();
    let j = jobs::claim(&db, "w1", at(1), at(61), 5).await.unwrap();
    assert_eq!(j.len(), 1);
    assert_eq!(
        jobs::fail(&db, id, "w1", "boom", at(30), at(2))
            .await
            .unwrap(),
        FailOutcome::Retry
    );
    let job = jobs::get(&db, id).await.unwrap();
    assert_eq!(
        (
            job.status,
            job.attempts,
            job.last_error.as_deref(),
            job.run_at
        ),
        (JobStatus::Queued, 1, Some("boom"), at(30))
    );
    assert!(
        jobs::claim(&db, "w1", at(10), at(70), 5)
            .await
            .unwrap()
            .is_empty(),
        "not before its retry time"
    );
    let j = jobs::claim(&db, "w1", at(31), at(91), 5).await.unwrap();
    assert_eq!(j[0].attempts, 2);
    assert_eq!(
        jobs::fail(&db, id, "w2", "not mine", at(60), at(32))
            .await
            .unwrap(),
        FailOutcome::LostLease
    );
    assert_eq!(
        jobs::fail(&db, id, "w1", "boom again", at(60), at(32))
            .await
            .unwrap(),
        FailOutcome::Dead
    );
    assert_eq!(jobs::get(&db, id).await.unwrap().status, JobStatus::Dead);
    assert!(
        jobs::claim(&db, "w1", at(1000), at(1060), 5)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn jobs_expired_lease_is_reclaimed(db: Db) {
    let id = enqueue(&db, "long", None, 0, 2).await.unwrap();
    assert_eq!(
        jobs::claim(&db, "dead-worker", at(1), at(61), 5)
            .await
            .unwrap()
            .len(),
        1
    );
    // Lease still valid: nobody else gets it.
    assert!(
        jobs::claim(&db, "w2", at(30), at(90), 5)
            .await
            .unwrap()
            .is_empty()
    );
    let again = jobs::claim(&db, "w2", at(62), at(122), 5).await.unwrap();
    assert_eq!((again[0].id, again[0].attempts), (id, 2));
    // The first worker's late completion is refused.
    assert!(
        !jobs::complete(&db, id, "dead-worker", at(63))
            .await
            .unwrap()
    );
    // w2 dies too, on the last attempt: the reaper buries it.
    assert_eq!(jobs::reap_expired(&db, at(100)).await.unwrap(), 0);
    assert_eq!(jobs::reap_expired(&db, at(123)).await.unwrap(), 1);
    let job = jobs::get(&db, id).await.unwrap();
    assert_eq!(job.status, JobStatus::Dead);
    assert!(job.last_error.unwrap().contains("lease"));
}

pub async fn jobs_concurrent_claims_never_overlap(db: Db) {
    for i in 0..60 {
        enqueue(&db, "bulk", Some(&format!("bulk:{i}")), 0, 3)
            .await
            .unwrap();
    }
    let mut handles = Vec::new();
    for w in 0..4 {
        let db = db.clone();
        handles.push(tokio::spawn(async move {
            let worker = format!("w{w}");
            let mut mine = Vec::new();
            loop {
                let batch = jobs::claim(&db, &worker, at(1), at(600), 4).await.unwrap();
                if batch.is_empty() {
                    break;
                }
                for j in batch {
                    assert!(jobs::complete(&db, j.id, &worker, at(2)).await.unwrap());
                    mine.push(j.id);
                }
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().copied().collect();
    assert_eq!(all.len(), 60, "every job ran exactly once");
    assert_eq!(unique.len(), 60);
}
