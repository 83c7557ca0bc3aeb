package com.deploystack.backend.db;

import java.util.Locale;
import java.util.Optional;

/**
 * A position in PostgreSQL's write-ahead log, as {@code pg_current_wal_lsn()} and {@code pg_last_wal_replay_lsn()}
 * print it ({@code 16/B374D848}): what the primary had written when a write answered, and how far a replica has
 * replayed.
 */
public record Lsn(long position) implements Comparable<Lsn> {

    /** The text form, or empty when {@code text} is not one (two hexadecimal halves of at most 8 digits). */
    public static Optional<Lsn> parse(String text) {
        if (text == null || !text.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return Optional.of(new Lsn(high << 32 | low));
    }

    public boolean reached(Lsn target) {
        return Long.compareUnsigned(position, target.position) >= 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(position, other.position);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%X/%X", position >>> 32, position & 0xFFFFFFFFL);
    }
}
