#!/usr/bin/env bash
# Installs the system packages the build needs (OpenBLAS for the Tensor target's SGEMM, libjpeg
# for JPEG input images). Idempotent: does nothing when they are already present.
set -euo pipefail
if pkg-config --exists openblas 2>/dev/null && pkg-config --exists libjpeg 2>/dev/null; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing libopenblas-dev, libjpeg-dev and pkg-config (apt-get)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libopenblas-dev libjpeg-dev pkg-config >/dev/null
