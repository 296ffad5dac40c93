//! People marking debtors (flags, tags) and contacts (validity, opt-out,
//! workplace): roles, organization scope and the audit log.

use quita_app::{
    AppError,
    portfolio::marks::{ContactMarks, ContactMarksPatch, DebtorMarksPatch},
};
use quita_core::{
    contact::{Channel, ChannelSet, InvalidReason, Validity},
    debtor::{DebtorFlags, Tag},
    role::Role,
};
use quita_store::{Db, audit, portfolio::contacts};

use crate::{
    debtor_view::principal,
    import::{GOOD, csv, import, setup},
};

pub async fn people_mark_debtors_and_contacts(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let maria = app.search_debtors(org, "maria", 5).await.unwrap()[0].clone();
    let joao = app.search_debtors(org, "joao", 5).await.unwrap()[0].clone();
    let agent = principal(org, Role::Agent, 1);
    let viewer = principal(org, Role::Viewer, 1);
    let other = principal(org + 1000, Role::Admin, 1);
    let flags = DebtorFlags {
        dispute: true,
        do_not_contact: true,
        ..DebtorFlags::default()
    };
    let tags: Vec<Tag> = ["VIP", "acordo  anterior", "vip"]
        .iter()
        .map(|t| Tag::parse(t).unwrap())
        .collect();

    assert!(matches!(
        app.mark_debtor(&viewer, maria.id, flags, &tags).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        app.mark_debtor(&other, maria.id, flags, &tags).await,
        Err(AppError::NotFound)
    ));
    let too_many: Vec<Tag> = (0..21)
        .map(|i| Tag::parse(&format!("t{i}")).unwrap())
        .collect();
    assert!(matches!(
        app.mark_debtor(&agent, maria.id, flags, &too_many).await,
        Err(AppError::Invalid { field: "tags", .. })
    ));
    let row = app
        .mark_debtor(&agent, maria.id, flags, &tags)
        .await
        .unwrap();
    assert_eq!(
        (row.dispute, row.do_not_contact, row.deceased),
        (true, true, false)
    );
    assert_eq!(row.tags, ["acordo anterior", "vip"]);
    // A patch changes what it names and keeps the rest, tags included.
    let patched = app
        .patch_debtor_marks(
            &agent,
            maria.id,
            DebtorMarksPatch {
                deceased: Some(true),
                dispute: Some(false),
                ..DebtorMarksPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (patched.deceased, patched.dispute, patched.do_not_contact),
        (true, false, true)
    );
    assert_eq!(patched.tags, ["acordo anterior", "vip"]);
    assert!(matches!(
        app.patch_debtor_marks(&viewer, maria.id, DebtorMarksPatch::default())
            .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        app.patch_debtor_marks(&other, maria.id, DebtorMarksPatch::default())
            .await,
        Err(AppError::NotFound)
    ));
    // Back to what the form set, for the audit count below.
    let row = app
        .mark_debtor(&agent, maria.id, flags, &tags)
        .await
        .unwrap();
    assert!(!row.deceased && row.dispute);

    let phone = contacts::list_for_debtor(&db, org, maria.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.value == "+5511987654321")
        .unwrap();
    let marks = ContactMarks {
        validity: Validity::Invalid(InvalidReason::WrongNumber),
        opt_out: [Channel::Sms, Channel::Whatsapp].into_iter().collect(),
        workplace: true,
    };
    assert!(matches!(
        app.mark_contact(&viewer, maria.id, phone.id, marks.into())
            .await,
        Err(AppError::Forbidden)
    ));
    // Through another debtor or another organization: not found.
    for (who, debtor) in [(&agent, joao.id), (&other, maria.id)] {
        assert!(matches!(
            app.mark_contact(who, debtor, phone.id, marks.into()).await,
            Err(AppError::NotFound)
        ));
    }
    // A bounce is an e-mail's, and a phone cannot be opted out of letters:
    // refused, and nothing changes.
    let bounce = ContactMarks {
        validity: Validity::Invalid(InvalidReason::Bounce),
        ..marks
    };
    let letter = ContactMarks {
        opt_out: [Channel::Letter].into_iter().collect(),
        ..marks
    };
    for (bad, field) in [(bounce, "invalid_reason"), (letter, "opt_out")] {
        match app
            .mark_contact(&agent, maria.id, phone.id, bad.into())
            .await
        {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(
        contacts::list_for_debtor(&db, org, maria.id)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id == phone.id)
            .unwrap(),
        phone
    );
    let stored = app
        .mark_contact(&agent, maria.id, phone.id, marks.into())
        .await
        .unwrap();
    assert_eq!(
        (stored.status.as_str(), stored.workplace),
        ("invalid", true)
    );
    let view = app
        .debtor_360(org, maria.id, jiff::civil::date(2026, 11, 23))
        .await
        .unwrap();
    let c = view.contacts.iter().find(|c| c.id == phone.id).unwrap();
    assert_eq!(
        (
            c.status.as_str(),
            c.invalid_reason.as_deref(),
            ChannelSet::from_bits(c.opt_out as u8),
            c.workplace
        ),
        ("invalid", Some("wrong_number"), marks.opt_out, true)
    );
    // A patch changes what it names: the workplace mark stays.
    let patched = app
        .mark_contact(
            &agent,
            maria.id,
            phone.id,
            ContactMarksPatch {
                opt_out: Some(ChannelSet::EMPTY),
                ..ContactMarksPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (patched.status.as_str(), patched.opt_out, patched.workplace),
        ("invalid", 0, true)
    );
    // Back to valid: the reason goes.
    app.mark_contact(
        &agent,
        maria.id,
        phone.id,
        ContactMarks {
            validity: Validity::Valid,
            opt_out: ChannelSet::EMPTY,
            workplace: false,
        }
        .into(),
    )
    .await
    .unwrap();
    let again = contacts::list_for_debtor(&db, org, maria.id).await.unwrap();
    let c = again.iter().find(|c| c.id == phone.id).unwrap();
    assert_eq!(
        (c.status.as_str(), c.invalid_reason.as_deref(), c.opt_out),
        ("valid", None, 0)
    );

    // Saving what is already stored (an empty patch, the same flags and
    // tags, a contact as it is) writes nothing: no entry for the timeline.
    app.patch_debtor_marks(&agent, maria.id, DebtorMarksPatch::default())
        .await
        .unwrap();
    app.mark_debtor(&agent, maria.id, flags, &tags)
        .await
        .unwrap();
    let same = app
        .mark_contact(&agent, maria.id, phone.id, ContactMarksPatch::default())
        .await
        .unwrap();
    assert_eq!((same.status.as_str(), same.opt_out), ("valid", 0));

    // Audited, without the contact's value.
    let log = audit::list(&db, org, None, 50).await.unwrap();
    let marked: Vec<_> = log
        .iter()
        .filter(|e| e.action == "contact_marked" || e.action == "debtor_marked")
        .collect();
    assert_eq!(marked.len(), 6, "{marked:?}");
    assert!(
        marked
            .iter()
            .all(|e| !e.details.to_string().contains("98765"))
    );
    let debtor_entry = marked.iter().find(|e| e.action == "debtor_marked").unwrap();
    assert_eq!(
        debtor_entry.details["tags"],
        serde_json::json!(["acordo anterior", "vip"])
    );
    assert_eq!(debtor_entry.details["flags"]["dispute"], true);
}

/// Two people patching different marks of one debtor, or of one contact,
/// at the same moment: both changes land (each patch reads and writes in a
/// transaction that holds the row), on both databases.
pub async fn concurrent_patches_both_land(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    assert!(
        import(&app, org, cred, csv(&GOOD), false)
            .await
            .summary
            .applied
    );
    let maria = app.search_debtors(org, "maria", 5).await.unwrap()[0].clone();
    let agent = principal(org, Role::Agent, 1);
    let phone = contacts::list_for_debtor(&app.db, org, maria.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.kind == "phone")
        .unwrap();
    for round in 0..8 {
        let on = round % 2 == 0;
        let (a, b, c, d) = tokio::join!(
            app.patch_debtor_marks(
                &agent,
                maria.id,
                DebtorMarksPatch {
                    do_not_contact: Some(on),
                    ..DebtorMarksPatch::default()
                }
            ),
            app.patch_debtor_marks(
                &agent,
                maria.id,
                DebtorMarksPatch {
                    tags: Some(vec![Tag::parse(&format!("rodada {round}")).unwrap()]),
                    ..DebtorMarksPatch::default()
                }
            ),
            app.mark_contact(
                &agent,
                maria.id,
                phone.id,
                ContactMarksPatch {
                    validity: Some(if on {
                        Validity::Invalid(InvalidReason::WrongNumber)
                    } else {
                        Validity::Valid
                    }),
                    ..ContactMarksPatch::default()
                }
            ),
            app.mark_contact(
                &agent,
                maria.id,
                phone.id,
                ContactMarksPatch {
                    workplace: Some(on),
                    ..ContactMarksPatch::default()
                }
            ),
        );
        for r in [a, b] {
            r.unwrap();
        }
        for r in [c, d] {
            r.unwrap();
        }
        let now = app.search_debtors(org, "maria", 5).await.unwrap()[0].clone();
        assert_eq!(now.do_not_contact, on, "round {round}");
        assert_eq!(now.tags, [format!("rodada {round}")], "round {round}");
        let stored = contacts::list_for_debtor(&app.db, org, maria.id)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.id == phone.id)
            .unwrap();
        assert_eq!(
            (stored.status.as_str(), stored.workplace),
            (if on { "invalid" } else { "valid" }, on),
            "round {round}"
        );
    }
}
