package com.deploystack.backend.db.schema;

import java.util.List;

/**
 * The changes from one schema to another in the order they must run, and the drop+add pairs that may be renames
 * (never guessed: the person says so with {@code --rename}).
 */
public record Plan(List<Change> changes, List<String> possibleRenames) {

    public Plan {
        changes = List.copyOf(changes);
        possibleRenames = List.copyOf(possibleRenames);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Differences the generator cannot write DDL for. */
    public List<Change.Unsupported> unsupported() {
        return changes.stream().filter(Change.Unsupported.class::isInstance).map(Change.Unsupported.class::cast)
                .toList();
    }
}
