//! Closing a receivable by hand: cancelled by the creditor (issued in
//! error, sale undone) or written off as a loss (baixa por perda). Either
//! takes it out of the aging list and the cadence for good; the reason and
//! the moment stay on the receivable, who did it in the audit log.

use quita_core::{receivable::ReceivableStatus, role::Role};
use quita_store::{
    audit,
    portfolio::receivables::{self, ReceivableRow},
};
use serde_json::json;

use super::import_write::restore;
use crate::{App, AppError, AppResult, auth::Principal};

/// The longest reason kept, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// How a receivable is closed by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closing {
    Cancel,
    WriteOff,
}

impl Closing {
    pub const ALL: [Closing; 2] = [Closing::Cancel, Closing::WriteOff];

    /// `cancel` | `write_off` (also `write-off`, and the pt-BR `cancelar` |
    /// `baixar`); `None` otherwise.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "cancel" | "cancelar" => Some(Self::Cancel),
            "write_off" | "write-off" | "baixar" => Some(Self::WriteOff),
            _ => None,
        }
    }

    /// The value forms and the API send.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
            Self::WriteOff => "write_off",
        }
    }

    /// The status it leaves the receivable in.
    pub fn status(self) -> ReceivableStatus {
        match self {
            Self::Cancel => ReceivableStatus::Cancelled,
            Self::WriteOff => ReceivableStatus::WrittenOff,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Cancel => "Cancelar (emitido por engano, venda desfeita)",
            Self::WriteOff => "Baixar como perda",
        }
    }
}

/// A reason as kept: invisible characters dropped, whitespace runs (line
/// breaks and tabs too) as one space, trimmed; not blank, no other control
/// character, at most [`MAX_REASON_CHARS`] characters.
fn reason_of(raw: &str) -> AppResult<String> {
    let visible: String = raw
        .chars()
        .filter(|c| !quita_core::text::is_invisible(*c))
        .collect();
    let reason = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "informe o motivo do encerramento",
        ));
    }
    if reason.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "reason",
            "o motivo tem caracteres de controle; escreva só texto",
        ));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::invalid(
            "reason",
            format!("o motivo passa de {MAX_REASON_CHARS} caracteres"),
        ));
    }
    Ok(reason)
}

impl App {
    /// Cancels or writes off one receivable of the organization (supervisors
    /// and admins), of debtor `of_debtor` when given (a page reached through
    /// another debtor does not find it). Only an open or partially paid
    /// receivable closes; any other, or one closed meanwhile by someone
    /// else, is a conflict.
    pub async fn close_receivable(
        &self,
        who: &Principal,
        receivable_id: i64,
        of_debtor: Option<i64>,
        closing: Closing,
        reason: &str,
    ) -> AppResult<ReceivableRow> {
        who.require(Role::Supervisor)?;
        let reason = reason_of(reason)?;
        let stored = receivables::get(&self.db, who.org_id, receivable_id).await?;
        if of_debtor.is_some_and(|d| d != stored.debtor_id) {
            return Err(AppError::NotFound);
        }
        if is_done(&stored, closing, &reason) {
            // The same form sent twice (a double click, a retry): done once.
            return Ok(stored);
        }
        let mut receivable = restore(&stored)?;
        let done = match closing {
            Closing::Cancel => receivable.cancel(),
            Closing::WriteOff => receivable.write_off(),
        };
        if done.is_err() {
            return Err(already_closed(stored.status));
        }
        let to = receivable.status();
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        if !receivables::close(&mut tx, who.org_id, receivable_id, to, &reason, now).await? {
            drop(tx);
            let now_stored = receivables::get(&self.db, who.org_id, receivable_id).await?;
            if is_done(&now_stored, closing, &reason) {
                // The same close, sent twice at once: the other one did it.
                return Ok(now_stored);
            }
            return Err(already_closed(now_stored.status));
        }
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "receivable_closed",
                target: Some(&format!("receivable:{receivable_id}")),
                details: json!({
                    "closing": closing,
                    "from": stored.status,
                    "to": to,
                    "open_balance": stored.open_balance,
                    "reason": reason,
                }),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(receivables::get(&self.db, who.org_id, receivable_id).await?)
    }
}

/// Whether `r` is already closed the way asked, with the same reason.
fn is_done(r: &ReceivableRow, closing: Closing, reason: &str) -> bool {
    r.status == closing.status() && r.closed_reason.as_deref() == Some(reason)
}

fn already_closed(status: ReceivableStatus) -> AppError {
    AppError::Conflict(format!(
        "o título já está {}: só um título em aberto pode ser cancelado ou baixado",
        status.pt_br()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closings_parse_in_both_languages() {
        for (raw, c) in [
            ("cancel", Closing::Cancel),
            (" Cancelar ", Closing::Cancel),
            ("write_off", Closing::WriteOff),
            ("write-off", Closing::WriteOff),
            ("BAIXAR", Closing::WriteOff),
        ] {
            assert_eq!(Closing::parse(raw), Some(c), "{raw}");
        }
        assert_eq!(Closing::parse("pay"), None);
        assert_eq!(Closing::parse(""), None);
        for c in Closing::ALL {
            assert_eq!(Closing::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn reasons_are_tidied_and_bounded() {
        assert_eq!(
            reason_of("  prescrito \n há 6 anos ").unwrap(),
            "prescrito há 6 anos"
        );
        assert!(reason_of(" \t ").is_err());
        assert!(reason_of(&"á".repeat(MAX_REASON_CHARS)).is_ok());
        assert!(reason_of(&"á".repeat(MAX_REASON_CHARS + 1)).is_err());
        assert!(reason_of("\u{200B}").is_err(), "only a zero-width space");
        assert_eq!(
            reason_of("venda\u{200B} desfeita\u{202E}").unwrap(),
            "venda desfeita"
        );
        for bad in ["a\u{0}b", "x\u{1b}[31mred", "sino\u{7}"] {
            assert!(reason_of(bad).is_err(), "{bad:?}");
        }
    }
}
