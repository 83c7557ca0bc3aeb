package com.deploystack.backend.db.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.deploystack.backend.db.schema.Change.AddColumn;
import com.deploystack.backend.db.schema.Change.AddConstraint;
import com.deploystack.backend.db.schema.Change.AlterColumn;
import com.deploystack.backend.db.schema.Change.CreateEnum;
import com.deploystack.backend.db.schema.Change.CreateIndex;
import com.deploystack.backend.db.schema.Change.CreateTable;
import com.deploystack.backend.db.schema.Change.DropColumn;
import com.deploystack.backend.db.schema.Change.DropConstraint;
import com.deploystack.backend.db.schema.Change.DropEnum;
import com.deploystack.backend.db.schema.Change.DropIndex;
import com.deploystack.backend.db.schema.Change.DropTable;
import com.deploystack.backend.db.schema.Change.EnumColumn;
import com.deploystack.backend.db.schema.Change.RecreateEnum;
import com.deploystack.backend.db.schema.Change.SetComment;
import com.deploystack.backend.db.schema.Change.Unsupported;
import com.deploystack.backend.db.schema.SchemaSnapshot.Column;
import com.deploystack.backend.db.schema.SchemaSnapshot.Constraint;
import com.deploystack.backend.db.schema.SchemaSnapshot.EnumType;
import com.deploystack.backend.db.schema.SchemaSnapshot.Index;
import com.deploystack.backend.db.schema.SchemaSnapshot.Table;

/**
 * Compares two snapshots and plans the changes from the first to the second in dependency order: foreign keys
 * are dropped first and added last, so tables can be created and dropped in any order (cycles included).
 */
public final class SchemaDiff {

    private final SchemaSnapshot from;
    private final SchemaSnapshot to;
    private final List<Change> unsupported = new ArrayList<>();
    private final List<Change> createEnums = new ArrayList<>();
    private final List<Change> dropForeignKeys = new ArrayList<>();
    private final List<Change> dropConstraintsAndIndexes = new ArrayList<>();
    private final List<Change> dropTables = new ArrayList<>();
    private final List<Change> dropColumns = new ArrayList<>();
    private final List<Change> recreateEnums = new ArrayList<>();
    private final List<Change> alterColumns = new ArrayList<>();
    private final List<Change> addColumns = new ArrayList<>();
    private final List<Change> createTables = new ArrayList<>();
    private final List<Change> dropEnums = new ArrayList<>();
    private final List<Change> addConstraintsAndIndexes = new ArrayList<>();
    private final List<Change> addForeignKeys = new ArrayList<>();
    private final List<Change> comments = new ArrayList<>();
    private final List<String> possibleRenames = new ArrayList<>();
    private final List<Pattern> recreatedEnumCasts = new ArrayList<>();

    private SchemaDiff(SchemaSnapshot from, SchemaSnapshot to) {
        this.from = from;
        this.to = to;
    }

    /** The plan that turns {@code from} into {@code to}. */
    public static Plan plan(SchemaSnapshot from, SchemaSnapshot to) {
        SchemaDiff diff = new SchemaDiff(from, to);
        diff.compareUnsupported();
        diff.compareEnums();
        diff.compareTables();
        List<Change> changes = new ArrayList<>();
        for (List<Change> group : List.of(diff.unsupported, diff.createEnums, diff.dropForeignKeys,
                                          diff.dropConstraintsAndIndexes, diff.dropTables, diff.dropColumns,
                                          diff.recreateEnums, diff.alterColumns, diff.addColumns, diff.createTables,
                                          diff.dropEnums, diff.addConstraintsAndIndexes, diff.addForeignKeys,
                                          diff.comments)) {
            changes.addAll(group);
        }
        return new Plan(changes, diff.possibleRenames);
    }

    private void compareUnsupported() {
        for (String object : union(from.unsupported(), to.unsupported())) {
            String before = from.unsupported().get(object);
            String after = to.unsupported().get(object);
            if (!Objects.equals(before, after)) {
                String what = before == null ? " added" : after == null ? " dropped" : " changed";
                unsupported.add(new Unsupported(object + what + ": migrate generate writes no DDL for this kind of"
                                                + " object; write that script by hand (migrate new)"));
            }
        }
    }

    private void compareEnums() {
        for (String name : union(from.enums(), to.enums())) {
            EnumType before = from.enums().get(name);
            EnumType after = to.enums().get(name);
            if (before == null) {
                createEnums.add(new CreateEnum(after));
            } else if (after == null) {
                dropEnums.add(new DropEnum(before));
            } else if (!before.labels().equals(after.labels())) {
                recreateEnums.add(new RecreateEnum(before, after, columnsOf(name)));
                recreatedEnumCasts.add(Pattern.compile(Pattern.quote("::" + name) + "(?![A-Za-z0-9_$\"])"));
            }
            if (after != null && !after.comment().equals(before == null ? Optional.empty() : before.comment())) {
                comments.add(new SetComment("TYPE", name, after.comment()));
            }
        }
    }

    /** The columns of enum {@code type} (or of an array of it) that exist before and after. */
    private List<EnumColumn> columnsOf(String type) {
        List<EnumColumn> columns = new ArrayList<>();
        for (Table table : from.tables().values()) {
            Table after = to.tables().get(table.name());
            for (Column column : table.columns().values()) {
                Column next = after == null ? null : after.columns().get(column.name());
                if (next != null && (column.type().equals(type) || column.type().equals(type + "[]"))) {
                    columns.add(new EnumColumn(table.name(), column, next.defaultExpression()));
                }
            }
        }
        return columns;
    }

    private void compareTables() {
        Set<String> keysChanged = tablesWithChangedKeys();
        for (String name : union(from.tables(), to.tables())) {
            Table before = from.tables().get(name);
            Table after = to.tables().get(name);
            if (before == null) {
                createTable(after);
            } else if (after == null) {
                before.constraints().values().stream().filter(SchemaDiff::isForeignKey)
                        .forEach(key -> dropForeignKeys.add(new DropConstraint(name, key)));
                dropTables.add(new DropTable(before));
            } else {
                compareColumns(before, after);
                compareConstraints(before, after, keysChanged);
                compareIndexes(before, after);
                compareComments(before, after);
            }
        }
        suggestTableRenames();
    }

    private void createTable(Table table) {
        SortedMap<String, Constraint> inline = new TreeMap<>();
        table.constraints().forEach((name, constraint) -> {
            if (isForeignKey(constraint)) {
                addForeignKeys.add(new AddConstraint(table.name(), constraint, true));
            } else {
                inline.put(name, constraint);
            }
        });
        createTables.add(new CreateTable(new Table(table.name(), table.columns(), inline, new TreeMap<>(),
                                                   table.comment())));
        table.indexes().values().forEach(index -> addConstraintsAndIndexes.add(
                new CreateIndex(table.name(), index, true)));
        compareComments(new Table(table.name(), Map.of(), new TreeMap<>(), new TreeMap<>(), Optional.empty()),
                        table);
    }

    private void compareColumns(Table before, Table after) {
        List<Column> dropped = new ArrayList<>();
        List<Column> added = new ArrayList<>();
        for (String name : union(before.columns(), after.columns())) {
            Column old = before.columns().get(name);
            Column next = after.columns().get(name);
            if (old == null) {
                added.add(next);
                addColumns.add(new AddColumn(after.name(), next));
            } else if (next == null) {
                dropped.add(old);
                dropColumns.add(new DropColumn(before.name(), old));
            } else if (!old.generated().equals(next.generated())) {
                unsupported.add(new Unsupported("column " + after.name() + "." + name + " generation changed from "
                        + old.generated().orElse("none") + " to " + next.generated().orElse("none")
                        + ": migrate generate writes no DDL for that; write that script by hand (migrate new)"));
            } else if (!old.type().equals(next.type()) || !old.collation().equals(next.collation())
                       || old.notNull() != next.notNull() || !old.defaultExpression().equals(next.defaultExpression())
                       || !old.identity().equals(next.identity())) {
                alterColumns.add(new AlterColumn(after.name(), old, next));
            }
        }
        for (Column old : dropped) {
            for (Column next : added) {
                if (old.type().equals(next.type())) {
                    possibleRenames.add("column " + after.name() + "." + old.name() + " dropped and " + next.name()
                            + " added, both " + old.type() + ": if it is a rename, run again with --rename "
                            + after.name() + "." + old.name() + "=" + next.name());
                }
            }
        }
    }

    private void compareConstraints(Table before, Table after, Set<String> keysChanged) {
        for (String name : union(before.constraints(), after.constraints())) {
            Constraint old = before.constraints().get(name);
            Constraint next = after.constraints().get(name);
            boolean recreate = old != null && next != null && (isForeignKey(old)
                    ? old.referencedTable().map(keysChanged::contains).orElse(false)
                    : castsToRecreatedEnum(old.definition()));
            if (old != null && (!old.equalsIgnoringComment(next) || recreate)) {
                (isForeignKey(old) ? dropForeignKeys : dropConstraintsAndIndexes)
                        .add(new DropConstraint(before.name(), old));
            }
            if (next != null && (!next.equalsIgnoringComment(old) || recreate)) {
                (isForeignKey(next) ? addForeignKeys : addConstraintsAndIndexes)
                        .add(new AddConstraint(after.name(), next, false));
            }
        }
    }

    private void compareIndexes(Table before, Table after) {
        for (String name : union(before.indexes(), after.indexes())) {
            Index old = before.indexes().get(name);
            Index next = after.indexes().get(name);
            boolean changed = old == null || next == null || !old.definition().equals(next.definition())
                              || castsToRecreatedEnum(old.definition());
            if (old != null && changed) {
                dropConstraintsAndIndexes.add(new DropIndex(before.name(), old));
            }
            if (next != null && changed) {
                addConstraintsAndIndexes.add(new CreateIndex(after.name(), next, false));
            }
        }
    }

    /** Comments of the objects that exist afterwards and whose comment differs (a new object counts as none). */
    private void compareComments(Table before, Table after) {
        if (!after.comment().equals(before.comment())) {
            comments.add(new SetComment("TABLE", after.name(), after.comment()));
        }
        after.columns().forEach((name, column) -> {
            Column old = before.columns().get(name);
            if (!column.comment().equals(old == null ? Optional.empty() : old.comment())) {
                comments.add(new SetComment("COLUMN", after.name() + "." + name, column.comment()));
            }
        });
        after.constraints().forEach((name, constraint) -> {
            Constraint old = before.constraints().get(name);
            if (!constraint.comment().equals(old == null ? Optional.empty() : old.comment())) {
                comments.add(new SetComment("CONSTRAINT", name + " ON " + after.name(), constraint.comment()));
            }
        });
        after.indexes().forEach((name, index) -> {
            Index old = before.indexes().get(name);
            if (!index.comment().equals(old == null ? Optional.empty() : old.comment())) {
                comments.add(new SetComment("INDEX", name, index.comment()));
            }
        });
    }

    /**
     * Whether {@code definition} casts to an enum type that is re-created: such an index or constraint is dropped
     * before and created again after, as PostgreSQL cannot convert its expression to the new type.
     */
    private boolean castsToRecreatedEnum(String definition) {
        return recreatedEnumCasts.stream().anyMatch(cast -> cast.matcher(definition).find());
    }

    /** Tables whose primary key, unique or exclusion constraints or unique indexes are dropped or changed. */
    private Set<String> tablesWithChangedKeys() {
        Set<String> tables = new HashSet<>();
        for (Table before : from.tables().values()) {
            Table after = to.tables().get(before.name());
            if (after == null) {
                continue;
            }
            boolean constraintChanged = before.constraints().values().stream()
                    .filter(constraint -> !isForeignKey(constraint) && constraint.kind() != Constraint.Kind.CHECK)
                    .anyMatch(constraint -> !constraint.equalsIgnoringComment(
                            after.constraints().get(constraint.name())));
            boolean indexChanged = before.indexes().values().stream().filter(Index::unique)
                    .anyMatch(index -> after.indexes().get(index.name()) == null
                                       || !after.indexes().get(index.name()).definition().equals(index.definition()));
            if (constraintChanged || indexChanged) {
                tables.add(before.name());
            }
        }
        return tables;
    }

    private void suggestTableRenames() {
        for (Table old : from.tables().values()) {
            if (to.tables().containsKey(old.name())) {
                continue;
            }
            for (Table next : to.tables().values()) {
                if (!from.tables().containsKey(next.name()) && columnTypes(old).equals(columnTypes(next))) {
                    possibleRenames.add("table " + old.name() + " dropped and " + next.name() + " added with the same"
                            + " columns: if it is a rename, run again with --rename " + old.name() + "=" + next.name());
                }
            }
        }
    }

    private static Map<String, String> columnTypes(Table table) {
        Map<String, String> types = new TreeMap<>();
        table.columns().values().forEach(column -> types.put(column.name(), column.type()));
        return types;
    }

    private static boolean isForeignKey(Constraint constraint) {
        return constraint.kind() == Constraint.Kind.FOREIGN_KEY;
    }

    private static Set<String> union(Map<String, ?> first, Map<String, ?> second) {
        Set<String> keys = new TreeSet<>(first.keySet());
        keys.addAll(second.keySet());
        return keys;
    }
}
