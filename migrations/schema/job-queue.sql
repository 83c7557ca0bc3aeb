-- Declared schema (job-queue.sql): the desired state, as plain PostgreSQL DDL.
-- The background job queue: batches and jobs.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE queue_job_batches (
    id             TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    type           TEXT        NOT NULL,
    total_jobs     INTEGER     NOT NULL,
    completed_jobs INTEGER     NOT NULL DEFAULT 0,
    failed_jobs    INTEGER     NOT NULL DEFAULT 0,
    status         TEXT        NOT NULL DEFAULT 'pending',
    metadata       JSONB,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at   TIMESTAMPTZ,
    CONSTRAINT queue_job_batches_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    CONSTRAINT queue_job_batches_counts_check CHECK (total_jobs >= 0 AND completed_jobs >= 0 AND failed_jobs >= 0
                                                      AND completed_jobs + failed_jobs <= total_jobs)
);

CREATE TABLE queue_jobs (
    id            TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    type          TEXT        NOT NULL,
    payload       JSONB       NOT NULL DEFAULT '{}',
    status        TEXT        NOT NULL DEFAULT 'pending',
    scheduled_for TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts      INTEGER     NOT NULL DEFAULT 0,
    max_attempts  INTEGER     NOT NULL DEFAULT 3,
    error         TEXT,
    result        JSONB,
    batch_id      TEXT        REFERENCES queue_job_batches (id) ON DELETE CASCADE,
    locked_by     TEXT,
    locked_until  TIMESTAMPTZ,
    idempotency_key TEXT,
    started_at    TIMESTAMPTZ,
    completed_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT queue_jobs_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    CONSTRAINT queue_jobs_attempts_check CHECK (attempts >= 0 AND max_attempts > 0),
    CONSTRAINT queue_jobs_idempotency_unique UNIQUE (type, idempotency_key)
);
CREATE INDEX queue_jobs_due_idx ON queue_jobs (scheduled_for) WHERE status = 'pending';
CREATE INDEX queue_jobs_batch_id_idx ON queue_jobs (batch_id);
-- leases to take over from a worker that stopped; ended jobs for the housekeeping; the admin list, newest first
CREATE INDEX queue_jobs_lease_idx ON queue_jobs (locked_until) WHERE status = 'processing';
CREATE INDEX queue_jobs_ended_idx ON queue_jobs (completed_at) WHERE status IN ('completed', 'failed');
CREATE INDEX queue_jobs_created_at_idx ON queue_jobs (created_at);
