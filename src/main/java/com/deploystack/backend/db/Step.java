package com.deploystack.backend.db;

import java.util.Locale;

/** The steps of an initialization, as the status ({@code step}) and the log line that ends it name them. */
public enum Step {
    /** Slow work before the lock (deriving the settings key); in the log line only. */
    PREPARATION,
    MIGRATIONS,
    SETTINGS,
    PLUGINS,
    JOBS,
    FINISHING,
    /** The steps' post-commit activation; in the log line only. */
    ACTIVATION;

    /** {@code migrations}, {@code settings}, …: the word the status shows. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
