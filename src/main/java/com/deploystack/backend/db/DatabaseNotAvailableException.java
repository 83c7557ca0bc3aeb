package com.deploystack.backend.db;

/**
 * The database was asked for before this process could use it; answered with 503. Setup never performed gets the
 * spec's message; a replica still catching up with a setup performed earlier (or elsewhere) says it is starting,
 * never that setup is needed.
 */
public final class DatabaseNotAvailableException extends RuntimeException {

    public static final String MESSAGE = "Database not available. Please complete the setup process at /setup first.";
    public static final String STARTING = "The service is starting; try again in a moment.";
    public static final String FAILED = "The database is set up, but this replica could not start on it; GET /api/db/status"
                                        + " says why.";

    /** Why the database cannot be used yet. */
    public enum Reason {
        /** Setup has never been performed. */
        SETUP_REQUIRED,
        /** Setup was performed (or may have been: PostgreSQL has not been asked yet); this process is catching up. */
        STARTING,
        /** Setup was performed, but this process failed to start on the database. */
        FAILED
    }

    private final Reason reason;

    private DatabaseNotAvailableException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The answer for a process in {@code state} (not INITIALIZED). */
    public static DatabaseNotAvailableException in(PhaseMachine.State state) {
        if (state.setup() == PhaseMachine.Setup.NOT_PERFORMED || state.phase() == Phase.UNCONFIGURED) {
            return new DatabaseNotAvailableException(Reason.SETUP_REQUIRED, MESSAGE);
        }
        if (state.phase() == Phase.FAILED) {
            return state.setup() == PhaseMachine.Setup.PERFORMED ? new DatabaseNotAvailableException(Reason.FAILED, FAILED)
                    : new DatabaseNotAvailableException(Reason.SETUP_REQUIRED, MESSAGE);
        }
        return new DatabaseNotAvailableException(Reason.STARTING, STARTING);
    }

    public Reason reason() {
        return reason;
    }
}
