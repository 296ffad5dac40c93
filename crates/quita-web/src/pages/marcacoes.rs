//! The debtor page's marking forms: the debtor's alerts and tags, each
//! contact's situation, opt-out channels and workplace mark, and a contact
//! learned during a call. Agents and up.

use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use quita_app::{
    AppError,
    portfolio::{
        contact_add::{Added, ContactInput},
        marks::ContactMarks,
    },
};
use quita_core::{
    contact::{Channel, ChannelSet, ContactKind, InvalidReason, Validity},
    debtor::{DebtorFlags, Tag},
    role::Role,
};
use serde::Deserialize;

use super::{
    devedores::{NewContactView, RefusedForm, or_refused},
    parse_id,
};
use crate::{AppState, auth::UserSession, error::PageError};

/// "Alertas e marcadores": four checkboxes (present when ticked) and the
/// tags separated by commas.
#[derive(Debug, Default, Deserialize)]
pub struct DebtorMarksForm {
    pub deceased: Option<String>,
    pub do_not_contact: Option<String>,
    pub over_indebtedness: Option<String>,
    pub dispute: Option<String>,
    #[serde(default)]
    pub tags: String,
}

impl DebtorMarksForm {
    fn parse(&self) -> Result<(DebtorFlags, Vec<Tag>), AppError> {
        let flags = DebtorFlags {
            deceased: self.deceased.is_some(),
            do_not_contact: self.do_not_contact.is_some(),
            over_indebtedness: self.over_indebtedness.is_some(),
            dispute: self.dispute.is_some(),
        };
        let tags = self
            .tags
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(parse_tag)
            .collect::<Result<_, _>>()?;
        Ok((flags, tags))
    }
}

/// One tag as a person typed it, with the rule in the refusal.
pub(crate) fn parse_tag(raw: &str) -> Result<Tag, AppError> {
    Tag::parse(raw).map_err(|_| {
        AppError::invalid(
            "tags",
            format!(
                "marcador \"{}\": use até 40 letras, números, espaços, '-' ou '_'",
                raw.trim()
            ),
        )
    })
}

/// One contact's row form: `situacao` is `unverified`, `valid` or
/// `invalid:<reason>`; one checkbox per opt-out channel, named
/// `optout_<channel>` as the debtor page renders them; the workplace mark.
#[derive(Debug, Default, Deserialize)]
pub struct ContactMarksForm {
    #[serde(default)]
    pub situacao: String,
    pub optout_voice: Option<String>,
    pub optout_sms: Option<String>,
    pub optout_whatsapp: Option<String>,
    pub optout_email: Option<String>,
    pub optout_letter: Option<String>,
    pub workplace: Option<String>,
}

/// Every situation a person may choose for a contact, in the select's order.
fn choices() -> impl Iterator<Item = Validity> {
    [Validity::Unverified, Validity::Valid]
        .into_iter()
        .chain(InvalidReason::ALL.map(Validity::Invalid))
}

/// The `situacao` value of a validity, as the form sends it back:
/// `unverified`, `valid` or `invalid:<reason>`.
pub(super) fn situation_value(v: Validity) -> String {
    match v {
        Validity::Invalid(r) => format!("invalid:{}", r.as_str()),
        other => other.as_str().to_owned(),
    }
}

/// Why a contact does not work, in Portuguese.
pub(super) fn reason_label(r: InvalidReason) -> &'static str {
    match r {
        InvalidReason::Bounce => "e-mail devolvido",
        InvalidReason::WrongNumber => "número errado",
        InvalidReason::Disconnected => "número inexistente ou desligado",
        InvalidReason::ReturnedMail => "correspondência devolvida",
        InvalidReason::Other => "outro motivo",
    }
}

/// The options of the "Situação" select of a contact of `kind`: value and
/// label, only the reasons that can describe such a contact.
pub(super) fn situations(kind: ContactKind) -> Vec<(String, String)> {
    choices()
        .filter(|v| v.reason().is_none_or(|r| r.fits(kind)))
        .map(|v| {
            let label = match v {
                Validity::Unverified => "Não verificado".to_owned(),
                Validity::Valid => "Válido".to_owned(),
                Validity::Invalid(r) => format!("Inválido: {}", reason_label(r)),
            };
            (situation_value(v), label)
        })
        .collect()
}

impl ContactMarksForm {
    fn parse(&self) -> Result<ContactMarks, AppError> {
        let raw = self.situacao.trim();
        let validity = choices()
            .find(|v| situation_value(*v) == raw)
            .ok_or_else(|| AppError::invalid("situacao", "situação do contato desconhecida"))?;
        let opt_out: ChannelSet = [
            (Channel::Voice, &self.optout_voice),
            (Channel::Sms, &self.optout_sms),
            (Channel::Whatsapp, &self.optout_whatsapp),
            (Channel::Email, &self.optout_email),
            (Channel::Letter, &self.optout_letter),
        ]
        .into_iter()
        .filter(|(_, ticked)| ticked.is_some())
        .map(|(c, _)| c)
        .collect();
        Ok(ContactMarks {
            validity,
            opt_out,
            workplace: self.workplace.is_some(),
        })
    }
}

/// `POST /devedores/{id}/alertas`.
pub async fn debtor(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Form(f): Form<DebtorMarksForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let id = parse_id(&raw)?;
    let (flags, tags) = f.parse()?;
    state.app.mark_debtor(p, id, flags, &tags).await?;
    Ok(Redirect::to(&format!("/devedores/{id}")).into_response())
}

/// "Corrigir nome".
#[derive(Debug, Default, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    pub name: String,
}

/// `POST /devedores/{id}/nome` (supervisor): back to the page under the
/// corrected name, or to the form, filled in, saying why not.
pub async fn rename(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Form(f): Form<NameForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Supervisor)?;
    let id = parse_id(&raw)?;
    let renamed = state.app.rename_debtor(p, id, &f.name).await;
    let refused = |why| RefusedForm::Name(f.name.clone(), why);
    if let Err(page) = or_refused(&state, &s, id, renamed, refused).await? {
        return Ok(page);
    }
    Ok(Redirect::to(&format!("/devedores/{id}")).into_response())
}

/// `POST /devedores/{id}/contatos/{contact}`.
pub async fn contact(
    State(state): State<AppState>,
    s: UserSession,
    Path((raw, raw_contact)): Path<(String, String)>,
    Form(f): Form<ContactMarksForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let (id, contact) = (parse_id(&raw)?, parse_id(&raw_contact)?);
    let marks = f.parse()?;
    state.app.mark_contact(p, id, contact, marks.into()).await?;
    Ok(Redirect::to(&format!("/devedores/{id}#contato-{contact}")).into_response())
}

/// "Adicionar contato": the kind, the value, the address's other fields,
/// WhatsApp (`""` decides by the number: a mobile has it), the workplace
/// mark and who gave it.
#[derive(Debug, Default, Deserialize)]
pub struct NewContactForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub uf: String,
    #[serde(default)]
    pub cep: String,
    #[serde(default)]
    pub whatsapp: String,
    pub workplace: Option<String>,
    #[serde(default)]
    pub source: String,
}

impl NewContactForm {
    /// Every fault of the form at once, each with its field, in the form's
    /// order: the use case's own checks and words
    /// ([`contact_faults`](quita_app::portfolio::contact_add::contact_faults)),
    /// so one submission names a bad UF and a bad CEP together, and the
    /// form's own (a WhatsApp answer that is none of its choices).
    fn faults(&self) -> Vec<(&'static str, String)> {
        const FORM_ORDER: [&str; 7] = ["kind", "value", "city", "uf", "cep", "whatsapp", "source"];
        let (input, whatsapp_unread) = match self.input() {
            Ok(input) => (input, false),
            // Read the rest as if it were left blank.
            Err(_) => (self.input_with(None), true),
        };
        let mut out = quita_app::portfolio::contact_add::contact_faults(&input);
        if whatsapp_unread {
            out.push(("whatsapp", WHATSAPP_CHOICES.into()));
        }
        out.sort_by_key(|(field, _)| FORM_ORDER.iter().position(|f| f == field));
        out
    }

    fn input(&self) -> Result<ContactInput, AppError> {
        let whatsapp = match self.whatsapp.trim() {
            "" => None,
            "sim" => Some(true),
            "nao" => Some(false),
            _ => return Err(AppError::invalid("whatsapp", WHATSAPP_CHOICES)),
        };
        Ok(self.input_with(whatsapp))
    }

    /// The use case's input, with the WhatsApp answer already read.
    fn input_with(&self, whatsapp: Option<bool>) -> ContactInput {
        let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        ContactInput {
            kind: self.kind.clone(),
            value: self.value.clone(),
            whatsapp,
            workplace: self.workplace.is_some(),
            city: given(&self.city),
            uf: given(&self.uf),
            cep: given(&self.cep),
            source: given(&self.source),
        }
    }
}

/// What the form's WhatsApp choice may be.
const WHATSAPP_CHOICES: &str = "WhatsApp: sim, não ou em branco";

/// `POST /devedores/{id}/contatos`: back to the contact added, or to the
/// one the debtor already had, saying so.
pub async fn add_contact(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Form(f): Form<NewContactForm>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let id = parse_id(&raw)?;
    // A refused form comes back on the debtor page, filled in, saying why:
    // every fault at once, each field at fault marked.
    let faults = f.faults();
    let invalid: Vec<&'static str> = faults.iter().map(|(field, _)| *field).collect();
    let added = async {
        if !faults.is_empty() {
            let all: Vec<&str> = faults.iter().map(|(_, m)| m.as_str()).collect();
            return Err(AppError::invalid(invalid[0], all.join("; ")));
        }
        state.app.add_contact(p, id, &f.input()?).await
    }
    .await;
    let refused = |why: String| {
        RefusedForm::Contact(NewContactView {
            kind: f.kind.trim().to_owned(),
            value: f.value.clone(),
            city: f.city.clone(),
            uf: f.uf.clone(),
            cep: f.cep.clone(),
            whatsapp: f.whatsapp.trim().to_owned(),
            workplace: f.workplace.is_some(),
            source: f.source.clone(),
            // One final period (a message may end with its own).
            error: Some(if why.ends_with('.') {
                format!("Contato não adicionado: {why}")
            } else {
                format!("Contato não adicionado: {why}.")
            }),
            invalid,
        })
    };
    let added = match or_refused(&state, &s, id, added, refused).await? {
        Ok(added) => added,
        Err(page) => return Ok(page),
    };
    let notice = match added {
        Added::Created(_) => "novo",
        Added::AlreadyKnown(_) => "existente",
    };
    let contact = added.contact().id;
    Ok(Redirect::to(&format!(
        "/devedores/{id}?contato_adicionado={notice}#contato-{contact}"
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debtor_form_reads_checkboxes_and_tags() {
        let f = DebtorMarksForm {
            dispute: Some("on".into()),
            tags: " VIP , acordo  2024,, ".into(),
            ..DebtorMarksForm::default()
        };
        let (flags, tags) = f.parse().unwrap();
        assert!(flags.dispute && !flags.deceased);
        let tags: Vec<&str> = tags.iter().map(Tag::as_str).collect();
        assert_eq!(tags, ["vip", "acordo 2024"]);
        let bad = DebtorMarksForm {
            tags: "ok, não!".into(),
            ..DebtorMarksForm::default()
        };
        assert!(
            matches!(bad.parse(), Err(AppError::Invalid { field: "tags", message }) if message.contains("não!"))
        );
    }

    #[test]
    fn every_channel_checkbox_the_page_renders_is_read() {
        for ch in Channel::ALL {
            let body = format!("situacao=valid&optout_{}=on", ch.as_str());
            let f: ContactMarksForm = serde_urlencoded::from_str(&body).unwrap();
            assert_eq!(f.parse().unwrap().opt_out.iter().collect::<Vec<_>>(), [ch]);
        }
    }

    #[test]
    fn contact_form_reads_situation_and_channels() {
        let f = ContactMarksForm {
            situacao: "invalid:wrong_number".into(),
            optout_sms: Some("on".into()),
            optout_letter: Some("on".into()),
            ..ContactMarksForm::default()
        };
        let m = f.parse().unwrap();
        assert_eq!(m.validity, Validity::Invalid(InvalidReason::WrongNumber));
        assert_eq!(
            m.opt_out.iter().collect::<Vec<_>>(),
            [Channel::Sms, Channel::Letter]
        );
        assert!(!m.workplace);
        for bad in ["", "invalid", "invalid:nope", "maybe"] {
            let f = ContactMarksForm {
                situacao: bad.into(),
                ..ContactMarksForm::default()
            };
            assert!(
                matches!(
                    f.parse(),
                    Err(AppError::Invalid {
                        field: "situacao",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn each_kind_is_offered_its_own_reasons() {
        let values = |k| -> Vec<String> { situations(k).into_iter().map(|(v, _)| v).collect() };
        assert_eq!(
            values(ContactKind::Email),
            ["unverified", "valid", "invalid:bounce", "invalid:other"]
        );
        assert_eq!(
            values(ContactKind::Phone),
            [
                "unverified",
                "valid",
                "invalid:wrong_number",
                "invalid:disconnected",
                "invalid:other"
            ]
        );
        assert_eq!(
            values(ContactKind::Address),
            [
                "unverified",
                "valid",
                "invalid:returned_mail",
                "invalid:other"
            ]
        );
    }
}
