package com.deploystack.backend.db;

import java.math.BigDecimal;

/**
 * A script of the migrations repository: its id (the timestamp its file name starts with), description, file name,
 * SHA-256 and how it is applied.
 */
public record Script(BigDecimal id, String description, String fileName, String checksum, Mode mode) {

    /** A script's line that runs it outside any transaction; a plain comment to the official MyBatis tool. */
    public static final String OUTSIDE_TRANSACTION = "-- deploystack: no transaction";

    /** How a script is applied. */
    public enum Mode {
        /** In a transaction with its changelog row (at setup, with the scripts around it). */
        TRANSACTIONAL,
        /**
         * Adds enum values ({@code ALTER TYPE … ADD VALUE}): committed before the next script, which can use a new
         * value only once it is committed, as {@code migrate up} (one transaction per script) does anyway.
         */
        COMMIT_AFTER,
        /** Marked {@value Script#OUTSIDE_TRANSACTION}: each statement on its own, for {@code CREATE INDEX CONCURRENTLY}. */
        OUTSIDE_TRANSACTION
    }
}
