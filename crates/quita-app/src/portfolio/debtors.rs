//! The debtor 360° view and debtor search.

use std::collections::HashMap;

use jiff::civil::Date;
use quita_core::{
    contract::effective_policy,
    debt_update::{DebtUpdate, DebtUpdateRequest, debt_update},
    money::Money,
};
use quita_store::portfolio::{
    contacts::{self, ContactRow},
    debtors::{self, DebtorRow, SearchField},
    receivables::{self, ReceivableRow},
};
use serde::Serialize;

use super::{calendar, name_key};
use crate::{App, AppError, AppResult};

/// One receivable with its creditor and its debt update on the view's date.
#[derive(Debug, Clone)]
pub struct ReceivableView {
    pub receivable: ReceivableRow,
    pub creditor_name: String,
    pub update: Option<DebtUpdate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreditorTotal {
    pub creditor_id: i64,
    pub creditor_name: String,
    pub count: u64,
    pub open_balance: Money,
    pub updated_amount: Money,
}

#[derive(Debug, Clone)]
pub struct Debtor360 {
    pub debtor: DebtorRow,
    pub contacts: Vec<ContactRow>,
    pub receivables: Vec<ReceivableView>,
    pub totals: Vec<CreditorTotal>,
    pub on: Date,
}

impl App {
    /// Everything about one debtor of `org_id`, amounts updated to `on`.
    pub async fn debtor_360(&self, org_id: i64, id: i64, on: Date) -> AppResult<Debtor360> {
        let debtor = debtors::get(&self.db, org_id, id).await?;
        let contacts = contacts::list_for_debtor(&self.db, org_id, id).await?;
        let rows = receivables::list_for_debtor(&self.db, org_id, id).await?;
        let creditors: HashMap<i64, _> = self
            .creditors(org_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let tables = self.index_tables(org_id).await?;
        let mut totals: Vec<CreditorTotal> = Vec::new();
        let mut views = Vec::with_capacity(rows.len());
        for r in rows {
            let creditor = creditors.get(&r.creditor_id);
            let update = match (creditor, r.status.is_collectable()) {
                (Some(c), true) => {
                    let policy = effective_policy(&c.policy, None);
                    let index = c.policy.correction.table_name().and_then(|n| tables.get(n));
                    let req = DebtUpdateRequest {
                        principal: Money::from_centavos(r.open_balance),
                        due_date: r.due_date,
                        on,
                        payments: Money::ZERO,
                        policy: &policy,
                        index,
                    };
                    debt_update(&req, calendar()).ok()
                }
                _ => None,
            };
            let name =
                creditor.map_or_else(|| format!("credor #{}", r.creditor_id), |c| c.name.clone());
            if r.status.is_collectable() {
                let open = Money::from_centavos(r.open_balance);
                let updated = update.as_ref().map_or(open, |u| u.total());
                match totals.iter_mut().find(|t| t.creditor_id == r.creditor_id) {
                    Some(t) => {
                        t.count += 1;
                        t.open_balance = t.open_balance.checked_add(open).unwrap_or(t.open_balance);
                        t.updated_amount = t
                            .updated_amount
                            .checked_add(updated)
                            .unwrap_or(t.updated_amount);
                    }
                    None => totals.push(CreditorTotal {
                        creditor_id: r.creditor_id,
                        creditor_name: name.clone(),
                        count: 1,
                        open_balance: open,
                        updated_amount: updated,
                    }),
                }
            }
            views.push(ReceivableView {
                receivable: r,
                creditor_name: name,
                update,
            });
        }
        Ok(Debtor360 {
            debtor,
            contacts,
            receivables: views,
            totals,
            on,
        })
    }

    /// Debtors matching a search: CPF/CNPJ, phone, e-mail, document number
    /// or name, each by prefix.
    pub async fn search_debtors(
        &self,
        org_id: i64,
        query: &str,
        limit: i64,
    ) -> AppResult<Vec<DebtorRow>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        if q.chars().count() > 100 {
            return Err(AppError::invalid("q", "busca longa demais"));
        }
        if q.contains('@') {
            return Ok(debtors::search(
                &self.db,
                org_id,
                SearchField::Contact,
                &q.to_lowercase(),
                limit,
            )
            .await?);
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let only_number_chars = q
            .chars()
            .all(|c| c.is_ascii_digit() || " .-/()+".contains(c));
        if only_number_chars && !digits.is_empty() {
            let by_document =
                debtors::search(&self.db, org_id, SearchField::Document, &digits, limit).await?;
            if !by_document.is_empty() {
                return Ok(by_document);
            }
            let phone = if q.starts_with('+') {
                format!("+{digits}")
            } else {
                format!("+55{}", digits.trim_start_matches('0'))
            };
            let by_phone =
                debtors::search(&self.db, org_id, SearchField::Contact, &phone, limit).await?;
            if !by_phone.is_empty() {
                return Ok(by_phone);
            }
            return Ok(
                debtors::search(&self.db, org_id, SearchField::DocumentNumber, q, limit).await?,
            );
        }
        let by_name =
            debtors::search(&self.db, org_id, SearchField::Name, &name_key(q), limit).await?;
        if !by_name.is_empty() {
            return Ok(by_name);
        }
        Ok(debtors::search(&self.db, org_id, SearchField::DocumentNumber, q, limit).await?)
    }

    /// Names of the given debtors of `org_id` (ids of other organizations are absent).
    pub async fn debtor_names(&self, org_id: i64, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
        Ok(debtors::names(&self.db, org_id, ids).await?)
    }

    /// The debt update of one stored receivable on `on` (with its memory).
    pub async fn receivable_update(
        &self,
        org_id: i64,
        id: i64,
        on: Date,
    ) -> AppResult<(ReceivableRow, DebtUpdate)> {
        let r = receivables::get(&self.db, org_id, id).await?;
        let c = self.creditor(org_id, r.creditor_id).await?;
        let tables = self.index_tables(org_id).await?;
        let policy = effective_policy(&c.policy, None);
        let index = c.policy.correction.table_name().and_then(|n| tables.get(n));
        let req = DebtUpdateRequest {
            principal: Money::from_centavos(r.open_balance),
            due_date: r.due_date,
            on,
            payments: Money::ZERO,
            policy: &policy,
            index,
        };
        let u = debt_update(&req, calendar()).map_err(|e| AppError::invalid("receivable", e))?;
        Ok((r, u))
    }
}
