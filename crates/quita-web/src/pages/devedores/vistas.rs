//! What the debtor 360° page shows of each part of the record (contacts,
//! receivables with their debt update, contracts with their terms, who
//! opened it), as text ready for the template; other pages reuse them.

use quita_app::portfolio::contracts::EffectiveTerms;
use quita_core::{
    charge_policy::{CorrectionIndex, InterestMode},
    contact::{Cep, Channel, ChannelSet, ContactKind, Phone, Validity},
    debt_update::DebtLineKind,
    receivable::ReceivableStatus,
};
use quita_store::portfolio::{access::AccessRow, contacts::ContactRow};

use crate::format;
use crate::pages::{linha_do_tempo, marcacoes};

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
pub(crate) fn channel_label(ch: Channel) -> &'static str {
    match ch {
        Channel::Voice => "ligação",
        Channel::Sms => "SMS",
        Channel::Whatsapp => "WhatsApp",
        Channel::Email => "e-mail",
        Channel::Letter => "carta",
    }
}

pub(super) fn contact_view(c: &ContactRow, zone: &str) -> ContactView {
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
