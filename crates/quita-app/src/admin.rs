//! Setting up an organization: organizations, users, API tokens — each change
//! written together with its audit entry in one transaction.

use quita_core::{
    email::Email,
    org::{OrgMode, OrgName, Slug},
    password::NewPassword,
    role::Role,
};
use quita_store::{
    audit::{self, Actor},
    orgs, sessions, tokens, users,
};
use serde_json::json;

use crate::{App, AppError, AppResult, Secret, auth::Principal, hash_token, random_token};

/// A validated request to create an organization.
pub struct NewOrgInput {
    pub name: OrgName,
    pub slug: Option<Slug>,
    /// CNPJ digits, already validated by the caller's parser.
    pub document: Option<String>,
    pub mode: OrgMode,
}

/// A validated request to create a user.
pub struct NewUserInput {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub password: NewPassword,
}

/// The secret of a new API token is shown exactly once.
#[derive(Debug)]
pub struct CreatedToken {
    pub token: tokens::ApiToken,
    pub secret: Secret,
}

pub fn person_name(raw: &str) -> AppResult<String> {
    let name = quita_core::text::one_line(raw)
        .ok_or_else(|| AppError::invalid("name", "tem caracteres de controle; escreva só texto"))?;
    match name.chars().count() {
        0 => Err(AppError::invalid("name", "is empty")),
        n if n > 120 => Err(AppError::invalid("name", "is longer than 120 characters")),
        _ => Ok(name),
    }
}

impl App {
    /// Creates an organization (slug derived from the name when not given,
    /// with a numeric suffix if taken).
    pub async fn create_org(
        &self,
        input: NewOrgInput,
        actor: Actor,
    ) -> AppResult<orgs::Organization> {
        let now = self.now();
        let base = input
            .slug
            .clone()
            .unwrap_or_else(|| Slug::from_name(&input.name));
        for attempt in 0..50 {
            let slug = match attempt {
                0 => base.clone(),
                n if input.slug.is_none() => Slug::parse(&format!("{}-{}", base.as_str(), n + 1))
                    .map_err(|e| AppError::invalid("slug", e))?,
                _ => return Err(AppError::Conflict(format!("slug {base} is already in use"))),
            };
            let mut tx = self.db.begin_write().await?;
            let created = orgs::create(
                &mut tx,
                &orgs::NewOrganization {
                    slug: &slug,
                    name: &input.name,
                    document: input.document.as_deref(),
                    mode: input.mode,
                    time_zone: "America/Sao_Paulo",
                },
                now,
            )
            .await;
            match created {
                Ok(org) => {
                    audit::append(
                        &mut tx,
                        &audit::NewEntry {
                            org_id: Some(org.id),
                            actor,
                            action: "organization_created",
                            target: Some(&format!("organization:{}", org.id)),
                            details: json!({"slug": org.slug, "mode": org.mode.as_str()}),
                            ip: None,
                        },
                        now,
                    )
                    .await?;
                    tx.commit().await?;
                    return Ok(org);
                }
                Err(e) if e.is_conflict() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict(format!("slug {base} is already in use")))
    }

    /// Finds an organization by id or slug.
    pub async fn find_org(&self, id_or_slug: &str) -> AppResult<orgs::Organization> {
        if let Ok(id) = id_or_slug.parse::<i64>() {
            return Ok(orgs::get(&self.db, id).await?);
        }
        orgs::find_by_slug(&self.db, id_or_slug)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn list_orgs(&self) -> AppResult<Vec<orgs::Organization>> {
        Ok(orgs::list(&self.db).await?)
    }

    /// Creates a user in the acting principal's organization (`org_id` for
    /// the CLI, which acts as no one in particular).
    pub async fn create_user(
        &self,
        org_id: i64,
        input: NewUserInput,
        actor: Actor,
    ) -> AppResult<users::User> {
        let name = person_name(&input.name)?;
        let hash = crate::auth::hash_password(&input.password).await?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let user = users::create(
            &mut tx,
            &users::NewUser {
                org_id,
                email: &input.email,
                name: &name,
                role: input.role,
                password_hash: &hash,
            },
            now,
        )
        .await
        .map_err(|e| match e {
            quita_store::StoreError::Conflict(_) => {
                AppError::Conflict("e-mail is already in use".into())
            }
            other => other.into(),
        })?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action: "user_created",
                target: Some(&format!("user:{}", user.id)),
                details: json!({"role": user.role.as_str()}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn list_users(&self, who: &Principal) -> AppResult<Vec<users::User>> {
        who.require(Role::Admin)?;
        Ok(users::list(&self.db, who.org_id).await?)
    }

    pub async fn get_user(&self, who: &Principal, id: i64) -> AppResult<users::User> {
        who.require(Role::Admin)?;
        Ok(users::get(&self.db, who.org_id, id).await?)
    }

    /// Changes a user's name, role or active flag. An organization never
    /// loses its last active admin; deactivation ends the user's sessions.
    pub async fn update_user(
        &self,
        who: &Principal,
        id: i64,
        name: &str,
        role: Role,
        active: bool,
    ) -> AppResult<users::User> {
        who.require(Role::Admin)?;
        let name = person_name(name)?;
        let before = users::get(&self.db, who.org_id, id).await?;
        let loses_admin =
            before.role == Role::Admin && before.active && (role != Role::Admin || !active);
        if loses_admin && users::count_active_admins(&self.db, who.org_id).await? <= 1 {
            return Err(AppError::Conflict(
                "the organization must keep at least one active admin".into(),
            ));
        }
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let after = users::update(
            &mut tx,
            who.org_id,
            id,
            &users::UserChange {
                name: &name,
                role,
                active,
            },
            now,
        )
        .await?;
        if !active {
            sessions::delete_for_user(&mut tx, who.org_id, id).await?;
        }
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "user_updated",
                target: Some(&format!("user:{id}")),
                details: json!({
                    "role": [before.role.as_str(), after.role.as_str()],
                    "active": [before.active, after.active],
                    "name_changed": before.name != after.name,
                }),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a new password and ends the user's other sessions.
    pub async fn set_password(
        &self,
        who: &Principal,
        id: i64,
        password: &NewPassword,
    ) -> AppResult<()> {
        if who.user_id != Some(id) {
            who.require(Role::Admin)?;
        }
        users::get(&self.db, who.org_id, id).await?;
        let hash = crate::auth::hash_password(password).await?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        users::set_password_hash(&mut tx, who.org_id, id, &hash, now).await?;
        sessions::delete_for_user(&mut tx, who.org_id, id).await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "password_changed",
                target: Some(&format!("user:{id}")),
                details: json!({}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issues an API token for one organization with a role no higher than
    /// the issuer's.
    pub async fn create_token(
        &self,
        org_id: i64,
        name: &str,
        role: Role,
        actor: Actor,
        created_by: Option<i64>,
    ) -> AppResult<CreatedToken> {
        let name =
            person_name(name).map_err(|_| AppError::invalid("name", "is empty or too long"))?;
        let secret = format!("qt_{}", random_token());
        let prefix: String = secret.chars().take(11).collect();
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let token = tokens::create(
            &mut tx,
            &tokens::NewApiToken {
                org_id,
                name: &name,
                role,
                token_hash: &hash_token(&secret),
                prefix: &prefix,
                created_by,
            },
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action: "token_created",
                target: Some(&format!("token:{}", token.id)),
                details: json!({"role": role.as_str()}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedToken {
            token,
            secret: Secret::new(secret),
        })
    }

    /// A token created by an admin through the UI or API.
    pub async fn issue_token(
        &self,
        who: &Principal,
        name: &str,
        role: Role,
    ) -> AppResult<CreatedToken> {
        who.require(Role::Admin)?;
        if !who.role.allows(role) {
            return Err(AppError::Forbidden);
        }
        self.create_token(who.org_id, name, role, who.actor, who.user_id)
            .await
    }

    pub async fn list_tokens(&self, who: &Principal) -> AppResult<Vec<tokens::ApiToken>> {
        who.require(Role::Admin)?;
        Ok(tokens::list(&self.db, who.org_id).await?)
    }

    pub async fn revoke_token(&self, who: &Principal, id: i64) -> AppResult<tokens::ApiToken> {
        who.require(Role::Admin)?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let token = tokens::revoke(&mut tx, who.org_id, id, now).await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(who.org_id),
                actor: who.actor,
                action: "token_revoked",
                target: Some(&format!("token:{id}")),
                details: json!({}),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn audit_log(
        &self,
        who: &Principal,
        before_id: Option<i64>,
        limit: i64,
    ) -> AppResult<Vec<audit::Entry>> {
        who.require(Role::Supervisor)?;
        Ok(audit::list(&self.db, who.org_id, before_id, limit).await?)
    }

    pub async fn organization(&self, who: &Principal) -> AppResult<orgs::Organization> {
        Ok(orgs::get(&self.db, who.org_id).await?)
    }

    /// Today in the organization's time zone: the date amounts are updated
    /// to and days past due counted on, unless a person picks another.
    pub async fn today_for(&self, who: &Principal) -> AppResult<jiff::civil::Date> {
        let org = self.organization(who).await?;
        Ok(self.clock.today_in(&org.time_zone))
    }
}
