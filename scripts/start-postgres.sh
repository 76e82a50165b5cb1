#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster on 127.0.0.1:5432 and create the
# gradewell role (allowed to create the test database) and database.
# Safe to run again: existing roles and databases are kept.
set -euo pipefail

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^${version} main"; then
  pg_createcluster "$version" main
fi
pg_ctlcluster "$version" main start 2>/dev/null || true

for _ in $(seq 1 30); do
  if pg_isready -h 127.0.0.1 -p 5432 -q; then
    break
  fi
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432

su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gradewell') THEN
    CREATE ROLE gradewell LOGIN PASSWORD 'gradewell' CREATEDB;
  END IF;
END
$$;
SQL
if ! su postgres -c "psql -lqt" | cut -d'|' -f1 | grep -qw gradewell; then
  su postgres -c "createdb -O gradewell gradewell"
fi
echo "PostgreSQL is ready on 127.0.0.1:5432 (role and database: gradewell)"
