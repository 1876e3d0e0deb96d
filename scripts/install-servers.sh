#!/usr/bin/env bash
# Install the programs the tests run against, if missing.
#
# - Virtuoso: Debian package virtuoso-opensource (apt-get, non-interactive), for
#   tests/test_remote_servers.py. The package is not started as a service here;
#   the tests start their own instance in a throw-away folder, bound to 127.0.0.1.
# - Chromium: Debian package chromium (/usr/bin/chromium), the headless browser
#   tests/test_browser.py renders the HTML pages with, through Playwright (a test
#   extra); `playwright install` and its browser downloads are not used.
# - Oxigraph server: PyPI package `oxigraph`, installed with the test extras
#   (pip install -e '.[test]'), nothing to do here.
#
# Without apt-get or root the script says so and exits 0, as it does when apt-get
# fails: the tests needing the missing program then skip, naming the reason.
# Called by `make test` and CI before pytest.
set -euo pipefail

# package, the program it provides, the tests that need it
wanted=(
    "virtuoso-opensource|virtuoso-t|Virtuoso tests"
    "chromium|/usr/bin/chromium|browser tests"
)

missing=()
for entry in "${wanted[@]}"; do
    IFS='|' read -r package program tests <<<"$entry"
    if command -v "$program" >/dev/null 2>&1; then
        echo "install-servers: $package present ($(command -v "$program"))"
    else
        missing+=("$entry")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

skipped() {
    for entry in "${missing[@]}"; do
        IFS='|' read -r package program tests <<<"$entry"
        echo "install-servers: $1; $tests will be skipped" >&2
    done
    exit 0
}

if ! command -v apt-get >/dev/null 2>&1; then
    skipped "no apt-get here"
fi
run=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        run=(sudo -n)
    else
        skipped "not root and no password-less sudo"
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${run[@]}" apt-get update -qq; then
    skipped "apt-get update failed"
fi
for entry in "${missing[@]}"; do
    IFS='|' read -r package program tests <<<"$entry"
    echo "install-servers: installing $package with apt-get"
    if "${run[@]}" apt-get install -y -qq -o Dpkg::Use-Pty=0 "$package" >/dev/null \
        && command -v "$program" >/dev/null 2>&1; then
        echo "install-servers: $package installed ($(command -v "$program"))"
    else
        echo "install-servers: apt-get could not install $package; $tests will be skipped" >&2
    fi
done
exit 0
