# Sourced by .ci/test, .ci/run and scripts/tour.sh (bash, `set -euo pipefail` already on).
# Idempotent and quick when everything is in place:
#   * OpenBLAS + pkg-config (apt-get on Debian/Ubuntu, dnf on Fedora/RHEL, brew on macOS),
#     installed only when missing; root or sudo needed only then;
#   * rustfmt and clippy, through rustup when it is there;
#   * .venv/ in the repository with numpy==2.4.* from PyPI, exported as NPDOT_PYTHON for the
#     differential tests (set NPDOT_PYTHON yourself to use another interpreter).
# With NPDOT_SETUP_SYSTEM_ONLY=1 (scripts/tour.sh): OpenBLAS and pkg-config only, nothing else.
# Never sets OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE or thread counts: tests run in the default
# environment, as users will.

ci_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

: "${NPDOT_CI_START:=$(date +%s)}"
export NPDOT_CI_START
ci_log() { printf '\n==> [%4ss] %s\n' "$(($(date +%s) - NPDOT_CI_START))" "$*"; }

ci_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: need root (or sudo) to run: $*" >&2
        return 1
    fi
}

ci_system_packages() {
    if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
        local missing=() pkg wanted=(libopenblas-dev pkg-config python3 python3-venv)
        if [ "${NPDOT_SETUP_SYSTEM_ONLY:-0}" = 1 ]; then
            wanted=(libopenblas-dev pkg-config)
        fi
        for pkg in "${wanted[@]}"; do
            if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
                missing+=("$pkg")
            fi
        done
        if [ "${#missing[@]}" -gt 0 ]; then
            ci_log "apt-get install ${missing[*]}"
            ci_as_root apt-get update -qq
            ci_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
        fi
    elif command -v dnf >/dev/null 2>&1; then
        if ! pkg-config --exists openblas 2>/dev/null \
            || { [ "${NPDOT_SETUP_SYSTEM_ONLY:-0}" != 1 ] && ! command -v python3 >/dev/null 2>&1; }; then
            local wanted=(openblas-devel pkgconf-pkg-config python3)
            if [ "${NPDOT_SETUP_SYSTEM_ONLY:-0}" = 1 ]; then
                wanted=(openblas-devel pkgconf-pkg-config)
            fi
            ci_log "dnf install ${wanted[*]}"
            ci_as_root dnf install -y -q "${wanted[@]}"
        fi
    elif command -v brew >/dev/null 2>&1; then
        if ! brew list openblas >/dev/null 2>&1; then
            ci_log "brew install openblas"
            brew install openblas
        fi
    fi
}

ci_rust_components() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "error: cargo not found; install Rust (1.89 or newer) from https://rustup.rs" >&2
        return 1
    fi
    if command -v rustup >/dev/null 2>&1; then
        if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
            ci_log "rustup component add rustfmt clippy"
            rustup component add rustfmt clippy
        fi
    fi
}

ci_numpy_venv() {
    if [ -n "${NPDOT_PYTHON:-}" ]; then
        export NPDOT_PYTHON
        return
    fi
    local venv="$ci_root/.venv"
    local check='import numpy, sys; sys.exit(not numpy.__version__.startswith("2.4."))'
    if ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
        ci_log "python3 -m venv .venv && pip install 'numpy==2.4.*'"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'numpy==2.4.*'
    fi
    NPDOT_PYTHON="$venv/bin/python"
    export NPDOT_PYTHON
    echo "NPDOT_PYTHON=$NPDOT_PYTHON (numpy $("$NPDOT_PYTHON" -c 'import numpy; print(numpy.__version__)'))"
}

ci_system_packages
if [ "${NPDOT_SETUP_SYSTEM_ONLY:-0}" = 1 ]; then
    if ! command -v cargo >/dev/null 2>&1; then
        echo "error: cargo not found; install Rust (1.89 or newer) from https://rustup.rs" >&2
        return 1
    fi
    cd "$ci_root"
    return 0
fi
ci_rust_components
ci_numpy_venv
# The differential tests must not skip in CI: a missing NumPy is a failure there.
export NPDOT_REQUIRE_NUMPY=1
cd "$ci_root"
