package com.deploystack.backend.db.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import com.deploystack.backend.db.schema.SchemaSnapshot.Column;
import com.deploystack.backend.db.schema.SchemaSnapshot.Constraint;
import com.deploystack.backend.db.schema.SchemaSnapshot.EnumType;
import com.deploystack.backend.db.schema.SchemaSnapshot.Index;
import com.deploystack.backend.db.schema.SchemaSnapshot.Table;

/**
 * Reads a {@link SchemaSnapshot} of the connection's current schema from PostgreSQL's catalog, with PostgreSQL's
 * own functions for every definition. The MyBatis {@code changelog} table is never part of it: the migration tool
 * owns it, no schema change may touch it.
 */
public final class CatalogReader {

    /** Tables outside the declared schema in every database. */
    public static final Set<String> TOOL_TABLES = Set.of("changelog");

    private static final String IN_SCHEMA = " n.nspname = current_schema() ";

    private static final String ENUMS = """
            SELECT quote_ident(t.typname), array_agg(quote_literal(e.enumlabel) ORDER BY e.enumsortorder),
                   quote_literal(obj_description(t.oid, 'pg_type'))
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE""" + IN_SCHEMA + "GROUP BY t.oid, t.typname";

    private static final String TABLES = """
            SELECT c.relname, quote_ident(c.relname), quote_literal(obj_description(c.oid, 'pg_class'))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND""" + IN_SCHEMA;

    private static final String COLUMNS = """
            SELECT c.relname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
                   CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation
                        THEN quote_ident(co.collname) END,
                   a.attnotnull::text, CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                   CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END,
                   CASE WHEN a.attgenerated <> '' THEN '(' || pg_get_expr(d.adbin, d.adrelid) || ') '
                        || CASE a.attgenerated WHEN 's' THEN 'STORED' ELSE 'VIRTUAL' END END,
                   quote_literal(col_description(c.oid, a.attnum))
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND""" + IN_SCHEMA + "ORDER BY a.attnum";

    private static final String CONSTRAINTS = """
            SELECT c.relname, quote_ident(k.conname), k.contype, pg_get_constraintdef(k.oid),
                   quote_ident(r.relname), quote_literal(obj_description(k.oid, 'pg_constraint'))
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 LEFT JOIN pg_class r ON r.oid = k.confrelid
            WHERE c.relkind = 'r' AND k.contype IN ('p', 'u', 'c', 'f', 'x') AND""" + IN_SCHEMA;

    private static final String INDEXES = """
            SELECT c.relname, quote_ident(i.relname), pg_get_indexdef(i.oid), x.indisunique::text,
                   quote_literal(obj_description(i.oid, 'pg_class'))
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND""" + IN_SCHEMA + """
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid
                                                           AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
            """;

    /** Everything else a script may create, by kind and name, with a definition that changes when it does. */
    private static final String UNSUPPORTED = """
            SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' WHEN 'S' THEN 'sequence '
                                  WHEN 'p' THEN 'partitioned table ' ELSE 'foreign table ' END || quote_ident(c.relname),
                   CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) ELSE '' END, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm', 'S', 'p', 'f') AND""" + IN_SCHEMA + """
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                          AND d.deptype = 'i')
            UNION ALL
            SELECT 'function ' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   md5(coalesce(p.prosrc, '') || pg_get_function_result(p.oid)), NULL
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE""" + IN_SCHEMA + """
            UNION ALL
            SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' || quote_ident(c.relname), pg_get_triggerdef(t.oid),
                   c.relname
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND""" + IN_SCHEMA + """
            UNION ALL
            SELECT 'type ' || quote_ident(t.typname), t.typtype::text, NULL
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype IN ('d', 'r', 'm') AND""" + IN_SCHEMA + """
               OR t.typtype = 'c' AND""" + IN_SCHEMA + """
                  AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'
            UNION ALL
            SELECT 'extension ' || quote_ident(e.extname), e.extversion, NULL
            FROM pg_extension e WHERE e.extname <> 'plpgsql'
            """;

    private CatalogReader() {
    }

    /** The snapshot of the current schema, leaving out {@link #TOOL_TABLES}. */
    public static SchemaSnapshot read(Connection connection) throws SQLException {
        return read(connection, Set.of());
    }

    /** The snapshot of the current schema, leaving out {@link #TOOL_TABLES} and {@code excludedTables}. */
    public static SchemaSnapshot read(Connection connection, Set<String> excludedTables) throws SQLException {
        Set<String> excluded = new HashSet<>(TOOL_TABLES);
        excluded.addAll(excludedTables);
        SortedMap<String, EnumType> enums = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement(ENUMS);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                List<String> labels = Arrays.stream((Object[]) rows.getArray(2).getArray()).map(String::valueOf).toList();
                enums.put(rows.getString(1), new EnumType(rows.getString(1), labels,
                                                          Optional.ofNullable(rows.getString(3))));
            }
        }
        SortedMap<String, TableParts> parts = new TreeMap<>();
        for (String[] row : rows(connection, TABLES)) {
            if (!excluded.contains(row[0])) {
                parts.put(row[0], new TableParts(row[1], Optional.ofNullable(row[2])));
            }
        }
        for (String[] row : rows(connection, COLUMNS)) {
            TableParts table = parts.get(row[0]);
            if (table != null) {
                table.columns.put(row[1], new Column(row[1], row[2], Optional.ofNullable(row[3]),
                        Boolean.parseBoolean(row[4]), Optional.ofNullable(row[5]), Optional.ofNullable(row[6]),
                        Optional.ofNullable(row[7]), Optional.ofNullable(row[8])));
            }
        }
        for (String[] row : rows(connection, CONSTRAINTS)) {
            TableParts table = parts.get(row[0]);
            if (table != null) {
                table.constraints.put(row[1], new Constraint(row[1], kind(row[2]), row[3], Optional.ofNullable(row[4]),
                                                             Optional.ofNullable(row[5])));
            }
        }
        for (String[] row : rows(connection, INDEXES)) {
            TableParts table = parts.get(row[0]);
            if (table != null) {
                table.indexes.put(row[1], new Index(row[1], row[2], Boolean.parseBoolean(row[3]),
                                                    Optional.ofNullable(row[4])));
            }
        }
        SortedMap<String, Table> tables = new TreeMap<>();
        parts.values().forEach(table -> tables.put(table.name, table.table()));
        SortedMap<String, String> unsupported = new TreeMap<>();
        for (String[] row : rows(connection, UNSUPPORTED)) {
            if (row[2] == null || !excluded.contains(row[2])) {
                unsupported.put(row[0], row[1]);
            }
        }
        return new SchemaSnapshot(enums, tables, unsupported);
    }

    private static Constraint.Kind kind(String contype) {
        return switch (contype) {
            case "p" -> Constraint.Kind.PRIMARY_KEY;
            case "u" -> Constraint.Kind.UNIQUE;
            case "c" -> Constraint.Kind.CHECK;
            case "f" -> Constraint.Kind.FOREIGN_KEY;
            default -> Constraint.Kind.EXCLUSION;
        };
    }

    /** Every row of {@code sql}, each column as text (null for SQL NULL). */
    private static List<String[]> rows(Connection connection, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet result = statement.executeQuery()) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = result.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static final class TableParts {
        private final String name;
        private final Optional<String> comment;
        private final Map<String, Column> columns = new LinkedHashMap<>();
        private final SortedMap<String, Constraint> constraints = new TreeMap<>();
        private final SortedMap<String, Index> indexes = new TreeMap<>();

        private TableParts(String name, Optional<String> comment) {
            this.name = name;
            this.comment = comment;
        }

        private Table table() {
            return new Table(name, columns, constraints, indexes, comment);
        }
    }
}
