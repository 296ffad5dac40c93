//! Devedores: the list, the live search and the debtor 360° page.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use quita_app::{
    AppError,
    portfolio::{
        calendar,
        contracts::EffectiveTerms,
        debtors::{ContractView as AppContractView, Debtor360, DebtorBalance},
    },
};
use quita_core::{
    charge_policy::{CorrectionIndex, InterestMode},
    contact::{Cep, Channel, ChannelSet, ContactKind, Phone, Validity},
    debt_update::{DebtLineKind, days_late},
    receivable::ReceivableStatus,
    role::Role,
};
use quita_store::portfolio::{
    access::{AccessChannel, AccessRow},
    contacts::ContactRow,
    debtors::DebtorRow,
};
use serde::Deserialize;

use super::{Layout, linha_do_tempo, marcacoes, page, parse_id};
use crate::{AppState, auth::UserSession, error::PageError, format};

/// `***.982.247-**` (or the digits if they are not a valid document).
pub fn masked(digits: &str) -> String {
    quita_br::document::Document::parse(digits)
        .map(|d| d.masked())
        .unwrap_or_else(|_| "***".into())
}

/// `529.982.247-25`.
pub fn formatted(digits: &str) -> String {
    quita_br::document::Document::parse(digits)
        .map(|d| d.formatted())
        .unwrap_or_else(|_| digits.to_owned())
}

pub struct DebtorLine {
    pub id: i64,
    pub name: String,
    pub document: String,
    pub kind: &'static str,
    pub flags: Vec<&'static str>,
    pub tags: Vec<String>,
    /// Open receivables, or "—".
    pub open_count: String,
    /// Open balance in R$, or "—".
    pub open_balance: String,
    /// "135 dias", "em dia", or "—" when nothing is open.
    pub late: String,
    /// `bad` when past due.
    pub late_class: &'static str,
}

/// The labels of the flags the debtor has set, in the alerts' order.
pub fn flags_of(d: &DebtorRow) -> Vec<&'static str> {
    flag_boxes(d)
        .into_iter()
        .filter(|(_, _, on)| *on)
        .map(|(_, label, _)| label)
        .collect()
}

/// Each collection flag of the debtor: the alerts form's field, its label
/// and whether it is set.
fn flag_boxes(d: &DebtorRow) -> Vec<(&'static str, &'static str, bool)> {
    vec![
        ("deceased", "Falecido", d.deceased),
        ("do_not_contact", "Não contatar", d.do_not_contact),
        (
            "over_indebtedness",
            "Superendividamento",
            d.over_indebtedness,
        ),
        ("dispute", "Em disputa", d.dispute),
    ]
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "pj" | "cnpj" | "PJ" => "PJ",
        _ => "PF",
    }
}

impl DebtorLine {
    fn of(d: &DebtorRow, balance: Option<&DebtorBalance>) -> Self {
        let (open_count, open_balance, late, late_class) = match balance {
            None => ("—".into(), "—".into(), "—".into(), ""),
            Some(b) if b.days_past_due > 0 => (
                format::count(b.open_receivables),
                format::money(b.open_balance),
                match b.days_past_due {
                    1 => "1 dia".into(),
                    n => format!("{} dias", format::count(n)),
                },
                "bad",
            ),
            Some(b) => (
                format::count(b.open_receivables),
                format::money(b.open_balance),
                "em dia".into(),
                "",
            ),
        };
        Self {
            id: d.id,
            name: d.name.clone(),
            document: masked(&d.document),
            kind: kind_label(&d.kind),
            flags: flags_of(d),
            tags: d.tags.clone(),
            open_count,
            open_balance,
            late,
            late_class,
        }
    }
}

/// The lines of the list for `rows`, with what each debtor owes today in
/// the organization's time zone (one query for the page).
async fn lines(
    state: &AppState,
    s: &UserSession,
    rows: &[DebtorRow],
) -> Result<Vec<DebtorLine>, PageError> {
    let balances = state
        .app
        .debtor_balances_today(&s.0.principal, rows)
        .await?;
    Ok(rows
        .iter()
        .map(|d| DebtorLine::of(d, balances.get(&d.id)))
        .collect())
}

#[derive(Template)]
#[template(path = "devedores.html")]
struct ListPage {
    layout: Option<Layout>,
    q: String,
    debtors: Vec<DebtorLine>,
    searched: bool,
    paged: bool,
    next: Option<i64>,
    /// The search found more than it shows: how many it shows.
    limited: Option<i64>,
    can_enrich: bool,
}

#[derive(Template)]
#[template(path = "devedores_lista.html")]
struct ListFragment {
    debtors: Vec<DebtorLine>,
    searched: bool,
    paged: bool,
    next: Option<i64>,
    limited: Option<i64>,
}

/// Debtors per page of the list.
const PAGE: i64 = 50;

/// The most debtors a search shows.
const SEARCH_LIMIT: i64 = 100;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// The cursor of the next page (a debtor id, from "Próxima página").
    #[serde(default)]
    after: Option<String>,
}

struct Found {
    debtors: Vec<DebtorLine>,
    next: Option<i64>,
    paged: bool,
    /// `Some(SEARCH_LIMIT)` when the search found more than that.
    limited: Option<i64>,
}

async fn find(state: &AppState, s: &UserSession, q: &SearchQuery) -> Result<Found, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    if q.q.trim().is_empty() {
        // Every debtor, by name, one page at a time (keyset).
        let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(raw) => Some(
                raw.parse::<i64>()
                    .map_err(|_| PageError(AppError::invalid("after", "cursor inválido")))?,
            ),
            None => None,
        };
        let pg = state.app.debtors_page(p, after, PAGE).await?;
        Ok(Found {
            debtors: lines(state, s, &pg.debtors).await?,
            next: pg.next,
            paged: after.is_some(),
            limited: None,
        })
    } else {
        let found = state
            .app
            .debtor_search(p.org_id, &q.q, SEARCH_LIMIT)
            .await?;
        Ok(Found {
            debtors: lines(state, s, &found.debtors).await?,
            next: None,
            paged: false,
            limited: found.truncated.then_some(SEARCH_LIMIT),
        })
    }
}

pub async fn list(
    State(state): State<AppState>,
    s: UserSession,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let found = find(&state, &s, &q).await?;
    Ok(page(&ListPage {
        layout: Some(Layout::new(&state, &s.0, "/devedores").await?),
        searched: !q.q.trim().is_empty(),
        q: q.q,
        debtors: found.debtors,
        paged: found.paged,
        next: found.next,
        limited: found.limited,
        can_enrich: s.0.principal.role.allows(Role::Supervisor),
    }))
}

/// The result rows alone, for the htmx live search and "Próxima página".
pub async fn search(
    State(state): State<AppState>,
    s: UserSession,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let found = find(&state, &s, &q).await?;
    Ok(page(&ListFragment {
        debtors: found.debtors,
        searched: !q.q.trim().is_empty(),
        paged: found.paged,
        next: found.next,
        limited: found.limited,
    }))
}

pub struct ContactView {
    pub id: i64,
    /// The form's current `situacao`: `unverified`, `valid` or `invalid:<reason>`.
    pub situacao: String,
    /// The "Situação" select's options for this kind of contact: value, label.
    pub situations: Vec<(String, String)>,
    /// Each channel's opt-out checkbox: form field, label, ticked.
    pub optouts: Vec<(String, &'static str, bool)>,
    pub workplace: bool,
    pub kind: &'static str,
    pub value: String,
    pub details: Vec<String>,
    pub status: &'static str,
    pub status_class: &'static str,
    pub reason: Option<String>,
    pub source: String,
    pub opt_out: String,
}

/// A channel as the page names it.
pub(super) fn channel_label(ch: Channel) -> &'static str {
    match ch {
        Channel::Voice => "ligação",
        Channel::Sms => "SMS",
        Channel::Whatsapp => "WhatsApp",
        Channel::Email => "e-mail",
        Channel::Letter => "carta",
    }
}

fn contact_view(c: &ContactRow, zone: &str) -> ContactView {
    let (kind, value) = match c.kind.as_str() {
        "phone" => (
            "Telefone",
            Phone::parse(&c.value)
                .map(|p| p.national())
                .unwrap_or_else(|_| c.value.clone()),
        ),
        "email" => ("E-mail", c.value.clone()),
        _ => ("Endereço", c.value.clone()),
    };
    let mut details = Vec::new();
    if c.whatsapp {
        details.push("WhatsApp".to_owned());
    }
    if c.workplace {
        details.push("Trabalho".to_owned());
    }
    // The CEP is stored as digits; people read it as 64029-659.
    let cep = c
        .cep
        .as_deref()
        .map(|raw| Cep::parse(raw).map_or_else(|_| raw.to_owned(), |cep| cep.to_string()));
    let place: Vec<&str> = [c.city.as_deref(), c.uf.as_deref(), cep.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !place.is_empty() {
        details.push(place.join(" · "));
    }
    let (status, status_class) = match c.status.as_str() {
        "valid" => ("Válido", "ok"),
        "invalid" => ("Inválido", "bad"),
        _ => ("Não verificado", "muted"),
    };
    let opt = ChannelSet::from_bits(u8::try_from(c.opt_out & 0xff).unwrap_or(0));
    let opt_out = opt.iter().map(channel_label).collect::<Vec<_>>().join(", ");
    let validity = Validity::from_db(&c.status, c.invalid_reason.as_deref()).ok();
    // The database's CHECK allows only the three kinds; anything else is
    // shown as an address, as above.
    let kind_of = c.kind.parse().unwrap_or(ContactKind::Address);
    let optouts = Channel::ALL
        .into_iter()
        .filter(|ch| kind_of.channels().contains(*ch))
        .map(|ch| {
            (
                format!("optout_{}", ch.as_str()),
                channel_label(ch),
                opt.contains(ch),
            )
        })
        .collect();
    ContactView {
        id: c.id,
        situacao: validity.map_or_else(|| c.status.clone(), marcacoes::situation_value),
        situations: marcacoes::situations(kind_of),
        optouts,
        workplace: c.workplace,
        kind,
        value,
        details,
        status,
        status_class,
        reason: match validity {
            Some(Validity::Invalid(r)) => Some(marcacoes::reason_label(r).to_owned()),
            _ => c.invalid_reason.clone(),
        },
        source: format!("{} em {}", c.source, format::date(c.source_date, zone)),
        opt_out: if opt_out.is_empty() {
            "—".into()
        } else {
            opt_out
        },
    }
}

pub struct LineView {
    pub label: String,
    pub base: String,
    pub rate: String,
    pub days: String,
    pub amount: String,
}

pub struct ReceivableView {
    pub id: i64,
    pub creditor: String,
    pub document_number: String,
    pub installment: String,
    pub issue: String,
    pub due: String,
    pub original: String,
    pub open: String,
    pub updated: String,
    pub days_late: String,
    pub status: &'static str,
    /// Why and when it was closed by hand: `venda desfeita (23/11/2026)`.
    pub closed_note: Option<String>,
    /// The "Encerrar" form, on an open receivable for supervisors and admins.
    pub close: Option<CloseFormView>,
    pub lines: Vec<LineView>,
    /// What the memory must also say (an index table out of date, deflation
    /// floored at zero, a fee charged to a consumer), in pt-BR: shown above
    /// the memory, outside its fold, so nobody reads the amount without it.
    pub warnings: Vec<String>,
    /// Why there is no updated amount (`Sem tabela IPCA para o período`),
    /// shown in its cell and where the memory would be.
    pub problem: Option<String>,
    /// The problem is a missing index table: the page links to Índices.
    pub problem_is_index: bool,
}

/// What the "Encerrar" form of one receivable needs.
pub struct CloseFormView {
    /// `/devedores/{id}/titulos/{rid}/encerrar`.
    pub action: String,
    pub csrf: String,
    /// The "Ação" select: value, label.
    pub options: Vec<(&'static str, &'static str)>,
}

pub fn status_label(s: ReceivableStatus) -> &'static str {
    match s {
        ReceivableStatus::Open => "Em aberto",
        ReceivableStatus::PartiallyPaid => "Pago em parte",
        ReceivableStatus::Paid => "Pago",
        ReceivableStatus::Renegotiated => "Renegociado",
        ReceivableStatus::Cancelled => "Cancelado",
        // "Baixado" alone reads as paid.
        ReceivableStatus::WrittenOff => "Baixado como perda",
    }
}

/// Decimal places a computed rate (the accumulated correction) shows in the
/// memory; the API and CLI JSON keep it exact.
const MEMORY_RATE_PLACES: usize = 4;

/// The calculation memory as the page shows it. The rate column: the
/// accumulated correction rounded to [`MEMORY_RATE_PLACES`] (`1,1098%`),
/// the default interest per month (`1% a.m.`), the fine and the fee as
/// agreed (`2%`, `10%`).
pub fn line_views(u: &quita_core::debt_update::DebtUpdate) -> Vec<LineView> {
    u.lines()
        .iter()
        .map(|l| LineView {
            // The label is the domain's (also in the JSON); the page writes
            // the law as the other pages do.
            label: l.label.replace("CDC art. 52 §1º", "CDC art. 52, § 1º"),
            base: format::money(l.base),
            rate: match (l.kind, l.rate) {
                (_, None) => "—".into(),
                (DebtLineKind::MonetaryCorrection, Some(r)) => {
                    format!("{}%", format::decimal_max(r, MEMORY_RATE_PLACES))
                }
                (DebtLineKind::DefaultInterest, Some(r)) => {
                    format!("{}% a.m.", format::decimal(r))
                }
                (_, Some(r)) => format!("{}%", format::decimal(r)),
            },
            days: if l.days == 0 {
                "—".into()
            } else {
                format::count(l.days)
            },
            amount: format::money(l.amount),
        })
        .collect()
}

/// One effective term: the value as shown and where it comes from.
pub struct TermView {
    pub label: &'static str,
    pub value: String,
    pub origin: &'static str,
    pub from_contract: bool,
}

pub struct ContractView {
    pub id: i64,
    pub number: String,
    pub kind: &'static str,
    pub creditor: String,
    pub product: String,
    pub starts: String,
    pub dues: String,
    pub open: String,
    pub terms: Vec<TermView>,
    pub receivables: Vec<ReceivableView>,
}

pub fn contract_kind_label(kind: &str) -> &'static str {
    match kind {
        "one_off" => "Avulso",
        "installment_plan" => "Crediário",
        "recurring" => "Recorrente",
        _ => "—",
    }
}

fn pct(p: quita_core::rate::Percent) -> String {
    format!("{}%", format::decimal(p.as_decimal()))
}

fn correction_label(c: &CorrectionIndex) -> String {
    match c {
        CorrectionIndex::None => "sem correção".into(),
        CorrectionIndex::Ipca => "IPCA".into(),
        CorrectionIndex::Table(n) => format!("tabela {n}"),
    }
}

pub fn term_views(t: &EffectiveTerms) -> Vec<TermView> {
    let view =
        |label, value: String, origin: quita_app::portfolio::contracts::TermOrigin| TermView {
            label,
            value,
            origin: origin.label_pt(),
            from_contract: origin == quita_app::portfolio::contracts::TermOrigin::Contract,
        };
    vec![
        view(
            "Multa",
            if t.fine_capped {
                format!("{} (limitada, CDC art. 52, § 1º)", pct(t.late_fine.value))
            } else {
                pct(t.late_fine.value)
            },
            t.late_fine.origin,
        ),
        view(
            "Juros de mora",
            format!(
                "{} ao mês{}",
                pct(t.default_interest_monthly.value),
                if t.interest_mode.value == InterestMode::Compound {
                    ", compostos"
                } else {
                    ""
                }
            ),
            t.default_interest_monthly.origin,
        ),
        view(
            "Correção monetária",
            correction_label(&t.correction.value),
            t.correction.origin,
        ),
        view(
            "Honorários",
            if t.collection_fee_allowed {
                pct(t.collection_fee.value)
            } else {
                "não cobrados (sem cláusula no contrato)".into()
            },
            t.collection_fee.origin,
        ),
        view(
            "Carência",
            format::plural(i64::from(t.grace_days.value), "dia", "dias"),
            t.grace_days.origin,
        ),
    ]
}

/// One recorded access to the debtor's record.
pub struct AccessView {
    pub at: String,
    pub who: String,
    pub channel: &'static str,
}

pub fn who_label(a: &AccessRow) -> String {
    linha_do_tempo::actor_label(a.actor, a.actor_name.as_deref())
}

pub struct TotalView {
    pub creditor: String,
    pub count: u64,
    pub open: String,
    pub updated: String,
    /// `1 título sem valor atualizado`, when some have none.
    pub not_updated: Option<String>,
}

#[derive(Template)]
#[template(path = "devedor.html")]
struct DebtorPage {
    layout: Option<Layout>,
    id: i64,
    name: String,
    kind: &'static str,
    document_masked: String,
    document_full: String,
    flags: Vec<&'static str>,
    tags: Vec<String>,
    /// The marking forms' CSRF token.
    csrf: String,
    /// The alerts form's checkboxes: field, label, ticked.
    flag_boxes: Vec<(&'static str, &'static str, bool)>,
    since: String,
    on: String,
    contacts: Vec<ContactView>,
    contracts: Vec<ContractView>,
    without_contract: Vec<ReceivableView>,
    has_receivables: bool,
    totals: Vec<TotalView>,
    /// The sum of `totals` when there is more than one creditor.
    grand_total: Option<TotalView>,
    /// Shown to supervisors and admins only.
    accesses: Option<Vec<AccessView>>,
    timeline: Vec<linha_do_tempo::TimelineItem>,
    /// "Ver eventos mais antigos": the id of the last event shown, when a
    /// full page was shown.
    timeline_older: Option<i64>,
    /// The page shows older events (`?antes=`): a link back to the newest.
    timeline_paged: bool,
    /// `Título NF-1 parcela 1/3 encerrado.`, after the "Encerrar" form.
    closed_notice: Option<String>,
    /// The "Registrar contrato" form, for supervisors and admins.
    contract_form: Option<ContractFormView>,
}

/// What the contract form needs: the CSRF token and the creditors to choose from.
struct ContractFormView {
    csrf: String,
    creditors: Vec<(i64, String)>,
}

/// How a receivable is shown; `ctx` says who looks and where.
fn receivable_view(
    r: &quita_app::portfolio::debtors::ReceivableView,
    ctx: &Viewer,
) -> ReceivableView {
    let rr = &r.receivable;
    ReceivableView {
        closed_note: rr.closed_reason.as_ref().map(|why| match rr.closed_at {
            Some(at) => format!("{why} ({})", format::date(at, &ctx.zone)),
            None => why.clone(),
        }),
        close: match &ctx.close_csrf {
            Some(csrf) if rr.status.is_collectable() => Some(CloseFormView {
                action: format!("/devedores/{}/titulos/{}/encerrar", rr.debtor_id, rr.id),
                csrf: csrf.clone(),
                options: super::titulos::closing_options(),
            }),
            _ => None,
        },
        id: rr.id,
        creditor: r.creditor_name.clone(),
        document_number: rr.document_number.clone(),
        installment: match rr.installments {
            Some(n) => format!("{}/{}", rr.installment, n),
            None => rr.installment.to_string(),
        },
        issue: rr
            .issue_date
            .map(format::civil)
            .unwrap_or_else(|| "—".into()),
        due: format::civil(rr.due_date),
        original: format::centavos(rr.original_amount),
        // A cancelled or written-off receivable keeps its balance (the API
        // shows it), but nobody owes it any more.
        open: if matches!(
            rr.status,
            ReceivableStatus::Cancelled | ReceivableStatus::WrittenOff
        ) {
            "—".into()
        } else {
            format::centavos(rr.open_balance)
        },
        updated: r
            .update
            .as_ref()
            .map(|u| format::money(u.total()))
            .unwrap_or_else(|| "—".into()),
        problem: r
            .update_problem
            .as_ref()
            .map(super::indices::update_problem_text),
        problem_is_index: r
            .update_problem
            .as_ref()
            .is_some_and(|p| p.index().is_some()),
        // Counted as the debt update counts them (`debt_update::days_late`),
        // so they show even when the update could not be computed (an index
        // month missing).
        days_late: if rr.status.is_collectable() {
            match days_late(rr.due_date, ctx.on, calendar()) {
                0 => "a vencer".into(),
                d => format::count(d),
            }
        } else {
            "—".into()
        },
        status: status_label(rr.status),
        lines: r.update.as_ref().map(line_views).unwrap_or_default(),
        warnings: r
            .update
            .as_ref()
            .map(|u| u.warnings().iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
    }
}

/// Who looks at the debtor page, for what each receivable shows.
struct Viewer {
    /// The page's date (amounts are updated to it, days late counted to it).
    on: jiff::civil::Date,
    /// The organization's time zone (the date a receivable was closed).
    zone: String,
    /// The session's CSRF token when the user may close receivables.
    close_csrf: Option<String>,
}

fn contract_view(k: &AppContractView, v: &Debtor360, ctx: &Viewer) -> ContractView {
    let c = &k.contract;
    ContractView {
        id: c.id,
        number: c.number.clone(),
        kind: contract_kind_label(c.kind.as_str()),
        creditor: k.creditor_name.clone(),
        product: c.product.clone().unwrap_or_else(|| "—".into()),
        starts: c.starts_on.map(format::civil).unwrap_or_else(|| "—".into()),
        dues: match (k.first_due, k.last_due) {
            (Some(a), Some(b)) if a == b => format::civil(a),
            (Some(a), Some(b)) => format!("{} a {}", format::civil(a), format::civil(b)),
            _ => "—".into(),
        },
        open: format::money(k.open_balance),
        terms: term_views(&k.terms),
        receivables: k
            .receivables
            .iter()
            .filter_map(|i| v.receivables.get(*i))
            .map(|r| receivable_view(r, ctx))
            .collect(),
    }
}

/// The 360° page's query: `antes` pages the timeline back (the id of the
/// last event shown), `encerrado` names the receivable the "Encerrar" form
/// just closed.
#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    antes: Option<String>,
    #[serde(default)]
    encerrado: Option<String>,
}

impl ShowQuery {
    /// The timeline cursor: blank is none, anything but a positive integer
    /// is refused.
    fn before(&self) -> Result<Option<i64>, AppError> {
        match self.antes.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => Ok(None),
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(Some)
                .ok_or_else(|| {
                    AppError::invalid(
                        "antes",
                        "linha do tempo: o evento de referência (antes) deve ser um número inteiro positivo",
                    )
                }),
        }
    }

    /// The receivable just closed, if the query names one (a bad value is
    /// simply no notice).
    fn closed(&self) -> Option<i64> {
        self.encerrado.as_deref()?.trim().parse().ok()
    }
}

/// The notice after the "Encerrar" form: only for a closed receivable of
/// the debtor shown.
fn closed_notice(v: &Debtor360, rid: Option<i64>) -> Option<String> {
    let rid = rid?;
    let r = v
        .receivables
        .iter()
        .map(|r| &r.receivable)
        .find(|r| r.id == rid && r.debtor_id == v.debtor.id)?;
    matches!(
        r.status,
        ReceivableStatus::Cancelled | ReceivableStatus::WrittenOff
    )
    .then(|| format!("Título {} encerrado.", linha_do_tempo::receivable_title(r)))
}

/// The 360° page. Opening it is recorded in the access log (LGPD).
pub async fn show(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let id = parse_id(&raw)?;
    let before = q.before()?;
    let org = state.app.organization(p).await?;
    let today = state.app.clock.today_in(&org.time_zone);
    let v: Debtor360 = state
        .app
        .open_debtor_360(p, id, today, AccessChannel::Web)
        .await?;
    let accesses = if p.role.allows(Role::Supervisor) {
        Some(
            state
                .app
                .debtor_accesses(p, id, None, 20)
                .await?
                .iter()
                .map(|a| AccessView {
                    at: format::date_time(a.at, &org.time_zone),
                    who: who_label(a),
                    channel: match a.channel {
                        AccessChannel::Web => "Web",
                        AccessChannel::Api => "API",
                    },
                })
                .collect(),
        )
    } else {
        None
    };
    let contract_form = if p.role.allows(Role::Supervisor) {
        Some(ContractFormView {
            csrf: s.0.csrf_token.clone(),
            creditors: state
                .app
                .creditors(p.org_id)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
        })
    } else {
        None
    };
    let viewer = Viewer {
        on: v.on,
        zone: org.time_zone.clone(),
        close_csrf: p
            .role
            .allows(Role::Supervisor)
            .then(|| s.0.csrf_token.clone()),
    };
    let contacts: Vec<ContactView> = v
        .contacts
        .iter()
        .map(|c| contact_view(c, &org.time_zone))
        .collect();
    let events = state
        .app
        .debtor_timeline(p, &v, before, linha_do_tempo::PAGE)
        .await?;
    // A full page may have older events: link to them after the last one.
    let full_page = i64::try_from(events.len()).is_ok_and(|n| n >= linha_do_tempo::PAGE);
    let timeline_older = events.last().filter(|_| full_page).map(|e| e.id);
    let timeline = linha_do_tempo::items(&events, &v, &contacts, &org.time_zone);
    let closed_notice = closed_notice(&v, q.closed());
    let d = &v.debtor;
    Ok(page(&DebtorPage {
        timeline,
        timeline_older,
        timeline_paged: before.is_some(),
        closed_notice,
        id: d.id,
        contract_form,
        layout: Some(Layout::new(&state, &s.0, "/devedores").await?),
        name: d.name.clone(),
        kind: kind_label(&d.kind),
        document_masked: masked(&d.document),
        document_full: formatted(&d.document),
        flags: flags_of(d),
        csrf: s.0.csrf_token.clone(),
        flag_boxes: flag_boxes(d),
        tags: d.tags.clone(),
        since: format::date(d.created_at, &org.time_zone),
        on: format::civil(v.on),
        contacts,
        contracts: v
            .contracts
            .iter()
            .map(|k| contract_view(k, &v, &viewer))
            .collect(),
        without_contract: v
            .without_contract
            .iter()
            .filter_map(|i| v.receivables.get(*i))
            .map(|r| receivable_view(r, &viewer))
            .collect(),
        has_receivables: !v.receivables.is_empty(),
        grand_total: (v.totals.len() > 1)
            .then(|| v.total())
            .flatten()
            .map(|t| TotalView {
                creditor: "Total".into(),
                count: t.count,
                open: format::money(t.open_balance),
                updated: format::money(t.updated_amount),
                not_updated: None,
            }),
        totals: v
            .totals
            .iter()
            .map(|t| TotalView {
                creditor: t.creditor_name.clone(),
                count: t.count,
                open: format::money(t.open_balance),
                updated: format::money(t.updated_amount),
                not_updated: (t.not_updated > 0).then(|| {
                    format::plural(
                        i64::try_from(t.not_updated).unwrap_or(i64::MAX),
                        "título sem valor atualizado",
                        "títulos sem valor atualizado",
                    )
                }),
            })
            .collect(),
        accesses,
    }))
}
