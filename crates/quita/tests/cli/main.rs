//! The `quita` binary as a user runs it: exit codes, one-line errors, JSON
//! output, the demo, and graceful shutdown.
mod calc;
mod contract;
mod receivable;

use std::{
    io::{BufRead, BufReader, Write},
    path::PathBuf,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

fn quita(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quita"))
        .current_dir(dir)
        .env_remove("QUITA_DATABASE_URL")
        .env_remove("QUITA_CONFIG")
        .args(args)
        .output()
        .expect("run quita")
}

fn tempdir(name: &str) -> PathBuf {
    let mut bytes = [0u8; 6];
    getrandom_fill(&mut bytes);
    let dir = std::env::temp_dir().join(format!(
        "quita-cli-{name}-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn getrandom_fill(buf: &mut [u8]) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (nanos >> (i * 8)) as u8 ^ (std::process::id() as u8);
    }
}

/// A failure: non-zero exit, exactly one line on stderr, no panic.
fn assert_one_line_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure, got success; stderr: {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one error line, got: {stderr}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(needle),
        "{needle:?} not in {stderr}"
    );
}

#[test]
fn help_lists_every_command() {
    let out = quita(&std::env::temp_dir(), &["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "serve", "worker", "migrate", "demo", "org", "user", "token", "config", "openapi", "br",
        "bench",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
}

#[test]
fn bad_configuration_is_one_clear_line() {
    let dir = tempdir("badcfg");
    assert_one_line_error(
        &quita(&dir, &["--database-url", "mysql://h/db", "migrate"]),
        "unsupported database URL scheme \"mysql\"",
    );
    assert_one_line_error(
        &quita(
            &dir,
            &[
                "--database-url",
                "postgres://quita@127.0.0.1:1/nada",
                "migrate",
            ],
        ),
        "could not open the database",
    );
    assert_one_line_error(
        &quita(&dir, &["--config", "/nonexistent/quita.toml", "migrate"]),
        "config file /nonexistent/quita.toml does not exist",
    );
    std::fs::write(dir.join("quita.toml"), "bind = [1, 2\n").unwrap();
    assert_one_line_error(&quita(&dir, &["migrate"]), "invalid configuration");
    std::fs::write(dir.join("quita.toml"), "database_url = \"oracle://x\"\n").unwrap();
    assert_one_line_error(
        &quita(&dir, &["migrate"]),
        "unsupported database URL scheme",
    );
    std::fs::remove_file(dir.join("quita.toml")).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    assert_one_line_error(
        &quita(
            &dir,
            &[
                "--data-dir",
                "d",
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
            ],
        ),
        "cannot listen on",
    );
    // With --json the error is also a JSON document on stdout.
    let out = quita(
        &dir,
        &["--database-url", "mysql://h/db", "migrate", "--json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["error"].as_str().unwrap().contains("mysql"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn org_user_token_from_the_shell() {
    let dir = tempdir("admin");
    let out = quita(&dir, &["migrate", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = quita(
        &dir,
        &["user", "create", "--email", "a@b.com.br", "--role", "admin"],
    );
    assert_one_line_error(&out, "no organization yet");
    let out = quita(
        &dir,
        &[
            "org",
            "create",
            "--name",
            "Cobrança Ágil",
            "--document",
            "11.222.333/0001-81",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let org: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (org["slug"].as_str(), org["document"].as_str()),
        (Some("cobranca-agil"), Some("11222333000181"))
    );
    assert_one_line_error(
        &quita(
            &dir,
            &[
                "org",
                "create",
                "--name",
                "X",
                "--document",
                "11.222.333/0001-80",
            ],
        ),
        "--document",
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_quita"))
        .current_dir(&dir)
        .args([
            "user",
            "create",
            "--email",
            "Ana@Agil.com.br",
            "--role",
            "operador",
            "--password-stdin",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"uma-senha-boa-123\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            user["email"].as_str(),
            user["role"].as_str(),
            user["password"].is_null()
        ),
        (Some("ana@agil.com.br"), Some("agent"), true)
    );

    let out = quita(
        &dir,
        &[
            "--org",
            "cobranca-agil",
            "user",
            "create",
            "--email",
            "bia@agil.com.br",
            "--role",
            "admin",
            "--json",
        ],
    );
    let user: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        user["password"].as_str().unwrap().len() >= 10,
        "a generated password is printed"
    );
    assert_one_line_error(
        &quita(
            &dir,
            &[
                "user",
                "create",
                "--email",
                "bia@agil.com.br",
                "--role",
                "admin",
            ],
        ),
        "already in use",
    );
    assert_one_line_error(
        &quita(
            &dir,
            &[
                "user",
                "create",
                "--email",
                "x@agil.com.br",
                "--role",
                "root",
            ],
        ),
        "--role",
    );

    let out = quita(&dir, &["token", "create", "--json"]);
    let tok: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(tok["token"].as_str().unwrap().starts_with("qt_"));
    quita(&dir, &["org", "create", "--name", "Outra"]);
    assert_one_line_error(&quita(&dir, &["token", "create"]), "choose one with --org");
    assert_one_line_error(
        &quita(&dir, &["--org", "nao-existe", "token", "create"]),
        "organization \"nao-existe\"",
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn wait_for(url: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if std::net::TcpStream::connect(url).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server at {url} did not come up");
}

fn sigterm(pid: u32) {
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
}

#[test]
fn demo_prints_logins_serves_and_stops_gracefully() {
    let dir = tempdir("demo");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    for (round, word) in [(0, "criado"), (1, "pronto")] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quita"))
            .current_dir(&dir)
            .args(["demo", "--bind", &addr])
            .env("QUITA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with("Dados em") {
                break;
            }
        }
        assert!(
            printed.contains(&format!("Quita demo {word}: http://{addr}")),
            "round {round}: {printed}"
        );
        assert!(printed.contains("admin@quita.demo") && printed.contains("admin-demo-2026"));
        wait_for(&addr);
        let ok = std::net::TcpStream::connect(&addr).and_then(|mut s| {
            s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
            let mut buf = String::new();
            std::io::Read::read_to_string(&mut s, &mut buf)?;
            Ok(buf)
        });
        assert!(ok.unwrap().starts_with("HTTP/1.1 200"));
        sigterm(child.id());
        let status = child.wait().unwrap();
        assert!(status.success(), "graceful shutdown exits 0, got {status}");
    }
    assert!(dir.join("quita-data/quita.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn migrate_and_serve_on_postgres() {
    let Some(admin_url) = quita_store::testing::postgres_url() else {
        eprintln!("skipped: QUITA_TEST_POSTGRES_URL is not set");
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let name = format!("quita_cli_{}", std::process::id());
    let url = quita_store::testing::replace_database(&admin_url, &name);
    rt.block_on(async {
        let admin = quita_store::Db::connect(
            &quita_store::DatabaseUrl::parse(&admin_url).unwrap(),
            &Default::default(),
        )
        .await
        .unwrap();
        if let quita_store::Db::Pg(p) = &admin {
            sqlx_exec(p, &format!("DROP DATABASE IF EXISTS {name}")).await;
            sqlx_exec(p, &format!("CREATE DATABASE {name}")).await;
        }
    });
    let dir = tempdir("pg");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_quita"))
            .current_dir(&dir)
            .env("QUITA_DATABASE_URL", &url)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["migrate", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["database"].as_str().unwrap().starts_with("postgres"));
    assert!(run(&["org", "create", "--name", "PG"]).status.success());
    // Two serve processes on one database both answer.
    let ports: Vec<u16> = (0..2)
        .map(|_| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        })
        .collect();
    let mut children: Vec<_> = ports
        .iter()
        .map(|p| {
            Command::new(env!("CARGO_BIN_EXE_quita"))
                .current_dir(&dir)
                .env("QUITA_DATABASE_URL", &url)
                .env("QUITA_LOG", "warn")
                .args(["serve", "--bind", &format!("127.0.0.1:{p}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for p in &ports {
        wait_for(&format!("127.0.0.1:{p}"));
    }
    for c in &children {
        sigterm(c.id());
    }
    for c in children.iter_mut() {
        assert!(c.wait().unwrap().success());
    }
    rt.block_on(async {
        let admin = quita_store::Db::connect(
            &quita_store::DatabaseUrl::parse(&admin_url).unwrap(),
            &Default::default(),
        )
        .await
        .unwrap();
        if let quita_store::Db::Pg(p) = &admin {
            sqlx_exec(p, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    });
    let _ = std::fs::remove_dir_all(dir);
}

async fn sqlx_exec(pool: &sqlx::PgPool, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(pool)
        .await
        .unwrap();
}

fn json_of(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

/// Organization `alfa` with creditor Loja (34.028.316/0001-03, the default
/// 2% fine and 1% a month) and the sample portfolio imported: the import's
/// summary.
fn alfa_with_sample_portfolio(dir: &std::path::Path) -> serde_json::Value {
    let carteira =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/samples/carteira-exemplo.csv");
    json_of(&quita(dir, &["org", "create", "--name", "Alfa", "--json"]));
    let org = |args: &[&str]| {
        let mut all = vec!["--org", "alfa"];
        all.extend_from_slice(args);
        quita(dir, &all)
    };
    json_of(&org(&[
        "creditor",
        "create",
        "--name",
        "Loja",
        "--document",
        "34.028.316/0001-03",
        "--json",
    ]));
    json_of(&org(&[
        "import",
        "receivables",
        carteira.to_str().unwrap(),
        "--creditor",
        "34028316000103",
        "--json",
    ]))
}

#[test]
fn import_contacts_enriches_existing_debtors() {
    let dir = tempdir("enrich");
    let enrich = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/samples/enriquecimento-exemplo.csv");
    let imported = alfa_with_sample_portfolio(&dir);
    assert_eq!(imported["errors"], 0, "{imported}");
    // The import closed the database: no write-ahead log left beside it
    // (a large import's grows to the size of what it wrote).
    let wal = dir.join("quita-data/quita.db-wal");
    assert!(!wal.exists(), "{} left behind", wal.display());
    let first = json_of(&quita(
        &dir,
        &[
            "--org",
            "alfa",
            "import",
            "contacts",
            enrich.to_str().unwrap(),
            "--json",
        ],
    ));
    for key in [
        "rows",
        "contacts_created",
        "unchanged",
        "skipped_invalid",
        "unknown_debtors",
        "errors",
        "elapsed_ms",
    ] {
        assert!(first[key].is_u64(), "{key}: {first}");
    }
    assert_eq!(first["rows"], 4, "{first}");
    assert_eq!(first["errors"], 0, "{first}");
    // Maria: e-mail, phone, address; José: landline (his e-mail is known);
    // the bakery: e-mail, phone, address; Ana: landline (her mobile is known).
    assert_eq!(first["contacts_created"], 8, "{first}");
    assert_eq!(first["unchanged"], 2, "{first}");
    let again = json_of(&quita(
        &dir,
        &[
            "--org",
            "alfa",
            "import",
            "contacts",
            enrich.to_str().unwrap(),
            "--source",
            "outra",
            "--json",
        ],
    ));
    assert_eq!(
        (
            again["contacts_created"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(10)),
        "{again}"
    );

    // A debtor not in the organization: exit 1, one line naming line and column, errors report.
    let bad = dir.join("ruim.csv");
    std::fs::write(
        &bad,
        "documento_devedor;email\n529.982.247-25;nova@example.com\n111.444.777-35;x@example.com\n",
    )
    .unwrap();
    let report = dir.join("erros.csv");
    let out = quita(
        &dir,
        &[
            "--org",
            "alfa",
            "import",
            "contacts",
            bad.to_str().unwrap(),
            "--errors",
            report.to_str().unwrap(),
        ],
    );
    assert_one_line_error(&out, "line 3, column documento_devedor");
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(
        csv.starts_with("\u{feff}linha;coluna;valor;motivo\n3;documento_devedor;"),
        "{csv}"
    );
    // Nothing was half-applied: with --partial the good row is written now
    // (still exit 1: the report has a problem).
    let out = quita(
        &dir,
        &[
            "--org",
            "alfa",
            "import",
            "contacts",
            bad.to_str().unwrap(),
            "--partial",
            "--json",
        ],
    );
    assert!(!out.status.success());
    let after: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            after["contacts_created"].as_u64(),
            after["unknown_debtors"].as_u64()
        ),
        (Some(1), Some(1)),
        "{after}"
    );

    // A whole-file problem names the file, not a "line 0".
    let empty = dir.join("vazio.csv");
    std::fs::write(&empty, "").unwrap();
    let out = quita(
        &dir,
        &[
            "--org",
            "alfa",
            "import",
            "receivables",
            empty.to_str().unwrap(),
            "--creditor",
            "34028316000103",
        ],
    );
    assert_one_line_error(&out, "error: 1 problem in ");
    assert_one_line_error(&out, "vazio.csv: o arquivo está vazio");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("line 0"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_exit_1_with_one_line() {
    let dir = tempdir("usage");
    let out = quita(
        &dir,
        &["br", "doc", "validate", "--frobnicate", "x", "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--frobnicate"), "{err}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert!(json["error"].as_str().unwrap().contains("--frobnicate"));
    // Other commands answer as their other errors do.
    let out = quita(&dir, &["--org", "br", "import", "receivables", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["code"], "usage");
    assert!(json.get("valid").is_none(), "{json}");
    assert!(
        json["error"].as_str().unwrap().contains("--creditor"),
        "{json}"
    );
    let help = quita(&dir, &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage"));
}

#[test]
fn bench_import_measures_a_small_portfolio() {
    let dir = tempdir("bench-import");
    let db = dir.join("bench.db");
    let url = format!("sqlite://{}", db.display());
    let out = quita(
        &dir,
        &[
            "bench",
            "import",
            "--rows",
            "3000",
            "--database",
            &url,
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["import"]["rows"], 3000);
    assert_eq!(json["import"]["receivables_created"], 3000);
    assert!(json["import"]["rows_per_second"].as_f64().unwrap() > 0.0);
    let aging = quita(
        &dir,
        &[
            "bench",
            "aging",
            "--database",
            &url,
            "--repeat",
            "2",
            "--json",
        ],
    );
    assert!(
        aging.status.success(),
        "{}",
        String::from_utf8_lossy(&aging.stderr)
    );
    let aging: serde_json::Value = serde_json::from_slice(&aging.stdout).unwrap();
    assert_eq!(aging["receivables"], 3000);
    let search = quita(
        &dir,
        &[
            "bench",
            "search",
            "--database",
            &url,
            "--repeat",
            "1",
            "--json",
        ],
    );
    assert!(
        search.status.success(),
        "{}",
        String::from_utf8_lossy(&search.stderr)
    );
    let search: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert_eq!(search["queries"], 300);
    // Small pages: each bucket takes many, and the bench itself fails if a
    // bucket yields other than the aging's count.
    let drill = quita(
        &dir,
        &[
            "bench",
            "drill",
            "--database",
            &url,
            "--limit",
            "97",
            "--json",
        ],
    );
    assert!(
        drill.status.success(),
        "{}",
        String::from_utf8_lossy(&drill.stderr)
    );
    let drill: serde_json::Value = serde_json::from_slice(&drill.stdout).unwrap();
    let buckets = drill["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 7);
    let read: u64 = buckets
        .iter()
        .map(|b| b["receivables"].as_u64().unwrap())
        .sum();
    assert_eq!(read, 3000);
    assert!(
        buckets
            .iter()
            .all(|b| b["pages"]["runs"].as_u64().unwrap() >= 1)
    );
    // A database that already holds a benchmark is refused, not mixed.
    let again = quita(
        &dir,
        &["bench", "import", "--rows", "10", "--database", &url],
    );
    assert_eq!(again.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A report path that cannot be written, or that is the input file, fails
/// the command before anything is imported.
#[test]
fn errors_report_path_is_checked_before_importing() {
    let dir = tempdir("report-path");
    let imported = alfa_with_sample_portfolio(&dir);
    assert_eq!(imported["receivables_created"], 20, "{imported}");
    let file = dir.join("mais.csv");
    std::fs::write(
        &file,
        "documento_devedor;nome_devedor;numero_documento;vencimento;valor\n529.982.247-25;Maria;NOVO-1;10/01/2027;10,00\n",
    )
    .unwrap();
    let run = |report: &std::path::Path| {
        quita(
            &dir,
            &[
                "--org",
                "alfa",
                "import",
                "receivables",
                file.to_str().unwrap(),
                "--creditor",
                "34028316000103",
                "--errors",
                report.to_str().unwrap(),
                "--json",
            ],
        )
    };
    let out = run(&dir.join("nao-existe").join("erros.csv"));
    assert_one_line_error(&out, "--errors");
    let out = run(&file);
    assert_one_line_error(&out, "that is the input file");
    assert!(
        std::fs::read_to_string(&file).unwrap().contains("NOVO-1"),
        "the input is not overwritten"
    );
    // Nothing was imported by the refused runs: now NOVO-1 is new.
    let report = dir.join("erros.csv");
    let ok = json_of(&run(&report));
    assert_eq!(ok["receivables_created"], 1, "{ok}");
}

/// A returned cheque from the shell: refused (exit 1, the row named)
/// unless `--reversals`, then counted in `reversals`.
#[test]
fn reversals_from_the_shell() {
    let dir = tempdir("reversals");
    alfa_with_sample_portfolio(&dir);
    let file = dir.join("mes.csv");
    let run = |rows: &str, extra: &[&str]| {
        std::fs::write(
            &file,
            format!("documento_devedor;nome_devedor;numero_documento;vencimento;valor;valor_aberto\n{rows}\n"),
        )
        .unwrap();
        let mut args = vec![
            "--org",
            "alfa",
            "import",
            "receivables",
            file.to_str().unwrap(),
            "--creditor",
            "34028316000103",
            "--json",
        ];
        args.extend_from_slice(extra);
        quita(&dir, &args)
    };
    let paid = json_of(&run(
        "529.982.247-25;Maria;CHQ-1;10/01/2027;80,00;0,00",
        &[],
    ));
    assert_eq!(paid["receivables_created"], 1, "{paid}");
    let returned = "529.982.247-25;Maria;CHQ-1;10/01/2027;80,00;80,00";
    let out = run(returned, &[]);
    assert_eq!(out.status.code(), Some(1));
    let refused: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            &refused["applied"],
            &refused["errors"],
            &refused["reversals"]
        ),
        (
            &serde_json::json!(false),
            &serde_json::json!(1),
            &serde_json::json!(0)
        ),
        "{refused}"
    );
    let taken = json_of(&run(returned, &["--reversals"]));
    assert_eq!(
        (&taken["receivables_updated"], &taken["reversals"]),
        (&serde_json::json!(1), &serde_json::json!(1)),
        "{taken}"
    );
}

/// An index table is told by the name it is stored under.
#[test]
fn index_import_names_the_stored_table() {
    let dir = tempdir("index-name");
    json_of(&quita(&dir, &["org", "create", "--name", "Alfa", "--json"]));
    let file = dir.join("ipca.csv");
    std::fs::write(&file, "mes;ipca\n2026-01;0,42\n2026-02;0,50\n").unwrap();
    let out = json_of(&quita(
        &dir,
        &["index", "import", "IPCA", file.to_str().unwrap(), "--json"],
    ));
    assert_eq!(
        out,
        serde_json::json!({"name": "ipca", "stored": true, "first_month": "2026-01", "last_month": "2026-02", "months": 2})
    );
}

/// The aging by creditor, for one debtor and by debtor, from the shell.
#[test]
fn aging_by_creditor_and_by_debtor() {
    let dir = tempdir("aging-by");
    let imported = alfa_with_sample_portfolio(&dir);
    assert_eq!(imported["errors"], 0, "{imported}");
    let aging = |extra: &[&str]| {
        let mut args = vec![
            "--org",
            "alfa",
            "report",
            "aging",
            "--as-of",
            "2026-11-23",
            "--json",
        ];
        args.extend_from_slice(extra);
        json_of(&quita(&dir, &args))
    };
    let all = aging(&[]);
    let by = aging(&["--by", "creditor"]);
    let per = by["by_creditor"].as_array().unwrap();
    assert_eq!(per.len(), 1, "{by}");
    assert_eq!(per[0]["name"], "Loja");
    assert_eq!(per[0]["total"], all["total"], "{by}");
    assert_eq!(by["total"], all["total"]);
    let maria = aging(&["--debtor", "529.982.247-25"]);
    let n = maria["total"]["count"].as_u64().unwrap();
    assert!(
        n > 0 && n < all["total"]["count"].as_u64().unwrap(),
        "{maria}"
    );
    let out = quita(
        &dir,
        &[
            "--org",
            "alfa",
            "report",
            "aging",
            "--debtor",
            "111.111.111-11",
        ],
    );
    assert_one_line_error(&out, "--debtor");

    // Each debtor's line, most overdue first, a page at a time; the pages
    // add up to the aging.
    let mut lines = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut extra = vec!["--by", "debtor", "--limit", "3"];
        if let Some(a) = &after {
            extra.extend(["--after", a.as_str()]);
        }
        let page = aging(&extra);
        lines.extend(page["by_debtor"].as_array().unwrap().clone());
        match page["next_after"].as_str() {
            Some(n) => after = Some(n.to_owned()),
            None => break,
        }
    }
    let count: u64 = lines.iter().map(|l| l["count"].as_u64().unwrap()).sum();
    assert_eq!(count, all["total"]["count"].as_u64().unwrap());
    assert_eq!(
        u64::try_from(lines.len()).unwrap(),
        aging(&["--by", "debtor"])["debtor_count"].as_u64().unwrap()
    );
    let overdue: Vec<f64> = lines
        .iter()
        .map(|l| l["overdue_balance"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "{overdue:?}");
    assert_eq!(lines[0]["buckets"][0]["bucket"], "current");
    for bad in [
        &["--by", "debtor", "--after", "x"][..],
        &["--after", "1.2"],
        &["--limit", "5"],
        &["--by", "debtor", "--limit", "0"],
    ] {
        let mut args = vec!["--org", "alfa", "report", "aging"];
        args.extend_from_slice(bad);
        let out = quita(&dir, &args);
        assert!(!out.status.success(), "{bad:?}");
    }
    let out = quita(
        &dir,
        &[
            "--org", "alfa", "report", "aging", "--by", "debtor", "--after", "x",
        ],
    );
    assert_one_line_error(&out, "--after");
}

/// A negative rate (given as `--fine -1`, not only `--fine=-1`) or one
/// above 100 % is refused naming it, and no creditor is created.
#[test]
fn creditor_rates_out_of_bounds_are_refused() {
    let dir = tempdir("rates");
    json_of(&quita(&dir, &["org", "create", "--name", "Alfa", "--json"]));
    for (flag, value, needle) in [
        ("--fine", "-1", "--fine"),
        ("--fine", "150", "art. 412"),
        ("--interest", "1000", "Juros de mora acima de 100%"),
        ("--fee", "500", "Honorários acima de 100%"),
    ] {
        let out = quita(
            &dir,
            &[
                "--org",
                "alfa",
                "creditor",
                "create",
                "--name",
                "Loja",
                "--document",
                "34.028.316/0001-03",
                flag,
                value,
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flag} {value}: {stderr}");
        assert!(stderr.contains(needle), "{flag} {value}: {stderr}");
    }
    let list = json_of(&quita(
        &dir,
        &["--org", "alfa", "creditor", "list", "--json"],
    ));
    assert_eq!(list, serde_json::json!([]));
}
