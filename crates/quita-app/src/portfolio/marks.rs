//! What people learn about a debtor and mark on the record, usually during
//! a call: the collection flags (deceased, do not contact, over-indebtedness,
//! dispute) and tags, and whether each contact works, the channels the
//! debtor opted out of, and the workplace mark. Agents may mark; every
//! change is in the audit log (without the contact's value).

use quita_core::{
    contact::{ChannelSet, ContactError, ContactKind, Validity},
    debtor::{DebtorFlags, Tag},
    role::Role,
};
use quita_store::{
    audit,
    portfolio::{
        contacts::{self, ContactChange, ContactRow},
        debtors::{self, DebtorRow},
    },
};
use serde_json::json;

use crate::{App, AppError, AppResult, auth::Principal};

/// At most this many tags on one debtor.
pub const MAX_TAGS: usize = 20;

pub use quita_core::contact::{ContactMarks, ContactMarksPatch};

/// A change to some of a debtor's marks; `None` keeps the current value,
/// and `tags`, when given, replaces them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebtorMarksPatch {
    pub deceased: Option<bool>,
    pub do_not_contact: Option<bool>,
    pub over_indebtedness: Option<bool>,
    pub dispute: Option<bool>,
    pub tags: Option<Vec<Tag>>,
}

impl App {
    /// Changes the marks `patch` names on one debtor of the organization,
    /// keeping the others as stored: read and written in one transaction
    /// that holds the debtor, so two concurrent patches of different marks
    /// both land.
    pub async fn patch_debtor_marks(
        &self,
        who: &Principal,
        debtor_id: i64,
        patch: DebtorMarksPatch,
    ) -> AppResult<DebtorRow> {
        who.require(Role::Agent)?;
        let mut tx = self.db.begin_write().await?;
        let now = debtors::get_for_update(&mut tx, who.org_id, debtor_id).await?;
        let flags = DebtorFlags {
            deceased: patch.deceased.unwrap_or(now.deceased),
            do_not_contact: patch.do_not_contact.unwrap_or(now.do_not_contact),
            over_indebtedness: patch.over_indebtedness.unwrap_or(now.over_indebtedness),
            dispute: patch.dispute.unwrap_or(now.dispute),
        };
        let tags = match patch.tags {
            Some(t) => t,
            None => now
                .tags
                .iter()
                .map(|t| {
                    Tag::parse(t).map_err(|e| {
                        AppError::Internal(anyhow::anyhow!("stored tag of debtor {debtor_id}: {e}"))
                    })
                })
                .collect::<AppResult<_>>()?,
        };
        self.mark_debtor_in(&mut tx, who, &now, flags, &tags)
            .await?;
        tx.commit().await?;
        Ok(debtors::get(&self.db, who.org_id, debtor_id).await?)
    }

    /// Sets the collection flags and tags of one debtor of the organization
    /// (tags deduplicated and sorted).
    pub async fn mark_debtor(
        &self,
        who: &Principal,
        debtor_id: i64,
        flags: DebtorFlags,
        tags: &[Tag],
    ) -> AppResult<DebtorRow> {
        who.require(Role::Agent)?;
        let mut tx = self.db.begin_write().await?;
        let stored = debtors::get_for_update(&mut tx, who.org_id, debtor_id).await?;
        self.mark_debtor_in(&mut tx, who, &stored, flags, tags)
            .await?;
        tx.commit().await?;
        Ok(debtors::get(&self.db, who.org_id, debtor_id).await?)
    }

    /// [`mark_debtor`](Self::mark_debtor) inside the caller's transaction,
    /// over the debtor as `stored` (read in it). Marks that change nothing
    /// write nothing, so the timeline shows only real changes.
    async fn mark_debtor_in(
        &self,
        tx: &mut quita_store::Tx,
        who: &Principal,
        stored: &DebtorRow,
        flags: DebtorFlags,
        tags: &[Tag],
    ) -> AppResult<()> {
        who.require(Role::Agent)?;
        let debtor_id = stored.id;
        let mut tags: Vec<&str> = tags.iter().map(Tag::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        if tags.len() > MAX_TAGS {
            return Err(AppError::invalid(
                "tags",
                format!("no máximo {MAX_TAGS} marcadores"),
            ));
        }
        let stored_flags = DebtorFlags {
            deceased: stored.deceased,
            do_not_contact: stored.do_not_contact,
            over_indebtedness: stored.over_indebtedness,
            dispute: stored.dispute,
        };
        let mut stored_tags: Vec<&str> = stored.tags.iter().map(String::as_str).collect();
        stored_tags.sort_unstable();
        if flags == stored_flags && tags == stored_tags {
            return Ok(());
        }
        let now = self.now();
        debtors::set_flags(
            tx,
            who.org_id,
            debtor_id,
            [
                flags.deceased,
                flags.do_not_contact,
                flags.over_indebtedness,
                flags.dispute,
            ],
            &tags,
            now,
        )
        .await?;
        audit::append(
            tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "debtor_marked",
                target: Some(&format!("debtor:{debtor_id}")),
                details: json!({"flags": flags, "tags": tags}),
                ip: None,
            },
            now,
        )
        .await?;
        Ok(())
    }

    /// Changes the marks `patch` names on one contact of one debtor of the
    /// organization, and returns the contact as stored. The result must fit
    /// the contact's kind (a bounce is an e-mail's; SMS is a phone's).
    pub async fn mark_contact(
        &self,
        who: &Principal,
        debtor_id: i64,
        contact_id: i64,
        patch: ContactMarksPatch,
    ) -> AppResult<ContactRow> {
        who.require(Role::Agent)?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let stored = contacts::get(&mut tx, who.org_id, debtor_id, contact_id).await?;
        let kind: ContactKind = stored.kind.parse().map_err(|e: ContactError| {
            AppError::Internal(anyhow::anyhow!("stored contact {contact_id}: {e}"))
        })?;
        let marks = stored_marks(&stored)
            .patched(patch)
            .fit(kind)
            .map_err(misfit)?;
        if marks == stored_marks(&stored) {
            // Saved as it was: nothing to write, nothing for the timeline.
            return Ok(stored);
        }
        let reason = marks.validity.reason().map(|r| r.as_str());
        contacts::change(
            &mut tx,
            who.org_id,
            debtor_id,
            contact_id,
            &ContactChange {
                status: marks.validity.as_str(),
                invalid_reason: reason,
                opt_out: i64::from(marks.opt_out.bits()),
                workplace: marks.workplace,
            },
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "contact_marked",
                target: Some(&format!("contact:{contact_id}")),
                details: json!({
                    "debtor_id": debtor_id, "status": marks.validity.as_str(), "reason": reason,
                    "opt_out": marks.opt_out, "workplace": marks.workplace,
                }),
                ip: None,
            },
            now,
        )
        .await?;
        let changed = contacts::get(&mut tx, who.org_id, debtor_id, contact_id).await?;
        tx.commit().await?;
        Ok(changed)
    }
}

/// A stored contact's marks; an unreadable status counts as unverified
/// (the patch then says what it is).
fn stored_marks(c: &ContactRow) -> ContactMarks {
    ContactMarks {
        validity: Validity::from_db(&c.status, c.invalid_reason.as_deref()).unwrap_or_default(),
        opt_out: ChannelSet::from_bits(u8::try_from(c.opt_out & 0xff).unwrap_or(0)),
        workplace: c.workplace,
    }
}

/// Marks that do not fit the contact, in the words of the page.
fn misfit(e: ContactError) -> AppError {
    let kind = |k: &str| match k {
        "phone" => "um telefone",
        "email" => "um e-mail",
        _ => "um endereço",
    };
    match e {
        ContactError::ReasonMismatch { reason, kind: k } => AppError::invalid(
            "invalid_reason",
            format!("o motivo \"{reason}\" não se aplica a {}", kind(k)),
        ),
        ContactError::ChannelMismatch { channel, kind: k } => AppError::invalid(
            "opt_out",
            format!("o canal \"{channel}\" não se aplica a {}", kind(k)),
        ),
        other => AppError::invalid("contact", other),
    }
}
