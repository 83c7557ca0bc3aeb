package com.deploystack.backend.http;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.management.UnixOperatingSystemMXBean;

/**
 * Keeps the listener serving through floods of idle or slow connections. Every open connection is known here:
 * at the cap, the connection that has waited longest without sending a complete request is closed to make room
 * for the newcomer (so a health check always gets in), and a sweep every half second closes connections that
 * exceed their {@link ConnectionLimits}. Written by hand because Helidon 4.5's own cap
 * ({@code max-tcp-connections}) stops accepting at the cap, so health checks queue behind idle sockets, and its
 * idle timeout never closes a connection that is sending its headers slowly.
 */
public final class ConnectionGuard implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());
    /** File descriptors left for everything else: pools, jars, logs, the embedded PostgreSQL's pipes. */
    private static final int RESERVED_DESCRIPTORS = 512;
    private static final long SWEEP_MILLIS = 500;

    private final ConnectionLimits limits;
    private final int maxConnections;
    private final Set<GuardedConnection> open = ConcurrentHashMap.newKeySet();
    private final Thread sweeper;
    private volatile boolean draining;

    public ConnectionGuard(ConnectionLimits limits) {
        this.limits = limits;
        this.maxConnections = withinDescriptorLimit(limits.maxConnections());
        this.sweeper = Thread.ofPlatform().daemon().name("connection-guard").start(this::sweepForever);
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /** The cap in force: the configured one, lowered when the process may not open that many files. */
    public int maxConnections() {
        return maxConnections;
    }

    public int openConnections() {
        return open.size();
    }

    /** From now on idle kept-alive connections are closed: during the drain every answer closes its connection. */
    public void drain() {
        draining = true;
        sweep();
    }

    public boolean draining() {
        return draining;
    }

    void opened(GuardedConnection connection) {
        open.add(connection);
        while (open.size() > maxConnections && open.contains(connection)) {
            close(open.stream()
                          .filter(other -> other != connection && other.waitingForRequest())
                          .min(Comparator.comparingLong(GuardedConnection::stageSince))
                          .orElse(connection));
        }
    }

    void closed(GuardedConnection connection) {
        open.remove(connection);
    }

    private void sweepForever() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            sweep();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (GuardedConnection connection : open) {
            if (connection.overdue(now, limits, draining)) {
                close(connection);
            }
        }
    }

    /** Forgets the connection at once (its handler may take a moment to end) and closes its socket. */
    private void close(GuardedConnection connection) {
        if (open.remove(connection)) {
            connection.abort();
        }
    }

    private static int withinDescriptorLimit(int configured) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long allowed = unix.getMaxFileDescriptorCount() - RESERVED_DESCRIPTORS;
            if (allowed < configured) {
                int lowered = (int) Math.max(1, allowed);
                LOG.log(Level.WARNING, "http.connections.max is " + configured + " but the process may open only "
                                       + unix.getMaxFileDescriptorCount() + " files (ulimit -n); at most " + lowered
                                       + " connections are kept open");
                return lowered;
            }
        }
        return configured;
    }

    @Override
    public void close() {
        sweeper.interrupt();
    }
}
