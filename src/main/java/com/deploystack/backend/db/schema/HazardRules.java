package com.deploystack.backend.db.schema;

import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.db.schema.Change.AddColumn;
import com.deploystack.backend.db.schema.Change.AddConstraint;
import com.deploystack.backend.db.schema.Change.AlterColumn;
import com.deploystack.backend.db.schema.Change.CreateIndex;
import com.deploystack.backend.db.schema.Change.DropColumn;
import com.deploystack.backend.db.schema.Change.DropTable;
import com.deploystack.backend.db.schema.Change.RecreateEnum;
import com.deploystack.backend.db.schema.Change.RenameColumn;
import com.deploystack.backend.db.schema.Change.RenameTable;
import com.deploystack.backend.db.schema.SchemaSnapshot.Constraint;

/**
 * The hazards of a plan, as a pure function of its changes. Each script runs in one transaction, so every lock a
 * statement takes is held until the script commits.
 */
public final class HazardRules {

    private HazardRules() {
    }

    public static List<Hazard> hazards(List<Change> changes) {
        List<Hazard> hazards = new ArrayList<>();
        for (Change change : changes) {
            switch (change) {
                case DropTable drop -> hazards.add(new Hazard("drop table " + drop.table().name(),
                        "deletes the table and all its rows; the previous release, still running during a rolling"
                        + " deploy, fails on every query of it",
                        "first release code that no longer uses the table, back up its data, then drop it", true));
                case DropColumn drop -> hazards.add(new Hazard("drop column " + drop.table() + "." + drop.column().name(),
                        "deletes the column's data; the previous release fails on every query that names it",
                        "first release code that no longer reads or writes the column, then drop it", true));
                case RenameTable rename -> hazards.add(renameHazard("table " + rename.from(), rename.to()));
                case RenameColumn rename -> hazards.add(renameHazard("column " + rename.table() + "." + rename.from(),
                                                                     rename.to()));
                case AlterColumn alter -> alterColumn(alter, hazards);
                case AddColumn add -> {
                    if (add.column().notNull() && add.column().defaultExpression().isEmpty()
                        && add.column().identity().isEmpty() && add.column().generated().isEmpty()) {
                        hazards.add(new Hazard("add NOT NULL column " + add.table() + "." + add.column().name()
                                               + " without a default",
                                "fails when the table has rows; the previous release's inserts fail once it exists",
                                "add it with a DEFAULT, or nullable, backfill, then SET NOT NULL", false));
                    }
                }
                case RecreateEnum recreate -> recreateEnum(recreate, hazards);
                case AddConstraint add -> {
                    if (!add.newTable()) {
                        addConstraint(add, hazards);
                    }
                }
                case CreateIndex create -> {
                    if (!create.newTable()) {
                        hazards.add(new Hazard("create index " + create.index().name() + " on existing table "
                                               + create.table(),
                                "blocks every write to " + create.table() + " while the index is built"
                                + (create.index().unique() ? ", and fails if existing rows hold duplicates" : ""),
                                "build it with CREATE " + (create.index().unique() ? "UNIQUE " : "")
                                + "INDEX CONCURRENTLY outside a transaction (a script of its own, applied by hand"
                                + " with psql: a migrate script always runs in a transaction)", false));
                    }
                }
                default -> { }
            }
        }
        return hazards;
    }

    private static Hazard renameHazard(String object, String to) {
        return new Hazard("rename " + object + " to " + to,
                "the previous release, still running during a rolling deploy, fails on every query of the old name",
                "add the new name beside the old one, write both, move readers, then drop the old one", false);
    }

    private static void alterColumn(AlterColumn alter, List<Hazard> hazards) {
        String column = alter.table() + "." + alter.to().name();
        TypeChange cost = TypeChange.of(alter.from().type(), alter.to().type());
        if (cost == TypeChange.LOSSY) {
            hazards.add(new Hazard("change type of " + column + " from " + alter.from().type() + " to "
                                   + alter.to().type(),
                    "rewrites " + alter.table() + " under an exclusive lock (no reads or writes meanwhile), and values"
                    + " that do not fit make it fail or are rounded or cut",
                    "add a new column of the new type, backfill it in batches, switch the code, drop the old column",
                    true));
        } else if (cost == TypeChange.REWRITE || !alter.from().collation().equals(alter.to().collation())) {
            hazards.add(new Hazard("change type of " + column + " from " + alter.from().type() + " to "
                                   + alter.to().type(),
                    "rewrites " + alter.table() + " and its indexes under an exclusive lock: no reads or writes"
                    + " until it commits",
                    "on a large table: add a new column, backfill it in batches, switch the code, drop the old one",
                    false));
        }
        if (alter.to().notNull() && !alter.from().notNull()) {
            hazards.add(new Hazard("set NOT NULL on " + column,
                    "scans " + alter.table() + " under an exclusive lock, and fails if a row holds NULL",
                    "add CHECK (" + alter.to().name() + " IS NOT NULL) NOT VALID, VALIDATE it in a later script,"
                    + " then SET NOT NULL (PostgreSQL skips the scan when a valid check proves it)", false));
        }
    }

    private static void recreateEnum(RecreateEnum recreate, List<Hazard> hazards) {
        List<String> removed = recreate.removedLabels();
        if (!removed.isEmpty()) {
            hazards.add(new Hazard("remove values " + String.join(", ", removed) + " from enum type "
                                   + recreate.to().name(),
                    "fails if a row holds one of them; the previous release may still write them",
                    "first release code that no longer writes them, update the rows that hold them, then remove them",
                    true));
        }
        for (Change.EnumColumn column : recreate.columns()) {
            hazards.add(new Hazard("convert " + column.table() + "." + column.column().name() + " to the re-created"
                                   + " enum type " + recreate.to().name(),
                    "rewrites " + column.table() + " under an exclusive lock: no reads or writes until it commits"
                    + " (the type is re-created because a value added with ALTER TYPE … ADD VALUE cannot be used in"
                    + " the transaction that adds it, and setup applies every script in one transaction)",
                    "on a large table: ALTER TYPE … ADD VALUE in a script applied by hand outside a transaction",
                    false));
        }
    }

    private static void addConstraint(AddConstraint add, List<Hazard> hazards) {
        Constraint constraint = add.constraint();
        String name = "add " + switch (constraint.kind()) {
            case PRIMARY_KEY -> "primary key";
            case UNIQUE -> "unique constraint";
            case CHECK -> "check constraint";
            case FOREIGN_KEY -> "foreign key";
            case EXCLUSION -> "exclusion constraint";
        } + " " + constraint.name() + " to existing table " + add.table();
        hazards.add(switch (constraint.kind()) {
            case PRIMARY_KEY, UNIQUE, EXCLUSION -> new Hazard(name,
                    "builds an index under an exclusive lock on " + add.table() + " (no reads or writes), and fails if"
                    + " existing rows hold duplicates" + (constraint.kind() == Constraint.Kind.PRIMARY_KEY
                            ? " or NULLs" : ""),
                    "CREATE UNIQUE INDEX CONCURRENTLY by hand outside a transaction, then ADD CONSTRAINT … USING INDEX",
                    false);
            case FOREIGN_KEY -> new Hazard(name + " without NOT VALID",
                    "checks every existing row while writes to " + add.table() + " and "
                    + constraint.referencedTable().orElse("the referenced table") + " are blocked, and fails if a"
                    + " row has no match",
                    "ADD CONSTRAINT … NOT VALID in one script, VALIDATE CONSTRAINT in the next (each script is its own"
                    + " transaction once set up)", false);
            case CHECK -> new Hazard(name + " without NOT VALID",
                    "checks every existing row under an exclusive lock on " + add.table() + ", and fails if a row"
                    + " violates it",
                    "ADD CONSTRAINT … NOT VALID in one script, VALIDATE CONSTRAINT in the next", false);
        });
    }
}
