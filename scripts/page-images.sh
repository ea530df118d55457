#!/usr/bin/env bash
# Regenerate the handout page images shown in the README (docs/images/), from a fresh build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}"
out=$(mktemp -d)
node bin/careprint.js build content --out "$out/dist" --quiet
rm -rf docs/images && mkdir -p docs/images
for paper in a4 letter; do
  for variant in handout handout-large; do
    for page in 1 2; do
      pdftoppm -png -r 60 -f "$page" -l "$page" -singlefile "$out/dist/pdf/iliopsoas-pain-running.en.$variant.$paper.pdf" "docs/images/$variant-$paper-$page"
    done
  done
done
pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$out/dist/pdf/iliopsoas-pain-running.en.quiz.a4.pdf" docs/images/quiz-a4-1
rm -rf "$out"
ls -1 docs/images
