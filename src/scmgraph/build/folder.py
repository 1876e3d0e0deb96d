"""The layout of a built graph's folder: the files a build publishes, and what it leaves.

Kept apart (and light) so that the command line, the build and the views agree on
names without importing the build's machinery.
"""

from __future__ import annotations

import re

GRAPH_FILE = "scmgraph.trig"
OUTPUTS = ("scmgraph.trig", "scmgraph.nq", "scmgraph.ttl", "scmgraph.jsonld")
CACHE_DIR = "cache"  # the units of earlier builds, by key (see ``scmgraph.build.units``)
DESCRIPTION_FILE = "void.ttl"  # VoID + DCAT: what the graph holds, where it came from
STORE_LINK = "store"
JOURNAL = ".publish"  # the renames a build is publishing, written before the first one
# What ``stage``, ``switch_store`` and ``retire`` leave when killed: ".NAME.RANDOM.tmp",
# ".store.PID.tmp", ".NAME.RANDOM.retired.tmp".
STAGED = re.compile(r"\.(?:scmgraph\.(?:trig|nq|ttl|jsonld)|void\.ttl|\.publish|store)\..+\.tmp")
