//! Recording a debtor's contract with the terms agreed in it (fine,
//! interest, fee, grace), which then override the creditor's policy on the
//! 360° view and in the debt update. Supervisors and admins only.

use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use quita_app::{AppError, portfolio::contracts::SaveContract};
use quita_core::{
    contract::{ContractKind, ContractTerms},
    import_row::parse_date,
    role::Role,
};
use serde::Deserialize;

use super::{grace_days_field, parse_id, percent_field};
use crate::{AppState, auth::UserSession, error::PageError};

/// The "Registrar contrato" form of the debtor page. A term left blank is
/// not agreed in the contract: the creditor's policy applies to it.
#[derive(Debug, Default, Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    pub creditor_id: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub late_fine: String,
    #[serde(default)]
    pub interest: String,
    #[serde(default)]
    pub fee: String,
    /// A checkbox: present when the contract allows a collection fee.
    #[serde(default)]
    pub fee_allowed: Option<String>,
    #[serde(default)]
    pub grace_days: String,
}

impl ContractForm {
    pub(crate) fn to_contract(&self, debtor_id: i64) -> Result<SaveContract, AppError> {
        let creditor_id = parse_id(&self.creditor_id)
            .map_err(|_| AppError::invalid("creditor_id", "escolha o credor do contrato"))?;
        let kind = self
            .kind
            .trim()
            .parse::<ContractKind>()
            .map_err(|_| AppError::invalid("kind", "tipo de contrato desconhecido"))?;
        let starts_on = match self.starts_on.trim() {
            "" => None,
            raw => Some(parse_date(raw).map_err(|_| {
                AppError::invalid("starts_on", "início: informe a data como dd/mm/aaaa")
            })?),
        };
        let grace_days = grace_days_field(&self.grace_days)?;
        let terms = ContractTerms {
            late_fine: percent_field("late_fine", "multa", &self.late_fine)?,
            default_interest_monthly: percent_field("interest", "juros de mora", &self.interest)?,
            collection_fee: percent_field("fee", "honorários", &self.fee)?,
            collection_fee_allowed: self.fee_allowed.is_some(),
            grace_days,
            ..ContractTerms::default()
        };
        Ok(SaveContract {
            creditor_id,
            debtor_id,
            number: self.number.clone(),
            kind,
            product: Some(self.product.clone()),
            starts_on,
            terms: Some(terms),
        })
    }
}

/// `POST /devedores/{id}/contratos`: records the contract (or replaces the
/// terms of the debtor's contract with that creditor and number) and goes
/// back to the debtor's page at the contract.
pub async fn save(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Form(f): Form<ContractForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Supervisor)?;
    let debtor_id = parse_id(&raw)?;
    let contract = f.to_contract(debtor_id)?;
    let row = state.app.save_contract(p, contract).await?;
    Ok(Redirect::to(&format!("/devedores/{debtor_id}#contrato-{}", row.id)).into_response())
}

#[cfg(test)]
mod tests {
    use quita_core::rate::Percent;

    use super::*;

    fn form() -> ContractForm {
        ContractForm {
            creditor_id: "3".into(),
            number: "CT-9".into(),
            kind: "installment_plan".into(),
            starts_on: "01/12/2025".into(),
            interest: "0,5".into(),
            ..ContractForm::default()
        }
    }

    #[test]
    fn blank_terms_are_the_creditors() {
        let c = form().to_contract(7).unwrap();
        let t = c.terms.unwrap();
        assert_eq!(
            t.default_interest_monthly,
            Some(Percent::parse("0,5").unwrap())
        );
        assert_eq!(
            (t.late_fine, t.grace_days, t.collection_fee_allowed),
            (None, None, false)
        );
        assert_eq!(c.starts_on, Some(jiff::civil::date(2025, 12, 1)));
        let plain = ContractForm {
            interest: String::new(),
            ..form()
        };
        // Nothing agreed: App::save_contract stores no terms for it.
        assert_eq!(
            plain.to_contract(7).unwrap().terms,
            Some(ContractTerms::default())
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        for (f, field) in [
            (
                ContractForm {
                    late_fine: "dois".into(),
                    ..form()
                },
                "late_fine",
            ),
            (
                ContractForm {
                    grace_days: "400".into(),
                    ..form()
                },
                "grace_days",
            ),
            (
                ContractForm {
                    starts_on: "31/02/2025".into(),
                    ..form()
                },
                "starts_on",
            ),
            (
                ContractForm {
                    kind: "x".into(),
                    ..form()
                },
                "kind",
            ),
            (
                ContractForm {
                    creditor_id: "".into(),
                    ..form()
                },
                "creditor_id",
            ),
        ] {
            let e = f.to_contract(7).unwrap_err();
            assert!(format!("{e:?}").contains(field), "{e:?}");
        }
    }
}
