//! `quita receivable close` as a user runs it: a receivable cancelled or
//! written off with its reason leaves the aging list; closing it again, a
//! bad flag or another organization's receivable is one clear line that
//! changes nothing.

use super::{alfa_with_sample_portfolio, assert_one_line_error, json_of, quita, tempdir};

#[test]
fn receivables_close_from_the_shell() {
    let dir = tempdir("close");
    assert_eq!(alfa_with_sample_portfolio(&dir)["errors"], 0);
    let org = |args: &[&str]| {
        let mut all = vec!["--org", "alfa"];
        all.extend_from_slice(args);
        quita(&dir, &all)
    };
    let open_count = || {
        json_of(&org(&["report", "aging", "--json"]))["total"]["count"]
            .as_u64()
            .unwrap()
    };
    let before = open_count();

    // Receivable 3 (CRD-2025-0001 3/10) is partially paid: written off as a loss.
    let closed = json_of(&org(&[
        "receivable",
        "close",
        "3",
        "--action",
        "write-off",
        "--reason",
        "  Devedor falecido,  sem espólio ",
        "--json",
    ]));
    assert_eq!(closed["id"], 3, "{closed}");
    assert_eq!(closed["status"], "written_off", "{closed}");
    assert_eq!(closed["closed_reason"], "Devedor falecido, sem espólio");
    assert_eq!(closed["open_balance"], "150.00", "{closed}");
    let at = closed["closed_at"].as_str().unwrap();
    assert!(at.parse::<jiff::Timestamp>().is_ok(), "{at}");
    assert_eq!(open_count(), before - 1);

    // The human line; the pt-BR action names work too.
    let out = org(&[
        "receivable",
        "close",
        "1",
        "--action",
        "cancel",
        "--reason",
        "venda desfeita",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.contains("cancelled receivable 1")
            && line.contains("CRD-2025-0001 1/10")
            && line.contains("venda desfeita"),
        "{line}"
    );
    assert_eq!(open_count(), before - 2);

    // Closing again: one line in Portuguese, and with --json the code too.
    let again = |extra: &[&str]| {
        let mut args = vec![
            "receivable",
            "close",
            "3",
            "--action",
            "cancel",
            "--reason",
            "engano",
        ];
        args.extend_from_slice(extra);
        org(&args)
    };
    assert_one_line_error(&again(&[]), "o título já está baixado");
    let out = again(&["--json"]);
    assert!(!out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["code"], "conflict", "{doc}");

    // Bad arguments name what is wrong; nothing changes.
    let close = |id: &str, action: &str, reason: &str| {
        org(&[
            "receivable",
            "close",
            id,
            "--action",
            action,
            "--reason",
            reason,
        ])
    };
    assert_one_line_error(&close("2", "pagar", "x"), "--action");
    assert_one_line_error(&close("2", "cancel", "   "), "reason");
    assert_one_line_error(&close("2", "cancel", &"x".repeat(201)), "reason");
    assert_one_line_error(&close("dois", "cancel", "x"), "ID");
    assert_one_line_error(&close("999999", "cancel", "x"), "not found");
    assert_one_line_error(
        &org(&["receivable", "close", "2", "--action", "cancel"]),
        "--reason",
    );
    // Another organization does not see alfa's receivables.
    json_of(&quita(&dir, &["org", "create", "--name", "Beta", "--json"]));
    assert_one_line_error(
        &quita(
            &dir,
            &[
                "--org",
                "beta",
                "receivable",
                "close",
                "2",
                "--action",
                "cancel",
                "--reason",
                "x",
            ],
        ),
        "not found",
    );
    assert_eq!(open_count(), before - 2);
}
