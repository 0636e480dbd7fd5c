#!/usr/bin/env bash
# Installs console/'s own packages (its lock file, never the root's) and
# builds GraphiQL and the console page into console/dist, which the service
# serves. Run by the root `prepare` script, so `npm ci` leaves a working UI;
# nothing is fetched at run time.
#
# The install is skipped when console/node_modules was installed from the
# same lock file (a stamp holds its hash), which keeps repeated root
# installs quick; the build always runs (a few seconds) so dist/ follows
# the checked-in schema and sources.
set -euo pipefail
cd "$(dirname "$0")/../console"

stamp=node_modules/.imagestreams-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # --include=dev: the bundler and codegen are dev tools, but building is
  # part of installing the service, even under --omit=dev.
  npm ci --include=dev --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
npm run -s build
