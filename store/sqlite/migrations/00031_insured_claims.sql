-- +goose Up
-- Insured items and compensation in the claimant's currency (issue 20 items 1 and 3): a claim
-- keeps the insured value it was capped at, and the amount paid in the claimant's currency with
-- the dated rate used (units per SDR, the rates table's date). Decimal strings, '' on older claims.
ALTER TABLE inquiry_claims ADD COLUMN insured_sdr TEXT NOT NULL DEFAULT '';
ALTER TABLE inquiry_claims ADD COLUMN paid TEXT NOT NULL DEFAULT '';
ALTER TABLE inquiry_claims ADD COLUMN paid_currency TEXT NOT NULL DEFAULT '';
ALTER TABLE inquiry_claims ADD COLUMN rate_per_sdr TEXT NOT NULL DEFAULT '';
ALTER TABLE inquiry_claims ADD COLUMN rate_date TEXT NOT NULL DEFAULT ''; -- YYYY-MM-DD

-- +goose Down
ALTER TABLE inquiry_claims DROP COLUMN rate_date;
ALTER TABLE inquiry_claims DROP COLUMN rate_per_sdr;
ALTER TABLE inquiry_claims DROP COLUMN paid_currency;
ALTER TABLE inquiry_claims DROP COLUMN paid;
ALTER TABLE inquiry_claims DROP COLUMN insured_sdr;
