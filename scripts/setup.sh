#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the pinned requirements.
# Usage: scripts/setup.sh [dev|runtime|browser]   (default: dev)
#   dev: everything, tests and tools included (then plain `rasa train`,
#        `rasa data validate` and `pytest` work from the project root);
#   runtime: only what the assistant needs (scripts/run.sh uses this);
#   browser: Debian's chromium, chromium-driver and fonts, for the browser tests.
# Re-running is cheap: it reinstalls only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

kind="${1:-dev}"
case "$kind" in
  runtime) req=requirements.txt ;;
  dev) req=requirements-dev.txt ;;
  browser)
    # With the fonts that Debian's defaults lack for the widget's languages, in
    # the smallest packages that cover them (about 5 MB installed in all):
    # Devanagari (Hindi), Gurmukhi (Punjabi), and Chinese and Hangul (Korean).
    fonts="fonts-lohit-deva fonts-lohit-guru fonts-wqy-microhei"
    # shellcheck disable=SC2086
    have_fonts="$(dpkg-query -W -f='${Status}\n' $fonts 2>/dev/null | grep -c 'install ok installed' || true)"
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ "$have_fonts" -eq 3 ]; then
      exit 0
    fi
    echo "Installing Debian's chromium, chromium-driver and fonts for the browser tests"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    $sudo apt-get install -y -q chromium chromium-driver $fonts >/dev/null \
      || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q chromium chromium-driver $fonts >/dev/null; }
    exit 0 ;;
  *) echo "usage: $0 [dev|runtime|browser]" >&2; exit 2 ;;
esac

find_python() {
  for candidate in "${PYTHON:-}" python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      command -v "$candidate" || echo "$candidate"
      return 0
    fi
  done
  echo "Python 3.10 is needed (Rasa 3.6 supports 3.8 to 3.10). Install it or set PYTHON=/path/to/python3.10." >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  py="$(find_python)"
  echo "Creating .venv with $py"
  "$py" -m venv .venv
fi

stamp=".venv/.installed-$kind"
want="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing $req into .venv (the first time takes a few minutes)"
  .venv/bin/python -m pip install --quiet --upgrade "pip<24.1" wheel
  # --no-compile: Python compiles what is imported on first use; compiling all of
  # Rasa's stack (TensorFlow included) at install takes over a minute here.
  .venv/bin/python -m pip install --quiet --no-compile -r "$req"
  echo "$want" > "$stamp"
fi
