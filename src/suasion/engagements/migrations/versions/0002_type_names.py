"""Activity types in the README's words: high_level_visit -> high_level_engagement,
csbm -> confidence_building. The audit log keeps the names as they were written (it is
append-only: its before/after snapshots are history).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RENAMED = {"high_level_visit": "high_level_engagement", "csbm": "confidence_building"}


def upgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(f"UPDATE engagements SET type = '{new}' WHERE type = '{old}'")


def downgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(f"UPDATE engagements SET type = '{old}' WHERE type = '{new}'")
