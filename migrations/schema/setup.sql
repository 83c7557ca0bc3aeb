-- Declared schema (setup.sql): the desired state, as plain PostgreSQL DDL.
-- The setup marker: one row, written by the transaction that completes setup;
-- replicas without persistent_data/db.selection.json read it to learn that setup was performed.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE deploystack_setup (
    singleton     BOOLEAN     NOT NULL DEFAULT TRUE,
    database_type TEXT        NOT NULL,
    selected_at   TIMESTAMPTZ NOT NULL,
    version       TEXT        NOT NULL,
    CONSTRAINT pk_deploystack_setup PRIMARY KEY (singleton),
    CONSTRAINT deploystack_setup_single_row CHECK (singleton)
);
