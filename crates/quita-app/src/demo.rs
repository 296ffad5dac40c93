//! The demo organization `quita demo` creates on first run: an agency with
//! one user per role and fixed, printed passwords. Deterministic, so every
//! new user sees the same product; later issues add its portfolio.

use quita_core::{
    email::Email,
    org::{OrgMode, OrgName, Slug},
    password::NewPassword,
    role::Role,
};
use quita_store::audit::Actor;

use crate::{
    App, AppError, AppResult,
    admin::{NewOrgInput, NewUserInput},
};

pub const DEMO_SLUG: &str = "demo";

/// One printed login of the demo.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoLogin {
    pub role: Role,
    pub email: &'static str,
    pub password: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        role: Role::Admin,
        email: "admin@quita.demo",
        password: "admin-demo-2026",
    },
    DemoLogin {
        role: Role::Supervisor,
        email: "supervisor@quita.demo",
        password: "supervisor-demo-2026",
    },
    DemoLogin {
        role: Role::Agent,
        email: "operador@quita.demo",
        password: "operador-demo-2026",
    },
    DemoLogin {
        role: Role::Viewer,
        email: "visualizador@quita.demo",
        password: "visualizador-demo-2026",
    },
];

const DEMO_NAMES: [&str; 4] = [
    "Ana Administradora",
    "Sérgio Supervisor",
    "Otávio Operador",
    "Vera Visualizadora",
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoInfo {
    pub org_id: i64,
    pub org_slug: String,
    pub org_name: String,
    pub created: bool,
    pub logins: Vec<DemoLogin>,
}

impl App {
    /// Creates the demo organization and its users unless they exist.
    pub async fn seed_demo(&self) -> AppResult<DemoInfo> {
        let existing = quita_store::orgs::find_by_slug(&self.db, DEMO_SLUG).await?;
        let (org, created) = match existing {
            Some(org) => (org, false),
            None => {
                let org = self
                    .create_org(
                        NewOrgInput {
                            name: OrgName::parse("Recupera Assessoria de Cobrança (demo)")
                                .map_err(internal)?,
                            slug: Some(Slug::parse(DEMO_SLUG).map_err(internal)?),
                            document: None,
                            mode: OrgMode::Agency,
                        },
                        Actor::Cli,
                    )
                    .await?;
                for (login, name) in DEMO_LOGINS.iter().zip(DEMO_NAMES) {
                    self.create_user(
                        org.id,
                        NewUserInput {
                            email: Email::parse(login.email).map_err(internal)?,
                            name: name.to_owned(),
                            role: login.role,
                            password: NewPassword::parse(login.password).map_err(internal)?,
                        },
                        Actor::Cli,
                    )
                    .await?;
                }
                (org, true)
            }
        };
        Ok(DemoInfo {
            org_id: org.id,
            org_slug: org.slug,
            org_name: org.name,
            created,
            logins: DEMO_LOGINS.to_vec(),
        })
    }
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::Internal(e.into())
}
