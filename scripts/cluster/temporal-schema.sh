#!/bin/sh
# Creates Temporal's two databases and brings their schemas up to the server's version, then exits.
# One script for both topologies: docker-compose.yml's temporal-schema job runs it in admin-tools
# (mounted read-only from ./scripts/cluster), `npm run start:cluster` and test/cluster run it on the host.
# It runs again on every start, so every step must accept what an earlier run left: a database that
# exists (PostgreSQL's image makes "temporal", POSTGRES_USER's own) is not an error, setup-schema leaves
# a versioned schema alone, and update-schema applies only the versions a newer release brings, which is
# how upgrading the server's release upgrades the schema.
#
# Settings: temporal-sql-tool's own SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD (read by the
# tool from the environment, so the password is never on a command line); TEMPORAL_SCHEMA_DIR, the
# server's schema tree (admin-tools ships it at /etc/temporal/schema); TEMPORAL_SQL_TOOL, the tool
# (default: temporal-sql-tool on PATH).
set -eu
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
schema_dir="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}"
for db in temporal temporal_visibility; do
  if [ "$db" = temporal ]; then schema=temporal; else schema=visibility; fi
  if ! output=$("$tool" --db "$db" create-database 2>&1); then
    echo "$output" | grep -q 'already exists' || { echo "$output" >&2; exit 1; }
  fi
  "$tool" --db "$db" setup-schema -v 0.0
  "$tool" --db "$db" update-schema -d "$schema_dir/postgresql/v12/$schema/versioned"
done
