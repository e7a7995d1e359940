#!/usr/bin/env bash
# Rebuild static/ from the pinned GOV.UK Frontend. The output is committed so that
# `make run` needs no npm; run this (or `npm run build`) after changing static/src/.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=error
dist=node_modules/govuk-frontend/dist/govuk

npx sass --pkg-importer=node --style=compressed --no-source-map \
  static/src/vschool.scss static/css/vschool.css

cp "$dist/govuk-frontend.min.js" static/js/govuk-frontend.min.js
# Not the GOV.UK icons or the GDS Transport font: they belong to services on GOV.UK. The
# crest is copied only because the compiled CSS names it (for a footer logo we never show)
# and the static-file manifest needs every file the CSS names.
mkdir -p static/govuk/assets/images
cp "$dist/assets/images/govuk-crest.svg" static/govuk/assets/images/

echo "Built static/css/vschool.css and static/js/govuk-frontend.min.js from" \
  "govuk-frontend $(node -p "require('./$dist/../../package.json').version")"
