package com.deploystack.backend.db;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the last check of a read replica found.
 *
 * @param status    {@link Status#UP}: reads may go there (within the lag bound)
 * @param lag       how long ago the replica had last replayed everything the primary had written; empty while the
 *                  primary cannot be asked
 * @param replayed  how far it has replayed
 * @param detail    why it is skipped, in words (no host, no PostgreSQL text)
 */
public record ReplicaState(Status status, Optional<Duration> lag, Optional<Lsn> replayed, Instant checkedAt,
                           String detail) {

    public enum Status { UNKNOWN, UP, DOWN }

    public static ReplicaState unknown() {
        return new ReplicaState(Status.UNKNOWN, Optional.empty(), Optional.empty(), Instant.now(), "not checked yet");
    }

    public static ReplicaState down(String detail) {
        return new ReplicaState(Status.DOWN, Optional.empty(), Optional.empty(), Instant.now(), detail);
    }

    public boolean up() {
        return status == Status.UP;
    }

    /** Up and at most {@code maxLag} behind the primary. */
    public boolean within(Duration maxLag) {
        return up() && lag.map(behind -> behind.compareTo(maxLag) <= 0).orElse(false);
    }
}
