package com.deploystack.backend.db;

import java.util.Locale;

/** How the replicas stand, in the words the status and readiness use. */
public final class ReadRouting {

    public static final String DEGRADED = "degraded: no read replica is usable, reads go to the primary";

    private ReadRouting() {
    }

    /** {@code replicas} (reads spread over them), or {@link #DEGRADED}. */
    public static String summary(ReadReplicas replicas) {
        return replicas.degraded() ? DEGRADED : "replicas";
    }

    /** {@code up, lag 12 ms}, {@code up, lag 3400 ms (beyond 2000 ms: skipped)}, {@code down (unreachable)}. */
    public static String describe(ReplicaState state, ReadReplicas replicas) {
        String status = state.status().name().toLowerCase(Locale.ROOT);
        if (!state.up()) {
            return status + " (" + state.detail() + ")";
        }
        long maxLag = replicas.settings().maxLag().toMillis();
        return state.lag().map(lag -> status + ", lag " + lag.toMillis() + " ms"
                                      + (lag.toMillis() > maxLag ? " (beyond " + maxLag + " ms: skipped)" : ""))
                .orElse(status + ", lag unknown (the primary does not answer)");
    }
}
