#!/bin/sh
# Back up a PostgreSQL database with pg_dump (custom format) and restore it into a new database
# with pg_restore, then compare row counts of the main tables — the drill to run before relying
# on a backup.
#
#   scripts/backup-restore.sh SOURCE_DB [TARGET_DB] [DUMP_FILE]
#   PGHOST=127.0.0.1 PGUSER=postgres scripts/backup-restore.sh budget_portal budget_portal_restored
#
# Connection settings come from the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD).
set -eu
SOURCE=${1:?usage: backup-restore.sh SOURCE_DB [TARGET_DB] [DUMP_FILE]}
TARGET=${2:-${SOURCE}_restored}
DUMP=${3:-${SOURCE}-$(date +%Y%m%d-%H%M%S).dump}

start=$(date +%s)
pg_dump --format=custom --compress=6 --no-owner --file="$DUMP" "$SOURCE"
echo "dumped $SOURCE to $DUMP ($(du -h "$DUMP" | cut -f1)) in $(( $(date +%s) - start )) s"

start=$(date +%s)
createdb "$TARGET"
pg_restore --no-owner --jobs=2 --dbname="$TARGET" "$DUMP"
echo "restored into $TARGET in $(( $(date +%s) - start )) s"

for table in budgets_region budgets_department budgets_disclosure budgets_figure budgets_project; do
  a=$(psql -Atqc "SELECT count(*) FROM $table" "$SOURCE")
  b=$(psql -Atqc "SELECT count(*) FROM $table" "$TARGET")
  echo "$table: $a in $SOURCE, $b in $TARGET"
  [ "$a" = "$b" ] || { echo "MISMATCH in $table" >&2; exit 1; }
done
echo "backup and restore agree"
