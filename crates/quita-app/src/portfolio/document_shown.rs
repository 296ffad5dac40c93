//! A debtor's whole CPF/CNPJ for an agent. Agents see it masked on the
//! 360° page and ask to see it whole when a call needs it; each time is in
//! the audit log (and so on the debtor's timeline), apart from the page's
//! opening, because it is the most identifying datum on the record (LGPD).

use quita_core::role::Role;
use quita_store::{audit, portfolio::debtors};
use serde_json::json;

use crate::{App, AppResult, auth::Principal};

impl App {
    /// The debtor's CPF/CNPJ digits, recorded as shown to `who` (agents and
    /// up). A debtor that is not the organization's is `NotFound`, and
    /// nothing is recorded.
    pub async fn show_debtor_document(&self, who: &Principal, debtor_id: i64) -> AppResult<String> {
        who.require(Role::Agent)?;
        let mut tx = self.db.begin_write().await?;
        let debtor = debtors::get_for_update(&mut tx, who.org_id, debtor_id).await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "debtor_document_shown",
                target: Some(&format!("debtor:{debtor_id}")),
                details: json!({}),
                ip: None,
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(debtor.document)
    }
}

/// What lets the debtor page show the whole CPF/CNPJ again after an agent
/// asked for it (the page it redirects to, reloaded): an HMAC keyed by the
/// session's own secret (its CSRF token) over the debtor's id, so it works
/// only in that session and for that debtor, and a link passed on to
/// anyone else shows nothing.
pub fn document_pass(session_secret: &str, debtor_id: i64) -> String {
    crate::auth::keyed_hex(
        session_secret.as_bytes(),
        b"debtor-document:",
        debtor_id.to_string().as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::document_pass;

    #[test]
    fn a_pass_is_the_sessions_and_the_debtors() {
        let pass = document_pass("secret-a", 7);
        assert_eq!(pass, document_pass("secret-a", 7));
        assert_ne!(pass, document_pass("secret-b", 7));
        assert_ne!(pass, document_pass("secret-a", 8));
    }
}
