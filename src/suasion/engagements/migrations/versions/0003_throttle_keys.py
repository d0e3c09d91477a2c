"""Login throttling keys user names by their SHA-256 (people type passwords into the user-name
field; those must not be stored): rows kept under plain names are dropped (they only hold
counts of recent failures).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM login_throttle")


def downgrade() -> None:
    op.execute("DELETE FROM login_throttle")
