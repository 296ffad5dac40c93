//! CPF/CNPJ parsing must never panic, and whatever it accepts must survive a
//! format → parse round trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quita_br::document::Document;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(doc) = Document::parse(text) {
        assert_eq!(Document::parse(&doc.formatted()), Ok(doc));
        assert_eq!(Document::parse(doc.digits()), Ok(doc));
        assert!(!doc.masked().contains(doc.digits()));
    }
});
