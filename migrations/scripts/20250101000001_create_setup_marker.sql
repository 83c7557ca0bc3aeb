-- // create setup marker
-- One row, written in the same transaction that completes setup. Replicas without
-- persistent_data/db.selection.json read it to learn that setup was performed.

CREATE TABLE deploystack_setup (
    singleton     BOOLEAN     NOT NULL DEFAULT TRUE,
    database_type TEXT        NOT NULL,
    selected_at   TIMESTAMPTZ NOT NULL,
    version       TEXT        NOT NULL,
    CONSTRAINT pk_deploystack_setup PRIMARY KEY (singleton),
    CONSTRAINT deploystack_setup_single_row CHECK (singleton)
);

-- //@UNDO

DROP TABLE deploystack_setup;
