//! Correcting a debtor's name: an import keeps the first name it met for a
//! CPF/CNPJ (a later file only warns), so a wrong or placeholder name is
//! mended here, by a supervisor, with the old and new names in the audit
//! log and on the debtor's timeline.

use quita_core::{
    debtor::{NameError, PersonName},
    role::Role,
};
use quita_store::{
    audit,
    portfolio::debtors::{self, DebtorRow},
};
use serde_json::json;

use super::name_key;
use crate::{App, AppError, AppResult, auth::Principal};

impl App {
    /// Gives one debtor of the organization the name `raw`, normalised as
    /// an import would (`"MARIA  DA silva"` → `"Maria da Silva"`).
    /// Supervisor and up. The same name again changes nothing.
    pub async fn rename_debtor(
        &self,
        who: &Principal,
        debtor_id: i64,
        raw: &str,
    ) -> AppResult<DebtorRow> {
        who.require(Role::Supervisor)?;
        let name = PersonName::parse(raw).map_err(|e| AppError::invalid("name", why(&e)))?;
        // Read in the write transaction, holding the debtor: the name
        // recorded as the former one is the one replaced.
        let mut tx = self.db.begin_write().await?;
        let before = debtors::get_for_update(&mut tx, who.org_id, debtor_id).await?;
        if before.name == name.as_str() {
            return Ok(before);
        }
        let now = self.now();
        debtors::rename(
            &mut tx,
            who.org_id,
            debtor_id,
            (name.as_str(), &name_key(name.as_str())),
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "debtor_renamed",
                target: Some(&format!("debtor:{debtor_id}")),
                details: json!({"from": before.name, "to": name.as_str()}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(debtors::get(&self.db, who.org_id, debtor_id).await?)
    }
}

/// A name that does not read, in the words of the page.
fn why(e: &NameError) -> &'static str {
    match e {
        NameError::Empty => "informe o nome",
        NameError::TooLong => "o nome passa de 200 caracteres",
        NameError::Control => "o nome tem um caractere de controle",
        NameError::NoLetters => "o nome não tem letras",
    }
}
