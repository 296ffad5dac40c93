//! Where a page of a long list starts, by keyset: the list's order is a key
//! ending in the row id, so a page deep in a million rows costs what the
//! first does, and rows written meanwhile never shift a page.

/// A page of at most `limit` rows, always returned in the list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyset {
    /// The rows after this one (`After(0)`: from the first).
    After(i64),
    /// The rows just before this one ("Anterior").
    Before(i64),
}

impl Keyset {
    /// The first page.
    pub const START: Keyset = Keyset::After(0);

    /// `true` for a page read backwards from its cursor.
    pub fn is_backwards(self) -> bool {
        matches!(self, Keyset::Before(_))
    }

    /// The row the page starts from (0: none).
    pub fn id(self) -> i64 {
        match self {
            Keyset::After(id) | Keyset::Before(id) => id,
        }
    }
}
