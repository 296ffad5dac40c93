//! Batched writes for the importer. Every function runs inside the caller's
//! transaction (an import is all or nothing) and writes many rows per
//! statement; identities are natural keys, so re-running a batch changes
//! nothing.

use std::collections::HashMap;

use jiff::Timestamp;

pub use super::bulk_mode::{
    DeferredIndexes, analyze_after_bulk, defer_indexes, prepare_bulk, rebuild_indexes,
    vacuum_after_bulk,
};
use super::{
    new_rows::{NewRows, PreparedWrite, run_all},
    receivables::Row,
};
use crate::{Backend, Result, Tx, ms};

/// Rows of `select` (which ends in `WHERE <scope> = ? AND`) whose `column`
/// is one of `keys`, 2,000 keys per statement: an `IN (?, …)` list on
/// SQLite, `= ANY($2)` with one array parameter on PostgreSQL (one prepared
/// statement for any count).
async fn select_by_keys<T>(
    tx: &mut Tx,
    select: &str,
    scope: i64,
    column: &str,
    keys: &[&str],
) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    const CHUNK: usize = 2000;
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        out.extend(match &mut *tx {
            Tx::Sqlite(t) => {
                let sql = format!(
                    "{select} ? AND {column} IN ({})",
                    vec!["?"; chunk.len()].join(", ")
                );
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(scope)
                    .persistent(chunk.len() == CHUNK);
                for k in chunk {
                    q = q.bind(*k);
                }
                q.fetch_all(&mut **t).await?
            }
            Tx::Pg(t) => {
                let sql = format!("{select} $1 AND {column} = ANY($2)");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(scope)
                    .bind(chunk)
                    .fetch_all(&mut **t)
                    .await?
            }
        });
    }
    Ok(out)
}

/// A debtor as the file names it.
#[derive(Debug, Clone)]
pub struct ImportDebtor {
    pub document: String,
    /// `pf` or `pj`.
    pub kind: &'static str,
    pub name: String,
    pub name_key: String,
}

/// Tables whose new rows the importer numbers itself.
#[derive(Debug, Clone, Copy)]
pub enum IdTable {
    Debtors,
    Contracts,
}

impl IdTable {
    fn name(self) -> &'static str {
        match self {
            IdTable::Debtors => "debtors",
            IdTable::Contracts => "contracts",
        }
    }
}

/// Ids for `n` new rows of `table`, so they can be inserted without
/// `RETURNING` (SQLite hands each returned row across a thread) and copied
/// with `COPY` (PostgreSQL). PostgreSQL: taken from the table's identity
/// sequence. SQLite: counted on from the largest id, which is safe because
/// a write transaction holds the database's only write lock.
pub async fn reserve_ids(tx: &mut Tx, table: IdTable, n: usize) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    Ok(match tx {
        Tx::Sqlite(t) => {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {}", table.name());
            let max: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut **t)
                .await?;
            (max + 1..=max + count).collect()
        }
        Tx::Pg(t) => {
            // The sequence's name goes into the SQL as a literal, so it is
            // resolved once and not for every id (six times slower).
            let sequence: String = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
                .bind(table.name())
                .fetch_one(&mut **t)
                .await?;
            let sql = format!(
                "SELECT array_agg(nextval('{}')) FROM generate_series(1, $1)",
                sequence.replace('\'', "''")
            );
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(count)
                .fetch_one(&mut **t)
                .await?
        }
    })
}

/// The ids of the debtors of `org_id` among `documents` (CPF/CNPJ digits;
/// unknown ones, and other organizations' debtors, are absent), read inside
/// the caller's transaction.
pub async fn debtor_ids(
    tx: &mut Tx,
    org_id: i64,
    documents: &[&str],
) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = select_by_keys(
        tx,
        "SELECT document, id FROM debtors WHERE org_id =",
        org_id,
        "document",
        documents,
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// The stored name and name key of those of the organization's debtors
/// whose document is among `documents`, by document: an import tells a
/// row naming someone else under a known CPF/CNPJ.
pub async fn debtor_names(
    tx: &mut Tx,
    org_id: i64,
    documents: &[&str],
) -> Result<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String)> = select_by_keys(
        tx,
        "SELECT document, name, name_key FROM debtors WHERE org_id =",
        org_id,
        "document",
        documents,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(document, name, key)| (document, (name, key)))
        .collect())
}

/// Inserts debtors the caller knows are new (it looked them up, or the
/// organization had none), with ids from [`reserve_ids`]; returns the id of
/// each document. A document that exists after all fails on the unique key
/// and the import rolls back.
pub async fn insert_debtors(
    tx: &mut Tx,
    org_id: i64,
    debtors: &[ImportDebtor],
    now: Timestamp,
) -> Result<HashMap<String, i64>> {
    let ids = reserve_ids(tx, IdTable::Debtors, debtors.len()).await?;
    let writes = prepare_debtors(tx.backend(), org_id, debtors, &ids, now);
    run_all(tx, writes).await?;
    Ok(debtors
        .iter()
        .zip(ids)
        .map(|(d, id)| (d.document.clone(), id))
        .collect())
}

/// The writes that insert `debtors` with the given `ids` (one each, from
/// [`reserve_ids`]), built without the connection; see [`insert_debtors`].
pub fn prepare_debtors(
    backend: Backend,
    org_id: i64,
    debtors: &[ImportDebtor],
    ids: &[i64],
    now: Timestamp,
) -> Vec<PreparedWrite> {
    let rows: Vec<_> = debtors.iter().zip(ids).collect();
    let at = ms(now);
    NewRows {
        into: "debtors (id, org_id, document, kind, name, name_key, created_at, updated_at)",
        binds: 8,
        fixed: "",
        chunk: 2000,
    }
    .prepare(
        backend,
        &rows,
        |data, &(d, id)| {
            data.int(*id)
                .int(org_id)
                .text(&d.document)
                .text(d.kind)
                .text(&d.name)
                .text(&d.name_key)
                .int(at)
                .int(at);
        },
        |q, &(d, id)| {
            q.bind(*id)
                .bind(org_id)
                .bind(&d.document)
                .bind(d.kind)
                .bind(&d.name)
                .bind(&d.name_key)
                .bind(at)
                .bind(at)
        },
    )
}

/// Inserts the debtors not yet known (by organization + document) and
/// returns the ids of those it created and of every document given.
/// Existing debtors keep their name and flags.
pub async fn upsert_debtors(
    tx: &mut Tx,
    org_id: i64,
    debtors: &[ImportDebtor],
    now: Timestamp,
) -> Result<(HashMap<String, i64>, HashMap<String, i64>)> {
    let documents: Vec<&str> = debtors.iter().map(|d| d.document.as_str()).collect();
    let mut ids = debtor_ids(tx, org_id, &documents).await?;
    let mut seen = std::collections::HashSet::new();
    let new: Vec<ImportDebtor> = debtors
        .iter()
        .filter(|d| !ids.contains_key(&d.document) && seen.insert(d.document.as_str()))
        .cloned()
        .collect();
    let created = insert_debtors(tx, org_id, &new, now).await?;
    ids.extend(created.iter().map(|(d, id)| (d.clone(), *id)));
    Ok((created, ids))
}

/// A contract an import names: its number, debtor, kind (the database
/// text, `installment_plan`…) and whether it has a collection-fee clause;
/// kind and clause are kept only when the contract is new.
pub type ImportContract = (String, i64, &'static str, bool);

/// The terms of a contract the import knows only to have a fee clause.
fn fee_clause_terms() -> Option<String> {
    let terms = quita_core::contract::ContractTerms {
        collection_fee_allowed: true,
        ..Default::default()
    };
    serde_json::to_string(&terms).ok()
}

/// Gives the collection-fee clause to those of `ids` that have no terms of
/// their own (a contract whose terms someone set keeps them); returns how
/// many changed.
pub async fn grant_fee_clause(tx: &mut Tx, ids: &[i64], now: Timestamp) -> Result<u64> {
    let terms = fee_clause_terms();
    let mut changed = 0;
    for chunk in ids.chunks(2000) {
        changed += match &mut *tx {
            Tx::Sqlite(t) => {
                let sql = format!(
                    "UPDATE contracts SET terms = ?, updated_at = ? WHERE terms IS NULL AND id IN ({})",
                    vec!["?"; chunk.len()].join(", ")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&terms)
                    .bind(ms(now));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(&mut **t).await?.rows_affected()
            }
            Tx::Pg(t) => sqlx::query(
                "UPDATE contracts SET terms = $1, updated_at = $2 WHERE terms IS NULL AND id = ANY($3)",
            )
            .bind(&terms)
            .bind(ms(now))
            .bind(chunk)
            .execute(&mut **t)
            .await?
            .rows_affected(),
        };
    }
    Ok(changed)
}

/// A stored contract as an import links to it: `(id, debtor_id)`.
pub type ContractLink = (i64, i64);

/// The ids and debtors of the contracts of `creditor_id` among `numbers`.
pub async fn contract_ids(
    tx: &mut Tx,
    creditor_id: i64,
    numbers: &[&str],
) -> Result<HashMap<String, ContractLink>> {
    let rows: Vec<(String, i64, i64)> = select_by_keys(
        tx,
        "SELECT number, id, debtor_id FROM contracts WHERE creditor_id =",
        creditor_id,
        "number",
        numbers,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(number, id, debtor_id)| (number, (id, debtor_id)))
        .collect())
}

/// Inserts contracts the caller knows are new, as installment plans (until
/// someone edits them), with ids from [`reserve_ids`]; returns the id and
/// debtor of each number.
pub async fn insert_contracts(
    tx: &mut Tx,
    org_id: i64,
    creditor_id: i64,
    contracts: &[ImportContract],
    now: Timestamp,
) -> Result<HashMap<String, ContractLink>> {
    let ids = reserve_ids(tx, IdTable::Contracts, contracts.len()).await?;
    let writes = prepare_contracts(tx.backend(), org_id, creditor_id, contracts, &ids, now);
    run_all(tx, writes).await?;
    Ok(contracts
        .iter()
        .zip(ids)
        .map(|((number, debtor_id, _, _), id)| (number.clone(), (id, *debtor_id)))
        .collect())
}

/// The writes that insert `contracts` with the given `ids`, built without
/// the connection; see [`insert_contracts`].
pub fn prepare_contracts(
    backend: Backend,
    org_id: i64,
    creditor_id: i64,
    contracts: &[ImportContract],
    ids: &[i64],
    now: Timestamp,
) -> Vec<PreparedWrite> {
    let rows: Vec<_> = contracts.iter().zip(ids).collect();
    let at = ms(now);
    let clause = fee_clause_terms();
    NewRows {
        into: "contracts (id, org_id, creditor_id, debtor_id, number, kind, terms, created_at, updated_at)",
        binds: 9,
        fixed: "",
        chunk: 2000,
    }
    .prepare(
        backend,
        &rows,
        |data, &((number, debtor_id, kind, fee), id)| {
            data.int(*id)
                .int(org_id)
                .int(creditor_id)
                .int(*debtor_id)
                .text(number)
                .text(kind)
                .opt_text(clause.as_deref().filter(|_| *fee))
                .int(at)
                .int(at);
        },
        |q, &((number, debtor_id, kind, fee), id)| {
            q.bind(*id)
                .bind(org_id)
                .bind(creditor_id)
                .bind(*debtor_id)
                .bind(number)
                .bind(*kind)
                .bind(clause.clone().filter(|_| *fee))
                .bind(at)
                .bind(at)
        },
    )
}

/// Inserts contracts not yet known (creditor + number) and returns the id
/// and debtor of every number given (a stored contract keeps its own
/// debtor, whatever the pair says). `(number, debtor_id)` pairs.
pub async fn upsert_contracts(
    tx: &mut Tx,
    org_id: i64,
    creditor_id: i64,
    contracts: &[ImportContract],
    now: Timestamp,
) -> Result<HashMap<String, ContractLink>> {
    let numbers: Vec<&str> = contracts.iter().map(|(n, _, _, _)| n.as_str()).collect();
    let mut ids = contract_ids(tx, creditor_id, &numbers).await?;
    let mut seen = std::collections::HashSet::new();
    let new: Vec<ImportContract> = contracts
        .iter()
        .filter(|(n, _, _, _)| !ids.contains_key(n) && seen.insert(n.as_str()))
        .cloned()
        .collect();
    ids.extend(insert_contracts(tx, org_id, creditor_id, &new, now).await?);
    Ok(ids)
}

/// Whether the organization has any debtor, and the creditor any contract
/// (an import into an empty one needs no lookups).
pub async fn has_debtors(tx: &mut Tx, org_id: i64) -> Result<bool> {
    const SQL: &str = "SELECT EXISTS (SELECT 1 FROM debtors WHERE org_id = $1)";
    Ok(on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .bind(org_id)
        .fetch_one(&mut **t)
        .await)?)
}

/// Whether the creditor has any contract.
pub async fn has_contracts(tx: &mut Tx, creditor_id: i64) -> Result<bool> {
    const SQL: &str = "SELECT EXISTS (SELECT 1 FROM contracts WHERE creditor_id = $1)";
    Ok(on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .bind(creditor_id)
        .fetch_one(&mut **t)
        .await)?)
}

/// The natural key of a receivable within a creditor.
pub type ReceivableKey = (String, i64);

/// A receivable to insert or compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReceivable {
    pub debtor_id: i64,
    pub contract_id: Option<i64>,
    pub document_number: String,
    pub installment: i64,
    pub installments: Option<i64>,
    pub issue_day: Option<i64>,
    pub due_day: i64,
    pub adjusted_due_day: i64,
    pub original_amount: i64,
    pub open_balance: i64,
    pub status: &'static str,
}

/// The highest receivable id: an upper bound of how many rows the table
/// holds, read in O(log n) (a count would scan).
pub async fn receivables_high_water(tx: &mut Tx) -> Result<i64> {
    const SQL: &str = "SELECT COALESCE(MAX(id), 0) FROM receivables";
    Ok(on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .fetch_one(&mut **t)
        .await)?)
}

/// Whether the creditor has any receivable at all (an import into an empty
/// creditor needs no lookups).
pub async fn has_receivables(tx: &mut Tx, creditor_id: i64) -> Result<bool> {
    const SQL: &str = "SELECT EXISTS (SELECT 1 FROM receivables WHERE creditor_id = $1)";
    let found: bool = on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .bind(creditor_id)
        .fetch_one(&mut **t)
        .await)?;
    Ok(found)
}

/// How many of a creditor's receivables are still being collected (open
/// or partially paid): an import tells how many of them its file left out.
pub async fn collectable_count(tx: &mut Tx, creditor_id: i64) -> Result<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM receivables \
         WHERE creditor_id = $1 AND status IN ('open', 'partially_paid')";
    let n: i64 = on_tx!(tx, |t| sqlx::query_scalar(SQL)
        .bind(creditor_id)
        .fetch_one(&mut **t)
        .await)?;
    Ok(n)
}

/// The stored receivables of a creditor among `keys`.
pub async fn existing(
    tx: &mut Tx,
    creditor_id: i64,
    keys: &[ReceivableKey],
) -> Result<HashMap<ReceivableKey, super::receivables::ReceivableRow>> {
    let numbers: Vec<&str> = keys.iter().map(|(n, _)| n.as_str()).collect();
    let rows: Vec<Row> = select_by_keys(
        tx,
        "SELECT id, creditor_id, debtor_id, contract_id, document_number, installment, installments, issue_day, due_day, \
         adjusted_due_day, original_amount, open_balance, status, closed_reason, closed_at FROM receivables WHERE creditor_id =",
        creditor_id,
        "document_number",
        &numbers,
    )
    .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let row: super::receivables::ReceivableRow = r.try_into()?;
        out.insert((row.document_number.clone(), row.installment), row);
    }
    Ok(out)
}

/// The lengths of a creditor's document numbers that start with a zero
/// (`000123`: 6), so that a number whose zeros a spreadsheet dropped
/// (`123`) is looked up padded to each. The range stays on the unique key.
pub async fn zero_led_lengths(tx: &mut Tx, creditor_id: i64) -> Result<Vec<i64>> {
    const SQL: &str = "SELECT DISTINCT CAST(length(document_number) AS BIGINT) FROM receivables \
         WHERE creditor_id = $1 AND document_number >= '0' AND document_number < '1'";
    let lengths: Vec<(i64,)> = on_tx!(tx, |t| sqlx::query_as(SQL)
        .bind(creditor_id)
        .fetch_all(&mut **t)
        .await)?;
    Ok(lengths.into_iter().map(|(n,)| n).collect())
}

/// Inserts new receivables (the caller has checked they do not exist; a
/// concurrent import of the same rows fails on the unique key and rolls
/// back). PostgreSQL: one `COPY` per call.
pub async fn insert_receivables(
    tx: &mut Tx,
    org_id: i64,
    creditor_id: i64,
    rows: &[ImportReceivable],
    now: Timestamp,
) -> Result<u64> {
    let writes = prepare_receivables(tx.backend(), org_id, creditor_id, rows, now);
    run_all(tx, writes).await
}

/// The writes of [`insert_receivables`], built without the connection.
pub fn prepare_receivables(
    backend: Backend,
    org_id: i64,
    creditor_id: i64,
    rows: &[ImportReceivable],
    now: Timestamp,
) -> Vec<PreparedWrite> {
    let at = ms(now);
    NewRows {
        into: "receivables (org_id, creditor_id, debtor_id, contract_id, document_number, installment, installments, \
               issue_day, due_day, adjusted_due_day, original_amount, open_balance, status, created_at, updated_at)",
        binds: 15,
        fixed: "",
        chunk: 1500,
    }
    .prepare(
        backend,
        rows,
        |data, r| {
            data.int(org_id)
                .int(creditor_id)
                .int(r.debtor_id)
                .opt_int(r.contract_id)
                .text(&r.document_number)
                .int(r.installment)
                .opt_int(r.installments)
                .opt_int(r.issue_day)
                .int(r.due_day)
                .int(r.adjusted_due_day)
                .int(r.original_amount)
                .int(r.open_balance)
                .text(r.status)
                .int(at)
                .int(at);
        },
        |q, r| {
            q.bind(org_id)
                .bind(creditor_id)
                .bind(r.debtor_id)
                .bind(r.contract_id)
                .bind(&r.document_number)
                .bind(r.installment)
                .bind(r.installments)
                .bind(r.issue_day)
                .bind(r.due_day)
                .bind(r.adjusted_due_day)
                .bind(r.original_amount)
                .bind(r.open_balance)
                .bind(r.status)
                .bind(at)
                .bind(at)
        },
    )
}

/// Rewrites one receivable after a changed import row.
pub async fn update_receivable(
    tx: &mut Tx,
    id: i64,
    r: &ImportReceivable,
    now: Timestamp,
) -> Result<()> {
    const SQL: &str = "UPDATE receivables SET debtor_id = $2, contract_id = $3, installments = $4, issue_day = $5, due_day = $6, \
         adjusted_due_day = $7, original_amount = $8, open_balance = $9, status = $10, updated_at = $11 WHERE id = $1";
    on_tx!(tx, |t| sqlx::query(SQL)
        .bind(id)
        .bind(r.debtor_id)
        .bind(r.contract_id)
        .bind(r.installments)
        .bind(r.issue_day)
        .bind(r.due_day)
        .bind(r.adjusted_due_day)
        .bind(r.original_amount)
        .bind(r.open_balance)
        .bind(r.status)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
