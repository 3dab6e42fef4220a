-- Ten-minute, hourly and daily tiers of the rollups and of output quality, kept by the rollup
-- processor in the same transaction as the minute rows, so a summary over days reads a few rows per
-- group instead of one per minute: the reader takes whole days from the daily tier, the whole hours
-- at the edges from the hourly tier, then whole ten minutes, and the minutes left over.
-- Sketches cannot be merged in SQL, so the tiers cannot be filled from the minute rows here: the
-- processor's offset goes back to zero and it rebuilds every tier from the log when Vigil starts.
-- `resets` counts `vigil replay` resets, so a processor that keeps rows in memory sees one.

CREATE TABLE rollup_ten_minute (LIKE rollup_minute INCLUDING ALL);
ALTER TABLE rollup_ten_minute RENAME COLUMN minute TO ten_minute;

CREATE TABLE rollup_hour (LIKE rollup_minute INCLUDING ALL);
ALTER TABLE rollup_hour RENAME COLUMN minute TO hour;

CREATE TABLE rollup_day (LIKE rollup_minute INCLUDING ALL);
ALTER TABLE rollup_day RENAME COLUMN minute TO day;

CREATE TABLE quality_ten_minute (LIKE quality_minute INCLUDING ALL);
ALTER TABLE quality_ten_minute RENAME COLUMN minute TO ten_minute;

CREATE TABLE quality_hour (LIKE quality_minute INCLUDING ALL);
ALTER TABLE quality_hour RENAME COLUMN minute TO hour;

CREATE TABLE quality_day (LIKE quality_minute INCLUDING ALL);
ALTER TABLE quality_day RENAME COLUMN minute TO day;

ALTER TABLE consumer_offsets ADD COLUMN resets bigint NOT NULL DEFAULT 0;

TRUNCATE rollup_minute, quality_minute, trace_summary, unpriced_models;
UPDATE consumer_offsets SET seq = 0, resets = resets + 1, updated_at = now() WHERE consumer = 'rollup';
