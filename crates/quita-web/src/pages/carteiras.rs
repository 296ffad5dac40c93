//! Carteiras: creditors with their charge policy, and the upload of
//! receivables (its progress, summary and report are in [`super::importacoes`]).

use std::collections::HashSet;

use crate::pages::PageQuery;
use askama::Template;
use axum::{
    Form,
    extract::{Multipart, Path, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use quita_app::{AppError, portfolio::import::Reversals};
use quita_core::{
    charge_policy::{ChargePolicy, CorrectionIndex, RateKind},
    rate::Percent,
    role::Role,
};
use quita_store::portfolio::creditors::Creditor;
use serde::Deserialize;

use super::{
    FormErrors, Layout, grace_days_field,
    importacoes::{self, ImportView},
    indices::{self, IndexChoices},
    page, parse_id, percent_field, render,
};
use crate::{
    AppState,
    auth::UserSession,
    error::PageError,
    format,
    imports::{self, ImportRequest, Spool},
};

/// A creditor as the pages show it.
pub struct CreditorView {
    pub id: i64,
    pub name: String,
    pub document: String,
    pub late_fine: String,
    pub interest: String,
    pub correction: String,
    /// `Sem tabela IPCA` when the policy corrects by an index without a
    /// table (set by [`CreditorView::with_tables`]).
    pub correction_warning: Option<String>,
    pub fee: String,
    /// "5 dias".
    pub grace_days: String,
    pub consumer: bool,
    /// Collectable receivables and their open balance (the list only).
    pub open_count: String,
    pub open_balance: String,
}

impl CreditorView {
    pub fn of(c: &Creditor) -> Self {
        let p = &c.policy;
        Self {
            id: c.id,
            name: c.name.clone(),
            document: quita_br::document::Document::parse(&c.document)
                .map(|d| d.formatted())
                .unwrap_or_else(|_| c.document.clone()),
            // What is charged, not only what was typed: CDC art. 52, § 1º
            // caps a consumer's fine at 2%. A new policy above the cap is
            // refused; one saved before that is still shown and charged so.
            late_fine: if p.consumer_relation && p.late_fine > p.consumer_fine_cap {
                format!(
                    "{}% (limitada a {}%, CDC art. 52, § 1º)",
                    format::decimal(p.late_fine),
                    format::decimal(p.consumer_fine_cap)
                )
            } else {
                format!("{}%", format::decimal(p.late_fine))
            },
            interest: format::decimal(p.default_interest_monthly),
            correction: correction_label(&p.correction),
            correction_warning: None,
            fee: format::decimal(p.collection_fee),
            grace_days: format::plural(i64::from(p.grace_days), "dia", "dias"),
            consumer: p.consumer_relation,
            open_count: "—".into(),
            open_balance: "—".into(),
        }
    }

    /// Marks a policy that corrects by an index with no table in `tables`.
    fn with_tables(mut self, c: &Creditor, tables: &HashSet<String>) -> Self {
        self.correction_warning = indices::missing_for(tables, &c.policy.correction);
        self
    }

    /// With what the creditor holds: collectable receivables and their
    /// open balance, or none.
    fn holding(mut self, held: Option<&(i64, quita_core::money::Money)>) -> Self {
        let (count, open) = held.copied().unwrap_or((0, quita_core::money::Money::ZERO));
        self.open_count = format::count(count);
        self.open_balance = format::money(open);
        self
    }
}

fn correction_label(c: &CorrectionIndex) -> String {
    match c {
        CorrectionIndex::None => "Nenhum".into(),
        CorrectionIndex::Ipca => "IPCA".into(),
        CorrectionIndex::Table(n) => format!("Tabela {}", format::index_name(n)),
    }
}

#[derive(Template)]
#[template(path = "carteiras.html")]
struct CarteirasPage {
    layout: Option<Layout>,
    csrf: String,
    creditors: Vec<CreditorView>,
    is_admin: bool,
    can_import: bool,
    notice: Option<String>,
    /// Why the form just sent was refused, field by field.
    errors: FormErrors,
    form: PolicyForm,
    /// The form's correction choices.
    indices: IndexChoices,
}

#[derive(Template)]
#[template(path = "carteira.html")]
struct CarteiraPage {
    layout: Option<Layout>,
    csrf: String,
    c: CreditorView,
    is_admin: bool,
    can_import: bool,
    /// Why the form just sent was refused, field by field.
    errors: FormErrors,
    form: PolicyForm,
    /// The form's correction choices.
    indices: IndexChoices,
}

/// The creditor form as typed (kept to re-show it after an error).
#[derive(Deserialize, Default, Clone)]
pub struct PolicyForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub late_fine: String,
    #[serde(default)]
    pub interest: String,
    #[serde(default)]
    pub correction: String,
    #[serde(default)]
    pub fee: String,
    #[serde(default)]
    pub grace_days: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub consumer: Option<String>,
}

impl PolicyForm {
    fn blank() -> Self {
        Self {
            late_fine: "2".into(),
            interest: "1".into(),
            correction: "none".into(),
            fee: "0".into(),
            grace_days: "0".into(),
            consumer: Some("on".into()),
            ..Self::default()
        }
    }

    fn of(c: &Creditor) -> Self {
        let p = &c.policy;
        Self {
            name: c.name.clone(),
            document: c.document.clone(),
            late_fine: format::decimal(p.late_fine),
            interest: format::decimal(p.default_interest_monthly),
            correction: p.correction.to_db(),
            fee: format::decimal(p.collection_fee),
            grace_days: p.grace_days.to_string(),
            consumer: p.consumer_relation.then(|| "on".into()),
        }
    }

    pub fn is_consumer(&self) -> bool {
        self.consumer.is_some()
    }

    /// Every problem of the form in the order of its fields (pt-BR), so one
    /// submission shows them all; `with_document` on creation, where the
    /// CNPJ/CPF is typed. `base` is the policy the form changes (as in
    /// [`PolicyForm::policy`]): the domain's rules on the whole policy (a
    /// consumer's fine within the legal cap) are checked on the result.
    fn problems(&self, with_document: bool, base: &ChargePolicy) -> FormErrors {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push(("name", "Nome: informe o nome da carteira".to_owned()));
        }
        if with_document && let Err(e) = quita_br::document::Document::parse(&self.document) {
            out.push((
                "document",
                format!("CPF/CNPJ: {}", format::document_problem(&e)),
            ));
        }
        let mut rates_ok = true;
        for (field, label, raw, kind) in [
            ("late_fine", "Multa", &self.late_fine, RateKind::LateFine),
            (
                "interest",
                "Juros de mora",
                &self.interest,
                RateKind::DefaultInterest,
            ),
            ("fee", "Honorários", &self.fee, RateKind::CollectionFee),
        ] {
            // Each rate within the domain's limit too, so a fine of 150 %
            // is named in the same round as a bad grace period.
            match policy_percent(field, label, raw) {
                Ok(p) => {
                    if let Err(e) = kind.check(p) {
                        rates_ok = false;
                        out.push((field, e.to_string()));
                    }
                }
                Err(AppError::Invalid { message, .. }) => out.push((field, message)),
                Err(_) => {}
            }
        }
        if CorrectionIndex::from_db(&self.correction).is_err() {
            out.push(("correction", UNKNOWN_INDEX.to_owned()));
        }
        if let Err(AppError::Invalid { message, .. }) = grace_days_field(&self.grace_days) {
            out.push(("grace_days", message));
        }
        if rates_ok
            && let Ok(policy) = self.policy(base)
            && let Err(e) = policy.validate()
        {
            // The whole policy's rules are about the fine (a consumer's
            // cap, the Código Civil's 100 %).
            out.push(("late_fine", e.to_string()));
        }
        FormErrors(out)
    }

    /// The policy, on top of `base` (fields the form does not show are kept).
    fn policy(&self, base: &ChargePolicy) -> Result<ChargePolicy, AppError> {
        let pct = policy_percent;
        let correction = CorrectionIndex::from_db(&self.correction)
            .map_err(|_| AppError::invalid("correction", UNKNOWN_INDEX))?;
        let grace_days = grace_days_field(&self.grace_days)?.unwrap_or(0);
        Ok(ChargePolicy {
            late_fine: pct("late_fine", "Multa", &self.late_fine)?,
            default_interest_monthly: pct("interest", "Juros de mora", &self.interest)?,
            correction,
            collection_fee: pct("fee", "Honorários", &self.fee)?,
            grace_days,
            consumer_relation: self.is_consumer(),
            ..base.clone()
        })
    }
}

/// A rate of the policy form. The fine and the interest must be typed ("0"
/// when there is none): a field left blank, or a space that passed the
/// browser's `required`, must not take the rate off a whole portfolio.
/// A blank fee is none: most portfolios charge none.
fn policy_percent(field: &'static str, label: &str, raw: &str) -> Result<Percent, AppError> {
    match percent_field(field, label, raw)? {
        Some(p) => Ok(p),
        None if field == "fee" => Ok(Percent::ZERO),
        None => Err(AppError::invalid(
            field,
            format!("{label}: informe um percentual (0 se não houver), por exemplo 2 ou 2,5"),
        )),
    }
}

/// The form's message for a correction it does not know.
const UNKNOWN_INDEX: &str = "Índice de correção: desconhecido";

fn form_message(e: AppError) -> Result<String, PageError> {
    match e {
        AppError::Invalid { field, message } => Ok(match field {
            "document" => format!("CPF/CNPJ: {message}"),
            "name" => format!("Nome: {message}"),
            _ => message,
        }),
        AppError::Conflict(_) => Ok("Já existe uma carteira com esse CPF/CNPJ.".into()),
        other => Err(PageError(other)),
    }
}

/// A refusal of the creditor form, on the field it names.
fn form_errors(e: AppError) -> Result<FormErrors, PageError> {
    let field = match &e {
        AppError::Invalid { field, .. } => *field,
        AppError::Conflict(_) => "document",
        _ => "form",
    };
    Ok(FormErrors::one(field, form_message(e)?))
}

#[derive(Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

async fn list_page(
    state: &AppState,
    s: &UserSession,
    notice: Option<String>,
    errors: FormErrors,
    form: PolicyForm,
) -> Result<CarteirasPage, PageError> {
    let p = &s.0.principal;
    p.require(Role::Viewer)?;
    let layout = Layout::new(state, &s.0, "/carteiras").await?;
    let creditors = state.app.creditors(p.org_id).await?;
    let held = state.app.creditor_balances(p.org_id).await?;
    let tables = indices::table_names(state, s).await?;
    Ok(CarteirasPage {
        layout: Some(layout),
        csrf: s.0.csrf_token.clone(),
        creditors: creditors
            .iter()
            .map(|c| {
                CreditorView::of(c)
                    .with_tables(c, &tables)
                    .holding(held.get(&c.id))
            })
            .collect(),
        is_admin: p.role.allows(Role::Admin),
        can_import: p.role.allows(Role::Supervisor),
        notice,
        errors,
        indices: IndexChoices::new(&tables, &form.correction),
        form,
    })
}

pub async fn list(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(q): PageQuery<Notice>,
) -> Result<Response, PageError> {
    let notice = match q.ok.as_deref() {
        Some("criada") => Some("Carteira criada.".to_owned()),
        Some("salva") => Some("Alterações salvas.".to_owned()),
        _ => None,
    };
    Ok(page(
        &list_page(
            &state,
            &s,
            notice,
            FormErrors::default(),
            PolicyForm::blank(),
        )
        .await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    s: UserSession,
    Form(f): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Admin)?;
    let base = ChargePolicy::default();
    let problems = f.problems(true, &base);
    let result = match f.policy(&base) {
        _ if !problems.is_empty() => Err(problems),
        Ok(policy) => match state
            .app
            .add_creditor(p, &f.name, &f.document, &policy)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(form_errors(e)?),
        },
        Err(e) => Err(form_errors(e)?),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/carteiras?ok=criada").into_response()),
        Err(errors) => {
            let t = list_page(&state, &s, None, errors, f).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&t))).into_response())
        }
    }
}

async fn creditor_of(state: &AppState, s: &UserSession, raw: &str) -> Result<Creditor, PageError> {
    let id = parse_id(raw)?;
    Ok(state.app.creditor(s.0.principal.org_id, id).await?)
}

pub async fn show(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Viewer)?;
    let c = creditor_of(&state, &s, &raw).await?;
    let tables = indices::table_names(&state, &s).await?;
    let form = PolicyForm::of(&c);
    Ok(page(&CarteiraPage {
        layout: Some(Layout::new(&state, &s.0, "/carteiras").await?),
        csrf: s.0.csrf_token.clone(),
        indices: IndexChoices::new(&tables, &form.correction),
        form,
        c: CreditorView::of(&c).with_tables(&c, &tables),
        is_admin: p.role.allows(Role::Admin),
        can_import: p.role.allows(Role::Supervisor),
        errors: FormErrors::default(),
    }))
}

pub async fn update(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Form(f): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Admin)?;
    let c = creditor_of(&state, &s, &raw).await?;
    let problems = f.problems(false, &c.policy);
    let result = match f.policy(&c.policy) {
        _ if !problems.is_empty() => Err(problems),
        Ok(policy) => match state.app.update_creditor(p, c.id, &f.name, &policy).await {
            Ok(_) => Ok(()),
            Err(e) => Err(form_errors(e)?),
        },
        Err(e) => Err(form_errors(e)?),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/carteiras?ok=salva").into_response()),
        Err(errors) => {
            let tables = indices::table_names(&state, &s).await?;
            let t = CarteiraPage {
                layout: Some(Layout::new(&state, &s.0, "/carteiras").await?),
                csrf: s.0.csrf_token.clone(),
                c: CreditorView::of(&c).with_tables(&c, &tables),
                is_admin: true,
                can_import: true,
                errors,
                indices: IndexChoices::new(&tables, &f.correction),
                form: f,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&t))).into_response())
        }
    }
}

// --- Import -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "importar.html")]
struct ImportFormPage {
    layout: Option<Layout>,
    csrf: String,
    c: CreditorView,
    error: Option<String>,
    /// The "only the valid rows" box as sent, kept after a refusal.
    partial: bool,
    /// The "accept reversals" box as sent.
    reversals: bool,
    recent: Vec<ImportView>,
}

async fn import_form_page(
    state: &AppState,
    s: &UserSession,
    c: &Creditor,
    error: Option<String>,
    (partial, reversals): (bool, bool),
) -> Result<ImportFormPage, PageError> {
    Ok(ImportFormPage {
        layout: Some(Layout::new(state, &s.0, "/carteiras").await?),
        csrf: s.0.csrf_token.clone(),
        c: CreditorView::of(c),
        error,
        partial,
        reversals,
        recent: importacoes::recent(state, s, importacoes::RunsOf::Creditor(c.id)).await?,
    })
}

pub async fn import_form(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    s.0.principal.require(Role::Supervisor)?;
    let c = creditor_of(&state, &s, &raw).await?;
    Ok(page(
        &import_form_page(&state, &s, &c, None, (false, false)).await?,
    ))
}

/// The upload: the file is spooled to disk, then imported in a spawned task.
pub async fn import_upload(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let p = s.0.principal.clone();
    p.require(Role::Supervisor)?;
    let c = creditor_of(&state, &s, &raw).await?;
    let too_large = || {
        crate::error::payload_too_large(
            &format!("/carteiras/{}/importar", c.id),
            state.settings.body_limit,
        )
    };
    let mut spool: Option<(Spool, String)> = None;
    let (mut partial, mut reversals) = (false, false);
    let mut refused: Option<String> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if crate::error::multipart_over_limit(&e) => return Ok(too_large()),
            Err(e) => {
                refused = Some(format!("Não foi possível ler o envio: {}", e.body_text()));
                break;
            }
        };
        match field.name() {
            Some("partial") => partial = true,
            Some("reversals") => reversals = true,
            Some("file") => {
                let name = field.file_name().unwrap_or("arquivo.csv").to_owned();
                let mut sp = Spool::new()?;
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if let Err(e) = sp.write(&chunk) {
                                refused = Some(form_message(e)?);
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) if crate::error::multipart_over_limit(&e) => {
                            return Ok(too_large());
                        }
                        Err(e) => {
                            refused =
                                Some(format!("Não foi possível ler o arquivo: {}", e.body_text()));
                            break;
                        }
                    }
                }
                spool = Some((sp, name));
            }
            _ => {}
        }
        if refused.is_some() {
            break;
        }
    }
    let refused = refused.or_else(|| match &spool {
        None => Some("Escolha um arquivo CSV ou XLSX.".to_owned()),
        Some((sp, _)) if sp.size == 0 => Some("O arquivo está vazio (0 bytes).".to_owned()),
        _ => None,
    });
    if let Some(msg) = refused {
        let t = import_form_page(&state, &s, &c, Some(msg), (partial, reversals)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&t))).into_response());
    }
    let Some((sp, file_name)) = spool else {
        return Err(PageError(AppError::invalid("file", "sem arquivo")));
    };
    let job = imports::start(
        &state,
        ImportRequest {
            org_id: p.org_id,
            creditor_id: c.id,
            creditor_name: c.name.clone(),
            file_name,
            partial,
            reversals: Reversals::accepted_if(reversals),
            actor: p.actor,
        },
        sp,
    )?;
    Ok(Redirect::to(&format!("/importacoes/{}", job.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rate above its limit is named in the same round as a field that
    /// does not read (it came only after the others were mended).
    #[test]
    fn every_fault_of_the_form_in_one_round() {
        let form = PolicyForm {
            name: "Loja".into(),
            document: "11.222.333/0001-81".into(),
            late_fine: "150".into(),
            fee: "200".into(),
            grace_days: "x".into(),
            consumer: None,
            ..PolicyForm::blank()
        };
        let problems: Vec<String> = form
            .problems(true, &ChargePolicy::default())
            .messages()
            .map(str::to_owned)
            .collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("multa")), "{problems:?}");
        assert!(
            problems.iter().any(|p| p.contains("Honorários")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("arência")),
            "{problems:?}"
        );
    }
}
