package com.deploystack.backend.db.schema;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.deploystack.backend.db.ConnectionSource;
import com.deploystack.backend.db.MigrationException;
import com.deploystack.backend.db.MigrationLock;
import com.deploystack.backend.db.MigrationPlan;
import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.Script;

/** Builds the schemas to compare in scratch databases, and reads a running database's, as snapshots. */
public final class SchemaStates {

    /** The state a running database's applied scripts produce, and what the comparison could not cover. */
    public record Expected(SchemaSnapshot snapshot, List<String> notes) {
    }

    private final Path repository;

    /** {@code repository}: the migrations repository ({@code scripts/}, {@code schema/}). */
    public SchemaStates(Path repository) {
        this.repository = repository;
    }

    /** Applies every script of the repository to the empty scratch database of {@code connection}; reads the result. */
    public SchemaSnapshot scripts(ScratchDatabases scratch, Connection connection) throws SQLException {
        new Migrator(repository).up(scratch.connections(connection), scratch.waits());
        return CatalogReader.read(connection);
    }

    /** Creates the declared schema in the empty database of {@code scratch} and reads it. */
    public SchemaSnapshot declared(Connection scratch) throws SQLException {
        DeclaredSchema.apply(scratch, DeclaredSchema.directory(repository));
        return CatalogReader.read(scratch);
    }

    /**
     * The schema of the running database of {@code live}, without the tables plugins created at run time (listed in
     * {@code plugin_tables}).
     */
    public SchemaSnapshot live(Connection live) throws SQLException {
        return CatalogReader.read(live, pluginTables(live));
    }

    /**
     * Applies to {@code scratch} exactly the scripts applied to {@code live}, as the repository has them, and reads
     * the result.
     */
    public Expected applied(Connection live, ScratchDatabases scratch) throws SQLException {
        Migrator migrator = new Migrator(repository);
        Set<BigDecimal> applied = new HashSet<>();
        List<String> notes = new ArrayList<>();
        int pending = 0;
        for (MigrationPlan.ScriptStatus row : migrator.status(live)) {
            switch (row.state()) {
                case APPLIED -> applied.add(row.id());
                case CHANGED -> {
                    applied.add(row.id());
                    notes.add("script " + row.id().toPlainString() + " (" + row.description() + ") changed after it"
                              + " was applied: compared with the file as it is now");
                }
                case MISSING -> throw new MigrationException("Applied migration " + row.id().toPlainString() + " ("
                        + row.description() + ") is missing from " + migrator.scriptsDirectory()
                        + ": the state it produced cannot be rebuilt. Restore the script, then check again.");
                case PENDING, OUT_OF_ORDER -> pending++;
            }
        }
        if (pending > 0) {
            notes.add(pending + " script" + (pending == 1 ? " is" : "s are") + " not applied to this database yet:"
                      + " not part of the comparison (migrate status lists them)");
        }
        Connection built = scratch.create();
        ConnectionSource connections = scratch.connections(built);
        try (Connection holder = connections.open();
             MigrationLock lock = MigrationLock.acquire(holder, scratch.waits())) {
            for (Script script : migrator.scripts()) {
                if (applied.contains(script.id())) {
                    migrator.applyAlone(lock, built, script);
                }
            }
        }
        return new Expected(CatalogReader.read(built), notes);
    }

    private static Set<String> pluginTables(Connection live) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (Statement statement = live.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT to_regclass('plugin_tables') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return tables;
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT table_name FROM plugin_tables")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }
}
