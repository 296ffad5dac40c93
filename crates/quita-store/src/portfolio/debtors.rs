//! Debtors: unique by CPF/CNPJ within an organization; search by name
//! words and by prefix.

use jiff::Timestamp;

use super::{
    Keyset,
    entry_search::{self, Entries},
};
use crate::{Db, Result, Tx, ms, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorRow {
    pub id: i64,
    pub org_id: i64,
    /// CPF/CNPJ digits.
    pub document: String,
    /// `pf` or `pj`.
    pub kind: String,
    pub name: String,
    pub deceased: bool,
    pub do_not_contact: bool,
    pub over_indebtedness: bool,
    pub dispute: bool,
    /// Tags in stored order (the column holds them comma-separated; a
    /// tag cannot contain a comma).
    pub tags: Vec<String>,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    document: String,
    kind: String,
    name: String,
    deceased: bool,
    do_not_contact: bool,
    over_indebtedness: bool,
    dispute: bool,
    tags: String,
    created_at: i64,
}

impl From<Row> for DebtorRow {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            document: r.document,
            kind: r.kind,
            name: r.name,
            deceased: r.deceased,
            do_not_contact: r.do_not_contact,
            over_indebtedness: r.over_indebtedness,
            dispute: r.dispute,
            tags: r
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            created_at: ts(r.created_at),
        }
    }
}

pub async fn get(db: &Db, org_id: i64, id: i64) -> Result<DebtorRow> {
    const SQL: &str = "SELECT id, org_id, document, kind, name, deceased, do_not_contact, over_indebtedness, dispute, tags, created_at \
         FROM debtors WHERE org_id = $1 AND id = $2";
    let row: Row = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(id)
        .fetch_one(p)
        .await)?;
    Ok(row.into())
}

/// One debtor of the organization read inside a write transaction and, on
/// PostgreSQL, locked until it ends (`FOR NO KEY UPDATE`), so that a change
/// worked out from it (a patch of some marks, a rename) cannot overwrite
/// another made meanwhile; SQLite's write transaction already keeps other
/// writers out. Not `FOR UPDATE`: that would also wait for every
/// transaction holding a row that refers to the debtor (an import adding
/// its receivables or contacts takes such a key-share lock on it), and the
/// key (id) is never changed here.
pub async fn get_for_update(tx: &mut Tx, org_id: i64, id: i64) -> Result<DebtorRow> {
    let lock = if tx.is_sqlite() {
        ""
    } else {
        " FOR NO KEY UPDATE"
    };
    let sql = format!(
        "SELECT id, org_id, document, kind, name, deceased, do_not_contact, over_indebtedness, dispute, tags, created_at \
         FROM debtors WHERE org_id = $1 AND id = $2{lock}"
    );
    let row: Option<Row> = on_tx!(tx, |t| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(org_id)
        .bind(id)
        .fetch_optional(&mut **t)
        .await)?;
    row.map(Into::into).ok_or(crate::StoreError::NotFound)
}

pub async fn find_by_document(db: &Db, org_id: i64, document: &str) -> Result<Option<DebtorRow>> {
    const SQL: &str = "SELECT id, org_id, document, kind, name, deceased, do_not_contact, over_indebtedness, dispute, tags, created_at \
         FROM debtors WHERE org_id = $1 AND document = $2";
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(document)
        .fetch_optional(p)
        .await)?;
    Ok(row.map(Into::into))
}

pub async fn count(db: &Db, org_id: i64) -> Result<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM debtors WHERE org_id = $1";
    Ok(on_db!(db, |p| sqlx::query_scalar(SQL)
        .bind(org_id)
        .fetch_one(p)
        .await)?)
}

/// Sets the collection flags of one debtor of one organization.
pub async fn set_flags(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    flags: [bool; 4],
    tags: &[&str],
    now: Timestamp,
) -> Result<()> {
    const SQL: &str = "UPDATE debtors SET deceased = $3, do_not_contact = $4, over_indebtedness = $5, dispute = $6, tags = $7, updated_at = $8 \
         WHERE org_id = $1 AND id = $2";
    let n = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(flags[0])
        .bind(flags[1])
        .bind(flags[2])
        .bind(flags[3])
        .bind(tags.join(","))
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

/// Corrects one debtor's name (and its search key; the name index follows:
/// SQLite's by trigger, PostgreSQL's is on the column).
pub async fn rename(
    tx: &mut Tx,
    org_id: i64,
    id: i64,
    (name, name_key): (&str, &str),
    now: Timestamp,
) -> Result<()> {
    const SQL: &str = "UPDATE debtors SET name = $3, name_key = $4, updated_at = $5 WHERE org_id = $1 AND id = $2";
    let n = on_tx!(tx, |t| sqlx::query(SQL)
        .bind(org_id)
        .bind(id)
        .bind(name)
        .bind(name_key)
        .bind(ms(now))
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

/// What a search is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    /// The accent-free lower-case name key: first the names that start
    /// with the text, then those where each word of the text starts a word
    /// of the name, in any order (see [`find_names`]).
    Name,
    /// CPF/CNPJ digits, by prefix.
    Document,
    /// A contact value (E.164 phone or e-mail), by prefix.
    Contact,
    /// A receivable's document number, by prefix, ignoring ASCII case.
    DocumentNumber,
}

/// What a search found: at most the limit asked for, in the search's
/// order, and whether more debtors matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub debtors: Vec<DebtorRow>,
    /// More debtors matched than were returned.
    pub truncated: bool,
}

impl Found {
    /// The first `limit` of `rows`, read with one more than `limit` to learn
    /// whether there are more.
    fn of(mut rows: Vec<DebtorRow>, limit: i64) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let truncated = rows.len() > limit;
        rows.truncate(limit);
        Self {
            debtors: rows,
            truncated,
        }
    }
}

/// The most debtors one search returns.
pub const SEARCH_LIMIT_MAX: i64 = 200;

/// Names a word search reads in order, from the organization's first, per
/// debtor it still has to find, before it asks the word index instead (see
/// [`find_names`]): 4,200 names for the API's default limit of 20, 20,200
/// for the debtor page's 100. A name read costs about 0.1 µs (SQLite, and
/// PostgreSQL once a vacuum has set the visibility map; 0.5–1 µs before),
/// a match of the word index 1.3–2 µs (looked up, tested and sorted); the
/// index is asked when fewer than 1 name in 200 has the words.
pub const NAME_SCAN: i64 = 200;

/// Debtors whose field matches `text`, at most `limit`: [`find`] without
/// the `truncated` flag.
pub async fn search(
    db: &Db,
    org_id: i64,
    field: SearchField,
    text: &str,
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    Ok(find(db, org_id, field, text, limit).await?.debtors)
}

/// Debtors whose field matches `text`, at most `limit` (1–200), and whether
/// there were more. Names as [`find_names`] says; the other fields by prefix:
/// CPF/CNPJ in document order, contacts and document numbers by name (the
/// first debtors met in the index's order, each once however many of its
/// entries match).
/// Every query is an index range scan on both backends: a `>= / <` range
/// under SQLite's binary collation and PostgreSQL's "C" collation of
/// `name_key`, the pattern operators of the `text_pattern_ops` indexes for
/// the rest; document numbers by the index on their ASCII-lower-cased form.
pub async fn find(
    db: &Db,
    org_id: i64,
    field: SearchField,
    text: &str,
    limit: i64,
) -> Result<Found> {
    let limit = limit.clamp(1, SEARCH_LIMIT_MAX);
    match field {
        SearchField::Name => find_names(db, org_id, text, limit, Passes::DEFAULT).await,
        SearchField::Contact => by_entries(db, org_id, Entries::Contacts, text, limit).await,
        SearchField::DocumentNumber => {
            by_entries(db, org_id, Entries::DocumentNumbers, text, limit).await
        }
        SearchField::Document => Ok(Found::of(
            by_prefix(db, org_id, true, text, limit + 1).await?,
            limit,
        )),
    }
}

/// The selected columns of a debtor aliased `d`.
const COLUMNS: &str = "d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at";

/// The first string after every string that starts with `prefix` (in byte
/// order, as both backends compare `name_key` and the pattern operators
/// compare the rest).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// Debtors whose name key (or, `by_document`, CPF/CNPJ) starts with
/// `prefix`, at most `limit`, by name (documents by document).
async fn by_prefix(
    db: &Db,
    org_id: i64,
    by_document: bool,
    prefix: &str,
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    let sql: &'static str = match (db, by_document) {
        (_, false) => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.org_id = $1 AND d.name_key >= $2 AND d.name_key < $3 ORDER BY d.name_key, d.id LIMIT $4"
        }
        (Db::Sqlite(_), true) => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.org_id = $1 AND d.document >= $2 AND d.document < $3 ORDER BY d.document LIMIT $4"
        }
        (Db::Pg(_), true) => {
            "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
             FROM debtors d WHERE d.org_id = $1 AND d.document ~>=~ $2 AND d.document ~<~ $3 ORDER BY d.document USING ~<~ LIMIT $4"
        }
    };
    // A range on both backends (PostgreSQL: the pattern operators of the
    // text_pattern_ops indexes), never LIKE: a prepared statement's generic
    // plan cannot turn `LIKE $2` into an index range and scans the table.
    // PostgreSQL orders documents `USING ~<~`, the prefix index's order (the
    // same for digits): by the collation's order it walked the unique key
    // from the first document, 280,000 rows for `850`, 371 ms.
    let upper = prefix_end(prefix);
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(sql)
        .bind(org_id)
        .bind(prefix)
        .bind(&upper)
        .bind(limit)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Debtors with a contact, or a receivable numbered, starting with
/// `prefix` (document numbers ignoring ASCII case), at most `limit`, by
/// name: the first `limit` found in the index's order, and whether
/// another one matched.
async fn by_entries(
    db: &Db,
    org_id: i64,
    entries: Entries,
    prefix: &str,
    limit: i64,
) -> Result<Found> {
    let prefix = match entries {
        Entries::DocumentNumbers => prefix.to_ascii_lowercase(),
        Entries::Contacts => prefix.to_owned(),
    };
    let upper = prefix_end(&prefix);
    let want = usize::try_from(limit).unwrap_or(0);
    let (ids, truncated) =
        entry_search::debtors_of(db, org_id, entries, (&prefix, &upper), want).await?;
    Ok(Found {
        debtors: by_ids_by_name(db, org_id, &ids).await?,
        truncated,
    })
}

/// The organization's debtors among `ids`, by name.
async fn by_ids_by_name(db: &Db, org_id: i64, ids: &[i64]) -> Result<Vec<DebtorRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sqlite = matches!(db, Db::Sqlite(_));
    // `+d.org_id` (SQLite): without statistics it would otherwise walk the
    // organization's whole name index for the order (34 ms at 333,240
    // debtors) instead of looking the few ids up and sorting them.
    let sql = format!(
        "SELECT {COLUMNS} FROM debtors d WHERE {} AND d.id IN ({}) ORDER BY d.name_key, d.id",
        if sqlite {
            "+d.org_id = ?"
        } else {
            "d.org_id = $1"
        },
        crate::in_list(sqlite, ids.len(), 2)
    );
    let rows: Vec<Row> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Debtors with a contact whose value is exactly one of `values` (at most
/// 100: a local phone number under each DDD), by name, at most `limit`
/// (1–200), and whether there were more. One index probe per value.
pub async fn find_by_contact_values(
    db: &Db,
    org_id: i64,
    values: &[String],
    limit: i64,
) -> Result<Found> {
    const MAX_VALUES: usize = 100;
    let limit = limit.clamp(1, SEARCH_LIMIT_MAX);
    let values = &values[..values.len().min(MAX_VALUES)];
    if values.is_empty() {
        return Ok(Found::default());
    }
    let rows: Vec<Row> = match db {
        Db::Sqlite(p) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM debtors d WHERE d.id IN (SELECT c.debtor_id FROM contacts c \
                 WHERE c.org_id = ? AND c.value IN ({})) ORDER BY d.name_key, d.id LIMIT ?",
                vec!["?"; values.len()].join(", ")
            );
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org_id);
            for v in values {
                q = q.bind(v);
            }
            q.bind(limit + 1).fetch_all(p).await?
        }
        Db::Pg(p) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM debtors d WHERE d.id IN (SELECT c.debtor_id FROM contacts c \
                 WHERE c.org_id = $1 AND c.value = ANY($2)) ORDER BY d.name_key, d.id LIMIT $3"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(org_id)
                .bind(values)
                .bind(limit + 1)
                .fetch_all(p)
                .await?
        }
    };
    Ok(Found::of(rows.into_iter().map(Into::into).collect(), limit))
}

/// The most words of a name search that are matched (after those implied
/// by a longer one are dropped); a longer search matches on its first ones.
const MAX_WORDS: usize = 8;

/// The words of a name search: the runs of letters and digits of its key,
/// without repeats and without those that begin another word (a name word
/// that starts with `silva` starts with `sil`), at most [`MAX_WORDS`].
pub fn search_words(key: &str) -> Vec<&str> {
    let all: Vec<&str> = key
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut words: Vec<&str> = Vec::new();
    for (i, w) in all.iter().enumerate() {
        let implied = all
            .iter()
            .enumerate()
            .any(|(j, o)| o.starts_with(w) && (o.len() > w.len() || j < i));
        if !implied && words.len() < MAX_WORDS {
            words.push(w);
        }
    }
    words
}

/// Whether the word index can look `word` up as both backends tokenize
/// names: ASCII letters and digits and the Latin letters (Latin-1 to Latin
/// Extended-B), which SQLite's `unicode61` and PostgreSQL's parser both
/// keep whole inside a word.
fn indexable(word: &str) -> bool {
    word.chars().all(|c| {
        c.is_ascii_alphanumeric() || (('\u{C0}'..='\u{24F}').contains(&c) && c.is_alphabetic())
    })
}

/// The words the word index is asked for: the indexable ones, and of those
/// only the ones of three letters or more when there are any (a one-letter
/// prefix reads a large part of the index and the scan's own test checks
/// every word anyway). Empty when none can be looked up.
fn index_words<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let usable: Vec<&str> = words.iter().copied().filter(|w| indexable(w)).collect();
    let longest = usable.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    let least = longest.min(3);
    usable
        .into_iter()
        .filter(|w| w.chars().count() >= least)
        .collect()
}

/// How [`find_names`] divides its work between its passes; [`Passes::DEFAULT`]
/// is what [`find`] uses. Tests move the bounds to make either pass answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passes {
    /// Names read in order per debtor still to find before the word index
    /// is asked ([`NAME_SCAN`]).
    pub scan: i64,
    /// The most matches the word index may give (over all organizations)
    /// and still be used; with more, the names are read in order until
    /// enough are found ([`NAME_INDEX_CAP`]).
    pub index_cap: i64,
}

impl Passes {
    pub const DEFAULT: Self = Self {
        scan: NAME_SCAN,
        index_cap: NAME_INDEX_CAP,
    };
}

/// The most matches of the word index a name search looks up and sorts
/// (about 10 ms on either backend over 333,240 debtors). A word with more
/// (over 1.5 % of the debtors) is common, yet the first names in order did
/// not have it ("ltda" among people's names that start with A): reading on
/// in order finds it sooner than sorting all its matches.
pub const NAME_INDEX_CAP: i64 = 5_000;

/// Debtors of `org_id` found by the name key `key`, at most `limit`
/// (1–200), and whether there were more: first those whose name starts with
/// `key` (an index range), then, by name, those where each of its words
/// ([`search_words`]) starts a word of the name (the name key from its
/// start or after a space, hyphen or apostrophe: "teixeira" and "siqueira
/// josefa" find "Josefa Isabela Siqueira Teixeira"; "avila" finds
/// "D'Ávila").
///
/// The second part reads at most `passes.scan` names per debtor still
/// needed, in order from the organization's first, and tests each one,
/// which finds the matches of a common word quickly. When that falls short
/// it asks the word index (SQLite: the FTS5 table `debtor_name_words`;
/// PostgreSQL: the GIN index `debtors_name_words` on
/// `to_tsvector('simple', name_key)`), and when it has at most
/// `passes.index_cap` matches, tests those the same way and sorts them;
/// with more, it reads the names in order until it has found enough.
/// Every pass gives the same debtors: the bounds only change which one
/// answers. Without a word the index can look up, the names are read in
/// order.
pub async fn find_names(
    db: &Db,
    org_id: i64,
    key: &str,
    limit: i64,
    passes: Passes,
) -> Result<Found> {
    let limit = limit.clamp(1, SEARCH_LIMIT_MAX);
    let mut rows = by_prefix(db, org_id, false, key, limit + 1).await?;
    let words = search_words(key);
    let missing = limit + 1 - i64::try_from(rows.len()).unwrap_or(i64::MAX);
    if missing <= 0 || words.is_empty() {
        return Ok(Found::of(rows, limit));
    }
    let by_index = index_words(&words);
    let scan = if by_index.is_empty() {
        i64::MAX
    } else {
        passes.scan.max(0).saturating_mul(missing)
    };
    let mut others = if scan > 0 {
        words_in_first(db, org_id, key, &words, scan, missing).await?
    } else {
        Vec::new()
    };
    if i64::try_from(others.len()).unwrap_or(i64::MAX) < missing && scan < i64::MAX {
        let capped = passes.index_cap.max(0);
        others = match words_by_index(db, org_id, key, &words, &by_index, missing, capped).await? {
            Some(found) => found,
            None => words_in_first(db, org_id, key, &words, i64::MAX, missing).await?,
        };
    }
    rows.extend(others);
    Ok(Found::of(rows, limit))
}

/// SQL that is true when each word (parameters from `first`) starts a word
/// of the name key `col`: at its start or after a space, hyphen,
/// apostrophe, dot or slash (`s.a.` holds the words `s` and `a`, as the
/// search splits them). The plain `instr`/`strpos` first, so that most
/// names are turned down by one search of the key.
fn word_tests(sqlite: bool, col: &str, first: usize, n: usize) -> String {
    let (find, mark) = if sqlite {
        ("instr", "?")
    } else {
        ("strpos", "$")
    };
    (first..first + n)
        .map(|i| {
            let w = format!("{mark}{i}");
            format!(
                "({find}({col}, {w}) > 0 AND ({find}({col}, {w}) = 1 OR {find}({col}, ' ' || {w}) > 0 \
                 OR {find}({col}, '-' || {w}) > 0 OR {find}({col}, '''' || {w}) > 0 \
                 OR {find}({col}, '.' || {w}) > 0 OR {find}({col}, '/' || {w}) > 0))"
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The scan of [`find_names`]: of the first `scan` names of the
/// organization (in order, from the covering name index), those not
/// starting with `key` that have every word, at most `limit`.
async fn words_in_first(
    db: &Db,
    org_id: i64,
    key: &str,
    words: &[&str],
    scan: i64,
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    let sqlite = matches!(db, Db::Sqlite(_));
    let tests = word_tests(sqlite, "s.name_key", 6, words.len());
    // SQLite numbers `?N` parameters as written; PostgreSQL's `$N` are
    // positional anyway. The limited subquery is not flattened into the
    // join, so only the names it passes are read from the table.
    let sql = if sqlite {
        format!(
            "SELECT {COLUMNS} FROM (SELECT id, name_key FROM debtors WHERE org_id = ?1 ORDER BY name_key, id LIMIT ?2) s \
             CROSS JOIN debtors d ON d.id = s.id \
             WHERE (s.name_key < ?3 OR s.name_key >= ?4) AND {tests} ORDER BY s.name_key, s.id LIMIT ?5"
        )
    } else {
        format!(
            "SELECT {COLUMNS} FROM (SELECT id, name_key FROM debtors WHERE org_id = $1 ORDER BY name_key, id LIMIT $2) s \
             JOIN debtors d ON d.id = s.id \
             WHERE (s.name_key < $3 OR s.name_key >= $4) AND {tests} ORDER BY s.name_key, s.id LIMIT $5"
        )
    };
    let upper = prefix_end(key);
    let rows: Vec<Row> = on_db!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(org_id)
            .bind(scan)
            .bind(key)
            .bind(&upper)
            .bind(limit);
        for w in words {
            q = q.bind(*w);
        }
        q.fetch_all(p).await
    })?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The index pass of [`find_names`]: unless the word index gives more than
/// `cap` debtors for `by_index` (each as a prefix of a word; on SQLite
/// counted over all organizations, on PostgreSQL within this one), those
/// of the organization that have every word, as the scan tests them, and
/// do not start with `key`, by name, at most `limit`. `None` when it gives
/// more. One statement reads the index's matches once, counts them and
/// picks the ids; a second reads those debtors.
async fn words_by_index(
    db: &Db,
    org_id: i64,
    key: &str,
    words: &[&str],
    by_index: &[&str],
    limit: i64,
    cap: i64,
) -> Result<Option<Vec<DebtorRow>>> {
    let sqlite = matches!(db, Db::Sqlite(_));
    let tests_on = |col: &str| word_tests(sqlite, col, 7, words.len());
    let upper = prefix_end(key);
    // The words are letters and digits only ([`index_words`]), so quoting
    // them is all either query syntax needs.
    let ids: Vec<i64> = match db {
        Db::Sqlite(p) => {
            let query = by_index
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" AND ");
            // The FTS table's matches drive the lookups (CROSS JOIN keeps
            // it outermost), never a walk of the name index.
            let sql = format!(
                "WITH m AS MATERIALIZED (SELECT rowid AS id FROM debtor_name_words WHERE debtor_name_words MATCH ?2 LIMIT ?6) \
                 SELECT (SELECT count(*) FROM m), (SELECT group_concat(id) FROM (SELECT d.id FROM m CROSS JOIN debtors d ON d.id = m.id \
                 WHERE d.org_id = ?1 AND (d.name_key < ?3 OR d.name_key >= ?4) AND {} ORDER BY d.name_key, d.id LIMIT ?5))",
                tests_on("d.name_key")
            );
            let mut q = sqlx::query_as::<_, (i64, Option<String>)>(sqlx::AssertSqlSafe(sql))
                .bind(org_id)
                .bind(&query)
                .bind(key)
                .bind(&upper)
                .bind(limit)
                .bind(cap.saturating_add(1));
            for w in words {
                q = q.bind(*w);
            }
            let (count, ids) = q.fetch_one(p).await?;
            if count > cap {
                return Ok(None);
            }
            ids.unwrap_or_default()
                .split(',')
                .filter_map(|id| id.parse().ok())
                .collect()
        }
        Db::Pg(p) => {
            let query = by_index
                .iter()
                .map(|w| format!("'{w}':*"))
                .collect::<Vec<_>>()
                .join(" & ");
            // `org_id + 0`: not the name index's column, so that the plan
            // is always the GIN index's bitmap, never a walk of the name
            // index in order hoping to meet the matches early.
            let sql = format!(
                "WITH m AS MATERIALIZED (SELECT d.id, d.name_key FROM debtors d \
                 WHERE to_tsvector('simple'::regconfig, d.name_key) @@ $2::tsquery AND d.org_id + 0 = $1 LIMIT $6) \
                 SELECT (SELECT count(*) FROM m), (SELECT array_agg(f.id ORDER BY f.name_key, f.id) FROM \
                 (SELECT m.id, m.name_key FROM m WHERE (m.name_key < $3 OR m.name_key >= $4) AND {} \
                 ORDER BY m.name_key, m.id LIMIT $5) f)",
                tests_on("m.name_key")
            );
            // PostgreSQL estimates a one-word prefix query at 2 % of the
            // table and then plans a parallel bitmap scan, whose workers
            // take longer to start (EXPLAIN ANALYZE: 19–24 ms against 3 ms
            // for the same few thousand rows) than they save.
            let mut tx = p.begin().await?;
            sqlx::query("SET LOCAL max_parallel_workers_per_gather = 0")
                .execute(&mut *tx)
                .await?;
            let mut q = sqlx::query_as::<_, (i64, Option<Vec<i64>>)>(sqlx::AssertSqlSafe(sql))
                .bind(org_id)
                .bind(&query)
                .bind(key)
                .bind(&upper)
                .bind(limit)
                .bind(cap.saturating_add(1));
            for w in words {
                q = q.bind(*w);
            }
            let (count, ids) = q.fetch_one(&mut *tx).await?;
            tx.commit().await?;
            if count > cap {
                return Ok(None);
            }
            ids.unwrap_or_default()
        }
    };
    Ok(Some(by_ids_by_name(db, org_id, &ids).await?))
}

/// A page of the organization's debtors by name, after `after_key` (keyset).
/// The row comparison, not an `OR`, lets both databases start the index scan
/// at the cursor instead of filtering every earlier debtor.
pub async fn list_page(
    db: &Db,
    org_id: i64,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    const SQL: &str = "SELECT id, org_id, document, kind, name, deceased, do_not_contact, over_indebtedness, dispute, tags, created_at \
         FROM debtors WHERE org_id = $1 AND (name_key, id) > ($2, $3) ORDER BY name_key, id LIMIT $4";
    let (key, id) = after.unwrap_or_default();
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(SQL)
        .bind(org_id)
        .bind(&key)
        .bind(id)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The names of the given debtors of one organization (others are absent),
/// in one query: for pages that list receivables of many debtors.
pub async fn names(
    db: &Db,
    org_id: i64,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sqlite = matches!(db, Db::Sqlite(_));
        let list = crate::in_list(sqlite, chunk.len(), 2);
        let sql = format!(
            "SELECT id, name FROM debtors WHERE org_id = {} AND id IN ({list})",
            if sqlite { "?" } else { "$1" }
        );
        let rows: Vec<(i64, String)> = on_db!(db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(org_id);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// A page of the organization's debtors by name key then id, from `cursor`
/// (keyset: after a debtor, `After(0)` from the first, or just before one;
/// the cursor is a debtor id, so no name travels in a URL). The cursor's
/// place is its debtor's name key now, or `key` when given (the key it had
/// when the page was read, had it been renamed since). A cursor that is
/// not a debtor of `org_id` gives an empty page. Served by the
/// `(org_id, name_key)` index in either direction (SQLite appends the rowid;
/// PostgreSQL's holds `id`); the cursor's key is a scalar subquery so that
/// PostgreSQL can seek to it.
pub async fn page(
    db: &Db,
    org_id: i64,
    (cursor, key): (Keyset, Option<&str>),
    limit: i64,
) -> Result<Vec<DebtorRow>> {
    let limit = limit.clamp(1, 500);
    const COLUMNS: &str = "SELECT d.id, d.org_id, d.document, d.kind, d.name, d.deceased, d.do_not_contact, d.over_indebtedness, d.dispute, d.tags, d.created_at \
         FROM debtors d \
         WHERE d.org_id = $1 AND (d.name_key, d.id)";
    const CURSOR: &str = "((SELECT CASE WHEN $4 IS NULL THEN name_key ELSE $4 END FROM debtors WHERE org_id = $1 AND id = $2), $2)";
    let sql = match cursor {
        Keyset::After(0) => return list_page(db, org_id, None, limit).await,
        Keyset::After(_) => format!("{COLUMNS} > {CURSOR} ORDER BY d.name_key, d.id LIMIT $3"),
        Keyset::Before(_) => {
            format!("{COLUMNS} < {CURSOR} ORDER BY d.name_key DESC, d.id DESC LIMIT $3")
        }
    };
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(org_id)
        .bind(cursor.id())
        .bind(limit)
        .bind(key)
        .fetch_all(p)
        .await)?;
    let mut page: Vec<DebtorRow> = rows.into_iter().map(Into::into).collect();
    if cursor.is_backwards() {
        page.reverse();
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::{index_words, search_words};

    #[test]
    fn search_words_split_and_drop_implied_ones() {
        assert_eq!(search_words("josefa siqueira"), ["josefa", "siqueira"]);
        assert_eq!(
            search_words("d'avila ana-maria"),
            ["d", "avila", "ana", "maria"]
        );
        assert_eq!(search_words("sil silva si"), ["silva"]);
        assert_eq!(search_words("ana ana"), ["ana"]);
        assert_eq!(search_words("loja 123, a.b."), ["loja", "123", "a", "b"]);
        assert!(search_words("%' -").is_empty());
        assert_eq!(search_words("a b c d e f g h i j").len(), 8);
    }

    #[test]
    fn index_words_skip_short_and_unindexable_ones() {
        assert_eq!(index_words(&["d", "avila"]), ["avila"]);
        assert_eq!(index_words(&["jo", "a"]), ["jo"]);
        assert_eq!(index_words(&["a", "b"]), ["a", "b"]);
        assert_eq!(index_words(&["ωmega", "al"]), ["al"]);
        assert_eq!(index_words(&["müller", "ção"]), ["müller", "ção"]);
        assert!(index_words(&["ωmega"]).is_empty());
    }
}
