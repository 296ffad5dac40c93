//! Pix BR Code: parsing never panics, a payload that parses keeps its
//! fields, and anything built re-parses to what was put in.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quita_br::pix;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(code) = pix::parse(text) {
        assert_eq!(code.payload(), text);
        assert!(code.key().is_some() != code.url().is_some());
    }
    // Build from the same bytes split into fields; whatever builds must parse.
    let mut parts = text.splitn(4, '\n');
    let (Some(key), Some(name), Some(city)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    let (Ok(k), Ok(n), Ok(c)) =
        (pix::PixKey::new(key), pix::MerchantName::new(name), pix::MerchantCity::new(city))
    else {
        return;
    };
    let built = pix::PixPayload::new_static(k.clone(), n.clone(), c.clone())
        .with_description(parts.next().unwrap_or(""));
    if let Ok(payload) = built.payload() {
        let code = pix::parse(&payload).expect("a built payload parses");
        assert_eq!(code.key(), Some(k.as_str()));
        assert_eq!(code.merchant_name(), n.as_str());
        assert_eq!(code.merchant_city(), c.as_str());
    }
});
