package com.deploystack.backend.routes;

import java.util.Locale;
import java.util.Optional;

import com.deploystack.backend.db.ReadReplica;
import com.deploystack.backend.db.ReadReplicas;
import com.deploystack.backend.db.ReadRouting;
import com.deploystack.backend.db.ReplicaState;
import com.deploystack.backend.json.JsonFactory;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * The status's {@code read_replicas}: {@code reads} ("replicas" or "degraded: …"), {@code max_lag_ms}, and per replica
 * (named {@code replica-1}… in the order of {@code POSTGRES_READ_HOST}, no host) its {@code state}, {@code lag_ms},
 * {@code detail} and the {@code reads} it served.
 */
final class ReadReplicaStatus {

    private ReadReplicaStatus() {
    }

    static Optional<JsonObject> json(ReadReplicas replicas) {
        if (replicas.replicas().isEmpty()) {
            return Optional.empty();
        }
        JsonArrayBuilder each = JsonFactory.array();
        for (ReadReplica replica : replicas.replicas()) {
            ReplicaState state = replica.state();
            JsonObjectBuilder json = JsonFactory.object()
                    .add("name", replica.name())
                    .add("state", state.status().name().toLowerCase(Locale.ROOT));
            state.lag().ifPresentOrElse(lag -> json.add("lag_ms", lag.toMillis()), () -> json.addNull("lag_ms"));
            json.add("serves_reads", state.within(replicas.settings().maxLag()))
                    .add("detail", ReadRouting.describe(state, replicas))
                    .add("reads", replica.reads());
            each.add(json);
        }
        return Optional.of(JsonFactory.object()
                                   .add("reads", ReadRouting.summary(replicas))
                                   .add("max_lag_ms", replicas.settings().maxLag().toMillis())
                                   .add("replicas", each)
                                   .build());
    }
}
