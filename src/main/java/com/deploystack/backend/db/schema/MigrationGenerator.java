package com.deploystack.backend.db.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.db.MigrationException;
import com.deploystack.backend.db.Transaction;

/**
 * Plans the script from the state the scripts produce to the declared schema, with its undo, and proves both on
 * the scratch database before anything is written: the forward DDL must produce the declared schema and the undo
 * must restore the previous one exactly.
 */
public final class MigrationGenerator {

    /** A generated migration: the plan, the statements both ways, and the hazards of the forward direction. */
    public record Generated(Plan plan, List<Change> renames, List<String> forward, List<String> undo,
                            List<Hazard> hazards) {

        /** Nothing to write: the scripts already produce the declared schema. */
        public boolean isEmpty() {
            return plan.isEmpty() && renames.isEmpty();
        }
    }

    private final SchemaStates states;

    public MigrationGenerator(SchemaStates states) {
        this.states = states;
    }

    /**
     * Builds both states in two scratch databases and plans the change; {@code renames} are applied first, so a
     * renamed column keeps its data instead of being dropped and added.
     *
     * @throws IllegalArgumentException a rename that does not fit the schemas (the message says why)
     */
    public Generated generate(ScratchDatabases scratch, List<Rename> renames) throws SQLException {
        Connection scripts = scratch.create();
        SchemaSnapshot previous = states.scripts(scratch, scripts);
        SchemaSnapshot declared = states.declared(scratch.create());
        Generated generated = Transaction.rolledBack(scripts, connection -> {
            List<Change> renameChanges = new ArrayList<>();
            List<Change> inverse = new ArrayList<>();
            for (Rename rename : renames) {
                Change change = rename.change(connection);
                try {
                    execute(connection, DdlWriter.statements(List.of(change)));
                } catch (SQLException e) {
                    throw new IllegalArgumentException("--rename " + rename + " does not fit the schema the scripts"
                                                       + " produce: " + e.getMessage(), e);
                }
                renameChanges.add(change);
                inverse.addFirst(rename.inverse(connection));
            }
            SchemaSnapshot renamed = CatalogReader.read(connection);
            checkTargets(renames, renameChanges, declared);
            Plan plan = SchemaDiff.plan(renamed, declared);
            List<String> forward = new ArrayList<>(DdlWriter.statements(renameChanges));
            forward.addAll(DdlWriter.statements(plan.changes()));
            List<String> undo = new ArrayList<>(DdlWriter.statements(SchemaDiff.plan(declared, renamed).changes()));
            undo.addAll(DdlWriter.statements(inverse));
            List<Change> all = new ArrayList<>(renameChanges);
            all.addAll(plan.changes());
            return new Generated(plan, renameChanges, forward, undo, HazardRules.hazards(all));
        });
        if (!generated.isEmpty() && generated.plan().unsupported().isEmpty()) {
            Transaction.rolledBack(scripts, connection -> {
                prove(connection, generated, previous, declared);
                return null;
            });
        }
        return generated;
    }

    /** Forward then undo on the previous state, in a transaction that is rolled back. */
    private static void prove(Connection scripts, Generated generated, SchemaSnapshot previous,
                              SchemaSnapshot declared) throws SQLException {
        try {
            execute(scripts, generated.forward());
        } catch (SQLException e) {
            throw unproven("its forward DDL fails on the state the scripts produce: " + e.getMessage(), e);
        }
        Plan left = SchemaDiff.plan(CatalogReader.read(scripts), declared);
        if (!left.isEmpty()) {
            throw unproven("its forward DDL does not produce the declared schema; still different: " + describe(left),
                           null);
        }
        try {
            execute(scripts, generated.undo());
        } catch (SQLException e) {
            throw unproven("its undo fails: " + e.getMessage(), e);
        }
        Plan notRestored = SchemaDiff.plan(CatalogReader.read(scripts), previous);
        if (!notRestored.isEmpty()) {
            throw unproven("its undo does not restore the previous schema; still different: "
                           + describe(notRestored), null);
        }
    }

    private static MigrationException unproven(String problem, Throwable cause) {
        return new MigrationException("The generated script was not written: " + problem
                                      + ". Write this change by hand (migrate new).", cause);
    }

    private static String describe(Plan plan) {
        return String.join("; ", plan.changes().stream().map(Change::describe).toList());
    }

    /** Each rename's new name must be what the declared schema has, or the rename would be undone again. */
    private static void checkTargets(List<Rename> renames, List<Change> changes, SchemaSnapshot declared) {
        for (int i = 0; i < renames.size(); i++) {
            boolean declaredName = switch (changes.get(i)) {
                case Change.RenameTable table -> declared.tables().containsKey(table.to());
                case Change.RenameColumn column -> declared.tables().containsKey(column.table())
                        && declared.tables().get(column.table()).columns().containsKey(column.to());
                default -> true;
            };
            if (!declaredName) {
                throw new IllegalArgumentException("--rename " + renames.get(i) + ": migrations/schema/ declares no "
                        + (renames.get(i).column().isEmpty() ? "table " : "column " + renames.get(i).table() + ".")
                        + renames.get(i).to());
            }
        }
    }

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
