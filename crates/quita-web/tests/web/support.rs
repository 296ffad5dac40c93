//! `TestApp`: the real router served on 127.0.0.1:0 over a fresh database.

use std::{net::SocketAddr, sync::Arc};

use quita_app::{
    App, FixedClock,
    admin::{NewOrgInput, NewUserInput},
    auth::AuthSettings,
};
use quita_core::{
    email::Email,
    org::{OrgMode, OrgName},
    password::NewPassword,
    role::Role,
};
use quita_store::{Db, audit::Actor};
use quita_web::{AppState, WebSettings};
use reqwest::{Client, StatusCode, redirect::Policy};
use tokio::{net::TcpListener, sync::oneshot};

pub const PASSWORD: &str = "senha-forte-123";

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub clock: Arc<FixedClock>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

impl TestApp {
    pub async fn start(db: Db) -> Self {
        let clock = Arc::new(FixedClock::new(jiff::Timestamp::now()));
        let app = App::new(db, clock.clone(), AuthSettings::default());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let state = AppState::new(
            app.clone(),
            WebSettings {
                public_url: base.clone(),
                ..WebSettings::default()
            },
        );
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(quita_web::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Self {
            base,
            app,
            clock,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An organization with one user per role; e-mails `<role>@<slug>.com.br`.
    pub async fn org(&self, slug: &str) -> Org {
        let org = self
            .app
            .create_org(
                NewOrgInput {
                    name: OrgName::parse(&format!("Org {slug}")).unwrap(),
                    slug: Some(quita_core::org::Slug::parse(slug).unwrap()),
                    document: None,
                    mode: OrgMode::Agency,
                },
                Actor::Cli,
            )
            .await
            .unwrap();
        let mut ids = Vec::new();
        for role in [Role::Admin, Role::Supervisor, Role::Agent, Role::Viewer] {
            let u = self
                .app
                .create_user(
                    org.id,
                    NewUserInput {
                        email: Email::parse(&format!("{role}@{slug}.com.br")).unwrap(),
                        name: format!("{role} {slug}"),
                        role,
                        password: NewPassword::parse(PASSWORD).unwrap(),
                    },
                    Actor::Cli,
                )
                .await
                .unwrap();
            ids.push(u.id);
        }
        Org {
            id: org.id,
            slug: slug.to_owned(),
            admin_id: ids[0],
            agent_id: ids[2],
        }
    }
}

pub struct Org {
    pub id: i64,
    pub slug: String,
    pub admin_id: i64,
    pub agent_id: i64,
}

impl Org {
    pub fn email(&self, role: &str) -> String {
        format!("{role}@{}.com.br", self.slug)
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The value of the first `name="_csrf"` field in a page.
pub fn csrf_in(html: &str) -> String {
    let at = html
        .find("name=\"_csrf\" value=\"")
        .expect("page has a CSRF field")
        + "name=\"_csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// Logs in through the form; returns the response to the POST.
pub async fn login(t: &TestApp, c: &Client, email: &str, password: &str) -> reqwest::Response {
    let page = c
        .get(t.url("/entrar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page);
    c.post(t.url("/entrar"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

/// Logs in and returns the session's CSRF token (read from the Painel).
pub async fn logged_in(t: &TestApp, c: &Client, email: &str) -> String {
    let res = login(t, c, email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {email}");
    let painel = c
        .get(t.url("/painel"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    csrf_in(&painel)
}

/// A page's status and text.
pub async fn get(c: &Client, t: &TestApp, path: &str) -> (StatusCode, String) {
    let res = c.get(t.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// A new API token of the organization with the role, as its secret.
pub async fn token(t: &TestApp, org_id: i64, role: Role) -> String {
    t.app
        .create_token(org_id, "erp", role, Actor::Cli, None)
        .await
        .unwrap()
        .secret
        .expose()
        .to_owned()
}
