//! `quita org|user|token …`: setting up organizations from the shell.

use std::{io::BufRead, process::ExitCode};

use anyhow::{Context, bail};
use quita_app::{
    App,
    admin::{NewOrgInput, NewUserInput},
};
use quita_br::document::Cnpj;
use quita_core::{
    email::Email,
    org::{OrgMode, OrgName, Slug},
    password::NewPassword,
    role::Role,
};
use quita_store::{audit::Actor, orgs::Organization};
use serde_json::json;

use super::open_app;
use crate::{
    cli::{GlobalArgs, OrgCommand, TokenCommand, UserCommand},
    config::Config,
    output,
};

/// The organization named by `--org`, or the only one there is.
pub(crate) async fn target_org(app: &App, global: &GlobalArgs) -> anyhow::Result<Organization> {
    if let Some(o) = &global.org {
        return app
            .find_org(o)
            .await
            .with_context(|| format!("organization {o:?} (--org)"));
    }
    let all = app.list_orgs().await?;
    match all.as_slice() {
        [only] => Ok(only.clone()),
        [] => bail!("there is no organization yet: create one with `quita org create --name …`"),
        many => bail!(
            "there are {} organizations: choose one with --org ({})",
            many.len(),
            many.iter()
                .map(|o| o.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn org_json(o: &Organization) -> serde_json::Value {
    json!({"id": o.id, "slug": o.slug, "name": o.name, "document": o.document, "mode": o.mode.as_str()})
}

pub async fn org(
    config: &Config,
    _global: &GlobalArgs,
    cmd: OrgCommand,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    match cmd {
        OrgCommand::Create(a) => {
            let name = OrgName::parse(&a.name).context("--name")?;
            let document = match &a.document {
                Some(d) => Some(
                    Cnpj::parse(d)
                        .map_err(|e| anyhow::anyhow!("--document: {e}"))?
                        .digits()
                        .to_owned(),
                ),
                None => None,
            };
            let mode: OrgMode = a
                .mode
                .parse()
                .map_err(|e: String| anyhow::anyhow!("--mode: {e}"))?;
            let slug = a
                .slug
                .as_deref()
                .map(Slug::parse)
                .transpose()
                .context("--slug")?;
            let org = app
                .create_org(
                    NewOrgInput {
                        name,
                        slug,
                        document,
                        mode,
                    },
                    Actor::Cli,
                )
                .await?;
            output::print(a.json, &org_json(&org), || {
                format!(
                    "created organization {} (id {}, slug {})",
                    org.name, org.id, org.slug
                )
            })?;
        }
        OrgCommand::List(j) => {
            let all = app.list_orgs().await?;
            let docs: Vec<_> = all.iter().map(org_json).collect();
            output::print(j.json, &docs, || {
                all.iter()
                    .map(|o| format!("{}\t{}\t{}", o.id, o.slug, o.name))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn user(
    config: &Config,
    global: &GlobalArgs,
    cmd: UserCommand,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    match cmd {
        UserCommand::Create(a) => {
            let email = Email::parse(&a.email).context("--email")?;
            let role: Role = a.role.parse().context("--role")?;
            let (password, generated) = if a.password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("reading the password from stdin")?;
                let pw = line.trim_end_matches(['\r', '\n']).to_owned();
                (
                    NewPassword::parse(&pw).context("password from stdin")?,
                    None,
                )
            } else {
                let pw = format!("quita-{}", &quita_app::random_token()[..16]);
                (
                    NewPassword::parse(&pw).context("generated password")?,
                    Some(pw),
                )
            };
            let name = a.name.clone().unwrap_or_else(|| {
                email
                    .as_str()
                    .split('@')
                    .next()
                    .unwrap_or("usuário")
                    .to_owned()
            });
            let user = app
                .create_user(
                    org.id,
                    NewUserInput {
                        email,
                        name,
                        role,
                        password,
                    },
                    Actor::Cli,
                )
                .await?;
            let doc = json!({
                "id": user.id, "org_id": org.id, "email": user.email.as_str(), "name": user.name,
                "role": user.role.as_str(), "password": generated,
            });
            output::print(a.json, &doc, || match &generated {
                Some(pw) => format!(
                    "created user {} ({}) in {}; password: {pw}",
                    user.email, user.role, org.slug
                ),
                None => format!(
                    "created user {} ({}) in {}",
                    user.email, user.role, org.slug
                ),
            })?;
        }
        UserCommand::List(j) => {
            let users = quita_store::users::list(&app.db, org.id).await?;
            let docs: Vec<_> = users
                .iter()
                .map(|u| json!({"id": u.id, "email": u.email.as_str(), "name": u.name, "role": u.role.as_str(), "active": u.active}))
                .collect();
            output::print(j.json, &docs, || {
                users
                    .iter()
                    .map(|u| {
                        format!(
                            "{}\t{}\t{}\t{}",
                            u.id,
                            u.email,
                            u.role,
                            if u.active { "ativo" } else { "inativo" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn token(
    config: &Config,
    global: &GlobalArgs,
    cmd: TokenCommand,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    let TokenCommand::Create(a) = cmd;
    let role: Role = a.role.parse().context("--role")?;
    let created = app
        .create_token(org.id, &a.name, role, Actor::Cli, None)
        .await?;
    let doc = json!({
        "id": created.token.id, "org_id": org.id, "name": created.token.name, "role": role.as_str(),
        "prefix": created.token.prefix, "token": created.secret.expose(),
    });
    output::print(a.json, &doc, || {
        format!(
            "{}\n(token for {} with role {role}; it is shown only now)",
            created.secret.expose(),
            org.slug
        )
    })?;
    Ok(ExitCode::SUCCESS)
}
