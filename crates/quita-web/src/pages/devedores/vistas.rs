//! What the debtor 360° page shows of each part of the record (contacts,
//! receivables with their debt update, contracts with their terms, who
//! opened it), as text ready for the template; other pages reuse them.

use quita_app::portfolio::{
    contracts::EffectiveTerms, debtors::ReceivableView as AppReceivableView,
};
use quita_core::{
    charge_policy::{CorrectionIndex, InterestMode},
    contact::{Cep, Channel, ChannelSet, ContactKind, Phone, Validity},
    contract::ContractKind,
    debt_update::{DebtLineKind, DebtUpdateWarning},
    rate::Percent,
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
    // What this contact can carry: a landline takes no SMS, and WhatsApp
    // only when the number has it (a mobile may); a channel already opted
    // out of is always shown, so it can be cleared.
    let reachable = |ch: Channel| match (kind_of, ch) {
        (ContactKind::Phone, Channel::Sms | Channel::Whatsapp) => {
            let mobile = Phone::parse(&c.value).is_ok_and(|p| p.is_mobile());
            mobile || (ch == Channel::Whatsapp && c.whatsapp)
        }
        _ => kind_of.channels().contains(ch),
    };
    let optouts = Channel::ALL
        .into_iter()
        .filter(|ch| reachable(*ch) || opt.contains(*ch))
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
    /// A refused submission: the action and reason sent, and why (the
    /// form then shows open, filled in).
    pub refused: Option<RefusedClosing>,
}

/// The "Encerrar" form of one receivable as sent, and why it was refused.
#[derive(Debug, Clone, Default)]
pub struct RefusedClosing {
    pub receivable_id: i64,
    pub action: String,
    pub reason: String,
    pub why: String,
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
    /// What the memories of its receivables must also say, each once.
    pub notices: Vec<NoticeView>,
}

/// The kind as the page names it (the form's options say the same).
pub fn contract_kind_label(kind: ContractKind) -> &'static str {
    match kind {
        ContractKind::OneOff => "Avulso",
        ContractKind::InstallmentPlan => "Crediário",
        ContractKind::Recurring => "Recorrente",
    }
}

/// Something the calculation memories of a group of receivables (one
/// contract's, or those under none) must also say (an index table out of
/// date, deflation floored at zero, a fee charged to a consumer), in pt-BR:
/// shown once above the group's receivables, outside the memories' folds,
/// so nobody reads the amounts without it.
pub struct NoticeView {
    /// An alert ("Atenção"); else information ("Informação").
    pub alert: bool,
    /// The sentence, without its final period.
    pub text: String,
    /// The receivables it concerns (`titulo-{id}`, label), when it does not
    /// concern every receivable of the group with a memory alike; empty
    /// otherwise.
    pub receivables: Vec<(i64, String)>,
}

/// One receivable a notice concerns.
struct Concerned {
    id: i64,
    title: String,
    /// How the notice concerns it, when that differs between receivables
    /// (the months an index table does not cover).
    detail: Option<String>,
}

/// `01/2026 a 03/2026`, or `03/2026` alone.
fn months_text(w: &DebtUpdateWarning) -> Option<String> {
    match w {
        DebtUpdateWarning::IndexNotCovering { first, last, .. } if first == last => {
            Some(format::year_month(*first))
        }
        DebtUpdateWarning::IndexNotCovering { first, last, .. } => Some(format!(
            "{} a {}",
            format::year_month(*first),
            format::year_month(*last)
        )),
        DebtUpdateWarning::DeflationFloored
        | DebtUpdateWarning::ConsumerCollectionFee
        | DebtUpdateWarning::PaymentsExceedDebt { .. } => None,
    }
}

/// Merges `w` into the notice `into` when they say the same thing: the
/// same index table ending in the same month (however many months each
/// receivable misses: the notice then names them all) or the same warning.
fn merge(into: &mut DebtUpdateWarning, w: &DebtUpdateWarning) -> bool {
    match (&mut *into, w) {
        (
            DebtUpdateWarning::IndexNotCovering {
                index,
                table_last,
                first,
                last,
            },
            DebtUpdateWarning::IndexNotCovering {
                index: other_index,
                table_last: other_last,
                first: other_first,
                last: other_end,
            },
        ) if index == other_index && table_last == other_last => {
            *first = (*first).min(*other_first);
            *last = (*last).max(*other_end);
            true
        }
        (a, b) => *a == *b,
    }
}

/// The notices of a group of receivables' memories, each said once
/// however many receivables it concerns (the domain gives them per
/// receivable). `fee_clause`: the contract's fee rate when the contract
/// has the fee clause; the consumer-fee warning then is information (the
/// fee is charged because the contract provides for it), not an alert.
pub fn calculation_notices(
    receivables: &[&AppReceivableView],
    fee_clause: Option<Percent>,
) -> Vec<NoticeView> {
    let with_memory = receivables.iter().filter(|r| r.update.is_some()).count();
    let mut groups: Vec<(DebtUpdateWarning, Vec<Concerned>)> = Vec::new();
    for r in receivables {
        let Some(u) = &r.update else { continue };
        for w in u.warnings() {
            let concerned = Concerned {
                id: r.receivable.id,
                title: linha_do_tempo::receivable_title(&r.receivable),
                detail: months_text(w),
            };
            match groups.iter_mut().position(|(g, _)| merge(g, w)) {
                Some(i) => {
                    let list = &mut groups[i].1;
                    if list.iter().all(|c| c.id != concerned.id) {
                        list.push(concerned);
                    }
                }
                None => groups.push((w.clone(), vec![concerned])),
            }
        }
    }
    groups
        .into_iter()
        .map(|(w, list)| {
            let (alert, text) = match (&w, fee_clause) {
                (DebtUpdateWarning::ConsumerCollectionFee, Some(rate)) => (
                    false,
                    format!(
                        "Honorários de cobrança de {} cobrados porque o contrato os prevê (relação de consumo, CDC art. 51, XII)",
                        pct(rate)
                    ),
                ),
                _ => (true, w.to_string()),
            };
            let alike = list.windows(2).all(|p| p[0].detail == p[1].detail);
            let receivables = if alike && list.len() == with_memory {
                Vec::new()
            } else {
                list.into_iter()
                    .map(|c| {
                        let label = match (alike, c.detail) {
                            (false, Some(d)) => format!("{} ({d})", c.title),
                            _ => c.title,
                        };
                        (c.id, label)
                    })
                    .collect()
            };
            NoticeView {
                alert,
                text,
                receivables,
            }
        })
        .collect()
}

fn pct(p: Percent) -> String {
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
        view(
            "Relação de consumo",
            if t.consumer_relation.value {
                "sim (multa limitada, CDC art. 52, § 1º)".into()
            } else {
                "não".into()
            },
            t.consumer_relation.origin,
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

#[cfg(test)]
mod tests {
    use quita_core::index_table::YearMonth;

    use super::*;

    #[test]
    fn a_contact_offers_the_opt_outs_it_can_carry() {
        let phone = |value: &str, whatsapp: bool, opt_out: i64| ContactRow {
            id: 1,
            debtor_id: 1,
            kind: "phone".into(),
            value: value.into(),
            whatsapp,
            workplace: false,
            uf: None,
            city: None,
            cep: None,
            source: "teste".into(),
            source_date: jiff::Timestamp::UNIX_EPOCH,
            status: "unverified".into(),
            invalid_reason: None,
            opt_out,
        };
        let offered = |c: &ContactRow| -> Vec<&'static str> {
            contact_view(c, "America/Sao_Paulo")
                .optouts
                .iter()
                .map(|(_, label, _)| *label)
                .collect()
        };
        // A landline: calls only.
        assert_eq!(offered(&phone("+551133334444", false, 0)), ["ligação"]);
        // A mobile: calls, SMS and WhatsApp.
        assert_eq!(
            offered(&phone("+5511987654321", false, 0)),
            ["ligação", "SMS", "WhatsApp"]
        );
        // A landline marked WhatsApp (a business number) offers it too.
        assert_eq!(
            offered(&phone("+551133334444", true, 0)),
            ["ligação", "WhatsApp"]
        );
        // A channel already opted out of stays, so it can be cleared.
        let sms = i64::from(ChannelSet::from_iter([Channel::Sms]).bits());
        assert_eq!(
            offered(&phone("+551133334444", false, sms)),
            ["ligação", "SMS"]
        );
    }

    fn ym(year: i16, month: i8) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    fn not_covering(table_last: YearMonth, first: YearMonth, last: YearMonth) -> DebtUpdateWarning {
        DebtUpdateWarning::IndexNotCovering {
            index: "IPCA".into(),
            table_last,
            first,
            last,
        }
    }

    /// One notice per index table ending in the same month, naming every
    /// month some receivable misses; each receivable keeps its own months.
    #[test]
    fn the_same_table_gap_is_one_notice() {
        let mut notice = not_covering(ym(2025, 10), ym(2025, 12), ym(2026, 3));
        let earlier = not_covering(ym(2025, 10), ym(2025, 11), ym(2026, 3));
        assert!(merge(&mut notice, &earlier));
        assert_eq!(
            notice.to_string(),
            "A tabela IPCA termina em 10/2025 e não cobre 11/2025 a 03/2026: esses meses ficaram sem correção"
        );
        assert_eq!(months_text(&earlier).as_deref(), Some("11/2025 a 03/2026"));
        let one = not_covering(ym(2025, 10), ym(2026, 3), ym(2026, 3));
        assert_eq!(months_text(&one).as_deref(), Some("03/2026"));
        // Another table's end, or another warning, is another notice.
        assert!(!merge(
            &mut notice,
            &not_covering(ym(2025, 9), ym(2025, 10), ym(2026, 3))
        ));
        assert!(!merge(&mut notice, &DebtUpdateWarning::DeflationFloored));
        let mut fee = DebtUpdateWarning::ConsumerCollectionFee;
        assert!(merge(&mut fee, &DebtUpdateWarning::ConsumerCollectionFee));
    }

    #[test]
    fn kinds_are_named_in_portuguese() {
        assert_eq!(contract_kind_label(ContractKind::Recurring), "Recorrente");
        assert_eq!(contract_kind_label(ContractKind::OneOff), "Avulso");
        assert_eq!(
            contract_kind_label(ContractKind::InstallmentPlan),
            "Crediário"
        );
    }
}
