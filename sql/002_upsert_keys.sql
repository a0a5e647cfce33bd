-- kzpool: the keys kzupload's idempotent upserts need (PostgREST on_conflict targets).
-- Safe to run twice and on existing deployments: adds two columns and unique indexes, never
-- drops, renames or changes existing data. Stops with a hint, changing nothing, when a table
-- already holds rows that the new unique key would forbid.

BEGIN;

-- A unique index on exactly `cols` unless one exists (under any name); ON CONFLICT (cols)
-- infers it.
CREATE FUNCTION pg_temp.kz_ensure_unique(tbl regclass, cols text[], index_name text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  col_list text := (SELECT string_agg(quote_ident(c), ', ') FROM unnest(cols) AS c);
  duplicated boolean;
BEGIN
  IF EXISTS (
      SELECT 1 FROM pg_index i
      WHERE i.indrelid = tbl AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
        AND i.indnkeyatts = cardinality(cols)
        AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
             WHERE a.attrelid = tbl AND a.attnum = ANY (i.indkey::int2[]))
            = (SELECT array_agg(c ORDER BY c) FROM unnest(cols) AS c)) THEN
    RETURN;
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE (%s) IS NOT NULL GROUP BY %s'
                 ' HAVING count(*) > 1)', tbl, col_list, col_list)
    INTO duplicated;
  IF duplicated THEN
    RAISE EXCEPTION '% holds several rows with the same (%)', tbl, col_list
      USING HINT = format('keep one row per key, then apply this file again; list them with: '
                          'SELECT %s, count(*) FROM %s GROUP BY %s HAVING count(*) > 1',
                          col_list, tbl, col_list);
  END IF;
  EXECUTE format('CREATE UNIQUE INDEX %I ON %s (%s)', index_name, tbl, col_list);
END $$;

DO $$
BEGIN
  -- One hashrate row per scrape: kzupload sends the scrape time as "timestamp".
  PERFORM pg_temp.kz_ensure_unique('public.hashrates', ARRAY['account_name', 'timestamp'],
                                   'hashrates_account_name_timestamp_key');
  -- One income row per pool and day; the day's figure is updated in place as it grows.
  PERFORM pg_temp.kz_ensure_unique('public.income_tracking', ARRAY['account_name', 'date'],
                                   'income_tracking_account_name_date_key');
END $$;

-- One alert row per occurrence (opened -> resolved), keyed by kzupload as
-- "<account>|<alert type>|<subject>|<opened at, UTC>". Rows written before this
-- migration keep a NULL key and are never touched.
ALTER TABLE public.alerts ADD COLUMN IF NOT EXISTS alert_key text;
ALTER TABLE public.alerts ADD COLUMN IF NOT EXISTS resolved_at timestamptz;
DO $$
BEGIN
  PERFORM pg_temp.kz_ensure_unique('public.alerts', ARRAY['alert_key'], 'alerts_alert_key_key');
END $$;

COMMIT;

-- PostgREST caches the schema; Supabase reloads it on DDL, a self-hosted one on this.
NOTIFY pgrst, 'reload schema';
