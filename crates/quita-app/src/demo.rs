//! The demo organization `quita demo` creates on first run: an agency with
//! one user per role and fixed, printed passwords. Deterministic, so every
//! new user sees the same product; the demo portfolio and a little history come with it.

use quita_core::{
    email::Email,
    org::{OrgMode, OrgName, Slug},
    password::NewPassword,
    role::Role,
};
use quita_store::{audit::Actor, portfolio::Keyset};

use crate::{
    App, AppError, AppResult,
    admin::{NewOrgInput, NewUserInput},
    auth::Principal,
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
                let mut supervisor = None;
                for (login, name) in DEMO_LOGINS.iter().zip(DEMO_NAMES) {
                    let user = self
                        .create_user(
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
                    if login.role == Role::Supervisor {
                        supervisor = Some(Principal {
                            org_id: org.id,
                            role: login.role,
                            actor: Actor::User(user.id),
                            name: name.to_owned(),
                            user_id: Some(user.id),
                        });
                    }
                }
                self.seed_demo_portfolio(org.id, &org.time_zone).await?;
                if let Some(who) = supervisor {
                    self.seed_demo_history(&who).await?;
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

/// The demo's creditors: a retailer under consumer law and a finance company.
const DEMO_CREDITORS: [(&str, &str, u32, u32, bool, u64); 2] = [
    (
        "Varejo Bom Preço S.A.",
        "34.028.316/0001-03",
        2,
        1,
        true,
        5_000,
    ),
    (
        "Crédito Fácil Financeira S.A.",
        "11.222.333/0001-81",
        10,
        2,
        false,
        3_000,
    ),
];

impl App {
    /// About 2,000 debtors and 8,000 receivables in every aging bucket,
    /// split between two creditors; generated deterministically relative to
    /// the organization's today, so the buckets look right on the first run.
    async fn seed_demo_portfolio(&self, org_id: i64, time_zone: &str) -> AppResult<()> {
        use quita_core::{charge_policy::ChargePolicy, rate::Percent};

        use crate::{
            portfolio::import::{FileKind, ImportOptions},
            synthetic::{DEFAULT_SEED, SyntheticPortfolio, write_portfolio},
        };
        let total: u64 = DEMO_CREDITORS.iter().map(|c| c.5).sum();
        let spec = SyntheticPortfolio {
            receivables: total,
            seed: DEFAULT_SEED,
            as_of: self.clock.today_in(time_zone),
        };
        let mut csv = Vec::new();
        write_portfolio(&spec, &mut csv).map_err(|e| AppError::Internal(e.into()))?;
        let text = String::from_utf8(csv).map_err(|e| AppError::Internal(e.into()))?;
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default().to_owned();
        for (name, document, fine, interest, consumer, rows) in DEMO_CREDITORS {
            let policy = ChargePolicy {
                late_fine: Percent::whole(fine),
                default_interest_monthly: Percent::whole(interest),
                consumer_relation: consumer,
                ..ChargePolicy::default()
            };
            let creditor = self
                .create_creditor(org_id, name, document, &policy, Actor::Cli)
                .await?;
            let mut part = header.clone();
            for line in lines.by_ref().take(rows as usize) {
                part.push('\n');
                part.push_str(line);
            }
            let opts = ImportOptions {
                reversals: Default::default(),
                run: None,
                partial: false,
                source: "demo".into(),
            };
            let out = self
                .import_receivables(
                    org_id,
                    creditor.id,
                    FileKind::Csv,
                    std::io::Cursor::new(part.into_bytes()),
                    &opts,
                    Actor::Cli,
                    &|_| {},
                )
                .await?;
            if !out.summary.applied {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "demo portfolio refused: {:?}",
                    out.problems.first()
                )));
            }
        }
        Ok(())
    }
}

impl App {
    /// A little history on the first debtor in the list, so the debtor page's
    /// timeline and a closed receivable have something to show: a dispute
    /// flagged with a tag, and its oldest open receivable written off.
    async fn seed_demo_history(&self, who: &Principal) -> AppResult<()> {
        use quita_core::debtor::{DebtorFlags, Tag};

        use crate::portfolio::closing::Closing;
        let page = self.debtors_page(who, (Keyset::START, None), 1).await?;
        let Some(debtor) = page.debtors.first() else {
            return Ok(());
        };
        let flags = DebtorFlags {
            dispute: true,
            ..DebtorFlags::default()
        };
        let tag = Tag::parse("contestou por e-mail").map_err(internal)?;
        self.mark_debtor(who, debtor.id, flags, &[tag]).await?;
        let oldest =
            quita_store::portfolio::receivables::list_for_debtor(&self.db, who.org_id, debtor.id)
                .await?
                .into_iter()
                .find(|r| r.status.is_collectable());
        if let Some(r) = oldest {
            self.close_receivable(
                who,
                r.id,
                Some(debtor.id),
                Closing::WriteOff,
                "Perda autorizada pelo credor: devedor sem bens localizáveis",
            )
            .await?;
        }
        Ok(())
    }
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::Internal(e.into())
}
