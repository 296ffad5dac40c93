//! Receivables (títulos/parcelas).

use jiff::civil::Date;
use quita_core::receivable::ReceivableStatus;

use crate::{Db, Result, StoreError, date_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivableRow {
    pub id: i64,
    pub creditor_id: i64,
    pub debtor_id: i64,
    pub contract_id: Option<i64>,
    pub document_number: String,
    pub installment: i64,
    pub installments: Option<i64>,
    pub issue_date: Option<Date>,
    pub due_date: Date,
    pub adjusted_due_date: Date,
    pub original_amount: i64,
    pub open_balance: i64,
    pub status: ReceivableStatus,
    /// Why it was cancelled or written off by hand, and when; `None`
    /// otherwise (an import that settles it sets neither).
    pub closed_reason: Option<String>,
    pub closed_at: Option<jiff::Timestamp>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub id: i64,
    pub creditor_id: i64,
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
    pub status: String,
    pub closed_reason: Option<String>,
    pub closed_at: Option<i64>,
}

impl TryFrom<Row> for ReceivableRow {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Self {
            status: r
                .status
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("receivable {}: {e}", r.id)))?,
            id: r.id,
            creditor_id: r.creditor_id,
            debtor_id: r.debtor_id,
            contract_id: r.contract_id,
            document_number: r.document_number,
            installment: r.installment,
            installments: r.installments,
            issue_date: r.issue_day.map(date_of),
            due_date: date_of(r.due_day),
            adjusted_due_date: date_of(r.adjusted_due_day),
            original_amount: r.original_amount,
            open_balance: r.open_balance,
            closed_reason: r.closed_reason,
            closed_at: r.closed_at.map(crate::ts),
        })
    }
}

/// Closes one collectable receivable by hand (`to` is `cancelled` or
/// `written_off`, decided by the domain's transition), keeping why and
/// when. Only a receivable still `open` or `partially_paid` changes: `false`
/// when it was not (closed meanwhile, or not found), so two concurrent
/// closes change it once.
pub async fn close(
    tx: &mut crate::Tx,
    org_id: i64,
    id: i64,
    to: ReceivableStatus,
    reason: &str,
    now: jiff::Timestamp,
) -> Result<bool> {
    const SQL: &str = "UPDATE receivables SET status = $3, closed_reason = $4, closed_at = $5, updated_at = $5 \
         WHERE org_id = $1 AND id = $2 AND status IN ('open', 'partially_paid')";
    let n = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(to.as_str())
        .bind(reason)
        .bind(crate::ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn get(db: &Db, org_id: i64, id: i64) -> Result<ReceivableRow> {
    const SQL: &str = "SELECT id, creditor_id, debtor_id, contract_id, document_number, installment, installments, issue_day, due_day, \
         adjusted_due_day, original_amount, open_balance, status, closed_reason, closed_at FROM receivables WHERE org_id = $1 AND id = $2";
    let row: Row = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

/// A debtor's receivables by due date (a debtor has tens, rarely thousands).
/// `+org_id`: see [`contracts::list_for_debtor`](super::contracts::list_for_debtor).
pub async fn list_for_debtor(db: &Db, org_id: i64, debtor_id: i64) -> Result<Vec<ReceivableRow>> {
    const SQL: &str = "SELECT id, creditor_id, debtor_id, contract_id, document_number, installment, installments, issue_day, due_day, \
         adjusted_due_day, original_amount, open_balance, status, closed_reason, closed_at FROM receivables WHERE +org_id = $1 AND debtor_id = $2 \
         ORDER BY due_day, id LIMIT 5000";
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(debtor_id)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// What one debtor owes now: its collectable (open or partially paid)
/// receivables, their open balance, and the oldest adjusted due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebtorOpen {
    pub debtor_id: i64,
    pub count: i64,
    pub open_balance: i64,
    pub oldest_adjusted_due: Date,
}

/// [`DebtorOpen`] of the given debtors of one organization, one query per
/// 500 debtors: the debtor list's balance columns. Other organizations'
/// debtors, and debtors with nothing collectable, are absent.
pub async fn open_by_debtor(db: &Db, org_id: i64, debtor_ids: &[i64]) -> Result<Vec<DebtorOpen>> {
    let mut out = Vec::with_capacity(debtor_ids.len());
    let sqlite = matches!(db, Db::Sqlite(_));
    for chunk in debtor_ids.chunks(500) {
        // `+org_id`: see `list_for_debtor`; PostgreSQL's SUM of a BIGINT is
        // a NUMERIC, cast back.
        let sql = format!(
            "SELECT debtor_id, COUNT(*), {sum}, MIN(adjusted_due_day) FROM receivables \
             WHERE {org} AND debtor_id IN ({list}) AND status IN ('open', 'partially_paid') \
             GROUP BY debtor_id",
            sum = if sqlite {
                "SUM(open_balance)"
            } else {
                "SUM(open_balance)::BIGINT"
            },
            org = if sqlite { "+org_id = ?" } else { "org_id = $1" },
            list = crate::in_list(sqlite, chunk.len(), 2),
        );
        let rows: Vec<(i64, i64, i64, i64)> = on_db!(db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        out.extend(
            rows.into_iter()
                .map(|(debtor_id, count, open_balance, oldest)| DebtorOpen {
                    debtor_id,
                    count,
                    open_balance,
                    oldest_adjusted_due: date_of(oldest),
                }),
        );
    }
    Ok(out)
}

/// Per creditor of the organization: its collectable receivables and their
/// open balance, `(creditor_id, count, open_balance)` by creditor id;
/// creditors with none are absent. Grouped by status as well, in the order
/// of the covering index `receivables_aging`, so the database streams the
/// groups without sorting (as `aging::groups` does); the statuses are added
/// together here.
pub async fn open_by_creditor(db: &Db, org_id: i64) -> Result<Vec<(i64, i64, i64)>> {
    const SQL: &str = "SELECT creditor_id, COUNT(*), SUM(open_balance) FROM receivables \
         WHERE org_id = $1 AND status IN ('open', 'partially_paid') GROUP BY status, creditor_id";
    const PG: &str = "SELECT creditor_id, COUNT(*), SUM(open_balance)::BIGINT FROM receivables \
         WHERE org_id = $1 AND status IN ('open', 'partially_paid') GROUP BY status, creditor_id";
    let rows: Vec<(i64, i64, i64)> = match db {
        Db::Sqlite(p) => sqlx::query_as(SQL).bind(org_id).fetch_all(p).await?,
        Db::Pg(p) => sqlx::query_as(PG).bind(org_id).fetch_all(p).await?,
    };
    let mut by_creditor = std::collections::BTreeMap::<i64, (i64, i64)>::new();
    for (creditor_id, count, open) in rows {
        let e = by_creditor.entry(creditor_id).or_default();
        e.0 = e.0.saturating_add(count);
        e.1 = e.1.saturating_add(open);
    }
    Ok(by_creditor
        .into_iter()
        .map(|(id, (count, open))| (id, count, open))
        .collect())
}

/// Headline figures of an organization's portfolio.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PortfolioCounts {
    pub creditors: i64,
    pub debtors: i64,
    pub receivables_open: i64,
    pub open_balance: i64,
    pub overdue_open: i64,
    pub overdue_balance: i64,
}

/// Counts for the Painel; `today` decides what is overdue.
pub async fn portfolio_counts(db: &Db, org_id: i64, today_day: i64) -> Result<PortfolioCounts> {
    const CRED: &str = "SELECT COUNT(*) FROM creditors WHERE org_id = $1";
    const DEBT: &str = "SELECT COUNT(*) FROM debtors WHERE org_id = $1";
    const REC: &str = "SELECT COUNT(*), COALESCE(SUM(open_balance), 0), \
           COALESCE(SUM(CASE WHEN adjusted_due_day < $2 THEN 1 ELSE 0 END), 0), \
           COALESCE(SUM(CASE WHEN adjusted_due_day < $2 THEN open_balance ELSE 0 END), 0) \
         FROM receivables WHERE org_id = $1 AND status IN ('open', 'partially_paid')";
    let creditors: i64 = on_db!(db, |p| sqlx::query_scalar(CRED)
        .bind(org_id)
        .fetch_one(p)
        .await)?;
    let debtors: i64 = on_db!(db, |p| sqlx::query_scalar(DEBT)
        .bind(org_id)
        .fetch_one(p)
        .await)?;
    let (receivables_open, open_balance, overdue_open, overdue_balance): (i64, i64, i64, i64) =
        match db {
            Db::Sqlite(p) => {
                sqlx::query_as(REC)
                    .bind(org_id)
                    .bind(today_day)
                    .fetch_one(p)
                    .await?
            }
            Db::Pg(p) => {
                // SUM(bigint) is numeric on PostgreSQL: cast back.
                const PG: &str = "SELECT COUNT(*), COALESCE(SUM(open_balance), 0)::BIGINT, \
                   COALESCE(SUM(CASE WHEN adjusted_due_day < $2 THEN 1 ELSE 0 END), 0)::BIGINT, \
                   COALESCE(SUM(CASE WHEN adjusted_due_day < $2 THEN open_balance ELSE 0 END), 0)::BIGINT \
                 FROM receivables WHERE org_id = $1 AND status IN ('open', 'partially_paid')";
                sqlx::query_as(PG)
                    .bind(org_id)
                    .bind(today_day)
                    .fetch_one(p)
                    .await?
            }
        };
    Ok(PortfolioCounts {
        creditors,
        debtors,
        receivables_open,
        open_balance,
        overdue_open,
        overdue_balance,
    })
}
