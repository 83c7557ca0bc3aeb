package com.deploystack.backend.db.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.deploystack.backend.db.MigrationException;
import com.deploystack.backend.db.Transaction;

/**
 * The desired core schema: plain PostgreSQL DDL in {@code migrations/schema/*.sql}, one file per table group. The
 * files run in name order in one transaction; a file that refers to a table or type of a later file runs again
 * after the others, so the order of the groups does not matter.
 */
public final class DeclaredSchema {

    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_OBJECT = "42704";

    private DeclaredSchema() {
    }

    /** The directory of the declared schema in a migrations repository. */
    public static Path directory(Path repository) {
        return repository.resolve("schema");
    }

    /** The {@code .sql} files of {@code directory} in name order; none is an error. */
    public static List<Path> files(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new MigrationException("The declared schema directory " + directory.toAbsolutePath()
                                         + " is missing: it holds the desired core schema as PostgreSQL DDL");
        }
        try (Stream<Path> entries = Files.list(directory)) {
            List<Path> files = entries.filter(file -> file.getFileName().toString().endsWith(".sql")).sorted().toList();
            if (files.isEmpty()) {
                throw new MigrationException("The declared schema directory " + directory.toAbsolutePath()
                                             + " holds no .sql file");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
    }

    /** Creates the declared schema in the (empty) database of {@code connection}, in one transaction. */
    public static void apply(Connection connection, Path directory) throws SQLException {
        List<Path> files = files(directory);
        Transaction.run(connection, transaction -> {
            List<Path> pending = files;
            while (!pending.isEmpty()) {
                Map<Path, SQLException> deferred = new LinkedHashMap<>();
                for (Path file : pending) {
                    Savepoint savepoint = transaction.setSavepoint();
                    try (Statement statement = transaction.createStatement()) {
                        statement.execute(read(file));
                        transaction.releaseSavepoint(savepoint);
                    } catch (SQLException e) {
                        transaction.rollback(savepoint);
                        if (!UNDEFINED_TABLE.equals(e.getSQLState()) && !UNDEFINED_OBJECT.equals(e.getSQLState())) {
                            throw failure(file, e);
                        }
                        deferred.put(file, e);
                    }
                }
                if (deferred.size() == pending.size()) {
                    Map.Entry<Path, SQLException> first = deferred.entrySet().iterator().next();
                    throw failure(first.getKey(), first.getValue());
                }
                pending = new ArrayList<>(deferred.keySet());
            }
            return null;
        });
    }

    private static MigrationException failure(Path file, SQLException e) {
        return new MigrationException("Declared schema file " + file + " failed: "
                                      + String.valueOf(e.getMessage()).strip().replaceAll("\\s+", " ")
                                      + " Fix the file and run the command again.", e);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
