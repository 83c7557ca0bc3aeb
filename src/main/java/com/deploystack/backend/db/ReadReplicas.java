package com.deploystack.backend.db;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;


/**
 * Where a read goes. Without a WAL position: a replica that is up and within {@code maxLag}, in turn; with one (the
 * {@code X-DeployStack-LSN} of the client's last write): a replica that has replayed that far, waiting up to
 * {@code lsnWait} for one to get there. Otherwise, and when there is no replica, the primary (empty).
 */
public final class ReadReplicas implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReadReplicas.class.getName());
    /** Cancelled by a conflict with recovery; a column a migration added that the replica has not replayed yet. */
    private static final Set<String> REPLICA_STATES = Set.of("40001", "42703");
    private static final Duration POLL = Duration.ofMillis(10);

    private final List<ReadReplica> replicas;
    private final ReadReplicaSettings settings;
    private volatile Optional<ReplicaMonitor> monitor = Optional.empty();
    private final AtomicInteger next = new AtomicInteger();
    /**
     * Where the primary's WAL was once this process was set up or had caught up with the migrations: no replica
     * serves a read before it has replayed that far (it would not have the tables). Until then, reads on the primary.
     */
    private volatile Optional<Lsn> schemaPosition = Optional.empty();

    private ReadReplicas(List<ReadReplica> replicas, ReadReplicaSettings settings) {
        this.replicas = replicas;
        this.settings = settings;
    }

    /** No replica: every read on the primary. */
    public static ReadReplicas none() {
        return new ReadReplicas(List.of(), ReadReplicaSettings.none());
    }

    /**
     * Pools for the replicas of {@code primary}, checked from now on. The first check of the primary once
     * {@code initialized} holds gives the position every replica must have replayed before it serves a read.
     */
    static ReadReplicas start(DatabaseSettings primary, ReadReplicaSettings settings, BooleanSupplier initialized) {
        if (settings.servers().isEmpty()) {
            return none();
        }
        List<ReadReplica> replicas = new ArrayList<>();
        for (DatabaseSettings server : settings.servers()) {
            ReadReplica replica = new ReadReplica("replica-" + (replicas.size() + 1), server);
            LOG.log(Level.INFO, "Read replica " + replica.name() + ": " + server + "; reads without "
                                + "X-DeployStack-LSN go there while it is at most " + settings.maxLag().toMillis()
                                + " ms behind");
            replicas.add(replica);
        }
        ReadReplicas reads = new ReadReplicas(List.copyOf(replicas), settings);
        reads.monitor = Optional.of(ReplicaMonitor.start(primary, reads.replicas, settings.interval(),
                                                         settings.checkTimeout(), written -> {
                    if (reads.schemaPosition.isEmpty() && initialized.getAsBoolean()) {
                        reads.schemaPosition = Optional.of(written);
                    }
                }));
        return reads;
    }

    public List<ReadReplica> replicas() {
        return replicas;
    }

    public ReadReplicaSettings settings() {
        return settings;
    }

    /** Replicas configured, and none of them usable: reads on the primary. */
    public boolean degraded() {
        return !replicas.isEmpty() && replicas.stream().noneMatch(replica -> replica.state().up());
    }

    /** The replica for this read (not yet counted as served), or empty for the primary. */
    Optional<ReadReplica> chooseReplica(Optional<Lsn> after) {
        if (replicas.isEmpty() || schemaPosition.isEmpty()) {
            return Optional.empty();
        }
        Lsn schema = schemaPosition.get();
        Optional<ReadReplica> chosen = after.isPresent()
                ? replayedTo(after.get().compareTo(schema) > 0 ? after.get() : schema)
                : inTurn(replicas.stream().filter(replica -> replica.state().within(settings.maxLag())
                                                             && replayed(replica.state(), schema)).toList());
        return chosen;
    }

    /**
     * A failure that is the replica's, not the read's: unreachable, a table or column it has not replayed yet, or the
     * query cancelled by a conflict with recovery (SQLSTATE 40001 on a standby). The primary can answer such a read.
     */
    static boolean replicaFailure(Throwable error) {
        DatabaseFailure failure = DatabaseFailure.of(error);
        if (failure == DatabaseFailure.UNREACHABLE || failure == DatabaseFailure.DATABASE_MISSING) {
            return true;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && REPLICA_STATES.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean replayed(ReplicaState state, Lsn target) {
        return state.replayed().map(replayed -> replayed.reached(target)).orElse(false);
    }

    /** A replica that has replayed {@code target}: known from its last check, or reached within {@code lsnWait}. */
    private Optional<ReadReplica> replayedTo(Lsn target) {
        List<ReadReplica> up = replicas.stream().filter(replica -> replica.state().up()).toList();
        Optional<ReadReplica> known = inTurn(up.stream().filter(replica -> replayed(replica.state(), target)).toList());
        if (known.isPresent() || up.isEmpty()) {
            return known;
        }
        long deadline = System.nanoTime() + settings.lsnWait().toNanos();
        while (true) {
            for (ReadReplica replica : up) {
                if (replayed(replica, target)) {
                    return Optional.of(replica);
                }
            }
            if (System.nanoTime() + POLL.toNanos() > deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private static boolean replayed(ReadReplica replica, Lsn target) {
        try (Connection connection = replica.pool().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
            statement.setString(1, target.toString());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private Optional<ReadReplica> inTurn(List<ReadReplica> candidates) {
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size())));
    }

    @Override
    public void close() {
        monitor.ifPresent(ReplicaMonitor::close);
        replicas.forEach(ReadReplica::close);
    }
}
