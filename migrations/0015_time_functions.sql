-- Vigil keeps times in Swift as microseconds since the Unix epoch; the database keeps timestamptz.
-- These two functions are the one place the conversion is written. They are plain SQL functions,
-- declared STABLE like the operators they use, so the planner inlines them: an index on a
-- timestamptz column is used exactly as with the expression written out.

-- Microseconds since 1970-01-01 00:00 UTC → timestamptz, exact over Postgres's whole range: whole
-- seconds and the microseconds left are scaled apart, so no product leaves float8's exact integers.
CREATE FUNCTION vigil_ts(us bigint) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE STRICT
    RETURN 'epoch'::timestamptz + (us / 1000000)::float8 * interval '1 second' + (us % 1000000)::float8 * interval '1 microsecond';

-- timestamptz → microseconds since 1970-01-01 00:00 UTC (exact: extract gives numeric).
CREATE FUNCTION vigil_us(ts timestamptz) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE STRICT
    RETURN (extract(epoch FROM ts) * 1000000)::bigint;
