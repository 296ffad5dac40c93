//! Text normalization for the merchant name, city and description: the BR
//! Code is read by every bank's app, so Quita emits ASCII only. Accented Latin
//! letters lose their accents (what NFD + removing combining marks does, the
//! way the reference libraries normalize), other non-ASCII characters and
//! control characters are dropped; then the text is cut to the field's limit
//! in characters.

/// The ASCII letter under an accented Latin letter, when there is one.
fn base_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ď' => "D",
        'ď' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' => "H",
        'ĥ' => "h",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => "i",
        'Ĵ' => "J",
        'ĵ' => "j",
        'Ķ' => "K",
        'ķ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' => "L",
        'ĺ' | 'ļ' | 'ľ' => "l",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "N",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' | 'ŏ' | 'ő' => "o",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' => "S",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'Ţ' | 'Ť' => "T",
        'ţ' | 'ť' => "t",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ŵ' => "W",
        'ŵ' => "w",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// `text` in printable ASCII, accents removed, at most `max_chars` characters.
pub fn to_ascii(text: &str, max_chars: usize) -> String {
    if text.len() <= max_chars && text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return text.to_owned(); // the common case: nothing to change
    }
    let mut out = String::with_capacity(text.len().min(max_chars));
    for c in text.chars() {
        if out.len() >= max_chars {
            break;
        }
        if c.is_ascii_graphic() || c == ' ' {
            out.push(c);
        } else if let Some(base) = base_letter(c) {
            out.push_str(base);
        } else if c.is_whitespace() && !c.is_control() {
            out.push(' ');
        }
        // Combining marks, control characters and other scripts are dropped.
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_accents_then_cuts() {
        assert_eq!(to_ascii("SÃO MIGUÉL DO OESTE", 15), "SAO MIGUEL DO O");
        assert_eq!(to_ascii("São Paulo", 15), "Sao Paulo");
        assert_eq!(to_ascii("Brasília", 15), "Brasilia");
        assert_eq!(to_ascii("Açaí & Cia\u{0301}", 25), "Acai & Cia");
        assert_eq!(to_ascii("a\tb\nc", 25), "abc");
        assert_eq!(to_ascii("日本", 25), "");
    }
}
