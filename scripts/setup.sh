#!/usr/bin/env bash
# Set up the project on a fresh Debian machine with python3: system packages it needs, then a
# virtual environment in .venv with the project installed. Safe to run again; it only does what
# is missing. `--dev` also installs what the tests and checks need.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[[ "${1:-}" == "--dev" ]] && dev=1

apt_install() {
    # Debian packages, installed only when missing (needs root, as on a fresh machine or CI).
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    if ! command -v apt-get >/dev/null; then
        echo "setup: please install: ${missing[*]}" >&2
        return 1
    fi
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# python3 -m venv needs Debian's python3-venv; the checks need make.
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    apt_install python3-venv
fi
if ((dev)) && ! command -v make >/dev/null; then
    apt_install make
fi
# tests/test_nginx.py runs the generated nginx configuration in a real nginx (the package only:
# the tests start their own nginx process; nothing here starts it as a service).
if ((dev)) && [[ ! -x /usr/sbin/nginx ]]; then
    apt_install nginx
fi
# The browser tests drive Debian's Chromium headless through its ChromeDriver.
if ((dev)); then
    apt_install chromium chromium-driver
fi
# tests/test_table_readers.py and tests/inventories/make.py write Turkish text into PDF tables in
# DejaVu Sans.
if ((dev)) && [[ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]; then
    apt_install fonts-dejavu-core
fi

if [[ ! -x .venv/bin/python ]]; then
    echo "setup: creating .venv" >&2
    python3 -m venv .venv
fi
stamp=".venv/.installed$((dev))"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
    echo "setup: installing Python packages into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip
    if ((dev)); then
        .venv/bin/python -m pip install -q -e '.[dev]'
    else
        .venv/bin/python -m pip install -q -e .
    fi
    touch "$stamp"
fi
