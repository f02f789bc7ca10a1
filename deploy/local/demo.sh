#!/usr/bin/env bash
# THE DEMO COMMAND: walks the seed story of issue 7 through the gateway of the running local stack
# (start it with deploy/local/up.sh) and prints each step in plain words, checking every one:
# a fresh user logs in with a digital key, gets added to the demo school, requests the right,
# the local administrator approves, the user registers two participants and gets the
# ontvangstbevestiging; the three mails are shown from .run/<profile>/mail. Re-runnable.
#   STACK_PROFILE=test bash deploy/local/demo.sh   runs it against the test stack instead.
# Extra arguments go to demo.py (--help).
source "$(dirname "$0")/lib.sh"   # STACK_PROFILE from the environment, default dev
exec /usr/bin/python3 "$ROOT/deploy/local/demo.py" "$@"
