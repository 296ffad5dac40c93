use quita_store::Db;
use reqwest::{StatusCode, header};

use crate::support::{PASSWORD, TestApp, client, csrf_in, logged_in, login};

pub async fn login_page_and_painel(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = client();
    let page = c.get(t.url("/entrar")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    // No other site may frame a page (clickjacking), on pages, the API and errors alike.
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ] {
        assert_eq!(page.headers()[name], value, "{name}");
        for path in ["/api/v1/me", "/nao-existe"] {
            let other = c.get(t.url(path)).send().await.unwrap();
            assert_eq!(other.headers()[name], value, "{path} {name}");
        }
    }
    let html = page.text().await.unwrap();
    for label in [
        ">E-mail</label>",
        ">Senha</label>",
        ">Entrar</button>",
        "lang=\"pt-BR\"",
    ] {
        assert!(html.contains(label), "login page lacks {label}");
    }
    // Anonymous visitors are sent to the login page.
    let res = c.get(t.url("/painel")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/entrar");

    let bad = login(&t, &c, &a.email("admin"), "senha-errada").await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("E-mail ou senha incorretos")
    );

    let ok = login(&t, &c, &a.email("admin"), PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[header::LOCATION], "/painel");
    let cookie = ok
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("quita_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let painel = c
        .get(t.url("/painel"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(painel.contains("<h1>Painel</h1>"));
    // A keyboard user can skip the navigation.
    assert!(
        painel.contains(r##"<a class="pular" href="#conteudo">Pular para o conteúdo</a>"##)
            && painel.contains(r#"<main id="conteudo""#),
        "{painel}"
    );
    // Real counts: four active users, one login (this one) in the last 24 h.
    assert!(
        painel.contains(r#"data-count="users_active">4<"#),
        "{painel}"
    );
    assert!(painel.contains(r#"data-count="logins_24h">1<"#));
    for area in [
        "Painel",
        "Carteiras",
        "Devedores",
        "Régua",
        "Fila",
        "Acordos",
        "Pagamentos",
        "Relatórios",
        "Configurações",
    ] {
        assert!(painel.contains(area), "navigation lacks {area}");
    }
    let fragment = c
        .get(t.url("/painel/numeros"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fragment.contains(r#"data-count="users_active">4<"#) && !fragment.contains("<html"));
    assert!(fragment.contains("Sessões ativas"), "{fragment}");

    // Sessions, tokens, logins and audit events are for admins only.
    for role in ["viewer", "agent", "supervisor"] {
        let other = client();
        logged_in(&t, &other, &a.email(role)).await;
        for path in ["/painel", "/painel/numeros"] {
            let html = other
                .get(t.url(path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(html.contains("Carteira em aberto"), "{role} {path}: {html}");
            for admin_only in [
                "Sessões ativas",
                "Tokens de API ativos",
                "logins_24h",
                "Eventos de auditoria",
            ] {
                assert!(!html.contains(admin_only), "{role} {path}: {html}");
            }
        }
    }

    // Logout ends the session.
    let csrf = csrf_in(&painel);
    let out = c
        .post(t.url("/sair"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(t.url("/painel")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

pub async fn csrf_is_required(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = client();
    // Login form without its token.
    c.get(t.url("/entrar")).send().await.unwrap();
    let res = c
        .post(t.url("/entrar"))
        .form(&[("email", a.email("admin").as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Without the pre-login cookie the token means nothing.
    let html = c
        .get(t.url("/entrar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let stolen = csrf_in(&html);
    let stranger = client();
    let res = stranger
        .post(t.url("/entrar"))
        .form(&[
            ("_csrf", stolen.as_str()),
            ("email", a.email("admin").as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let csrf = logged_in(&t, &c, &a.email("admin")).await;
    let form = [
        ("name", "Nova Pessoa"),
        ("email", "nova@alfa.com.br"),
        ("role", "agent"),
        ("password", "outra-senha-forte"),
    ];
    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .header("x-csrf-token", "0".repeat(64))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .header("origin", "http://evil.example")
        .header("x-csrf-token", &csrf)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The API through a session cookie needs the token too.
    let res = c
        .post(t.url("/api/v1/tokens"))
        .json(&serde_json::json!({"name": "x", "role": "agent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["code"],
        "csrf"
    );
    assert_eq!(
        quita_store::users::list(&t.app.db, a.id)
            .await
            .unwrap()
            .len(),
        4,
        "nothing was created"
    );

    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .header("x-csrf-token", &csrf)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        quita_store::users::list(&t.app.db, a.id)
            .await
            .unwrap()
            .len(),
        5
    );
}

pub async fn throttle_holds_across_instances(db: Db) {
    let one = TestApp::start(db.clone()).await;
    let two = TestApp::start(db).await;
    let a = one.org("alfa").await;
    let c = client();
    for _ in 0..10 {
        assert_eq!(
            login(&one, &c, &a.email("agent"), "errada").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let other = client();
    let res = login(&two, &other, &a.email("agent"), PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("Muitas tentativas"));
    // Other accounts are not affected.
    assert_eq!(
        login(&two, &other, &a.email("admin"), PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // After the lockout the right password works again.
    two.clock.advance(jiff::SignedDuration::from_mins(16));
    assert_eq!(
        login(&two, &client(), &a.email("agent"), PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

pub async fn sessions_are_shared_and_rotated(db: Db) {
    let one = TestApp::start(db.clone()).await;
    let two = TestApp::start(db).await;
    let a = one.org("alfa").await;
    let c = client();
    let first = login(&one, &c, &a.email("admin"), PASSWORD).await;
    let cookie_of = |r: &reqwest::Response| {
        r.headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("quita_session="))
            .unwrap()
    };
    let token = cookie_of(&first).split(';').next().unwrap().to_owned();
    // The same cookie works on the other instance.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(two.url("/painel"))
        .header(header::COOKIE, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Every login issues a new session id (never one the browser brought).
    let second = login(&two, &client(), &a.email("admin"), PASSWORD).await;
    let token2 = cookie_of(&second).split(';').next().unwrap().to_owned();
    assert_ne!(token, token2);
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let forged = raw
        .get(two.url("/painel"))
        .header(header::COOKIE, "quita_session=chosen-by-attacker")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::SEE_OTHER);
    // Idle expiry.
    one.clock.advance(jiff::SignedDuration::from_hours(3));
    assert_eq!(
        raw.get(one.url("/painel"))
            .header(header::COOKIE, &token2)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
}

pub async fn roles_are_enforced_on_pages(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let agent = client();
    logged_in(&t, &agent, &a.email("agent")).await;
    for path in [
        "/configuracoes",
        "/configuracoes/usuarios",
        "/configuracoes/tokens",
        "/configuracoes/auditoria",
        &format!("/configuracoes/usuarios/{}", a.admin_id),
    ] {
        assert_eq!(
            agent.get(t.url(path)).send().await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "agent on {path}"
        );
    }
    let viewer = client();
    logged_in(&t, &viewer, &a.email("viewer")).await;
    let painel = viewer
        .get(t.url("/painel"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !painel.contains(r#"href="/configuracoes""#),
        "viewers do not see Configurações"
    );
    let supervisor = client();
    logged_in(&t, &supervisor, &a.email("supervisor")).await;
    assert_eq!(
        supervisor
            .get(t.url("/configuracoes/auditoria"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        supervisor
            .get(t.url("/configuracoes/usuarios"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

pub async fn admin_manages_users_and_tokens(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("admin")).await;
    // Bad input is refused with a clear message and creates nothing.
    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "X"),
            ("email", "não é email"),
            ("role", "agent"),
            ("password", "outra-senha-forte"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("E-mail: e-mail inválido")
    );
    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "X"),
            ("email", "agent@alfa.com.br"),
            ("role", "agent"),
            ("password", "outra-senha-forte"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Já existe um usuário com esse e-mail")
    );
    // Deactivating a user ends their sessions.
    let agent = client();
    logged_in(&t, &agent, &a.email("agent")).await;
    let path = format!("/configuracoes/usuarios/{}", a.agent_id);
    let res = c
        .post(t.url(&path))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Operador Alfa"),
            ("role", "agent"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        agent.get(t.url("/painel")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        c.get(t.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Operador Alfa")
    );
    // The last admin cannot demote themself.
    let me = format!("/configuracoes/usuarios/{}", a.admin_id);
    let res = c
        .post(t.url(&me))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Admin"),
            ("role", "viewer"),
            ("active", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Tokens: shown once, then usable, then revoked.
    let page = c
        .post(t.url("/configuracoes/tokens"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "ERP"),
            ("role", "supervisor"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let secret = page
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("qt_"));
    let api = reqwest::Client::new();
    assert_eq!(
        api.get(t.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let id = quita_store::tokens::list(&t.app.db, a.id).await.unwrap()[0].id;
    let res = c
        .post(t.url(&format!("/configuracoes/tokens/{id}/revogar")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        api.get(t.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let audit = c
        .get(t.url("/configuracoes/auditoria"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for label in [
        "Token de API revogado",
        "Usuário alterado",
        "Entrou no sistema",
    ] {
        assert!(audit.contains(label), "audit lacks {label}");
    }
}

/// A form sent after its session ended (logged out in another tab) says
/// the session expired and offers the login, which comes back to the page;
/// login returns only to a path of this site. A live session's bad token
/// is still a 403.
pub async fn ended_session_offers_the_login_back(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = client();
    let csrf = logged_in(&t, &c, &a.email("admin")).await;
    let host = t.url("");
    let form = [
        ("_csrf", csrf.as_str()),
        ("name", "Nova Pessoa"),
        ("email", "nova@alfa.com.br"),
        ("role", "agent"),
        ("password", "outra-senha-forte"),
    ];
    // A live session with a wrong token: refused as before.
    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .form(&[("_csrf", "0".repeat(64).as_str()), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Acesso negado"));
    // Another tab logs out (its redirect sets the pre-login cookie).
    let out = c
        .post(t.url("/sair"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    c.get(t.url("/entrar")).send().await.unwrap();
    let res = c
        .post(t.url("/configuracoes/usuarios"))
        .header(
            header::REFERER,
            format!("{}/configuracoes/usuarios", host.trim_end_matches('/')),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("Sua sessão expirou"), "{html}");
    assert!(
        !html.contains("Acesso negado") && !html.contains("Código"),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/entrar?volta=%2Fconfiguracoes%2Fusuarios""#),
        "{html}"
    );
    // The same without a pre-login cookie (a fresh browser) and without a
    // Referer: the login, back to the Painel.
    let fresh = client();
    let res = fresh
        .post(t.url("/carteiras/1"))
        .form(&[("_csrf", "abc")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains(r#"href="/entrar""#));
    // A fragment htmx polls or searches for after the session ended: the
    // whole page is sent to the login (HX-Redirect), back to where it was.
    let res = fresh
        .get(t.url("/devedores/busca?q=maria"))
        .header("HX-Request", "true")
        .header(
            "HX-Current-URL",
            format!("{}/devedores?q=maria", host.trim_end_matches('/')),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.headers()["hx-redirect"],
        "/entrar?volta=%2Fdevedores%3Fq%3Dmaria"
    );
    let res = fresh
        .get(t.url("/devedores/busca?q=maria"))
        .header("HX-Request", "true")
        .header("HX-Current-URL", "https://evil.example/x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["hx-redirect"], "/entrar");

    // The login page carries the page to return to, and login goes there.
    let page = c
        .get(t.url("/entrar?volta=%2Fconfiguracoes%2Fusuarios"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"name="volta" value="/configuracoes/usuarios""#),
        "{page}"
    );
    let login_to = |volta: &'static str| {
        let c = client();
        let t = &t;
        let email = a.email("admin");
        async move {
            let page = c.get(t.url("/entrar")).send().await.unwrap();
            let csrf = csrf_in(&page.text().await.unwrap());
            let res = c
                .post(t.url("/entrar"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("email", email.as_str()),
                    ("password", PASSWORD),
                    ("volta", volta),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{volta}");
            res.headers()[header::LOCATION].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(
        login_to("/devedores/7?em=01/02/2026").await,
        "/devedores/7?em=01/02/2026"
    );
    for evil in [
        "/sair",
        "/entrar?volta=/sair",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/a//b",
        "evil",
    ] {
        assert_eq!(login_to(evil).await, "/painel", "{evil}");
    }
    // A page opened while logged out sends to the login, which returns to it.
    let anon = client();
    let res = anon
        .get(t.url("/devedores/7?em=01/02/2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/entrar?volta=%2Fdevedores%2F7%3Fem%3D01%2F02%2F2026"
    );
}

/// Contrast ratio of two `#rrggbb` colours (WCAG 2 relative luminance).
fn contrast(a: &str, b: &str) -> f64 {
    let lum = |hex: &str| {
        let c = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The areas still to come read as such (words, `aria-disabled`, not a
/// tooltip) at a readable contrast; form fields have visible borders.
pub async fn unavailable_areas_and_field_borders_are_readable(db: Db) {
    let t = TestApp::start(db).await;
    let a = t.org("alfa").await;
    let c = client();
    logged_in(&t, &c, &a.email("admin")).await;
    let painel = c
        .get(t.url("/painel"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for area in ["Régua", "Fila", "Acordos", "Pagamentos"] {
        assert!(
            painel.contains(&format!(
                r#"<a class="soon" role="link" aria-disabled="true">{area} <small>(em breve)</small></a>"#
            )),
            "{area}: {painel}"
        );
    }
    assert!(!painel.contains("title=\"Disponível"), "{painel}");
    let css = c
        .get(t.url("/assets/quita.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |after: &str| {
        let at = css.find(after).unwrap_or_else(|| panic!("{after}")) + after.len();
        css[at..at + 7].to_owned()
    };
    let field = value("--field:");
    assert!(
        css.contains("border:1px solid var(--field)"),
        "fields use the --field border"
    );
    for background in ["#ffffff", "#f5f6f8"] {
        let ratio = contrast(&field, background);
        assert!(ratio >= 3.0, "{field} on {background}: {ratio}");
    }
    let soon = value("\n.topbar nav .soon { color:");
    let ratio = contrast(&soon, "#102a23");
    assert!(ratio >= 4.5, "{soon}: {ratio}");
    assert!(!css.contains(".soon { opacity"), "no faded text");
    // Long values wrap instead of widening the page at 320 px.
    assert!(css.contains("overflow-wrap:anywhere"));
}
