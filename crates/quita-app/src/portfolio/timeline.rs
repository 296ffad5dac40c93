//! A debtor's timeline: what people did to the record, newest first — the
//! debtor's flags and tags, its contacts' marks, contracts saved, and
//! receivables cancelled or written off — read from the audit log by the
//! ids the 360° view holds. Later issues add messages, calls, promises,
//! agreements and payments.

use jiff::Timestamp;
use quita_core::{contact::Channel, debtor::DebtorFlags, receivable::ReceivableStatus, role::Role};
use quita_store::{
    audit::{self, Actor, NamedEntry},
    portfolio::{contacts, contracts, debtors, receivables},
};

use super::debtors::Debtor360;
use crate::{App, AppResult, auth::Principal};

/// One thing that happened to the debtor's record.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    /// The audit entry's id: the cursor of the next page.
    pub id: i64,
    pub at: Timestamp,
    pub actor: Actor,
    /// The user's or token's name, when it still exists.
    pub actor_name: Option<String>,
    pub what: TimelineWhat,
}

/// What happened, with the ids the 360° view can name. Serialized with
/// its `kind` (`debtor_marked`, `debtor_renamed`, `contact_added`, `contact_marked`,
/// `contract_saved`, `receivable_closed`, `receivable_imported`, `other`) beside its fields.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineWhat {
    DebtorMarked {
        flags: DebtorFlags,
        tags: Vec<String>,
    },
    /// The name corrected by hand.
    DebtorRenamed { from: String, to: String },
    /// A contact added by hand, with the source given.
    ContactAdded { contact_id: i64, source: String },
    /// A contact's marks as they were set: validity, the channels the
    /// debtor opted out of, and the workplace mark.
    ContactMarked {
        contact_id: i64,
        /// `unverified`, `valid` or `invalid`.
        status: String,
        reason: Option<String>,
        opt_out: Vec<Channel>,
        workplace: bool,
    },
    ContractSaved {
        contract_id: i64,
        /// An existing contract's terms replaced (false: recorded anew,
        /// or recorded before this was kept).
        changed: bool,
    },
    ReceivableClosed {
        receivable_id: i64,
        to: ReceivableStatus,
        reason: String,
    },
    /// A file changed a stored receivable: what changed, old → new
    /// (`valor em aberto R$ 400,00 → R$ 300,00`), and the file's name.
    ReceivableImported {
        receivable_id: i64,
        changes: String,
        source: String,
    },
    /// An action this version does not describe (kept, not hidden).
    Other { action: String },
}

/// The audit targets of a debtor and of its contacts, contracts and
/// receivables.
fn targets(
    debtor_id: i64,
    contacts: &[i64],
    contracts: &[i64],
    receivables: &[i64],
) -> Vec<String> {
    std::iter::once(format!("debtor:{debtor_id}"))
        .chain(contacts.iter().map(|id| format!("contact:{id}")))
        .chain(contracts.iter().map(|id| format!("contract:{id}")))
        .chain(receivables.iter().map(|id| format!("receivable:{id}")))
        .collect()
}

fn target_id(target: Option<&str>) -> Option<i64> {
    target?.split_once(':')?.1.parse().ok()
}

fn event(e: NamedEntry) -> TimelineEvent {
    let d = &e.entry.details;
    let text = |key: &str| d[key].as_str().map(str::to_owned);
    let id = target_id(e.entry.target.as_deref());
    let what = match (e.entry.action.as_str(), id) {
        ("debtor_marked", Some(_)) => TimelineWhat::DebtorMarked {
            flags: serde_json::from_value(d["flags"].clone()).unwrap_or_default(),
            tags: serde_json::from_value(d["tags"].clone()).unwrap_or_default(),
        },
        ("debtor_renamed", Some(_)) => TimelineWhat::DebtorRenamed {
            from: text("from").unwrap_or_default(),
            to: text("to").unwrap_or_default(),
        },
        ("contact_marked", Some(contact_id)) => TimelineWhat::ContactMarked {
            contact_id,
            status: text("status").unwrap_or_default(),
            reason: text("reason"),
            opt_out: serde_json::from_value(d["opt_out"].clone()).unwrap_or_default(),
            workplace: d["workplace"].as_bool().unwrap_or(false),
        },
        ("contact_added", Some(_)) if d["contact_id"].is_i64() => TimelineWhat::ContactAdded {
            contact_id: d["contact_id"].as_i64().unwrap_or_default(),
            source: text("source").unwrap_or_default(),
        },
        ("contract_saved", Some(contract_id)) => TimelineWhat::ContractSaved {
            contract_id,
            changed: d["changed"].as_bool().unwrap_or(false),
        },
        ("receivable_closed", Some(receivable_id)) => {
            match serde_json::from_value::<ReceivableStatus>(d["to"].clone()) {
                Ok(to) => TimelineWhat::ReceivableClosed {
                    receivable_id,
                    to,
                    reason: text("reason").unwrap_or_default(),
                },
                Err(_) => TimelineWhat::Other {
                    action: e.entry.action.clone(),
                },
            }
        }
        ("receivable_updated_by_import", Some(receivable_id)) => TimelineWhat::ReceivableImported {
            receivable_id,
            changes: text("changes").unwrap_or_default(),
            source: text("source").unwrap_or_default(),
        },
        (action, _) => TimelineWhat::Other {
            action: action.to_owned(),
        },
    };
    TimelineEvent {
        id: e.entry.id,
        at: e.entry.created_at,
        actor: e.entry.actor,
        actor_name: e.actor_name,
        what,
    }
}

impl App {
    /// The newest events of the debtor `view` shows (agents and above),
    /// older than `before_id` when given. Only the organization's entries
    /// are read, whatever the view.
    pub async fn debtor_timeline(
        &self,
        who: &Principal,
        view: &Debtor360,
        before_id: Option<i64>,
        limit: i64,
    ) -> AppResult<Vec<TimelineEvent>> {
        who.require(Role::Agent)?;
        let contacts: Vec<i64> = view.contacts.iter().map(|c| c.id).collect();
        let contracts: Vec<i64> = view.contracts.iter().map(|k| k.contract.id).collect();
        let receivables: Vec<i64> = view.receivables.iter().map(|r| r.receivable.id).collect();
        let targets = targets(view.debtor.id, &contacts, &contracts, &receivables);
        self.timeline_of(who, &targets, before_id, limit).await
    }

    /// The same events for a debtor given by id (the API), read without
    /// building its 360° view; a debtor of another organization is not
    /// found.
    pub async fn debtor_timeline_of(
        &self,
        who: &Principal,
        debtor_id: i64,
        before_id: Option<i64>,
        limit: i64,
    ) -> AppResult<Vec<TimelineEvent>> {
        who.require(Role::Agent)?;
        debtors::get(&self.db, who.org_id, debtor_id).await?;
        let contacts: Vec<i64> = contacts::list_for_debtor(&self.db, who.org_id, debtor_id)
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        let contracts: Vec<i64> = contracts::list_for_debtor(&self.db, who.org_id, debtor_id)
            .await?
            .iter()
            .map(|k| k.id)
            .collect();
        let receivables: Vec<i64> = receivables::list_for_debtor(&self.db, who.org_id, debtor_id)
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        let targets = targets(debtor_id, &contacts, &contracts, &receivables);
        self.timeline_of(who, &targets, before_id, limit).await
    }

    async fn timeline_of(
        &self,
        who: &Principal,
        targets: &[String],
        before_id: Option<i64>,
        limit: i64,
    ) -> AppResult<Vec<TimelineEvent>> {
        let entries = audit::for_targets(&self.db, who.org_id, targets, before_id, limit).await?;
        Ok(entries.into_iter().map(event).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, target: &str, details: serde_json::Value) -> NamedEntry {
        NamedEntry {
            entry: audit::Entry {
                id: 9,
                org_id: Some(1),
                actor: Actor::Cli,
                action: action.into(),
                target: Some(target.into()),
                details,
                ip: None,
                created_at: Timestamp::UNIX_EPOCH,
            },
            actor_name: None,
        }
    }

    #[test]
    fn entries_become_events() {
        let marked = event(entry(
            "debtor_marked",
            "debtor:3",
            serde_json::json!({"flags": {"deceased": false, "do_not_contact": true, "over_indebtedness": false, "dispute": false}, "tags": ["vip"]}),
        ));
        assert_eq!(
            marked.what,
            TimelineWhat::DebtorMarked {
                flags: DebtorFlags {
                    do_not_contact: true,
                    ..DebtorFlags::default()
                },
                tags: vec!["vip".into()]
            }
        );
        let closed = event(entry(
            "receivable_closed",
            "receivable:12",
            serde_json::json!({"to": "written_off", "reason": "prescrito"}),
        ));
        assert_eq!(
            closed.what,
            TimelineWhat::ReceivableClosed {
                receivable_id: 12,
                to: ReceivableStatus::WrittenOff,
                reason: "prescrito".into()
            }
        );
        let contact = event(entry(
            "contact_marked",
            "contact:5",
            serde_json::json!({"status": "invalid", "reason": "bounce", "opt_out": ["email", "sms"], "workplace": true}),
        ));
        assert_eq!(
            contact.what,
            TimelineWhat::ContactMarked {
                contact_id: 5,
                status: "invalid".into(),
                reason: Some("bounce".into()),
                opt_out: vec![Channel::Email, Channel::Sms],
                workplace: true,
            }
        );
        for (action, target) in [
            ("receivable_closed", "receivable:x"),
            ("something_new", "debtor:3"),
        ] {
            assert!(matches!(
                event(entry(action, target, serde_json::json!({}))).what,
                TimelineWhat::Other { .. }
            ));
        }
    }
}
