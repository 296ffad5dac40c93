//! The debtor page's "Encerrar" form on each open receivable: cancel it
//! (issued in error, sale undone) or write it off as a loss, with a reason.
//! Supervisors and admins only.

use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use quita_app::{AppError, portfolio::closing::Closing};
use quita_core::role::Role;
use serde::Deserialize;

use super::{
    devedores::{RefusedClosing, RefusedForm, or_refused},
    parse_id,
};
use crate::{AppState, auth::UserSession, error::PageError};

/// The "Encerrar" form: `acao` is a [`Closing`] (`cancel` or `write_off`),
/// `motivo` the reason (kept on the receivable; the app checks its length).
#[derive(Debug, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    pub acao: String,
    #[serde(default)]
    pub motivo: String,
}

impl CloseForm {
    fn closing(&self) -> Result<Closing, AppError> {
        Closing::parse(&self.acao).ok_or_else(|| {
            AppError::invalid(
                "acao",
                "escolha como encerrar o título: cancelar ou baixar como perda",
            )
        })
    }
}

/// The options of the form's "Ação" select: value and label.
pub fn closing_options() -> Vec<(&'static str, &'static str)> {
    Closing::ALL
        .iter()
        .map(|c| (c.as_str(), c.label()))
        .collect()
}

/// `POST /devedores/{id}/titulos/{rid}/encerrar`: closes receivable `rid`
/// of debtor `id` and goes back to it on the debtor's page, which says it
/// was closed (`?encerrado=`). A receivable
/// of another debtor (or organization) is not found.
pub async fn close(
    State(state): State<AppState>,
    s: UserSession,
    Path((raw, raw_receivable)): Path<(String, String)>,
    Form(f): Form<CloseForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Supervisor)?;
    let (id, rid) = (parse_id(&raw)?, parse_id(&raw_receivable)?);
    let closed = async {
        let closing = f.closing()?;
        state
            .app
            .close_receivable(p, rid, Some(id), closing, &f.motivo)
            .await
    }
    .await;
    // A bad action or reason: the debtor page again, this receivable's
    // form open and filled in, saying why.
    let refused = |why| {
        RefusedForm::Closing(RefusedClosing {
            receivable_id: rid,
            action: f.acao,
            reason: f.motivo,
            why,
        })
    };
    if let Err(page) = or_refused(&state, &s, id, closed, refused).await? {
        return Ok(page);
    }
    // Back to the receivable, with a notice saying it was closed.
    Ok(Redirect::to(&format!("/devedores/{id}?encerrado={rid}#titulo-{rid}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_select_offers_what_the_form_reads() {
        let options = closing_options();
        assert_eq!(options.len(), 2);
        for (value, _) in options {
            let f = CloseForm {
                acao: value.into(),
                motivo: "venda desfeita".into(),
            };
            assert_eq!(f.closing().unwrap().as_str(), value);
        }
        for bad in ["", "pagar", "cancel;"] {
            let f = CloseForm {
                acao: bad.into(),
                ..CloseForm::default()
            };
            assert!(
                matches!(f.closing(), Err(AppError::Invalid { field: "acao", .. })),
                "{bad}"
            );
        }
    }
}
