//! Creditors (carteiras) with their charge policy.

use std::collections::HashMap;

use quita_br::document::Document;
use quita_core::{charge_policy::ChargePolicy, money::Money, role::Role};
use quita_store::{
    audit::{self, Actor},
    portfolio::{
        creditors::{self, Creditor},
        receivables,
    },
};
use serde_json::json;

use super::IdOrDocument;
use crate::{App, AppError, AppResult, auth::Principal};

/// Refuses a policy the domain does not allow saved (a consumer creditor's
/// fine above the legal cap), naming the policy field at fault.
fn valid_policy(policy: &ChargePolicy) -> AppResult<()> {
    policy
        .validate()
        .map_err(|e| AppError::invalid(e.field(), e))
}

impl App {
    /// Creates a creditor of `org_id`. The document is its CNPJ (or CPF).
    /// The policy must pass [`ChargePolicy::validate`].
    pub async fn create_creditor(
        &self,
        org_id: i64,
        name: &str,
        document: &str,
        policy: &ChargePolicy,
        actor: Actor,
    ) -> AppResult<Creditor> {
        let name = crate::admin::person_name(name)?;
        let doc = Document::parse(document).map_err(|e| AppError::invalid("document", e))?;
        valid_policy(policy)?;
        self.require_known_table(org_id, Some(&policy.correction))
            .await?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let c = creditors::create(&mut tx, org_id, &name, doc.digits(), policy, now)
            .await
            .map_err(|e| match e {
                quita_store::StoreError::Conflict(_) => {
                    AppError::Conflict("a creditor with this document already exists".into())
                }
                other => other.into(),
            })?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action: "creditor_created",
                target: Some(&format!("creditor:{}", c.id)),
                details: json!({"policy": policy}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Creates a creditor on behalf of a logged-in admin.
    pub async fn add_creditor(
        &self,
        who: &Principal,
        name: &str,
        document: &str,
        policy: &ChargePolicy,
    ) -> AppResult<Creditor> {
        who.require(Role::Admin)?;
        self.create_creditor(who.org_id, name, document, policy, who.actor)
            .await
    }

    /// Renames a creditor and replaces its policy, which must pass
    /// [`ChargePolicy::validate`] (a stored one that does not is fixed on
    /// its next change).
    pub async fn update_creditor(
        &self,
        who: &Principal,
        id: i64,
        name: &str,
        policy: &ChargePolicy,
    ) -> AppResult<Creditor> {
        who.require(Role::Admin)?;
        let name = crate::admin::person_name(name)?;
        valid_policy(policy)?;
        self.require_known_table(who.org_id, Some(&policy.correction))
            .await?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let c = creditors::update_policy(&mut tx, who.org_id, id, &name, policy, now).await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "creditor_updated",
                target: Some(&format!("creditor:{id}")),
                details: json!({"policy": policy}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn creditors(&self, org_id: i64) -> AppResult<Vec<Creditor>> {
        let mut list = creditors::list(&self.db, org_id).await?;
        // By name as people read it: case and accents aside ("loja teste"
        // beside "Loja Boa Vista", not after "Varejo"), the same order on
        // both databases.
        list.sort_by_cached_key(|c| (super::name_key(&c.name), c.id));
        Ok(list)
    }

    /// Per creditor of the organization: its collectable receivables and
    /// their open balance (creditors with none are absent).
    pub async fn creditor_balances(&self, org_id: i64) -> AppResult<HashMap<i64, (i64, Money)>> {
        Ok(receivables::open_by_creditor(&self.db, org_id)
            .await?
            .into_iter()
            .map(|(id, count, open)| (id, (count, Money::from_centavos(open))))
            .collect())
    }

    pub async fn creditor(&self, org_id: i64, id: i64) -> AppResult<Creditor> {
        Ok(creditors::get(&self.db, org_id, id).await?)
    }

    /// A creditor by id or by CNPJ/CPF (with or without punctuation).
    pub async fn find_creditor(&self, org_id: i64, id_or_document: &str) -> AppResult<Creditor> {
        match IdOrDocument::parse(id_or_document, "creditor")? {
            IdOrDocument::Document(doc) => {
                creditors::find_by_document(&self.db, org_id, doc.digits())
                    .await?
                    .ok_or(AppError::NotFound)
            }
            IdOrDocument::Id(id) => Ok(creditors::get(&self.db, org_id, id).await?),
        }
    }
}
