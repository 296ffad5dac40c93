//! Built-in state and municipal holiday tables, written in the same text
//! format users load (`data.rs`), so the parser is exercised by the defaults.
//!
//! **(verify)** These come from state and municipal laws as summarised by
//! secondary sources; banks close on them locally. They are data precisely so
//! that a deployment can correct them without a new release.

use super::data::HolidayTable;

/// State (UF) tables: `(UF, table text)`.
const STATES: &[(&str, &str)] = &[
    (
        "SP",
        "07-09; Revolução Constitucionalista de 1932; 1997..  # Lei estadual 9.497/1997",
    ),
    (
        "RJ",
        "04-23; Dia de São Jorge; 2008..                       # Lei estadual 5.198/2008
         11-20; Dia da Consciência Negra; 2002..2023          # Lei estadual 4.007/2002; national from 2024",
    ),
    ("BA", "07-02; Independência da Bahia"),
    ("RS", "09-20; Revolução Farroupilha"),
];

/// Municipal tables of some state capitals: `(IBGE-style name, table text)`.
const CITIES: &[(&str, &str)] = &[
    (
        "sao-paulo",
        "01-25; Aniversário de São Paulo
         11-20; Dia da Consciência Negra; 2004..2023          # Lei municipal 13.707/2004; national from 2024",
    ),
    ("rio-de-janeiro", "01-20; Dia de São Sebastião"),
    (
        "belo-horizonte",
        "08-15; Assunção de Nossa Senhora
         12-08; Imaculada Conceição",
    ),
    (
        "salvador",
        "06-24; São João
         12-08; Nossa Senhora da Conceição da Praia",
    ),
];

/// The UFs with a built-in table.
pub fn known_states() -> impl Iterator<Item = &'static str> {
    STATES.iter().map(|(uf, _)| *uf)
}

/// The cities with a built-in table (lowercase, hyphenated, no accents).
pub fn known_cities() -> impl Iterator<Item = &'static str> {
    CITIES.iter().map(|(c, _)| *c)
}

/// The built-in holidays of a state (`"SP"`, case-insensitive), or `None` if
/// we have no table for it.
pub fn state_holidays(uf: &str) -> Option<HolidayTable> {
    lookup(STATES, &uf.trim().to_ascii_uppercase())
}

/// The built-in holidays of a city (`"sao-paulo"`), or `None`.
pub fn city_holidays(city: &str) -> Option<HolidayTable> {
    lookup(CITIES, &city.trim().to_ascii_lowercase())
}

fn lookup(list: &[(&str, &str)], key: &str) -> Option<HolidayTable> {
    let (_, text) = list.iter().find(|(k, _)| *k == key)?;
    // The built-in texts are tested to parse; should one ever not, the
    // caller sees "no table" rather than a panic.
    HolidayTable::parse(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_table_parses() {
        for (uf, text) in STATES {
            assert!(HolidayTable::parse(text).is_ok(), "{uf}");
            assert!(state_holidays(uf).is_some());
        }
        for (city, text) in CITIES {
            assert!(HolidayTable::parse(text).is_ok(), "{city}");
            assert!(city_holidays(city).is_some());
        }
        assert!(state_holidays("sp").is_some());
        assert!(state_holidays("XX").is_none());
    }
}
