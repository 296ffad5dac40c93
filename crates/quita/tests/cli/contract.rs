//! `quita contract save | list` as a user runs them: terms agreed in a
//! contract override the creditor's policy term by term, and bad flags are
//! one clear line that changes nothing.

use super::{alfa_with_sample_portfolio, assert_one_line_error, json_of, quita, tempdir};

#[test]
fn contract_terms_from_the_shell() {
    let dir = tempdir("contract");
    assert_eq!(alfa_with_sample_portfolio(&dir)["errors"], 0);
    let org = |args: &[&str]| {
        let mut all = vec!["--org", "alfa"];
        all.extend_from_slice(args);
        quita(&dir, &all)
    };

    // The imported contract follows the creditor's policy.
    let before = json_of(&org(&[
        "contract",
        "list",
        "--debtor",
        "529.982.247-25",
        "--json",
    ]));
    let imported = before
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "CRD-2025-0001")
        .unwrap_or_else(|| panic!("{before}"));
    assert_eq!(imported["terms"], serde_json::Value::Null, "{imported}");
    assert_eq!(imported["effective"]["late_fine"]["origin"], "creditor");

    // `contract save` for the creditor, a debtor and a number, then `extra`.
    let save = |debtor: &str, number: &str, extra: &[&str]| {
        let mut all = vec![
            "contract",
            "save",
            "--creditor",
            "34028316000103",
            "--debtor",
            debtor,
            "--number",
            number,
        ];
        all.extend_from_slice(extra);
        org(&all)
    };
    let saved = json_of(&save(
        "52998224725",
        "CRD-2025-0001",
        &[
            "--interest",
            "2,5",
            "--fee",
            "10",
            "--fee-clause",
            "--grace",
            "5",
            "--json",
        ],
    ));
    assert_eq!(saved["id"], imported["id"], "same contract: {saved}");
    // `terms` as the API gives them: what the contract agrees.
    assert_eq!(saved["terms"]["grace_days"], 5, "{saved}");
    assert_eq!(saved["terms"]["late_fine"], serde_json::Value::Null);
    let e = &saved["effective"];
    assert_eq!(
        e["default_interest_monthly"]["origin"], "contract",
        "{saved}"
    );
    assert_eq!(e["late_fine"]["origin"], "creditor", "{saved}");
    assert_eq!(e["grace_days"]["value"], 5, "{saved}");
    assert_eq!(e["grace_days"]["origin"], "contract", "{saved}");
    assert_eq!(e["collection_fee_allowed"], true, "{saved}");
    assert_eq!(e["collection_fee"]["origin"], "contract", "{saved}");

    // Bad flags: one line naming the flag, nothing changed.
    for (args, needle) in [
        (vec!["--interest", "muito"], "--interest"),
        (vec!["--kind", "leasing"], "--kind"),
        (vec!["--starts", "31/02/2026"], "--starts"),
        (vec!["--index", "selic?"], "--index"),
    ] {
        assert_one_line_error(&save("52998224725", "CRD-2025-0001", &args), needle);
    }
    assert_one_line_error(&save("111.444.777-35", "X-1", &[]), "--debtor");
    let after = json_of(&org(&[
        "contract",
        "list",
        "--debtor",
        "52998224725",
        "--json",
    ]));
    let same = after
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "CRD-2025-0001")
        .unwrap();
    assert_eq!(same["effective"], saved["effective"], "{after}");
}
