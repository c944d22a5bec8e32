#!/bin/sh
# Starts Leadline for the browser tests: the test users first (through the
# CLI, as an admin would), then the server. The password is for these
# throwaway databases only.
set -eu
bin="${LEADLINE_BIN:?set LEADLINE_BIN}"
add() {
  printf '%s\n' "$E2E_PASSWORD" | "$bin" user add "$@" --password-stdin >/dev/null
}
add e2e-admin --role admin --display-name "Erin Admin"
add rep-a --role rep --team North --display-name "Rita Rep"
add rep-b --role rep --team South --display-name "Bob Rep"
add manager-n --role manager --team North --display-name "Mona Manager"
add rep-c --role rep --team South --display-name "Carl Rep"
exec "$bin" serve --addr "$E2E_ADDR"
