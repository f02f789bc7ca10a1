#!/usr/bin/env bash
# Stops the local stack started by up.sh (data stays in .run/; delete that folder to reset).
source "$(dirname "$0")/lib.sh"
stack_down
echo "stopped ($RUN_DIR kept)"
