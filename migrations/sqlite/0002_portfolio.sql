-- Portfolio: creditors (carteiras), debtors, contacts, contracts, receivables,
-- and monetary-correction index tables.
-- Civil dates are BIGINT day numbers (days since 1970-01-01); instants BIGINT
-- milliseconds (UTC); money BIGINT centavos; rates BIGINT millionths of a
-- percent (2% = 2000000).

CREATE TABLE creditors (
    id                  INTEGER PRIMARY KEY,
    org_id              BIGINT  NOT NULL REFERENCES organizations (id),
    name                TEXT    NOT NULL,
    document            TEXT    NOT NULL,
    late_fine           BIGINT  NOT NULL,
    default_interest    BIGINT  NOT NULL,
    interest_mode       TEXT    NOT NULL CHECK (interest_mode IN ('simple', 'compound')),
    correction          TEXT    NOT NULL,
    collection_fee      BIGINT  NOT NULL,
    grace_days          BIGINT  NOT NULL,
    consumer_relation   BOOLEAN NOT NULL,
    consumer_fine_cap   BIGINT  NOT NULL,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    UNIQUE (org_id, document)
);

CREATE TABLE debtors (
    id                  INTEGER PRIMARY KEY,
    org_id              BIGINT  NOT NULL REFERENCES organizations (id),
    document            TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('pf', 'pj')),
    name                TEXT    NOT NULL,
    -- lower-case, accent-free name for prefix search
    name_key            TEXT    NOT NULL,
    deceased            BOOLEAN NOT NULL DEFAULT 0,
    do_not_contact      BOOLEAN NOT NULL DEFAULT 0,
    over_indebtedness   BOOLEAN NOT NULL DEFAULT 0,
    dispute             BOOLEAN NOT NULL DEFAULT 0,
    tags                TEXT    NOT NULL DEFAULT '',
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    UNIQUE (org_id, document)
);
CREATE INDEX debtors_name_key ON debtors (org_id, name_key);
CREATE INDEX debtors_document_prefix ON debtors (org_id, document);

CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT  NOT NULL REFERENCES organizations (id),
    debtor_id       BIGINT  NOT NULL REFERENCES debtors (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('phone', 'email', 'address')),
    -- E.164 phone, lower-case e-mail, or the address line
    value           TEXT    NOT NULL,
    whatsapp        BOOLEAN NOT NULL DEFAULT 0,
    workplace       BOOLEAN NOT NULL DEFAULT 0,
    uf              TEXT,
    city            TEXT,
    cep             TEXT,
    source          TEXT    NOT NULL,
    source_date     BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('unverified', 'valid', 'invalid')),
    invalid_reason  TEXT,
    opt_out         BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (debtor_id, kind, value)
);
CREATE INDEX contacts_value ON contacts (org_id, value);

CREATE TABLE contracts (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    creditor_id   BIGINT NOT NULL REFERENCES creditors (id),
    debtor_id     BIGINT NOT NULL REFERENCES debtors (id),
    number        TEXT   NOT NULL,
    kind          TEXT   NOT NULL CHECK (kind IN ('one_off', 'installment_plan', 'recurring')),
    product       TEXT,
    start_day     BIGINT,
    -- the contract's own terms overriding the creditor's policy (JSON), or NULL
    terms         TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (creditor_id, number)
);
CREATE INDEX contracts_debtor ON contracts (debtor_id);

CREATE TABLE receivables (
    id                 INTEGER PRIMARY KEY,
    org_id             BIGINT NOT NULL REFERENCES organizations (id),
    creditor_id        BIGINT NOT NULL REFERENCES creditors (id),
    debtor_id          BIGINT NOT NULL REFERENCES debtors (id),
    contract_id        BIGINT REFERENCES contracts (id),
    document_number    TEXT   NOT NULL,
    installment        BIGINT NOT NULL CHECK (installment >= 1),
    installments       BIGINT,
    issue_day          BIGINT,
    due_day            BIGINT NOT NULL,
    -- due_day moved to the next business day (days past due count from here)
    adjusted_due_day   BIGINT NOT NULL,
    original_amount    BIGINT NOT NULL CHECK (original_amount > 0),
    open_balance       BIGINT NOT NULL CHECK (open_balance >= 0),
    status             TEXT   NOT NULL CHECK (status IN ('open', 'partially_paid', 'paid', 'renegotiated', 'cancelled', 'written_off')),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (creditor_id, document_number, installment)
);
CREATE INDEX receivables_aging ON receivables (org_id, status, creditor_id, due_day, adjusted_due_day, original_amount, open_balance);
CREATE INDEX receivables_due ON receivables (org_id, adjusted_due_day);
CREATE INDEX receivables_debtor ON receivables (debtor_id);
CREATE INDEX receivables_document ON receivables (org_id, document_number);

CREATE TABLE index_rates (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    name        TEXT   NOT NULL,
    -- the table's CSV text as imported (parsed by quita-core)
    content     TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, name)
);
