use proptest::prelude::*;

use super::*;

#[test]
fn cpf_worked_example() {
    for input in ["529.982.247-25", "52998224725", " 529 982 247 25 "] {
        let cpf = Cpf::parse(input).unwrap();
        assert_eq!(cpf.digits(), "52998224725");
        assert_eq!(cpf.formatted(), "529.982.247-25");
        assert_eq!(cpf.masked(), "***.982.247-**");
    }
}

#[test]
fn cnpj_official_alphanumeric_example() {
    for input in ["12.ABC.345/01DE-35", "12ABC34501DE35"] {
        let cnpj = Cnpj::parse(input).unwrap();
        assert_eq!(cnpj.digits(), "12ABC34501DE35");
        assert_eq!(cnpj.formatted(), "12.ABC.345/01DE-35");
        assert_eq!(cnpj.masked(), "**.ABC.345/01DE-**");
        assert!(cnpj.is_alphanumeric());
    }
}

#[test]
fn cnpj_numeric_examples() {
    // Well-known valid numeric CNPJs (Receita Federal examples / public bodies).
    for input in [
        "11.222.333/0001-81",
        "00.000.000/0001-91",
        "60.701.190/0001-04",
    ] {
        let cnpj = Cnpj::parse(input).unwrap();
        assert!(!cnpj.is_alphanumeric());
        assert_eq!(cnpj.formatted(), input);
    }
    assert!(Cnpj::parse("11.222.333/0001-82").is_err());
}

#[test]
fn document_dispatch_and_kind() {
    let d = Document::parse("529.982.247-25").unwrap();
    assert_eq!(d.kind(), DocumentKind::Cpf);
    assert_eq!(d.kind().as_str(), "cpf");
    let d = Document::parse("12ABC34501DE35").unwrap();
    assert_eq!(d.kind().as_str(), "cnpj");
    assert_eq!(d.digits(), "12ABC34501DE35");
}

#[test]
fn debug_never_prints_the_number() {
    let d = Document::parse("529.982.247-25").unwrap();
    let dbg = format!("{d:?} {:?}", Cpf::parse("52998224725").unwrap());
    assert!(!dbg.contains("529"), "{dbg}");
    assert!(dbg.contains("***.982.247-**"));
    let c = Document::parse("12ABC34501DE35").unwrap();
    assert!(!format!("{c:?}").contains("12ABC34501DE35"));
}

#[test]
fn refusals_with_positions() {
    use DocumentError as E;
    assert_eq!(Document::parse(""), Err(E::Empty));
    assert_eq!(Document::parse(" .-/ "), Err(E::Empty));
    assert!(matches!(
        Document::parse("5299822472"),
        Err(E::WrongLength { found: 10, .. })
    ));
    assert!(matches!(
        Document::parse("529982247250"),
        Err(E::WrongLength { found: 12, .. })
    ));
    assert_eq!(
        Document::parse("12.abc.345/01DE-35"),
        Err(E::Lowercase { ch: 'a', offset: 3 })
    );
    assert_eq!(
        Document::parse("12.ABC.345/01DE-3A"),
        Err(E::LetterInCheckDigit {
            ch: 'A',
            offset: 17
        })
    );
    assert_eq!(
        Cpf::parse("5299822472A"),
        Err(E::LetterInCpf {
            ch: 'A',
            offset: 10
        })
    );
    assert_eq!(
        Document::parse("529.982.247-26"),
        Err(E::CheckDigit {
            which: 2,
            offset: 13,
            expected: '5'
        })
    );
    assert_eq!(
        Document::parse("529.982.247-35"),
        Err(E::CheckDigit {
            which: 1,
            offset: 12,
            expected: '2'
        })
    );
    assert_eq!(
        Document::parse("529_982"),
        Err(E::InvalidCharacter { ch: '_', offset: 3 })
    );
    for d in 0..=9 {
        let s: String = std::iter::repeat_n(char::from(b'0' + d), 11).collect();
        assert_eq!(Document::parse(&s), Err(E::RepeatedDigits));
        let s: String = std::iter::repeat_n(char::from(b'0' + d), 14).collect();
        assert_eq!(Document::parse(&s), Err(E::RepeatedDigits));
    }
    assert_eq!(Cnpj::parse("12ABC34501DE35").unwrap().digits().len(), 14);
    assert!(Document::parse(&"1".repeat(10_000)).is_err());
}

#[test]
fn serde_round_trip_uses_digits() {
    let d = Document::parse("529.982.247-25").unwrap();
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(json, "\"52998224725\"");
    let back: Document = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
    assert!(serde_json::from_str::<Cnpj>("\"12ABC34501DE36\"").is_err());
}

fn cnpj_base() -> impl Strategy<Value = String> {
    "[0-9A-Z]{12}"
}

proptest! {
    #[test]
    fn cpf_round_trip(base in "[0-9]{9}") {
        if let Ok(cpf) = Cpf::from_base(&base) {
            prop_assert_eq!(&cpf.digits()[..9], base.as_str());
            prop_assert_eq!(Cpf::parse(cpf.digits()).unwrap(), cpf);
            prop_assert_eq!(Cpf::parse(&cpf.formatted()).unwrap(), cpf);
            prop_assert_eq!(Document::parse(&cpf.formatted()).unwrap(), Document::Cpf(cpf));
        }
    }

    #[test]
    fn cnpj_round_trip(base in cnpj_base()) {
        if let Ok(cnpj) = Cnpj::from_base(&base) {
            prop_assert_eq!(Cnpj::parse(cnpj.digits()).unwrap(), cnpj);
            prop_assert_eq!(Cnpj::parse(&cnpj.formatted()).unwrap(), cnpj);
        }
    }

    /// Any change of one check digit is always caught.
    #[test]
    fn changed_check_digit_is_caught(base in "[0-9]{9}", pos in 9usize..11, delta in 1u8..10) {
        if let Ok(cpf) = Cpf::from_base(&base) {
            let mut b = cpf.digits().as_bytes().to_vec();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            prop_assert!(Cpf::parse(std::str::from_utf8(&b).unwrap()).is_err());
        }
    }

    #[test]
    fn changed_cnpj_check_digit_is_caught(base in cnpj_base(), pos in 12usize..14, delta in 1u8..10) {
        if let Ok(cnpj) = Cnpj::from_base(&base) {
            let mut b = cnpj.digits().as_bytes().to_vec();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            prop_assert!(Cnpj::parse(std::str::from_utf8(&b).unwrap()).is_err());
        }
    }

    /// A body change is caught unless the r < 2 → 0 collapse hides it: a
    /// change escapes only when *both* recomputed DVs still match, which we
    /// check is exactly what `from_base` says, never more often.
    #[test]
    fn body_change_detected_iff_check_digits_differ(base in "[0-9]{9}", pos in 0usize..9, delta in 1u8..10) {
        if let Ok(cpf) = Cpf::from_base(&base) {
            let mut b = cpf.digits().as_bytes().to_vec();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            let changed = std::str::from_utf8(&b).unwrap();
            let recomputed = Cpf::from_base(&changed[..9]).map(|c| c.digits()[9..].to_string());
            let same_dvs = recomputed.as_deref() == Ok(&cpf.digits()[9..]);
            prop_assert_eq!(Cpf::parse(changed).is_ok(), same_dvs);
        }
    }

    #[test]
    fn cnpj_body_change_detected_iff_check_digits_differ(
        base in cnpj_base(), pos in 0usize..12, to in "[0-9A-Z]"
    ) {
        if let Ok(cnpj) = Cnpj::from_base(&base) {
            let mut b = cnpj.digits().as_bytes().to_vec();
            prop_assume!(b[pos] != to.as_bytes()[0]);
            b[pos] = to.as_bytes()[0];
            let changed = std::str::from_utf8(&b).unwrap();
            let recomputed = Cnpj::from_base(&changed[..12]).map(|c| c.digits()[12..].to_string());
            let same_dvs = recomputed.as_deref() == Ok(&cnpj.digits()[12..]);
            prop_assert_eq!(Cnpj::parse(changed).is_ok(), same_dvs);
        }
    }

    #[test]
    fn never_panics(s in any::<String>()) {
        let _ = Document::parse(&s);
        let _ = Cpf::parse(&s);
        let _ = Cnpj::parse(&s);
        let _ = Cpf::from_base(&s);
        let _ = Cnpj::from_base(&s);
    }

    #[test]
    fn never_panics_near_miss(s in "[0-9A-Za-z./ -]{0,20}") {
        if let Err(e) = Document::parse(&s)
            && let Some(at) = e.offset()
        {
            prop_assert!(at < s.chars().count());
        }
    }
}
