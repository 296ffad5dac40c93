use quita_core::{
    email::Email,
    org::{OrgMode, OrgName, Slug},
    role::Role,
};
use quita_store::{Db, StoreError, orgs, sessions, tokens, users};

use super::{at, org, t0, user};

pub async fn migrations_are_idempotent(db: Db) {
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    assert!(db.ping().await);
}

pub async fn orgs_create_get_list_and_unique_slug(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    assert_eq!(a.slug, "alfa");
    assert_eq!(a.mode, OrgMode::Agency);
    assert_eq!(a.created_at, t0());
    assert_eq!(orgs::get(&db, a.id).await.unwrap(), a);
    assert_eq!(
        orgs::find_by_slug(&db, "beta").await.unwrap(),
        Some(b.clone())
    );
    assert_eq!(orgs::find_by_slug(&db, "gama").await.unwrap(), None);
    assert_eq!(orgs::list(&db).await.unwrap(), vec![a.clone(), b]);
    assert!(matches!(
        orgs::get(&db, 9999).await,
        Err(StoreError::NotFound)
    ));

    let mut tx = db.begin_write().await.unwrap();
    let dup = orgs::create(
        &mut tx,
        &orgs::NewOrganization {
            slug: &Slug::parse("alfa").unwrap(),
            name: &OrgName::parse("Outra").unwrap(),
            document: Some("11222333000181"),
            mode: OrgMode::Company,
            time_zone: "America/Sao_Paulo",
        },
        t0(),
    )
    .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
}

pub async fn users_crud_scoped_by_org(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Admin).await;
    let bia = user(&db, b.id, "bia@beta.com.br", Role::Agent).await;
    assert_eq!(ana.role, Role::Admin);
    assert!(ana.active);

    assert_eq!(users::get(&db, a.id, ana.id).await.unwrap(), ana);
    // Another organization's user does not exist from here.
    assert!(matches!(
        users::get(&db, a.id, bia.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(users::list(&db, a.id).await.unwrap(), vec![ana.clone()]);

    let (found, hash) = users::find_for_login(&db, &Email::parse("ANA@alfa.com.br").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, ana);
    assert_eq!(hash, "$argon2id$fake");
    assert_eq!(
        users::password_hash(&db, a.id, ana.id).await.unwrap(),
        "$argon2id$fake"
    );

    let mut tx = db.begin_write().await.unwrap();
    let changed = users::update(
        &mut tx,
        a.id,
        ana.id,
        &users::UserChange {
            name: "Ana Souza",
            role: Role::Supervisor,
            active: false,
        },
        at(60),
    )
    .await
    .unwrap();
    users::set_password_hash(&mut tx, a.id, ana.id, "$argon2id$new", at(60))
        .await
        .unwrap();
    // Cross-organization changes touch nothing.
    assert!(matches!(
        users::update(
            &mut tx,
            a.id,
            bia.id,
            &users::UserChange {
                name: "x",
                role: Role::Admin,
                active: true
            },
            at(60)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        users::set_password_hash(&mut tx, a.id, bia.id, "h", at(60)).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert_eq!(changed.name, "Ana Souza");
    assert_eq!(changed.role, Role::Supervisor);
    assert!(!changed.active);
    assert_eq!(
        users::password_hash(&db, a.id, ana.id).await.unwrap(),
        "$argon2id$new"
    );
    assert_eq!(users::get(&db, b.id, bia.id).await.unwrap(), bia);
    assert_eq!(users::count_active_admins(&db, a.id).await.unwrap(), 0);
}

pub async fn users_email_unique_across_orgs(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    user(&db, a.id, "ana@x.com.br", Role::Admin).await;
    let email = Email::parse("ana@x.com.br").unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let dup = users::create(
        &mut tx,
        &users::NewUser {
            org_id: b.id,
            email: &email,
            name: "Ana",
            role: Role::Viewer,
            password_hash: "h",
        },
        t0(),
    )
    .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
}

pub async fn sessions_lifecycle_and_expiry(db: Db) {
    let a = org(&db, "alfa").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Admin).await;
    let mut tx = db.begin_write().await.unwrap();
    sessions::create(
        &mut tx,
        &sessions::NewSession {
            token_hash: "h1",
            user_id: ana.id,
            org_id: a.id,
            csrf_token: "c1",
            expires_at: at(3600),
        },
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (s, u) = sessions::load(&db, "h1", at(10), at(-1800))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u, ana);
    assert_eq!(
        (s.org_id, s.csrf_token.as_str(), s.expires_at),
        (a.id, "c1", at(3600))
    );
    assert_eq!(
        sessions::load(&db, "nope", at(10), at(-1800))
            .await
            .unwrap(),
        None
    );
    // Idle: last seen at t0, idle cutoff after it.
    assert_eq!(
        sessions::load(&db, "h1", at(100), at(50)).await.unwrap(),
        None
    );
    // While another write holds SQLite's writer (a long import), a touch
    // is skipped at once instead of waiting for it.
    let held = db.begin_write().await.unwrap();
    let started = std::time::Instant::now();
    let touched = sessions::touch(&db, "h1", at(90)).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(touched, db.backend() != quita_store::Backend::Sqlite);
    drop(held);
    assert!(sessions::touch(&db, "h1", at(100)).await.unwrap());
    assert!(
        sessions::load(&db, "h1", at(120), at(50))
            .await
            .unwrap()
            .is_some()
    );
    // Absolute expiry.
    assert_eq!(
        sessions::load(&db, "h1", at(3600), at(0)).await.unwrap(),
        None
    );
    assert_eq!(
        sessions::count_live(&db, a.id, at(120), at(50))
            .await
            .unwrap(),
        1
    );

    assert_eq!(
        sessions::delete_expired(&db, at(120), at(50))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        sessions::delete_expired(&db, at(3600), at(50))
            .await
            .unwrap(),
        1
    );
    assert!(!sessions::delete(&db, "h1").await.unwrap());
}

pub async fn sessions_end_for_deactivated_users(db: Db) {
    let a = org(&db, "alfa").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Admin).await;
    let mut tx = db.begin_write().await.unwrap();
    for h in ["h1", "h2"] {
        sessions::create(
            &mut tx,
            &sessions::NewSession {
                token_hash: h,
                user_id: ana.id,
                org_id: a.id,
                csrf_token: "c",
                expires_at: at(3600),
            },
            t0(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    users::update(
        &mut tx,
        a.id,
        ana.id,
        &users::UserChange {
            name: "Ana",
            role: Role::Admin,
            active: false,
        },
        at(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        sessions::load(&db, "h1", at(2), at(-100)).await.unwrap(),
        None
    );
    let mut tx = db.begin_write().await.unwrap();
    assert_eq!(
        sessions::delete_for_user(&mut tx, a.id, ana.id)
            .await
            .unwrap(),
        2
    );
    tx.commit().await.unwrap();
    assert!(sessions::delete(&db, "h1").await.is_ok_and(|gone| !gone));
}

pub async fn tokens_scoped_hashed_and_revocable(db: Db) {
    let a = org(&db, "alfa").await;
    let b = org(&db, "beta").await;
    let ana = user(&db, a.id, "ana@alfa.com.br", Role::Admin).await;
    let mut tx = db.begin_write().await.unwrap();
    let tok = tokens::create(
        &mut tx,
        &tokens::NewApiToken {
            org_id: a.id,
            name: "ERP",
            role: Role::Supervisor,
            token_hash: "th",
            prefix: "qt_abcd",
            created_by: Some(ana.id),
        },
        t0(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (tok.org_id, tok.role, tok.prefix.as_str(), tok.revoked_at),
        (a.id, Role::Supervisor, "qt_abcd", None)
    );
    assert_eq!(
        tokens::find_active(&db, "th").await.unwrap(),
        Some(tok.clone())
    );
    assert_eq!(tokens::find_active(&db, "other").await.unwrap(), None);

    tokens::touch(&db, tok.id, at(10)).await.unwrap();
    tokens::touch(&db, tok.id, at(20)).await.unwrap(); // within a minute: not rewritten
    let listed = tokens::list(&db, a.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, Some(at(10)));
    // While another write holds SQLite's writer, a touch is skipped at once.
    let held = db.begin_write().await.unwrap();
    let sqlite = db.backend() == quita_store::Backend::Sqlite;
    assert_eq!(tokens::touch(&db, tok.id, at(100)).await.unwrap(), !sqlite);
    drop(held);
    let listed = tokens::list(&db, a.id).await.unwrap();
    assert_eq!(
        listed[0].last_used_at,
        Some(if sqlite { at(10) } else { at(100) })
    );
    assert!(tokens::list(&db, b.id).await.unwrap().is_empty());

    let mut tx = db.begin_write().await.unwrap();
    assert!(matches!(
        tokens::revoke(&mut tx, b.id, tok.id, at(30)).await,
        Err(StoreError::NotFound)
    ));
    let revoked = tokens::revoke(&mut tx, a.id, tok.id, at(30)).await.unwrap();
    assert!(matches!(
        tokens::revoke(&mut tx, a.id, tok.id, at(31)).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert_eq!(revoked.revoked_at, Some(at(30)));
    assert_eq!(tokens::find_active(&db, "th").await.unwrap(), None);
}
