//! `quita calc update` as a user runs it: the issue's example against a
//! hand computation, the JSON shape, and one-line errors naming the flag.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn quita(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quita"))
        .current_dir(dir)
        .env_remove("QUITA_DATABASE_URL")
        .env_remove("QUITA_CONFIG")
        .args(args)
        .output()
        .expect("run quita")
}

fn workdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("quita-cli-calc-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

/// The issue's example, by hand:
///
/// - 2026-01-10 is a Saturday, so the debt could be paid on Monday
///   2026-01-12 without charges; paid on 2026-03-15 it is late, and lateness
///   counts from the original due date: 21 days of January + 28 of February
///   + 15 of March = **64 days**.
/// - No index: corrected principal = **1000.00**.
/// - Fine: 1000.00 × 2 % = **20.00** (once).
/// - Interest, simple pro rata die: 1000.00 × 1 % × 64 ÷ 30 = 21.333… →
///   **21.33**.
/// - Fee on the rounded lines: (1000.00 + 20.00 + 21.33) × 10 % = 104.133 →
///   **104.13**.
/// - Total = 1000.00 + 0.00 + 20.00 + 21.33 + 104.13 − 0.00 = **1145.46**.
#[test]
fn the_issue_example_matches_the_hand_computation() {
    let dir = workdir("example");
    let j = json_of(&quita(
        &dir,
        &[
            "calc",
            "update",
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--fine",
            "2",
            "--interest",
            "1",
            "--fee",
            "10",
            "--json",
        ],
    ));
    assert_eq!(j["principal"], "1000.00");
    assert_eq!(j["corrected_principal"], "1000.00");
    assert_eq!(j["late_fine"], "20.00");
    assert_eq!(j["default_interest"], "21.33");
    assert_eq!(j["collection_fee"], "104.13");
    assert_eq!(j["payments"], "0.00");
    assert_eq!(j["total"], "1145.46");
    assert_eq!(j["days_late"], 64);
    let lines = j["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 6);
    for l in lines {
        for key in ["label", "base", "rate", "days", "amount"] {
            assert!(l.get(key).is_some(), "line without {key}: {l}");
        }
    }
    let interest = &lines[3];
    assert_eq!(interest["base"], "1000.00");
    assert_eq!(interest["rate"], "1");
    assert_eq!(interest["days"], 64);
    assert_eq!(interest["amount"], "21.33");
    assert_eq!(lines[4]["base"], "1041.33");
    // The total is the sum of the rounded lines.
    let cents = |v: &Value| -> i64 {
        let s = v.as_str().unwrap();
        let (r, c) = s.trim_start_matches('-').split_once('.').unwrap();
        let n = r.parse::<i64>().unwrap() * 100 + c.parse::<i64>().unwrap();
        if s.starts_with('-') { -n } else { n }
    };
    let sum: i64 = lines.iter().map(|l| cents(&l["amount"])).sum();
    assert_eq!(sum, cents(&j["total"]));
    // Nothing to warn about: the list is there, empty.
    assert_eq!(j["warnings"], serde_json::json!([]), "{j}");

    // The same in pt-BR forms gives the same document.
    let again = json_of(&quita(
        &dir,
        &[
            "calc",
            "update",
            "--amount",
            "1.000,00",
            "--due",
            "10/01/2026",
            "--on",
            "15/03/2026",
            "--fine",
            "2",
            "--interest",
            "1",
            "--fee",
            "10",
            "--json",
        ],
    ));
    assert_eq!(again, j);
    std::fs::remove_dir_all(&dir).ok();
}

/// Paid by the next business day after a weekend due date: nothing added.
#[test]
fn paid_on_the_next_business_day_adds_nothing() {
    let dir = workdir("grace");
    let j = json_of(&quita(
        &dir,
        &[
            "calc",
            "update",
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-01-12",
            "--fine",
            "2",
            "--interest",
            "1",
            "--fee",
            "10",
            "--json",
        ],
    ));
    assert_eq!(j["total"], "1000.00");
    assert_eq!(j["days_late"], 0);
    std::fs::remove_dir_all(&dir).ok();
}

/// With an index table (hand computation, pro rata die within each month):
/// 22/31 of January at 0.50 %, all of February at 0.40 %, 14/31 of March at
/// 0.30 %: factor = (1 + 0.005 × 22/31) × 1.004 × (1 + 0.003 × 14/31)
/// = 1.0035484 × 1.004 × 1.0013548 = 1.0089277 → correction 8.93;
/// corrected 1008.93; fine 2 % = 20.1786 → 20.18; interest 1008.93 × 1 % ×
/// 64/30 = 21.5238 → 21.52; fee (1008.93 + 20.18 + 21.52) × 10 % = 105.063
/// → 105.06; total 1155.69.
#[test]
fn monetary_correction_by_an_index_file() {
    let dir = workdir("index");
    std::fs::write(
        dir.join("ipca.csv"),
        "mes;variacao\n2026-01;0,50\n2026-02;0,40\n2026-03;0,30\n",
    )
    .unwrap();
    let j = json_of(&quita(
        &dir,
        &[
            "calc",
            "update",
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--fine",
            "2",
            "--interest",
            "1",
            "--fee",
            "10",
            "--index",
            "ipca.csv",
            "--json",
        ],
    ));
    assert_eq!(j["corrected_principal"], "1008.93");
    assert_eq!(j["late_fine"], "20.18");
    assert_eq!(j["default_interest"], "21.52");
    assert_eq!(j["collection_fee"], "105.06");
    assert_eq!(j["total"], "1155.69");
    assert!(
        j["lines"][1]["label"].as_str().unwrap().contains("IPCA"),
        "{}",
        j["lines"][1]
    );
    std::fs::remove_dir_all(&dir).ok();
}

const CONSUMER_FEE: &str = "Relação de consumo: honorários de cobrança só são devidos se o contrato os prevê (CDC art. 51, XII)";

/// What the numbers alone do not say comes as `warnings` (pt-BR sentences),
/// and never changes a number: a fee charged to a consumer; an index table
/// out of date (ending more than two months before the calculation's month)
/// that leaves months of the period without correction, however few;
/// deflation floored at zero.
#[test]
fn warnings_say_what_the_numbers_do_not() {
    let dir = workdir("warnings");
    let run = |extra: &[&str]| {
        let mut argv = vec![
            "calc",
            "update",
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--fine",
            "2",
            "--interest",
            "1",
            "--json",
        ];
        argv.extend_from_slice(extra);
        json_of(&quita(&dir, &argv))
    };

    // The issue's example for a consumer: the same 1145.46, flagged.
    let fee = ["--on", "2026-03-15", "--fee", "10"];
    let business = run(&fee);
    let consumer = run(&[&fee[..], &["--consumer"]].concat());
    assert_eq!(consumer["total"], "1145.46");
    assert_eq!(consumer["collection_fee"], "104.13");
    assert_eq!(consumer["lines"], business["lines"]);
    assert_eq!(consumer["warnings"], serde_json::json!([CONSUMER_FEE]));
    assert_eq!(business["warnings"], serde_json::json!([]));

    // IPCA published to February only. On 15/03 (March pending) and on
    // 15/04 (March and April pending) that is normal; on 15/05 the table is
    // out of date and three months have no index: said, and the correction
    // is February's, as before.
    std::fs::write(
        dir.join("ipca.csv"),
        "mes;variacao\n2026-01;0,50\n2026-02;0,40\n",
    )
    .unwrap();
    for on in ["2026-03-15", "2026-04-15"] {
        let j = run(&["--on", on, "--index", "ipca.csv"]);
        assert_eq!(j["warnings"], serde_json::json!([]), "{on}: {j}");
    }
    let stale = run(&["--on", "2026-05-15", "--index", "ipca.csv"]);
    assert_eq!(
        stale["warnings"],
        serde_json::json!([
            "A tabela IPCA termina em 02/2026 e não cobre 03/2026 a 05/2026: esses meses ficaram sem correção"
        ]),
        "{stale}"
    );
    // (1 + 0.005 × 22/31) × 1.004 = 1.0075626 → 7.56
    assert_eq!(stale["monetary_correction"], "7.56");
    assert_eq!(
        stale["lines"][1]["label"],
        "Correção monetária (IPCA até 02/2026)"
    );

    // A short delay does not hide an out-of-date table: IPCA ending 10/2025,
    // a debt due 01/10/2026 updated on 01/12/2026 has October and November
    // at 0 %, and that is said (with the table's last month) although only
    // two months of this period lack the index.
    std::fs::create_dir_all(dir.join("velho")).unwrap();
    std::fs::write(
        dir.join("velho/ipca.csv"),
        "mes;variacao\n2025-09;0,48\n2025-10;0,09\n",
    )
    .unwrap();
    let short = |on: &str| {
        json_of(&quita(
            &dir,
            &[
                "calc",
                "update",
                "--amount",
                "1000.00",
                "--due",
                "2026-10-01",
                "--on",
                on,
                "--fine",
                "2",
                "--interest",
                "1",
                "--index",
                "velho/ipca.csv",
                "--json",
            ],
        ))
    };
    let old_table = short("2026-12-01");
    assert_eq!(
        old_table["warnings"],
        serde_json::json!([
            "A tabela IPCA termina em 10/2025 e não cobre 10/2026 a 11/2026: esses meses ficaram sem correção"
        ]),
        "{old_table}"
    );
    assert_eq!(old_table["monetary_correction"], "0.00");
    assert_eq!(
        short("2026-10-02")["warnings"],
        serde_json::json!([
            "A tabela IPCA termina em 10/2025 e não cobre 10/2026: esse mês ficou sem correção"
        ])
    );
    // The same debt with a table up to date (to 10/2026): nothing to say.
    std::fs::write(
        dir.join("velho/ipca.csv"),
        "mes;variacao\n2026-09;0,48\n2026-10;0,00\n",
    )
    .unwrap();
    let fresh = short("2026-12-01");
    assert_eq!(fresh["warnings"], serde_json::json!([]), "{fresh}");
    assert_eq!(fresh["total"], old_table["total"]);

    // Deflation: the correction is zero, the line and a warning say why.
    std::fs::write(
        dir.join("ipca.csv"),
        "mes;variacao\n2026-01;-0,50\n2026-02;-0,40\n2026-03;0,10\n",
    )
    .unwrap();
    let deflation = run(&["--on", "2026-03-15", "--index", "ipca.csv"]);
    assert_eq!(deflation["monetary_correction"], "0.00");
    assert_eq!(deflation["corrected_principal"], "1000.00");
    assert_eq!(
        deflation["lines"][1]["label"],
        "Correção monetária (IPCA até 03/2026; deflação: limitada a zero)"
    );
    assert_eq!(
        deflation["warnings"],
        serde_json::json!([
            "Deflação no período: a correção foi limitada a zero (o débito não diminui)"
        ])
    );

    // The table prints them under the total.
    let out = quita(
        &dir,
        &[
            "calc",
            "update",
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--fee",
            "10",
            "--consumer",
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.trim_end()
            .ends_with(&format!("Aviso: {CONSUMER_FEE}.")),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A stored receivable: a consumer creditor whose contract has the fee
/// clause is charged the fee, and the memory says it needs that clause.
#[test]
fn a_stored_receivable_carries_its_warnings() {
    let dir = super::tempdir("calc-stored");
    let carteira = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/samples/carteira-exemplo.csv");
    let org = |args: &[&str]| {
        let mut all = vec!["--org", "alfa"];
        all.extend_from_slice(args);
        quita(&dir, &all)
    };
    json_of(&quita(&dir, &["org", "create", "--name", "Alfa", "--json"]));
    // A consumer creditor's fine above 2% is refused in one line, as the
    // pages and the API refuse it; nothing is created.
    let create = |fine: &str, json: bool| {
        let mut argv = vec![
            "creditor",
            "create",
            "--name",
            "Loja",
            "--document",
            "34.028.316/0001-03",
            "--fine",
            fine,
            "--interest",
            "1",
            "--consumer",
        ];
        if json {
            argv.push("--json");
        }
        org(&argv)
    };
    let refused = create("3", false);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ")
            && err
                .contains("Relação de consumo: a multa não pode passar de 2% (CDC art. 52, § 1º)"),
        "{err}"
    );
    let refused = create("3", true);
    assert_eq!(refused.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(doc["code"], "invalid_input", "{doc}");
    let none = json_of(&org(&["creditor", "list", "--json"]));
    assert_eq!(none, serde_json::json!([]), "{none}");
    json_of(&create("2", true));
    let imported = json_of(&org(&[
        "import",
        "receivables",
        carteira.to_str().unwrap(),
        "--creditor",
        "34028316000103",
        "--json",
    ]));
    assert_eq!(imported["errors"], 0, "{imported}");
    // Receivable 1 is the sample's first row: CRD-2025-0001 1/10, R$ 289,90
    // due 15/04/2025.
    let calc = |json: bool| {
        let mut argv = vec!["calc", "update", "--receivable", "1", "--on", "2026-03-15"];
        if json {
            argv.push("--json");
        }
        org(&argv)
    };
    let before = json_of(&calc(true));
    assert_eq!(
        (before["principal"].as_str(), before["due_date"].as_str()),
        (Some("289.90"), Some("2025-04-15")),
        "{before}"
    );
    assert_eq!(before["collection_fee"], "0.00");
    assert_eq!(before["warnings"], serde_json::json!([]), "{before}");

    json_of(&org(&[
        "contract",
        "save",
        "--creditor",
        "34028316000103",
        "--debtor",
        "529.982.247-25",
        "--number",
        "CRD-2025-0001",
        "--fee",
        "10",
        "--fee-clause",
        "--json",
    ]));
    let after = json_of(&calc(true));
    assert_ne!(after["collection_fee"], "0.00", "{after}");
    assert_eq!(after["late_fine"], before["late_fine"]);
    assert_eq!(
        after["warnings"],
        serde_json::json!([CONSUMER_FEE]),
        "{after}"
    );
    let text = String::from_utf8_lossy(&calc(false).stdout).into_owned();
    assert!(text.starts_with("total em 15/03/2026: R$ "), "{text}");
    assert!(
        text.contains(&format!("\nAviso: {CONSUMER_FEE}.")),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A receivable no longer owed (cancelled, written off, paid, renegotiated)
/// has no debt update: one line on stderr naming its status, exit 1, and
/// with `--json` the error document with code `conflict`.
#[test]
fn a_closed_receivable_has_no_update() {
    let dir = super::tempdir("calc-closed");
    assert_eq!(super::alfa_with_sample_portfolio(&dir)["errors"], 0);
    let org = |args: &[&str]| {
        let mut all = vec!["--org", "alfa"];
        all.extend_from_slice(args);
        quita(&dir, &all)
    };
    let calc = |id: &str, json: bool| {
        let mut argv = vec!["calc", "update", "--receivable", id, "--on", "2026-03-15"];
        if json {
            argv.push("--json");
        }
        org(&argv)
    };
    // Open and partially paid (receivable 3): updated.
    assert_eq!(json_of(&calc("1", true))["principal"], "289.90");
    assert_eq!(json_of(&calc("3", true))["principal"], "150.00");

    for (id, action, status) in [("1", "cancel", "cancelado"), ("3", "write-off", "baixado")] {
        json_of(&org(&[
            "receivable",
            "close",
            id,
            "--action",
            action,
            "--reason",
            "teste",
            "--json",
        ]));
        let message =
            format!("o título está {status}: só um título em aberto tem atualização do débito");
        let out = calc(id, false);
        super::assert_one_line_error(&out, &message);
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let out = calc(id, true);
        assert_eq!(out.status.code(), Some(1));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["code"], "conflict", "{doc}");
        assert!(doc["error"].as_str().unwrap().ends_with(&message), "{doc}");
        assert!(doc.get("total").is_none(), "{doc}");
    }
    // Its siblings still have theirs.
    assert_eq!(json_of(&calc("2", true))["principal"], "289.90");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn human_output_is_a_pt_br_table() {
    let dir = workdir("human");
    let out = quita(
        &dir,
        &[
            "calc",
            "update",
            "--amount",
            "1000",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--fine",
            "2",
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Multa moratória"), "{text}");
    assert!(text.contains("R$ 1.020,00"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Bad input: exit 1, one line on stderr that names the flag, no panic.
#[test]
fn bad_input_is_one_line_naming_the_flag() {
    let dir = workdir("bad");
    for (args, needle) in [
        (&["--amount", "12a", "--due", "2026-01-10"][..], "--amount:"),
        (
            &["--amount", "-5", "--due", "2026-01-10"],
            "--amount: must be greater than zero",
        ),
        (&["--amount", "10", "--due", "2026-02-30"], "--due:"),
        (
            &["--amount", "10", "--due", "2026-01-10", "--on", "ontem"],
            "--on:",
        ),
        (
            &["--amount", "10", "--due", "2026-01-10", "--fine", "dois"],
            "--fine:",
        ),
        (
            &["--amount", "10", "--due", "2026-01-10", "--fine", "150"],
            "--fine: A multa não pode passar de 100%",
        ),
        (
            &[
                "--amount",
                "10",
                "--due",
                "2026-01-10",
                "--interest",
                "1000",
            ],
            "--interest: Juros de mora acima de 100%",
        ),
        (
            &["--amount", "10", "--due", "2026-01-10", "--fee", "101"],
            "--fee: Honorários acima de 100%",
        ),
        (
            &[
                "--amount",
                "10",
                "--due",
                "2026-01-10",
                "--index",
                "missing.csv",
            ],
            "--index:",
        ),
    ] {
        let mut argv = vec!["calc", "update"];
        argv.extend_from_slice(args);
        let out = quita(&dir, &argv);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
        assert!(
            lines[0].starts_with(&format!("error: {needle}")),
            "{args:?}: {stderr}"
        );
    }
    // The stored-receivable form fails cleanly too (until or unless the
    // receivable exists).
    let out = quita(&dir, &["calc", "update", "--receivable", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim().lines().count(),
        1
    );
    // With --json the failure is also a JSON document on stdout.
    let out = quita(
        &dir,
        &[
            "calc",
            "update",
            "--amount",
            "x",
            "--due",
            "2026-01-10",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j["error"].as_str().unwrap().starts_with("--amount:"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that closes the pipe first (`quita … --json | head -c 0`)
/// ends the output quietly: exit 0, no panic on stderr.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = workdir("pipe");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_quita"))
        .current_dir(&dir)
        .env_remove("QUITA_DATABASE_URL")
        .env_remove("QUITA_CONFIG")
        .args([
            "calc",
            "update",
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--json",
        ])
        .stdout(writer)
        .output()
        .expect("run quita");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A huge bad value (a 20 kB flag, a 1 MB index value) is quoted short:
/// the error stays one short line on stderr, not the value echoed whole.
#[test]
fn huge_bad_values_are_quoted_short() {
    let dir = workdir("huge");
    // Arguments are bounded by the system (E2BIG); a file is not.
    let huge = format!("1{}x", "0".repeat(20_000));
    let file = format!("mes;ipca\n2026-01;0,5{}x\n", "0".repeat(1_000_000));
    std::fs::write(dir.join("long.csv"), file).unwrap();
    let base = [
        "calc",
        "update",
        "--due",
        "2026-01-10",
        "--on",
        "2026-03-15",
    ];
    for extra in [
        vec!["--amount", huge.as_str()],
        vec!["--amount", "1000", "--index", "long.csv"],
        vec!["--amount", "1000", "--fine", huge.as_str()],
    ] {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(extra.iter().copied());
        let out = quita(&dir, &args);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.lines().count(),
            1,
            "{}",
            &stderr[..200.min(stderr.len())]
        );
        assert!(
            stderr.len() < 400,
            "{} bytes: {}…",
            stderr.len(),
            &stderr[..200]
        );
        assert!(stderr.contains('…'), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `10.000` is ten to some and ten thousand to a Brazilian: a rate flag
/// refuses it, naming the flag; `10`, `2,5` and `0.333` read.
#[test]
fn a_rate_with_a_thousands_point_is_ambiguous() {
    let dir = workdir("ambiguous");
    let run = |rate: &str| {
        quita(
            &dir,
            &[
                "calc",
                "update",
                "--amount",
                "1000",
                "--due",
                "2026-01-10",
                "--on",
                "2026-03-15",
                "--interest",
                rate,
                "--json",
            ],
        )
    };
    let out = run("10.000");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--interest") && stderr.contains("ambiguous"),
        "{stderr}"
    );
    for ok in ["10", "2,5", "0.333"] {
        assert!(run(ok).status.success(), "{ok}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
