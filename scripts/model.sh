#!/usr/bin/env bash
# Train models/thai-assistant.tar.gz unless it was trained from exactly these inputs.
# Called by `make model` (so by `make run`) and scripts/test.sh.
#
# With nothing changed, `rasa train` restores every component from its cache
# (bot/server/fixes.py made DIET restorable too), but it still validates the
# data, fingerprints the graph and packs a new 80 MB model: a minute on two
# cores, most of a start. The stamp next to the model records a hash of every
# file that can change it (config, domain, data, the Thai components' code,
# the pinned packages) and which model file it describes; when both match,
# nothing runs. Any other change goes to `rasa train`, whose own fingerprints
# decide what retrains.
set -euo pipefail
cd "$(dirname "$0")/.."

model=models/thai-assistant.tar.gz
stamp=models/thai-assistant.inputs

# data/kb is only the seed: what training takes from content reaches it through
# the published database, exported into data/nlu/content by `make model`.
inputs_hash() {
  find config.yml domain.yml data bot common requirements.txt constraints-rasa.txt \
    -path data/kb -prune -o -type f ! -name '*.pyc' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
model_id() { stat -c '%s %Y' "$model" 2>/dev/null || echo none; }

inputs=$(inputs_hash)
if [ -f "$model" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs $(model_id)" ]; then
  echo "model: $model is up to date (trained from these inputs)"
  exit 0
fi
RASA_TELEMETRY_ENABLED=false .venv/rasa/bin/python -m bot train \
  --fixed-model-name thai-assistant --out models --quiet
echo "$inputs $(model_id)" > "$stamp"
