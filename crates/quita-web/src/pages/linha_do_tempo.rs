//! The debtor page's "Linha do tempo": each event of the record in one
//! pt-BR sentence, naming the contact, contract or receivable as the page
//! shows it.

use quita_app::portfolio::{
    debtors::Debtor360,
    timeline::{TimelineEvent, TimelineWhat},
};
use quita_core::contact::{Channel, ChannelSet, Validity};
use quita_store::{audit::Actor, portfolio::receivables::ReceivableRow};

use super::{
    devedores::{ContactView, channel_label, status_label},
    marcacoes,
};
use crate::format;

/// How many events the page shows.
pub const PAGE: i64 = 50;

pub struct TimelineItem {
    pub at: String,
    pub who: String,
    pub what: String,
}

/// Who did it, as the access log names them.
pub fn actor_label(actor: Actor, name: Option<&str>) -> String {
    match (actor, name) {
        (Actor::User(_), Some(n)) => n.to_owned(),
        (Actor::User(id), None) => format!("usuário #{id}"),
        (Actor::Token(_), Some(n)) => format!("token de API {n}"),
        (Actor::Token(id), None) => format!("token de API #{id}"),
        (Actor::Cli, _) => "linha de comando".into(),
        (Actor::System, _) => "sistema".into(),
    }
}

fn flags_sentence(flags: &quita_core::debtor::DebtorFlags, tags: &[String]) -> String {
    let on: Vec<&str> = [
        (flags.deceased, "falecido"),
        (flags.do_not_contact, "não contatar"),
        (flags.over_indebtedness, "superendividamento"),
        (flags.dispute, "em disputa"),
    ]
    .into_iter()
    .filter_map(|(set, label)| set.then_some(label))
    .collect();
    let alerts = if on.is_empty() {
        "nenhum".to_owned()
    } else {
        on.join(", ")
    };
    let tags = if tags.is_empty() {
        "nenhum".to_owned()
    } else {
        tags.join(", ")
    };
    format!("Alertas do devedor: {alerts}; marcadores: {tags}.")
}

/// A contact's marks as they were set, all of them: validity, the
/// channels refused and the workplace mark (a change to any one of them
/// reads as the state it left).
fn contact_sentence(
    value: &str,
    status: &str,
    reason: Option<&str>,
    opt_out: &[Channel],
    workplace: bool,
) -> String {
    let situation = match Validity::from_db(status, reason) {
        Ok(Validity::Valid) => "válido".to_owned(),
        Ok(Validity::Invalid(r)) => format!("inválido ({})", marcacoes::reason_label(r)),
        Ok(Validity::Unverified) => "não verificado".to_owned(),
        Err(_) => status.to_owned(),
    };
    // In the order the page's "Opt-out" column lists them.
    let refused: Vec<&str> = opt_out
        .iter()
        .copied()
        .collect::<ChannelSet>()
        .iter()
        .map(channel_label)
        .collect();
    let channels = if refused.is_empty() {
        "aceita todos os canais".to_owned()
    } else {
        format!("não quer receber por {}", refused.join(", "))
    };
    let place = if workplace {
        "contato do trabalho"
    } else {
        "não é contato do trabalho"
    };
    format!("Contato {value}: {situation}; {channels}; {place}.")
}

/// A receivable as sentences name it: `NF-123 parcela 2/10`.
pub(super) fn receivable_title(r: &ReceivableRow) -> String {
    match r.installments {
        Some(n) => format!("{} parcela {}/{n}", r.document_number, r.installment),
        None => format!("{} parcela {}", r.document_number, r.installment),
    }
}

/// The title of one of the 360°'s receivables, or its id when the view no
/// longer holds it.
fn title_of(v: &Debtor360, receivable_id: i64) -> String {
    v.receivables
        .iter()
        .find(|r| r.receivable.id == receivable_id)
        .map_or_else(
            || format!("#{receivable_id}"),
            |r| receivable_title(&r.receivable),
        )
}

fn what(e: &TimelineEvent, v: &Debtor360, contacts: &[ContactView]) -> String {
    match &e.what {
        TimelineWhat::DebtorMarked { flags, tags } => flags_sentence(flags, tags),
        TimelineWhat::DebtorRenamed { from, to } => {
            format!("Nome corrigido: “{from}” → “{to}”.")
        }
        TimelineWhat::ContactMarked {
            contact_id,
            status,
            reason,
            opt_out,
            workplace,
        } => {
            let value = contacts
                .iter()
                .find(|c| c.id == *contact_id)
                .map_or_else(|| format!("#{contact_id}"), |c| c.value.clone());
            contact_sentence(&value, status, reason.as_deref(), opt_out, *workplace)
        }
        TimelineWhat::ContactAdded { contact_id, source } => {
            let value = contacts
                .iter()
                .find(|c| c.id == *contact_id)
                .map_or_else(|| format!("#{contact_id}"), |c| c.value.clone());
            format!("Contato {value} adicionado (fonte: {source}).")
        }
        TimelineWhat::ContractSaved {
            contract_id,
            changed,
        } => {
            let number = v
                .contracts
                .iter()
                .find(|k| k.contract.id == *contract_id)
                .map_or_else(|| format!("#{contract_id}"), |k| k.contract.number.clone());
            if *changed {
                format!("Contrato {number}: condições alteradas.")
            } else {
                format!("Contrato {number} registrado com suas condições.")
            }
        }
        TimelineWhat::ReceivableClosed {
            receivable_id,
            to,
            reason,
        } => {
            let title = title_of(v, *receivable_id);
            let done = status_label(*to).to_lowercase();
            format!("Título {title} {done}: {reason}.")
        }
        TimelineWhat::ReceivableImported {
            receivable_id,
            changes,
            source,
        } => {
            let title = title_of(v, *receivable_id);
            let from = if source.is_empty() {
                String::new()
            } else {
                format!(" ({source})")
            };
            format!("Título {title} atualizado por importação{from}: {changes}.")
        }
        TimelineWhat::Other { action } => format!("{}.", format::audit_action(action)),
    }
}

/// The page's lines, newest first, with times in the organization's zone.
pub fn items(
    events: &[TimelineEvent],
    v: &Debtor360,
    contacts: &[ContactView],
    zone: &str,
) -> Vec<TimelineItem> {
    events
        .iter()
        .map(|e| TimelineItem {
            at: format::date_time(e.at, zone),
            who: actor_label(e.actor, e.actor_name.as_deref()),
            what: what(e, v, contacts),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use quita_core::debtor::DebtorFlags;

    use super::*;

    #[test]
    fn sentences_read_as_portuguese() {
        assert_eq!(
            flags_sentence(
                &DebtorFlags {
                    deceased: true,
                    dispute: true,
                    ..DebtorFlags::default()
                },
                &["vip".into()]
            ),
            "Alertas do devedor: falecido, em disputa; marcadores: vip."
        );
        assert_eq!(
            flags_sentence(&DebtorFlags::default(), &[]),
            "Alertas do devedor: nenhum; marcadores: nenhum."
        );
        assert_eq!(
            contact_sentence(
                "(11) 98765-4321",
                "unverified",
                None,
                &[Channel::Email, Channel::Sms],
                true
            ),
            "Contato (11) 98765-4321: não verificado; não quer receber por SMS, e-mail; contato do trabalho."
        );
        assert_eq!(
            contact_sentence("ana@x.com.br", "valid", None, &[], false),
            "Contato ana@x.com.br: válido; aceita todos os canais; não é contato do trabalho."
        );
        assert_eq!(
            contact_sentence(
                "(11) 98765-4321",
                "invalid",
                Some("wrong_number"),
                &[Channel::Whatsapp, Channel::Voice, Channel::Whatsapp],
                false
            ),
            "Contato (11) 98765-4321: inválido (número errado); não quer receber por ligação, WhatsApp; não é contato do trabalho."
        );
        assert_eq!(actor_label(Actor::Cli, None), "linha de comando");
        assert_eq!(actor_label(Actor::User(3), Some("Ana")), "Ana");
        assert_eq!(actor_label(Actor::Token(4), None), "token de API #4");
    }
}
