-- +goose Up
-- Inquiries (issue 20): one row per (item, opener) — the same party asking
-- again about the same item is the same inquiry — with its state, owner,
-- deadlines and answer; an append-only trail of steps; and claims with the
-- liability decision, its evidence (the scans, JSON) and any override.
CREATE TABLE inquiries (
    id            TEXT PRIMARY KEY,
    item          TEXT NOT NULL,
    opened_by     TEXT NOT NULL,
    merchant      TEXT NOT NULL,
    known         BOOLEAN NOT NULL,
    state         TEXT NOT NULL,
    owner         TEXT NOT NULL,
    posted_at     TIMESTAMPTZ,
    opened_at     TIMESTAMPTZ NOT NULL,
    reply_due     TIMESTAMPTZ,
    remind_at     TIMESTAMPTZ,
    reminded      BOOLEAN NOT NULL,
    answer        TEXT NOT NULL,
    answer_at     TIMESTAMPTZ,
    answer_office TEXT NOT NULL,
    signatory     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    basis         TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       INTEGER NOT NULL,
    UNIQUE (item, opened_by)
);
CREATE INDEX inquiries_desk ON inquiries (state, reply_due);
CREATE INDEX inquiries_owner ON inquiries (owner, reply_due);
CREATE INDEX inquiries_merchant ON inquiries (merchant, reply_due);
CREATE TABLE inquiry_steps (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inquiry    TEXT NOT NULL REFERENCES inquiries (id) ON DELETE CASCADE,
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL
);
CREATE INDEX inquiry_steps_inquiry ON inquiry_steps (inquiry, seq);
CREATE TABLE inquiry_claims (
    id            TEXT PRIMARY KEY,
    inquiry       TEXT NOT NULL REFERENCES inquiries (id) ON DELETE CASCADE,
    item          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    claimed       TEXT NOT NULL, -- SDR, decimal string
    weight_g      INTEGER NOT NULL,
    product       TEXT NOT NULL,
    liable        TEXT NOT NULL,
    claimant      TEXT NOT NULL,
    amount        TEXT NOT NULL, -- SDR, decimal string
    capped        TEXT NOT NULL,
    rule          TEXT NOT NULL,
    evidence      TEXT NOT NULL, -- JSON array of {code, office, post, at, why}, returned whole
    decided_at    TIMESTAMPTZ NOT NULL,
    overridden_by TEXT NOT NULL,
    override      TEXT NOT NULL,
    posted        BOOLEAN NOT NULL
);
CREATE INDEX inquiry_claims_inquiry ON inquiry_claims (inquiry);

-- +goose Down
DROP TABLE inquiry_claims;
DROP TABLE inquiry_steps;
DROP TABLE inquiries;
