#!/usr/bin/env bash
# The console's draft preview draws cards with the chat page's own code: copy
# web/src's card modules, and the card rules of web/src/styles.css, into
# app/console/static/chat/ (never committed; one source, no copy to keep equal).
# Called by scripts/build_web.sh (so `make run` and `make test`) and by the
# console's test fixtures; needs only the shell and awk, cheap when up to date.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/web/src"
out="${1:-$root/app/console/static/chat}"
mkdir -p "$out"

# The modules the preview imports (messages.js -> cards.js, dom.js, icons.js).
for name in cards.js dom.js messages.js icons.js; do
  cmp -s "$src/$name" "$out/$name" || cp "$src/$name" "$out/$name"
done

# Top-level rules (selector at column 0 up to the closing brace at column 0)
# whose first selector styles a message, a bubble, quick replies, a card, an
# office or an icon: what renderMessage draws. The page's layout is not copied.
tmp="$(mktemp "$out/.chat.css.XXXXXX")"
chmod 644 "$tmp"
{
  echo "/* Built by scripts/build_console_chat.sh from web/src/styles.css: the chat page's"
  echo "   card rules, so the preview draws cards exactly as citizens see them. */"
  awk '
    !inside && /^[^ \t@\/}]/ {
      inside = 1; rule = ""
      keep = ($0 ~ /^\.(message|bubble|quick-repl|feedback|card|office|icon)/)
    }
    inside { rule = rule $0 "\n" }
    inside && /^}/ {
      if (keep) printf "%s\n", rule
      inside = 0
    }
  ' "$src/styles.css"
} > "$tmp"
if cmp -s "$tmp" "$out/chat.css"; then rm -f "$tmp"; else mv "$tmp" "$out/chat.css"; fi
