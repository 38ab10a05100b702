#!/usr/bin/env bash
# The README's first command: `bash scripts/tour.sh`. Installs what the build needs when it is
# missing — OpenBLAS and pkg-config, through apt-get (Debian/Ubuntu), dnf (Fedora/RHEL) or brew
# (macOS), as root or through sudo, only when something is missing (the logic of .ci/setup.sh) —
# then runs the tour: every example of NumPy's documents next to npdot's result. Built with the
# test command's LTO setting (`lto = "off"`, see .ci/test), so that after `bash .ci/test` it
# reuses the dependencies already compiled (`cargo run --release --example tour` works as well).
set -euo pipefail
NPDOT_SETUP_SYSTEM_ONLY=1
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/setup.sh"
cargo run --release --config 'profile.release.lto="off"' --example tour
