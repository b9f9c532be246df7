#!/usr/bin/env bash
# Renders a page written by `lenet report` in headless Chromium and saves a full-height
# screenshot, to check that it renders (not part of CI: Chromium is a large install).
#   scripts/report-screenshot.sh report/ report.png
# Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
dir=${1:?usage: report-screenshot.sh REPORT_DIR [OUT.png] [HEIGHT]}
out=${2:-report.png}
height=${3:-9000}
page=$(cd "$dir" && pwd)/index.html
[ -f "$page" ] || { echo "no index.html in $dir (run lenet report first)" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "Chromium is not installed: apt-get install chromium" >&2; exit 1; }
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,"$height" \
    --screenshot="$(realpath -m "$out")" "file://$page" 2>/dev/null
[ -s "$out" ] || { echo "Chromium wrote no screenshot" >&2; exit 1; }
echo "wrote $out"
