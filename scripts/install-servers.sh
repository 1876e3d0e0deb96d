#!/usr/bin/env bash
# Install the SPARQL servers tests/test_remote_servers.py runs against, if missing.
#
# - Virtuoso: Debian package virtuoso-opensource (apt-get, non-interactive). The
#   package is not started as a service here; the tests start their own instance
#   in a throw-away folder, bound to 127.0.0.1.
# - Oxigraph server: PyPI package `oxigraph`, installed with the test extras
#   (pip install -e '.[test]'), nothing to do here.
#
# Without apt-get or root the script says so and exits 0: the Virtuoso tests then
# skip, naming the reason. Called by `make test` and CI before pytest.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1; then
    echo "install-servers: Virtuoso present ($(command -v virtuoso-t))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-servers: no apt-get here; Virtuoso tests will be skipped" >&2
    exit 0
fi
run=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        run=(sudo -n)
    else
        echo "install-servers: not root and no password-less sudo; Virtuoso tests will be skipped" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-servers: installing virtuoso-opensource with apt-get"
if ! "${run[@]}" apt-get update -qq \
    || ! "${run[@]}" apt-get install -y -qq -o Dpkg::Use-Pty=0 virtuoso-opensource >/dev/null; then
    echo "install-servers: apt-get could not install virtuoso-opensource; Virtuoso tests will be skipped" >&2
    exit 0
fi
echo "install-servers: Virtuoso installed ($(command -v virtuoso-t))"
