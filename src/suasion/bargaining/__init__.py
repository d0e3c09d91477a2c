# ENGINEER WORKING ON BARGAINING: before anything else read /tmp/common.md — the working conditions
# (shared tree, commit only your own paths, never `git add -A`, hard deadline 00:45 UTC for commits,
# conventions for errors/CLI/tests/README). Delete this comment when you write this file.
