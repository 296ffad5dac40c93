//! A contact an agent learns during a call (a new phone, an e-mail, an
//! address), added by hand to one debtor with where it came from and when.
//!
//! Exactly once: the key (debtor, kind, value) makes a second add of the
//! same value create nothing, and a contact already known is left exactly
//! as it is (one marked invalid by a bounce stays invalid). Audited without
//! the value (personal data).

use quita_core::{
    contact::{
        AddressError, Cep, ContactKind, ContactSource, ContactValue, Phone, PostalAddress, Uf,
    },
    email::Email,
    import_row::parse_city,
    role::Role,
};
use quita_store::{
    audit,
    portfolio::{
        contacts::{self, ContactRow, NewContact},
        debtors,
    },
};
use serde_json::json;

use crate::{App, AppError, AppResult, auth::Principal};

/// A contact as a person types it; blank optional fields are `None`.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    /// `phone`, `email` or `address`.
    pub kind: String,
    /// The number, the e-mail, or the address line (street, number…).
    pub value: String,
    /// A phone's WhatsApp; `None`: a mobile is taken to have it.
    pub whatsapp: Option<bool>,
    pub workplace: bool,
    pub city: Option<String>,
    pub uf: Option<String>,
    pub cep: Option<String>,
    /// Who said it; `None`: `agent`.
    pub source: Option<String>,
}

/// What adding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Created(ContactRow),
    /// The debtor already had it: nothing changed.
    AlreadyKnown(ContactRow),
}

impl Added {
    pub fn contact(&self) -> &ContactRow {
        match self {
            Added::Created(c) | Added::AlreadyKnown(c) => c,
        }
    }
}

impl App {
    /// Adds a contact to one debtor of the organization (agents and up).
    pub async fn add_contact(
        &self,
        who: &Principal,
        debtor_id: i64,
        input: &ContactInput,
    ) -> AppResult<Added> {
        who.require(Role::Agent)?;
        let now = self.now();
        let mut row = new_contact(input, now)?;
        // Another organization's debtor is simply not found.
        let debtor = debtors::get(&self.db, who.org_id, debtor_id).await?;
        row.debtor_id = debtor.id;
        let (kind, value) = (row.kind, row.value.clone());
        let mut tx = self
            .db
            .begin_write_beside_imports(who.org_id, super::IMPORT_WAIT)
            .await?;
        let created =
            contacts::insert_new(&mut tx, who.org_id, std::slice::from_ref(&row), now).await? == 1;
        let stored = contacts::find(&mut tx, who.org_id, debtor_id, kind, &value).await?;
        if created {
            audit::append(
                &mut tx,
                &audit::NewEntry {
                    org_id: Some(who.org_id),
                    actor: who.actor,
                    action: "contact_added",
                    target: Some(&format!("debtor:{debtor_id}")),
                    details: json!({"kind": kind, "source": row.source, "contact_id": stored.id}),
                    ip: None,
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(if created {
            Added::Created(stored)
        } else {
            Added::AlreadyKnown(stored)
        })
    }
}

/// The source of a contact added by hand without one.
pub const BY_HAND: &str = "agente";

/// A fault of a contact given by hand: its field and why, in pt-BR.
pub type ContactFault = (&'static str, String);

/// Every fault of `input` at once (empty when it makes a contact), so that
/// a form names a bad UF and a bad CEP together; [`App::add_contact`] is
/// refused for the first of them. The order is the checks' order: type,
/// source, fields that belong to an address, WhatsApp, then the value and
/// the address's parts.
pub fn contact_faults(input: &ContactInput) -> Vec<ContactFault> {
    read_contact(input).err().unwrap_or_default()
}

/// The row to insert (debtor still 0), or the first field at fault.
fn new_contact(input: &ContactInput, now: jiff::Timestamp) -> AppResult<NewContact> {
    let (value, whatsapp, source) = read_contact(input).map_err(|faults| {
        let (field, why) = faults
            .into_iter()
            .next()
            .unwrap_or(("value", String::new()));
        AppError::invalid(field, why)
    })?;
    Ok(contact_row(&value, whatsapp, input.workplace, &source, now))
}

/// The contact `input` gives (its value, WhatsApp flag and source), or
/// every fault it has.
fn read_contact(
    input: &ContactInput,
) -> Result<(ContactValue, bool, ContactSource), Vec<ContactFault>> {
    let mut faults: Vec<ContactFault> = Vec::new();
    let mut fault = |field: &'static str, why: &str| faults.push((field, why.to_owned()));
    let kind: Option<ContactKind> = input.kind.trim().parse().ok();
    if kind.is_none() {
        fault("kind", "tipo de contato: telefone, e-mail ou endereço");
    }
    let source = match input.source.as_deref().map(str::trim) {
        None | Some("") => ContactSource::parse(BY_HAND),
        Some(s) => ContactSource::parse(s),
    }
    .map_err(|_| fault("source", "fonte: de 1 a 80 caracteres"))
    .ok();
    let Some(kind) = kind else {
        return Err(faults);
    };
    let blank = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (city, uf, cep) = (blank(&input.city), blank(&input.uf), blank(&input.cep));
    if kind != ContactKind::Address && (city.is_some() || uf.is_some() || cep.is_some()) {
        fault("city", "cidade, UF e CEP são de um endereço");
    }
    if kind != ContactKind::Phone && input.whatsapp == Some(true) {
        fault("whatsapp", "só um telefone tem WhatsApp");
    }
    let raw = input.value.trim();
    let read = match kind {
        ContactKind::Phone => match Phone::parse(raw) {
            Ok(p) => Some((
                ContactValue::Phone(p),
                input.whatsapp.unwrap_or(p.is_mobile()),
            )),
            Err(e) => {
                fault("value", &format!("telefone inválido: {}", e.pt_br()));
                None
            }
        },
        ContactKind::Email => match Email::parse(raw) {
            Ok(e) => Some((ContactValue::Email(e), false)),
            Err(_) => {
                fault("value", "e-mail inválido");
                None
            }
        },
        ContactKind::Address => {
            let uf = uf
                .map(|u| Uf::parse(&u))
                .transpose()
                .map_err(|_| fault("uf", "UF inválida"));
            let cep = cep
                .map(|c| Cep::parse(&c))
                .transpose()
                .map_err(|_| fault("cep", "CEP inválido (8 dígitos)"));
            // The city as the enrichment reads it (no control characters).
            let city = city
                .map(|c| parse_city(&c))
                .transpose()
                .map_err(|_| fault("city", "cidade inválida (até 100 caracteres)"))
                .map(Option::flatten);
            // The line is checked on its own when a part is at fault, so
            // that its own fault is told too.
            let (city, uf, cep) = (
                city.unwrap_or_default(),
                uf.unwrap_or_default(),
                cep.unwrap_or_default(),
            );
            match PostalAddress::new(raw, city.as_deref(), uf, cep) {
                Ok(a) => Some((ContactValue::Address(a), false)),
                Err(e) => {
                    fault(
                        "value",
                        match e {
                            AddressError::Control => {
                                "endereço com caracteres de controle; escreva só texto"
                            }
                            _ => "endereço: informe rua e número, até 200 caracteres",
                        },
                    );
                    None
                }
            }
        }
    };
    match (read, source) {
        (Some((value, whatsapp)), Some(source)) if faults.is_empty() => {
            Ok((value, whatsapp, source))
        }
        _ => Err(faults),
    }
}

/// The row that stores a contact (debtor still 0): a phone in E.164 with
/// its WhatsApp flag, an e-mail, an address with its UF, city and CEP.
/// Shared with the enrichment import, so both store a value alike.
pub(super) fn contact_row(
    value: &ContactValue,
    whatsapp: bool,
    workplace: bool,
    source: &ContactSource,
    now: jiff::Timestamp,
) -> NewContact {
    let base = |kind: &'static str, value: String| NewContact {
        debtor_id: 0,
        kind,
        value,
        whatsapp: false,
        workplace,
        uf: None,
        city: None,
        cep: None,
        source: source.as_str().to_owned(),
        source_date: now,
    };
    match value {
        ContactValue::Phone(p) => NewContact {
            whatsapp,
            ..base("phone", p.e164())
        },
        ContactValue::Email(e) => base("email", e.as_str().to_owned()),
        ContactValue::Address(a) => NewContact {
            uf: a.uf().map(|u| u.as_str().to_owned()),
            city: a.city().map(str::to_owned),
            cep: a.cep().map(|c| c.digits()),
            ..base("address", a.line().to_owned())
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, value: &str) -> ContactInput {
        ContactInput {
            kind: kind.into(),
            value: value.into(),
            ..ContactInput::default()
        }
    }

    /// Every fault at once, the first being the one the use case refuses
    /// for; a good input has none.
    #[test]
    fn every_fault_is_told_the_first_refuses() {
        let bad = ContactInput {
            uf: Some("XX".into()),
            cep: Some("abc".into()),
            ..input("address", "Rua A, 1")
        };
        let faults = contact_faults(&bad);
        assert_eq!(
            faults,
            [
                ("uf", "UF inválida".to_owned()),
                ("cep", "CEP inválido (8 dígitos)".to_owned())
            ]
        );
        assert_eq!(field(new_contact(&bad, jiff::Timestamp::UNIX_EPOCH)), "uf");
        assert!(contact_faults(&input("email", "a@b.com.br")).is_empty());
        assert_eq!(
            contact_faults(&input("fax", "1")).len(),
            1,
            "the type alone"
        );
    }

    fn field(r: AppResult<NewContact>) -> &'static str {
        match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_are_normalised_as_the_import_does() {
        let now = jiff::Timestamp::UNIX_EPOCH;
        let p = new_contact(&input("phone", "(11) 91234-5678"), now).unwrap();
        assert_eq!((p.value.as_str(), p.whatsapp), ("+5511912345678", true));
        assert_eq!(p.source, "agente");
        let fixed = new_contact(&input("phone", "11 3123-4567"), now).unwrap();
        assert!(!fixed.whatsapp);
        let e = new_contact(&input("email", " Maria@Example.COM "), now).unwrap();
        assert_eq!(e.value, "maria@example.com");
        let a = new_contact(
            &ContactInput {
                city: Some("São Paulo".into()),
                uf: Some("sp".into()),
                cep: Some("01310-100".into()),
                source: Some("  o próprio devedor ".into()),
                ..input("address", "Av.  Paulista, 1000")
            },
            now,
        )
        .unwrap();
        assert_eq!(
            (a.value.as_str(), a.uf.as_deref(), a.cep.as_deref()),
            ("Av. Paulista, 1000", Some("SP"), Some("01310100"))
        );
        assert_eq!(a.source, "o próprio devedor");
    }

    #[test]
    fn bad_values_name_their_field() {
        let now = jiff::Timestamp::UNIX_EPOCH;
        assert_eq!(field(new_contact(&input("fax", "1"), now)), "kind");
        assert_eq!(
            field(new_contact(&input("phone", "91234-5678"), now)),
            "value"
        );
        assert_eq!(
            field(new_contact(&input("phone", "(20) 91234-5678"), now)),
            "value"
        );
        assert_eq!(field(new_contact(&input("email", "maria@"), now)), "value");
        assert_eq!(field(new_contact(&input("address", "  "), now)), "value");
        let uf = ContactInput {
            uf: Some("XX".into()),
            ..input("address", "Rua A, 1")
        };
        assert_eq!(field(new_contact(&uf, now)), "uf");
        let city_on_phone = ContactInput {
            city: Some("Recife".into()),
            ..input("phone", "(81) 99876-5432")
        };
        assert_eq!(field(new_contact(&city_on_phone, now)), "city");
        let bell_in_city = ContactInput {
            city: Some("Rec\u{7}ife".into()),
            ..input("address", "Rua A, 1")
        };
        assert_eq!(field(new_contact(&bell_in_city, now)), "city");
        let wa = ContactInput {
            whatsapp: Some(true),
            ..input("email", "a@b.com.br")
        };
        assert_eq!(field(new_contact(&wa, now)), "whatsapp");
        let source = ContactInput {
            source: Some("x".repeat(81)),
            ..input("email", "a@b.com.br")
        };
        assert_eq!(field(new_contact(&source, now)), "source");
    }
}
