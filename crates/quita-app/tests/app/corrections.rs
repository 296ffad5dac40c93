//! A creditor or contract corrects by IPCA or by a table the organization
//! imported; a `table:NAME` it never imported (a typo) is refused, naming
//! the field, and nothing changes.

use quita_app::{AppError, auth::Principal, portfolio::contracts::SaveContract};
use quita_core::{
    charge_policy::{ChargePolicy, CorrectionIndex},
    contract::{ContractKind, ContractTerms},
    role::Role,
};
use quita_store::{Db, audit::Actor, portfolio::debtors};

use crate::import::{GOOD, csv, import, setup};

/// Someone of the organization, acting as the command line does.
fn principal(org_id: i64, role: Role) -> Principal {
    Principal {
        org_id,
        role,
        actor: Actor::Cli,
        name: "cli".into(),
        user_id: None,
    }
}

fn correcting_by(correction: CorrectionIndex) -> ChargePolicy {
    ChargePolicy {
        correction,
        ..ChargePolicy::usual()
    }
}

fn refused_on_correction<T: std::fmt::Debug>(r: Result<T, AppError>) {
    match r {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "correction");
            assert!(message.contains("“igpm”"), "{message}");
        }
        other => panic!("expected a refusal on correction, got {other:?}"),
    }
}

pub async fn corrections_name_an_imported_table(db: Db) {
    let (app, org, cred) = setup(db.clone()).await;
    import(&app, org, cred, csv(&GOOD), false).await;
    let igpm = CorrectionIndex::Table("igpm".into());
    refused_on_correction(
        app.create_creditor(
            org,
            "Loja IGP-M",
            "11.222.333/0001-81",
            &correcting_by(igpm.clone()),
            Actor::Cli,
        )
        .await,
    );
    assert_eq!(
        app.creditors(org).await.unwrap().len(),
        1,
        "nothing created"
    );
    // IPCA may come before its table.
    let ipca = app
        .create_creditor(
            org,
            "Loja IPCA",
            "11.222.333/0001-81",
            &correcting_by(CorrectionIndex::Ipca),
            Actor::Cli,
        )
        .await
        .unwrap();
    // Listed by name as people read it, case and accents aside, on both
    // databases.
    app.create_creditor(
        org,
        "loja ágil",
        "60.701.190/0001-04",
        &correcting_by(CorrectionIndex::None),
        Actor::Cli,
    )
    .await
    .unwrap();
    let names: Vec<String> = app
        .creditors(org)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Loja", "loja ágil", "Loja IPCA"]);
    let admin = principal(org, Role::Admin);
    refused_on_correction(
        app.update_creditor(&admin, ipca.id, "Loja IPCA", &correcting_by(igpm.clone()))
            .await,
    );
    assert_eq!(
        app.creditor(org, ipca.id).await.unwrap().policy.correction,
        CorrectionIndex::Ipca
    );
    let maria = debtors::find_by_document(&app.db, org, "52998224725")
        .await
        .unwrap()
        .unwrap();
    let contract = SaveContract {
        creditor_id: cred,
        debtor_id: maria.id,
        number: "CT-IGPM".into(),
        kind: ContractKind::OneOff,
        product: None,
        starts_on: None,
        terms: Some(ContractTerms {
            correction: Some(igpm.clone()),
            ..ContractTerms::default()
        }),
    };
    let supervisor = principal(org, Role::Supervisor);
    refused_on_correction(app.save_contract(&supervisor, contract.clone()).await);
    assert!(
        app.debtor_contracts(org, maria.id)
            .await
            .unwrap()
            .iter()
            .all(|(k, _)| k.number != "CT-IGPM")
    );

    // Once imported, the same requests go through.
    app.store_index_table(org, "IGPM", "2026-01;0,27\n", Actor::Cli)
        .await
        .unwrap();
    app.save_contract(&supervisor, contract).await.unwrap();
    app.update_creditor(&admin, ipca.id, "Loja IPCA", &correcting_by(igpm))
        .await
        .unwrap();
}
