#!/usr/bin/env bash
# What PostgreSQL alone needs to take in the rows of the 1,000,000-row
# benchmark through `COPY` in the importer's 5,000-row batches, in the
# importer's order and state (non-unique indexes and foreign keys between
# portfolio tables dropped, triggers off), timed by psql: a floor for
# `quita bench import` on PostgreSQL; see docs/performance.md.
# Usage: docs/bench/pg-floor.sh QUITA_BINARY PORTFOLIO_CSV [SERVER_URL]
set -euo pipefail
quita=$1 csv=$2 server=${3:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for db in quita_floor_src quita_floor; do
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done
# The rows as the importer writes them, and an empty schema with one
# organization and creditor.
"$quita" bench import --file "$csv" --database "$server/quita_floor_src" --json >/dev/null
"$quita" bench import --rows 10 --database "$server/quita_floor" --json >/dev/null
psql "$server/quita_floor" -qc "TRUNCATE debtors, contacts, contracts, receivables CASCADE"
for t in debtors contacts contracts receivables; do
  psql "$server/quita_floor_src" -qc "\\copy (SELECT * FROM $t ORDER BY id) TO '$work/$t'"
done
# 200 batches each, as the importer sends them.
(cd "$work" && for t in debtors contacts contracts receivables; do
  split -n l/200 -d -a 3 "$t" "$t."
done)
drops=$(psql "$server/quita_floor" -Atc "SELECT string_agg(format('DROP INDEX %I', c.relname), '; ')
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class r ON r.oid = i.indrelid
  WHERE r.relname IN ('debtors', 'contacts', 'contracts', 'receivables') AND NOT i.indisunique")
fks=$(psql "$server/quita_floor" -Atc "SELECT string_agg(format('ALTER TABLE %I DROP CONSTRAINT %I', r.relname, k.conname), '; ')
  FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
  WHERE k.contype = 'f' AND r.relname IN ('debtors', 'contacts', 'contracts', 'receivables')
  AND f.relname IN ('debtors', 'contacts', 'contracts', 'receivables')")
{
  echo "BEGIN; $fks; $drops; SET LOCAL session_replication_role = replica;"
  echo '\timing on'
  for i in $(seq -f %03g 0 199); do
    for t in debtors contacts contracts receivables; do echo "\\copy $t FROM '$work/$t.$i'"; done
  done
  echo "ROLLBACK;"
} >"$work/floor.sql"
psql "$server/quita_floor" -f "$work/floor.sql" 2>&1 | grep '^Time' |
  head -n 800 | awk '{ t = substr("dckr", NR % 4 == 0 ? 4 : NR % 4, 1); s[t] += $2 }
       END { printf "COPY seconds: debtors %.1f, contacts %.1f, contracts %.1f, receivables %.1f, total %.1f\n",
             s["d"] / 1000, s["c"] / 1000, s["k"] / 1000, s["r"] / 1000, (s["d"] + s["c"] + s["k"] + s["r"]) / 1000 }'
for db in quita_floor_src quita_floor; do psql "$server/postgres" -qc "DROP DATABASE $db"; done
