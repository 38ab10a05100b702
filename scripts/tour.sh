#!/usr/bin/env bash
# The README's first command: `bash scripts/tour.sh`. Installs what the build needs when it is
# missing — OpenBLAS and pkg-config, through apt-get (Debian/Ubuntu), dnf (Fedora/RHEL) or brew
# (macOS), as root or through sudo, only when something is missing (the logic of .ci/setup.sh) —
# then runs the tour: every example of NumPy's documents next to npdot's result.
set -euo pipefail
NPDOT_SETUP_SYSTEM_ONLY=1
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/setup.sh"
cargo run --release --example tour
