//! A deterministic synthetic portfolio in the import layout, for
//! benchmarks and demos (`quita bench generate`).
//!
//! [`write_portfolio`] streams `receivables` rows of the canonical CSV
//! layout (`;` delimiter, UTF-8, the header [`HEADER`]) to any
//! [`std::io::Write`], holding only one debtor and a 256 KiB output buffer
//! in memory, so a file of any size costs the same memory.
//!
//! What the file looks like, and why:
//! - **Deterministic**: the same [`SyntheticPortfolio`] (count, seed,
//!   reference date) gives the same bytes on every machine; the only source
//!   of randomness is the SplitMix64 generator in `rng.rs`.
//! - **Debtors**: about 3 receivables each (1 to 5, uniform), 85 % PF with a
//!   valid CPF and 15 % PJ with a valid CNPJ (a tenth of them alphanumeric,
//!   IN RFB 2.229/2024). Every debtor's document is distinct (a keyed
//!   bijection with cycle walking), so the number of debtors in the file is
//!   the number of distinct documents. Names from common Brazilian first
//!   names and surnames; companies end in Ltda, ME, S.A. or EPP; a quarter
//!   are written in capitals, as legacy systems export them.
//! - **Contacts**: 0 to 3 phones per debtor (`|`-separated, mostly mobiles,
//!   in the DDD of the debtor's city, in several written forms), e-mails at
//!   reserved domains (`example.com`, `*.example`: a dispatch run against
//!   generated data can never reach a real mailbox), UF, city, CEP in the
//!   city's real range, and a street address; some debtors lack some of it.
//! - **Receivables**: installment plans (crediário, `n` of `N`), recurring
//!   monthly fees (no total), trade bills and one-off invoices; issue date
//!   never after the due date; amounts in pt-BR form (`1.234,56`); dates
//!   `dd/mm/aaaa`; some partly paid (`valor_aberto` < `valor`), some with
//!   `valor_aberto` empty (= `valor`).
//! - **Aging**: due dates are placed relative to `as_of` so that every
//!   default aging bucket (`current`, `1-30`, `31-60`, `61-90`, `91-180`,
//!   `181-360`, `361+`) is represented: the first seven debtors have one
//!   receivable each, one in the middle of each bucket (far enough from the
//!   edges that moving a weekend due date to the next business day cannot
//!   change the bucket); the rest are spread by weight.
//!
//! Every row parses without errors or warnings through
//! [`quita_core::import_row::ImportHeader::parse_row`] (tested). No cell
//! contains `;`, `"` or a line break, so no cell is quoted.

mod data;
mod rng;
#[cfg(test)]
mod tests;

use std::io::{self, Write};

use jiff::Span;
use jiff::civil::Date;
use quita_br::document::{Cnpj, Cpf};
use quita_core::calendar::add_days;

use data::{CITIES, City};
use rng::{Rng, permute};

/// The canonical header, in file order (the names of
/// [`quita_core::import_row::ImportField::canonical`]).
pub const HEADER: [&str; 16] = [
    "documento_devedor",
    "nome_devedor",
    "email",
    "telefones",
    "uf",
    "cidade",
    "cep",
    "endereco",
    "contrato",
    "numero_documento",
    "parcela",
    "total_parcelas",
    "emissao",
    "vencimento",
    "valor",
    "valor_aberto",
];

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 2026;

/// The most rows one call writes (about 15 GB of CSV). Also what keeps
/// documents distinct: PF debtors stay below the first repeated-digit CPF
/// base (111.111.111) and PJ debtors below 10^8 CNPJ roots.
pub const MAX_RECEIVABLES: u64 = 100_000_000;

/// The reference date used when none is given: fixed, not "today", so the
/// default file is the same whenever it is generated.
pub fn default_as_of() -> Date {
    jiff::civil::date(2026, 11, 23)
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticPortfolio {
    /// Number of rows (receivables), 1 to [`MAX_RECEIVABLES`].
    pub receivables: u64,
    pub seed: u64,
    /// The date the aging buckets are relative to (years 1950 to 2150).
    pub as_of: Date,
}

impl SyntheticPortfolio {
    /// `receivables` rows with [`DEFAULT_SEED`] and [`default_as_of`].
    pub fn new(receivables: u64) -> Self {
        Self {
            receivables,
            seed: DEFAULT_SEED,
            as_of: default_as_of(),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct GenerateSummary {
    /// Data rows (receivables), the header not counted.
    pub rows: u64,
    /// Distinct debtors (documents).
    pub debtors: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    #[error("the number of receivables must be between 1 and {MAX_RECEIVABLES}, not {0}")]
    Count(u64),
    #[error("the reference date must be between 1950-01-01 and 2150-12-31, not {0}")]
    AsOf(Date),
    #[error("writing the portfolio: {0}")]
    Io(#[from] io::Error),
}

/// Writes the header and `spec.receivables` rows to `out` (see the
/// [module docs](self)). Buffers internally: pass the file itself.
pub fn write_portfolio<W: Write>(
    spec: &SyntheticPortfolio,
    mut out: W,
) -> Result<GenerateSummary, SyntheticError> {
    if spec.receivables == 0 || spec.receivables > MAX_RECEIVABLES {
        return Err(SyntheticError::Count(spec.receivables));
    }
    if !(1950..=2150).contains(&spec.as_of.year()) {
        return Err(SyntheticError::AsOf(spec.as_of));
    }
    let mut g = Generator::new(spec);
    g.buf.extend_from_slice(HEADER.join(";").as_bytes());
    g.buf.push(b'\n');
    let mut rows = 0u64;
    let mut debtors = 0u64;
    while rows < spec.receivables {
        let forced = (debtors < FORCED_DPD.len() as u64).then(|| FORCED_DPD[debtors as usize]);
        let k = match forced {
            Some(_) => 1,
            None => 1 + g.rng.below(5),
        }
        .min(spec.receivables - rows);
        g.debtor();
        g.receivables(k, forced);
        rows += k;
        debtors += 1;
        if g.buf.len() >= FLUSH_AT {
            out.write_all(&g.buf)?;
            g.buf.clear();
        }
    }
    out.write_all(&g.buf)?;
    out.flush()?;
    Ok(GenerateSummary { rows, debtors })
}

const FLUSH_AT: usize = 256 * 1024;

/// Days past due of the first seven debtors' single receivable: the middle
/// of each default bucket, in bucket order (`current` first).
const FORCED_DPD: [i64; 7] = [-10, 15, 45, 75, 135, 270, 540];

/// DPD ranges (inclusive) of the default buckets and how often a contract's
/// newest receivable falls in each (%).
const BUCKETS: [(i64, i64); 7] = [
    (-60, 0),
    (1, 30),
    (31, 60),
    (61, 90),
    (91, 180),
    (181, 360),
    (361, 1460),
];
const BUCKET_WEIGHTS: [u64; 7] = [30, 14, 10, 8, 13, 12, 13];

/// Amount tiers in centavos (inclusive range, weight).
type Tiers = [(i64, i64, u64)];
const PF_INSTALLMENT: &Tiers = &[
    (2_990, 9_999, 30),
    (10_000, 49_999, 40),
    (50_000, 149_999, 22),
    (150_000, 500_000, 8),
];
const PF_MONTHLY: &Tiers = &[(4_990, 29_990, 80), (30_000, 150_000, 20)];
const PF_INVOICE: &Tiers = &[(5_000, 50_000, 70), (50_001, 300_000, 30)];
const PJ_BILL: &Tiers = &[
    (50_000, 500_000, 50),
    (500_001, 2_000_000, 35),
    (2_000_001, 8_000_000, 15),
];
const PJ_MONTHLY: &Tiers = &[(19_990, 99_990, 70), (100_000, 500_000, 30)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pf,
    Pj,
}

/// The generator's state between debtors. `prefix` holds the current
/// debtor's eight cells (with their trailing `;`), repeated on each row.
struct Generator {
    rng: Rng,
    as_of: Date,
    key_cpf: u64,
    key_cnpj: u64,
    pf: u64,
    pj: u64,
    seq: u64,
    kind: Kind,
    prefix: Vec<u8>,
    buf: Vec<u8>,
    scratch: String,
}

impl Generator {
    fn new(spec: &SyntheticPortfolio) -> Self {
        let mut rng = Rng::new(spec.seed);
        let key_cpf = rng.next_u64();
        let key_cnpj = rng.next_u64();
        Self {
            rng,
            as_of: spec.as_of,
            key_cpf,
            key_cnpj,
            pf: 0,
            pj: 0,
            seq: 0,
            kind: Kind::Pf,
            prefix: Vec::with_capacity(512),
            buf: Vec::with_capacity(FLUSH_AT + 64 * 1024),
            scratch: String::with_capacity(128),
        }
    }

    /// Chooses the next debtor and writes its cells into `prefix`.
    fn debtor(&mut self) {
        self.prefix.clear();
        self.kind = if self.rng.chance(85) {
            Kind::Pf
        } else {
            Kind::Pj
        };
        // Document.
        let formatted = self.rng.chance(80);
        let doc = match self.kind {
            Kind::Pf => {
                let cpf = self.next_cpf();
                if formatted {
                    cpf.formatted()
                } else {
                    cpf.digits().to_owned()
                }
            }
            Kind::Pj => {
                let cnpj = self.next_cnpj();
                if formatted {
                    cnpj.formatted()
                } else {
                    cnpj.digits().to_owned()
                }
            }
        };
        self.prefix.extend_from_slice(doc.as_bytes());
        self.prefix.push(b';');
        // Name, and the words its e-mail is made of.
        self.scratch.clear();
        let (mail_a, mail_b) = match self.kind {
            Kind::Pf => self.person_name(),
            Kind::Pj => self.company_name(),
        };
        if self.rng.chance(25) {
            let upper = self.scratch.to_uppercase();
            self.prefix.extend_from_slice(upper.as_bytes());
        } else {
            self.prefix.extend_from_slice(self.scratch.as_bytes());
        }
        self.prefix.push(b';');
        self.email(mail_a, mail_b);
        self.prefix.push(b';');
        let city = &CITIES[self.rng.weighted(&CITY_WEIGHTS)];
        self.phones(city.ddd);
        self.prefix.push(b';');
        self.address(city);
    }

    /// A distinct CPF for the `pf`-th PF debtor: cycle walking over a
    /// bijection of 0..2^30 until the value is a 9-digit base that is not a
    /// repeated digit. Injective because the walk starts inside that set
    /// (`pf + 1 < 111_111_111`, guaranteed by [`MAX_RECEIVABLES`]).
    fn next_cpf(&mut self) -> Cpf {
        let good = |v: u64| v < 1_000_000_000 && !v.is_multiple_of(111_111_111);
        let mut v = self.pf + 1;
        loop {
            v = permute(v, self.key_cpf, 30);
            if good(v) {
                break;
            }
        }
        self.pf += 1;
        let mut base = [0u8; 9];
        write_digits(&mut base, v);
        let base = std::str::from_utf8(&base).unwrap_or("000000001");
        Cpf::from_base(base).expect("9 digits, not a repeated digit: a valid CPF base")
    }

    /// A distinct CNPJ for the `pj`-th PJ debtor: an 8-character root from a
    /// bijection of 0..10^8 (cycle walking over 2^27), establishment `0001`
    /// mostly; one in ten roots is alphanumeric (a letter, then the same
    /// number in base 36, so still distinct and never all digits).
    fn next_cnpj(&mut self) -> Cnpj {
        let mut v = self.pj;
        loop {
            v = permute(v, self.key_cnpj, 27);
            if v < 100_000_000 {
                break;
            }
        }
        self.pj += 1;
        let mut base = [b'0'; 12];
        if self.rng.chance(10) {
            base[0] = b'A' + self.rng.below(26) as u8;
            let mut n = v;
            for slot in base[1..8].iter_mut().rev() {
                let d = (n % 36) as u8;
                *slot = if d < 10 { b'0' + d } else { b'A' + d - 10 };
                n /= 36;
            }
        } else {
            write_digits(&mut base[..8], v);
        }
        let branch = if self.rng.chance(90) {
            1
        } else {
            2 + self.rng.below(8)
        };
        write_digits(&mut base[8..12], branch);
        let base = std::str::from_utf8(&base).unwrap_or("000000000001");
        Cnpj::from_base(base).expect("12 characters 0-9A-Z: a valid CNPJ base")
    }

    /// Writes a person's name into `scratch`; returns the first name and the
    /// last surname (for the e-mail).
    fn person_name(&mut self) -> (&'static str, &'static str) {
        let names = if self.rng.chance(50) {
            data::FEMALE_NAMES
        } else {
            data::MALE_NAMES
        };
        let first = *self.rng.pick(names);
        self.scratch.push_str(first);
        if self.rng.chance(25) {
            let middle = *self.rng.pick(names);
            self.scratch.push(' ');
            self.scratch.push_str(middle);
        }
        let surnames = 1 + self.rng.below(2) as usize;
        let mut last = "";
        for _ in 0..surnames {
            let next = if self.rng.chance(30) {
                *self.rng.pick(data::PARTICLE_SURNAMES)
            } else {
                *self.rng.pick(data::SURNAMES)
            };
            // `Costa da Costa` is a name, but not a typical one.
            let word = |s: &'static str| s.rsplit(' ').next().unwrap_or(s);
            if !last.is_empty() && word(next) == word(last) {
                continue;
            }
            last = next;
            self.scratch.push(' ');
            self.scratch.push_str(last);
        }
        (first, last)
    }

    /// Writes a company's name into `scratch`; returns its two most
    /// distinctive words (for the e-mail domain).
    fn company_name(&mut self) -> (&'static str, &'static str) {
        let activity = *self.rng.pick(data::COMPANY_ACTIVITIES);
        let head = match self.rng.below(3) {
            0 => *self.rng.pick(data::COMPANY_FANCY),
            1 => {
                let a = *self.rng.pick(data::SURNAMES);
                self.scratch.push_str(a);
                self.scratch.push_str(" & ");
                *self.rng.pick(data::SURNAMES)
            }
            _ => *self.rng.pick(data::SURNAMES),
        };
        self.scratch.push_str(head);
        self.scratch.push(' ');
        self.scratch.push_str(activity);
        let weights: Vec<u64> = data::COMPANY_SUFFIXES.iter().map(|s| s.1).collect();
        let suffix = data::COMPANY_SUFFIXES[self.rng.weighted(&weights)].0;
        self.scratch.push(' ');
        self.scratch.push_str(suffix);
        (head, activity)
    }

    /// An e-mail from two name words (the last word of `b` only, so
    /// `da Silva` gives `silva`), at a reserved domain.
    fn email(&mut self, a: &str, b: &str) {
        let b = b.rsplit(' ').next().unwrap_or(b);
        let (a, b) = (ascii_fold(a), ascii_fold(b));
        match self.kind {
            Kind::Pf => {
                if !self.rng.chance(75) {
                    return;
                }
                let p = &mut self.prefix;
                match self.rng.below(3) {
                    0 => {
                        p.extend_from_slice(a.as_bytes());
                        p.push(b'.');
                        p.extend_from_slice(b.as_bytes());
                    }
                    1 => {
                        p.push(a.as_bytes()[0]);
                        p.extend_from_slice(b.as_bytes());
                    }
                    _ => {
                        p.extend_from_slice(a.as_bytes());
                        p.push(b'_');
                        p.extend_from_slice(b.as_bytes());
                    }
                }
                if self.rng.chance(50) {
                    push_uint(&mut self.prefix, self.rng.range(1, 99) as u64);
                }
                self.prefix.push(b'@');
                let domain = *self.rng.pick(data::EMAIL_DOMAINS);
                self.prefix.extend_from_slice(domain.as_bytes());
            }
            Kind::Pj => {
                if !self.rng.chance(85) {
                    return;
                }
                let local = *self.rng.pick(&["financeiro", "contato", "cobranca", "adm"]);
                self.prefix.extend_from_slice(local.as_bytes());
                self.prefix.push(b'@');
                self.prefix.extend_from_slice(a.as_bytes());
                self.prefix.push(b'-');
                self.prefix.extend_from_slice(b.as_bytes());
                self.prefix.extend_from_slice(b".example");
            }
        }
    }

    /// 0 to 3 distinct-looking phones, mostly mobiles in the city's DDD.
    fn phones(&mut self, ddd: u8) {
        let count = self.rng.weighted(&[12, 45, 30, 13]);
        for i in 0..count {
            if i > 0 {
                self.prefix.push(b'|');
            }
            let ddd = if i > 0 && self.rng.chance(15) {
                self.rng.pick(CITIES).ddd
            } else {
                ddd
            };
            let mobile = self.rng.chance(90);
            let mut local = [0u8; 9];
            let digits: &mut [u8] = if mobile {
                local[0] = b'9';
                local[1] = b'6' + self.rng.below(4) as u8;
                &mut local[..]
            } else {
                local[0] = b'2' + self.rng.below(4) as u8;
                &mut local[..8]
            };
            let start = if mobile { 2 } else { 1 };
            for d in digits[start..].iter_mut() {
                *d = b'0' + self.rng.below(10) as u8;
            }
            // A body of one repeated digit is refused by the importer.
            let body = if mobile { &digits[1..] } else { &digits[..] };
            if body.iter().all(|&d| d == body[0]) {
                let last = digits.len() - 1;
                digits[last] = if digits[last] == b'9' {
                    b'0'
                } else {
                    digits[last] + 1
                };
            }
            let digits = &*digits;
            let split = digits.len() - 4;
            let p = &mut self.prefix;
            match self.rng.weighted(&[50, 25, 15, 10]) {
                0 => {
                    p.push(b'(');
                    push_uint(p, u64::from(ddd));
                    p.extend_from_slice(b") ");
                    p.extend_from_slice(&digits[..split]);
                    p.push(b'-');
                    p.extend_from_slice(&digits[split..]);
                }
                1 => {
                    push_uint(p, u64::from(ddd));
                    p.extend_from_slice(digits);
                }
                2 => {
                    p.extend_from_slice(b"+55 ");
                    push_uint(p, u64::from(ddd));
                    p.push(b' ');
                    p.extend_from_slice(&digits[..split]);
                    p.push(b'-');
                    p.extend_from_slice(&digits[split..]);
                }
                _ => {
                    push_uint(p, u64::from(ddd));
                    p.push(b' ');
                    p.extend_from_slice(&digits[..split]);
                    p.push(b'-');
                    p.extend_from_slice(&digits[split..]);
                }
            }
        }
    }

    /// `uf;cidade;cep;endereco;`: 10 % have none of it, 5 % only UF and city.
    fn address(&mut self, city: &City) {
        let has = self.rng.weighted(&[85, 5, 10]);
        if has == 2 {
            self.prefix.extend_from_slice(b";;;;");
            return;
        }
        let p = &mut self.prefix;
        p.extend_from_slice(city.uf.as_bytes());
        p.push(b';');
        p.extend_from_slice(city.name.as_bytes());
        p.push(b';');
        if has == 1 {
            p.extend_from_slice(b";;");
            return;
        }
        let cep5 = self
            .rng
            .range(i64::from(city.cep5.0), i64::from(city.cep5.1)) as u64;
        let cep3 = self.rng.below(1000);
        let p = &mut self.prefix;
        push_padded(p, cep5, 5);
        if self.rng.chance(80) {
            self.prefix.push(b'-');
        }
        push_padded(&mut self.prefix, cep3, 3);
        self.prefix.push(b';');
        let street = *self.rng.pick(data::STREETS);
        self.prefix.extend_from_slice(street.as_bytes());
        self.prefix.extend_from_slice(b", ");
        let number = self.rng.range(1, 3999) as u64;
        push_uint(&mut self.prefix, number);
        if self.rng.chance(30) {
            let unit = match self.kind {
                Kind::Pf => ", Apto ",
                Kind::Pj => ", Sala ",
            };
            self.prefix.extend_from_slice(unit.as_bytes());
            let n = self.rng.range(1, 30) as u64 * 100 + self.rng.range(1, 8) as u64;
            push_uint(&mut self.prefix, n);
        }
        self.prefix.extend_from_slice(b" - ");
        let district = *self.rng.pick(data::DISTRICTS);
        self.prefix.extend_from_slice(district.as_bytes());
        self.prefix.push(b';');
    }

    /// The days past due of a contract's newest receivable.
    fn dpd(&mut self) -> i64 {
        let (lo, hi) = BUCKETS[self.rng.weighted(&BUCKET_WEIGHTS)];
        self.rng.range(lo, hi)
    }

    fn amount(&mut self, tiers: &Tiers) -> i64 {
        let weights: [u64; 4] = std::array::from_fn(|i| tiers.get(i).map_or(0, |t| t.2));
        let (lo, hi, _) = tiers[self.rng.weighted(&weights)];
        self.rng.range(lo, hi)
    }

    /// Writes `k` receivables of the current debtor. `forced`: one one-off
    /// invoice exactly that many days past due.
    fn receivables(&mut self, k: u64, forced: Option<i64>) {
        if let Some(dpd) = forced {
            let amount = self.amount(PF_INVOICE);
            self.one_off(dpd, amount);
            return;
        }
        let plan = match self.kind {
            Kind::Pf => self.rng.weighted(&[55, 25, 20]),
            Kind::Pj => [0, 1, 3][self.rng.weighted(&[45, 20, 35])],
        };
        match plan {
            0 => self.installments(k),
            1 => self.monthly(k),
            _ => {
                for _ in 0..k {
                    let dpd = self.dpd();
                    let amount = match self.kind {
                        Kind::Pf => self.amount(PF_INVOICE),
                        Kind::Pj => self.amount(PJ_BILL),
                    };
                    self.one_off(dpd, amount);
                }
            }
        }
    }

    /// A one-off invoice (NF), 1 of 1, issued 0 to 90 days before it is due.
    fn one_off(&mut self, dpd: i64, amount: i64) {
        self.seq += 1;
        let due = add_days(self.as_of, -dpd);
        let issue = add_days(due, -*self.rng.pick(&[0, 15, 30, 45, 60, 90]));
        let contract = self.rng.chance(50);
        self.row_start();
        if contract {
            self.buf.extend_from_slice(b"PED-");
            push_padded(&mut self.buf, self.seq, 8);
        }
        self.buf.extend_from_slice(b";NF");
        push_padded(&mut self.buf, self.seq, 8);
        self.buf.extend_from_slice(b";1;1;");
        self.row_end(issue, due, amount, dpd);
    }

    /// Installment plan: crediário (PF, monthly) or a trade bill in
    /// 30-day steps (PJ, "30/60/90"). Rows are installments `m..m+k-1` of `N`.
    fn installments(&mut self, k: u64) {
        self.seq += 1;
        let pf = self.kind == Kind::Pf;
        let total = if pf {
            *self
                .rng
                .pick(&[3u64, 4, 5, 6, 8, 10, 10, 12, 12, 12, 18, 24])
        } else {
            *self.rng.pick(&[2u64, 3, 4, 5, 6])
        }
        .max(k);
        let first = 1 + self.rng.below(total - k + 1);
        let newest = first + k - 1;
        let newest_dpd = self.dpd();
        let newest_due = add_days(self.as_of, -newest_dpd);
        let amount = if pf {
            self.amount(PF_INSTALLMENT)
        } else {
            self.amount(PJ_BILL)
        };
        let issue = if pf {
            newest_due.saturating_sub(Span::new().months(newest as i64))
        } else {
            add_days(newest_due, -30 * newest as i64)
        };
        for n in first..=newest {
            let due = if pf {
                issue.saturating_add(Span::new().months(n as i64))
            } else {
                add_days(issue, 30 * n as i64)
            };
            let dpd = quita_core::calendar::days_between(due, self.as_of);
            self.row_start();
            self.buf
                .extend_from_slice(if pf { b"CRD-" } else { b"PED-" });
            push_padded(&mut self.buf, self.seq, 8);
            self.buf
                .extend_from_slice(if pf { b";CRD" } else { b";DUP" });
            push_padded(&mut self.buf, self.seq, 8);
            self.buf.push(b';');
            push_uint(&mut self.buf, n);
            self.buf.push(b';');
            push_uint(&mut self.buf, total);
            self.buf.push(b';');
            self.row_end(issue, due, amount, dpd);
        }
    }

    /// Recurring monthly fee (mensalidade): no total, issued 10 days before
    /// each due date.
    fn monthly(&mut self, k: u64) {
        self.seq += 1;
        let first = 1 + self.rng.below(24);
        let newest = first + k - 1;
        let newest_due = add_days(self.as_of, -self.dpd());
        let amount = match self.kind {
            Kind::Pf => self.amount(PF_MONTHLY),
            Kind::Pj => self.amount(PJ_MONTHLY),
        };
        for n in first..=newest {
            let due = newest_due.saturating_sub(Span::new().months((newest - n) as i64));
            let issue = add_days(due, -10);
            let dpd = quita_core::calendar::days_between(due, self.as_of);
            self.row_start();
            self.buf.extend_from_slice(b"ASS-");
            push_padded(&mut self.buf, self.seq, 8);
            self.buf.extend_from_slice(b";MEN");
            push_padded(&mut self.buf, self.seq, 8);
            self.buf.push(b';');
            push_uint(&mut self.buf, n);
            self.buf.extend_from_slice(b";;");
            self.row_end(issue, due, amount, dpd);
        }
    }

    fn row_start(&mut self) {
        self.buf.extend_from_slice(&self.prefix);
    }

    /// `emissao;vencimento;valor;valor_aberto\n`. Past-due rows are partly
    /// paid 12 % of the time; 30 % leave `valor_aberto` empty.
    fn row_end(&mut self, issue: Date, due: Date, amount: i64, dpd: i64) {
        push_date(&mut self.buf, issue);
        self.buf.push(b';');
        push_date(&mut self.buf, due);
        self.buf.push(b';');
        push_brl(&mut self.buf, amount);
        self.buf.push(b';');
        if dpd > 0 && self.rng.chance(12) {
            let open = amount * self.rng.range(10, 90) / 100;
            push_brl(&mut self.buf, open.max(1));
        } else if !self.rng.chance(30) {
            push_brl(&mut self.buf, amount);
        }
        self.buf.push(b'\n');
    }
}

/// City weights, in [`CITIES`] order.
const CITY_WEIGHTS: [u64; CITIES.len()] = {
    let mut w = [0u64; CITIES.len()];
    let mut i = 0;
    while i < CITIES.len() {
        w[i] = CITIES[i].weight;
        i += 1;
    }
    w
};

/// Lower-case ASCII letters of a name (`"Conceição"` → `"conceicao"`),
/// dropping anything else: a safe e-mail part.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'â' | 'ã' | 'Á' | 'Â' | 'Ã' => 'a',
                'é' | 'ê' | 'É' | 'Ê' => 'e',
                'í' | 'Í' => 'i',
                'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' | 'Õ' => 'o',
                'ú' | 'ü' | 'Ú' => 'u',
                'ç' | 'Ç' => 'c',
                c => c,
            };
            c.is_ascii_alphabetic().then(|| c.to_ascii_lowercase())
        })
        .collect()
}

/// `n` as exactly `out.len()` decimal digits (leading zeros kept).
fn write_digits(out: &mut [u8], mut n: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

fn push_uint(buf: &mut Vec<u8>, n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut n = n;
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

fn push_padded(buf: &mut Vec<u8>, n: u64, width: usize) {
    let mut tmp = [0u8; 20];
    write_digits(&mut tmp[..width], n);
    buf.extend_from_slice(&tmp[..width]);
}

/// `dd/mm/aaaa`.
fn push_date(buf: &mut Vec<u8>, d: Date) {
    push_padded(buf, d.day() as u64, 2);
    buf.push(b'/');
    push_padded(buf, d.month() as u64, 2);
    buf.push(b'/');
    push_padded(buf, d.year() as u64, 4);
}

/// Positive centavos in pt-BR form: `1.234,56`, `29,90`.
fn push_brl(buf: &mut Vec<u8>, centavos: i64) {
    let c = centavos.unsigned_abs();
    let reais = c / 100;
    let mut groups = [0u64; 7];
    let mut n = 0;
    let mut r = reais;
    loop {
        groups[n] = r % 1000;
        n += 1;
        r /= 1000;
        if r == 0 {
            break;
        }
    }
    push_uint(buf, groups[n - 1]);
    for g in groups[..n - 1].iter().rev() {
        buf.push(b'.');
        push_padded(buf, *g, 3);
    }
    buf.push(b',');
    push_padded(buf, c % 100, 2);
}
