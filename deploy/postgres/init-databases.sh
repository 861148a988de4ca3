#!/bin/sh
# Runs once, on PostgreSQL's first start: one database per service (each owns its schema and
# migrates it on start), all owned by the superuser of POSTGRES_PASSWORD.
set -eu
for database in identity customers catalog orders support web; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE $database"
done
